"""Letter render time: the sandboxed, compiled campaign template against plain Jinja.

Renders the default campaign's English letter to one target many times, once through
letters.rendering.LetterRenderer (sandboxed environment, metered loops, read-only views) and
once through a plain jinja2.Environment compiled from the same source with the same variables.
Goal: within 2x of plain Jinja and under 100 µs per letter.

    .venv/bin/python bench/render.py [--letters N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jinja2  # noqa: E402

from letters.rendering import LetterRenderer, Supporter, normalise_body  # noqa: E402
from letters.salutations import salutation  # noqa: E402
from letters.sandbox import CampaignView, SupporterView, TargetView  # noqa: E402
from letters.summit_views import record_view  # noqa: E402
from letters.templates import load_all_campaigns  # noqa: E402
from representatives.model import Channel, ChannelKind, Target, TargetKind  # noqa: E402

SLUG = "treaty-at-next-summit"


def best_per_letter(function, letters: int, rounds: int = 5) -> float:
    """Best of `rounds` runs, in microseconds per letter."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(letters):
            function()
        best = min(best, (time.perf_counter() - started) / letters)
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=20_000)
    args = parser.parse_args()

    campaigns = load_all_campaigns()
    content = campaigns[SLUG]
    renderer = LetterRenderer(campaigns)
    target = Target(id="bench:1", name="Jane Smith", kind=TargetKind.MP,
                    role="Member of Parliament", body="House of Commons", country="GB",
                    language="en", given_name="Jane", family_name="Smith",
                    channels=(Channel(ChannelKind.EMAIL, "jane@parliament.example"),))
    supporter = Supporter(name="Ann Lee", email="ann@example.org", town="Leeds",
                          own_words="My children will live with what we build now.",
                          country="GB")

    template = content.templates["en"]
    plain_env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True,
                                   keep_trailing_newline=True)
    plain_env.filters["salutation"] = lambda t, language=None: salutation(
        t._source, language or "en")
    plain_subject = plain_env.from_string(template.subject)
    plain_body = plain_env.from_string(template.body)

    def plain():
        # The same work the renderer does around the template: views, normalising.
        variables = {
            "supporter": SupporterView(supporter.name, supporter.town, supporter.own_words,
                                       supporter.country),
            "target": TargetView(target.name, target.given_name, target.family_name, "",
                                 target.gender or "", str(target.kind), target.role,
                                 target.body, "", target.country, target),
            "campaign": CampaignView(content.title("en")), "summit": None,
            "record": record_view(None, "GB", "en"),
            "language": "en",
        }
        " ".join(plain_subject.render(variables).split())
        normalise_body(plain_body.render(variables))

    def sandboxed():
        renderer.render(SLUG, target, supporter)

    assert renderer.render(SLUG, target, supporter).body.startswith("Dear Jane Smith")
    plain()
    sandboxed_us = best_per_letter(sandboxed, args.letters)
    plain_us = best_per_letter(plain, args.letters)
    ratio = sandboxed_us / plain_us
    print(f"letters per run: {args.letters}, best of 5 runs")
    print(f"{'plain Jinja (same template, same views)':<45}{plain_us:8.1f} µs/letter")
    print(f"{'sandboxed, compiled (LetterRenderer.render)':<45}{sandboxed_us:8.1f} µs/letter")
    print(f"ratio {ratio:.2f}x (goal <= 2x); "
          f"{'under' if sandboxed_us < 100 else 'OVER'} 100 µs per letter")


if __name__ == "__main__":
    main()
