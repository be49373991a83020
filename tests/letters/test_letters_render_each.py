"""Rendering each distinct letter once: `LetterRenderer.render_each` and `share_letters` give
every recipient exactly what a render of their own would, on the shipped campaign and on
templates that read the target in other ways."""

from __future__ import annotations

from collections import Counter

import pytest

import letters.rendering
import letters.sandbox
import letters.sharing
from letters.rendering import LetterRenderer, Supporter
from letters.sandbox import (
    RenderLimitExceeded,
    make_environment,
    recipient_lines_printed_as_they_come,
)
from letters.sharing import share_letters
from letters.templates import load_campaign_dir
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target, write_campaign


class RendersEachAfresh(LetterRenderer):
    """A renderer that renders every letter on its own, as share_letters did before."""

    def render_each(self, campaign_slug, targets, supporter, language=None, summits=None):
        return [self.render(campaign_slug, target, supporter, language=language,
                            summits=summits) for target in targets]


def _mep(number, country, language, gender=None, **overrides):
    return make_target(id=f"mep:{country}{number}", name=f"Alex Wagner{number}",
                       given_name="Alex", family_name=f"Wagner{number}", kind=TargetKind.MEP,
                       role="Member of the European Parliament", body="European Parliament",
                       country=country, language=language, gender=gender, **overrides)


def _mix():
    """MEPs of several countries, genders and languages; ministers by name and by title; MPs
    with areas; heads of government; summit delegates at home and at the summit's host."""
    genders = ("female", "male", None)
    meps = [_mep(i, country, language, genders[i % 3], honorific="Dr" if i == 4 else None)
            for country, language in (("DE", "de"), ("FR", "fr"), ("BE", "nl"), ("BE", "fr"),
                                      ("IE", "en"), ("IE", "ga"), ("PL", "pl"), ("IT", "it"))
            for i in range(6)]
    government = [
        make_target(id="de:min", name="Bundesministerium für Digitales", given_name=None,
                    family_name=None, kind=TargetKind.MINISTER, role="Minister", country="DE",
                    language="de", by_title=True),
        make_target(id="de:min2", name="Karin Prien", given_name="Karin", family_name="Prien",
                    kind=TargetKind.MINISTER, role="Bundesministerin", country="DE",
                    language="de", gender="female"),
        make_target(id="de:hog", name="Friedrich Merz", given_name="Friedrich",
                    family_name="Merz", kind=TargetKind.HEAD_OF_GOVERNMENT,
                    role="Bundeskanzler", country="DE", language="de", gender="male"),
        make_target(id="gb:hog", name="Keir Starmer", given_name="Keir", family_name="Starmer",
                    kind=TargetKind.HEAD_OF_GOVERNMENT, role="Prime Minister", country="GB",
                    language="en", gender="male", honorific="Sir"),
        make_target(id="fr:min", name="Clara Chappaz", given_name="Clara",
                    family_name="Chappaz", kind=TargetKind.MINISTER, role="Ministre",
                    country="FR", language="fr", gender="female"),
        make_target(id="ch:del", name="Swiss delegation", given_name=None, family_name=None,
                    kind=TargetKind.SUMMIT_DELEGATE, country="CH", language="de",
                    by_title=True),
        make_target(id="jp:del", name="Taro Yamada", given_name="Taro", family_name="Yamada",
                    kind=TargetKind.SUMMIT_DELEGATE, country="JP", language="ja"),
    ]
    mps = [make_target(id=f"gb:{i}", name=f"Sam Jones{i}", given_name="Sam",
                       family_name=f"Jones{i}", area=f"Leeds {i}", gender=genders[i % 3])
           for i in range(5)]
    mps += [make_target(id=f"us:{i}", name=f"Pat Lee{i}", given_name="Pat",
                        family_name=f"Lee{i}", area=f"CA-{i}", country="US", role="Senator",
                        body="United States Senate", honorific="Sen.", language="en")
            for i in range(3)]
    return meps + government + mps


SUPPORTERS = [
    Supporter(name="Ann Lee", email="ann@example.net", town="Leeds", country="DE"),
    Supporter(name="Jo Bloggs", email="jo@example.net", own_words="I worry about it.\n\nA lot."),
    # A placeholder's character typed by the supporter is printed as it was typed.
    Supporter(name="Kim \ue000 Park", email="kim@example.net", town="\ue001",
              own_words="\ue000\ue001\ue002", country="FR"),
]


@pytest.mark.parametrize("supporter", SUPPORTERS, ids=["de", "own-words", "placeholders"])
@pytest.mark.parametrize("language", [None, "en", "fr"])
def test_every_letter_is_what_its_own_render_writes(campaigns, summits, supporter, language):
    renderer, afresh = LetterRenderer(campaigns), RendersEachAfresh(campaigns)
    targets = _mix()
    assert renderer.render_each(CAMPAIGN, targets, supporter, language, summits) == (
        afresh.render_each(CAMPAIGN, targets, supporter, language, summits))
    assert share_letters(renderer, CAMPAIGN, targets, supporter, summits, language) == (
        share_letters(afresh, CAMPAIGN, targets, supporter, summits, language))
    # Without the summit data, too (no `summit`, an empty `record`).
    assert share_letters(renderer, CAMPAIGN, targets, supporter, language=language) == (
        share_letters(afresh, CAMPAIGN, targets, supporter, language=language))


def test_a_country_s_meps_are_written_one_letter(renderer, summits, supporter, monkeypatch):
    renders = []

    def counted(template, variables):
        renders.append(template)
        return render_text(template, variables)

    render_text = letters.rendering.render_text
    monkeypatch.setattr(letters.rendering, "render_text", counted)
    meps = [_mep(i, "DE", "de", ("female", "male", None)[i % 3]) for i in range(30)]
    [letter] = share_letters(renderer, CAMPAIGN, meps, supporter, summits)
    assert len(letter.recipients) == 30
    assert len(renders) == 2  # one subject and one body
    assert {r.salutation for r in letter.recipients} >= {
        "Sehr geehrte Frau Wagner0,", "Sehr geehrter Herr Wagner1,"}


NAMED_IN_THE_BODY = """subject: For {{ target.name }}
targets: minister, mp, mep
---
{{ target|salutation }}

As the member for {{ target.area or "nowhere" }}, {{ target.name }}, please act.
{% if target.gender == "female" %}
Thank you, madam.
{% endif %}

{{ target|closing }}

{{ supporter.name }}
"""

# Templates that read the target or print its lines otherwise than the shipped ones: most in a
# way a placeholder could not stand in for, the last two as it can (with a language given, and
# in the subject).
OTHER_WAYS = {
    "set": "{% set line = target|salutation %}{{ line }} ({{ line|length }})\n\nHello.\n",
    "changed": "{{ target|salutation|upper }}\n\nHello.\n",
    "compared": "{{ target|salutation }}\n{% if (target|closing).startswith('Yours f') %}"
                "Formal.{% endif %}\n",
    "macro": "{% macro greet() %}{{ target|salutation }}{% endmacro %}{{ greet() }}\n\n"
             "{{ greet()|length }}\n",
    "filter block": "{% filter upper %}{{ target|salutation }}{% endfilter %}\n\nHi.\n",
    "as text": "{{ target|salutation }}\n\n{{ (target|lower)[:40] }}\n{{ (target ~ '')|length }}\n",
    "language": "{{ target|salutation('fr') }}\n\n{{ target|closing('fr') }}\n",
    "subject": "{{ target|salutation }}\n\nHello.\n",
}


def _campaign(tmp_path, body, subject="A treaty"):
    folder = write_campaign(tmp_path, {"en": f"subject: {subject}\n---\n{body}"})
    return {"test-campaign": load_campaign_dir(folder)}


def _both(campaigns):
    return LetterRenderer(campaigns), RendersEachAfresh(campaigns)


def _targets():
    """MEPs, MPs, and English offices greeted "Dear Sir or Madam," (closing "Yours
    faithfully,")."""
    offices = [make_target(id=f"gb:office{i}", name="Foreign Office", given_name=None,
                           family_name=None, kind=TargetKind.SUMMIT_DELEGATE, by_title=True)
               for i in range(2)]
    return [*_mix()[:12], *offices, *_mix()[-8:]]


def test_a_letter_naming_its_recipient_is_never_shared(tmp_path, supporter):
    folder = write_campaign(tmp_path, {"en": NAMED_IN_THE_BODY})
    renderer, afresh = _both({"test-campaign": load_campaign_dir(folder)})
    genders = (None, None, "female", "female", None, "female")
    mps = [make_target(id=f"gb:{i}", name="Sam Jones", area=f"Leeds {i // 2}", gender=gender)
           for i, gender in enumerate(genders)]
    letters_ = renderer.render_each("test-campaign", mps, supporter)
    assert letters_ == afresh.render_each("test-campaign", mps, supporter)
    assert [letter.body.count("Leeds 1") for letter in letters_] == [0, 0, 1, 1, 0, 0]
    shared = share_letters(renderer, "test-campaign", mps, supporter)
    assert shared == share_letters(afresh, "test-campaign", mps, supporter)
    # Same area and gender, same text: those are shared, and only those.
    assert [[r.target.id for r in letter.recipients] for letter in shared] == [
        ["gb:0", "gb:1"], ["gb:2", "gb:3"], ["gb:4"], ["gb:5"]]


@pytest.mark.parametrize("way", OTHER_WAYS)
def test_other_templates_write_what_their_own_render_would(tmp_path, supporter, way):
    subject = "{{ target|salutation }} {{ target|closing }}" if way == "subject" else "Hi"
    renderer, afresh = _both(_campaign(tmp_path, OTHER_WAYS[way], subject))
    targets = _targets()
    assert renderer.render_each("test-campaign", targets, supporter) == (
        afresh.render_each("test-campaign", targets, supporter))
    assert share_letters(renderer, "test-campaign", targets, supporter) == (
        share_letters(afresh, "test-campaign", targets, supporter))


@pytest.mark.parametrize("renderer_class", [LetterRenderer, RendersEachAfresh],
                         ids=["traced", "own renders"])
def test_each_recipient_s_lines_are_worked_out_once(campaigns, summits, supporter, monkeypatch,
                                                   renderer_class):
    worked_out: Counter = Counter()

    def counting(kind, work_out):
        def counted(target, language):
            worked_out[kind, id(target), language] += 1
            return work_out(target, language)
        return counted

    # Wherever a line is worked out: in a render (the filters, the placeholders) and where the
    # letters are shared.
    for module in (letters.sandbox, letters.sharing):
        monkeypatch.setattr(module, "salutation", counting("salutation", module.salutation))
        monkeypatch.setattr(module, "closing", counting("closing", module.closing))
    targets = _mix()
    renderer = renderer_class(campaigns)
    shared = share_letters(renderer, CAMPAIGN, targets, supporter, summits)
    assert {id(r.target) for letter in shared for r in letter.recipients} == set(map(id, targets))
    assert {key[1] for key in worked_out if key[0] == "salutation"} == set(map(id, targets))
    assert set(worked_out.values()) == {1}
    # Kept for one call only.
    share_letters(renderer, CAMPAIGN, targets, supporter, summits)
    assert set(worked_out.values()) == {2}


def test_only_lines_printed_as_they_come_are_left_as_placeholders():
    env = make_environment()

    def printed_as_they_come(source):
        return recipient_lines_printed_as_they_come(env.parse(source))

    assert printed_as_they_come("{{ target|salutation }}\n{% if x %}{% for y in z %}"
                                "{{ target|closing }}{% endfor %}{% endif %}")
    assert printed_as_they_come("Nothing about the recipient.")
    assert printed_as_they_come(OTHER_WAYS["language"])
    for way in ("set", "changed", "compared", "macro", "filter block"):
        assert not printed_as_they_come(OTHER_WAYS[way]), way
    assert not printed_as_they_come("{% autoescape true %}{{ target|salutation }}"
                                    "{% endautoescape %}")
    assert not printed_as_they_come("{{ target|salutation if x else '' }}")


def test_a_longer_salutation_past_the_output_limit_is_refused_as_its_own_render_would_be(
        tmp_path, supporter):
    # 1,000 times a 99-character town, then the name: its length brings the letter to the
    # limit with a short salutation, and past it with a longer one.
    body = ("{{ target|salutation }}\n{% for letter in supporter.own_words %}"
            "{{ supporter.town }}{% endfor %}{{ supporter.name }}\n")
    renderer, afresh = _both(_campaign(tmp_path, body))
    short = make_target(id="gb:1", name="Jo Li", given_name="Jo", family_name="Li",
                        gender="female")
    long = make_target(id="gb:2", name="Jo Li", given_name="Jo", family_name="Li",
                       gender="female", by_title=True)
    assert len(renderer.render("test-campaign", long, supporter).body) > len(
        renderer.render("test-campaign", short, supporter).body)

    def writing(length):
        return Supporter(name="n" * length, email="a@example.net", town="t" * 99,
                         own_words="w" * 1000)

    def fits(target, length):
        try:
            renderer.render("test-campaign", target, writing(length))
        except RenderLimitExceeded:
            return False
        return True

    low, high = 0, 2000  # the longest name with which the short salutation fits
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(short, middle) else (low, middle - 1)
    at_the_limit = writing(low)
    assert fits(short, low) and not fits(long, low)
    assert renderer.render_each("test-campaign", [short, short], at_the_limit) == (
        afresh.render_each("test-campaign", [short, short], at_the_limit))
    for order in ([short, long], [long, short]):
        with pytest.raises(RenderLimitExceeded):
            renderer.render_each("test-campaign", order, at_the_limit)


def test_a_template_doing_too_much_work_is_stopped_as_before(tmp_path, supporter):
    body = ("{{ target|salutation }}\n{% for a in 'x' * 30 %}{% for b in 'x' * 30 %}"
            "{% for c in target.name * 3 %}{% endfor %}{% endfor %}{% endfor %}\n")
    renderer, _afresh = _both(_campaign(tmp_path, body))
    with pytest.raises(RenderLimitExceeded, match="too much work"):
        share_letters(renderer, "test-campaign", _targets(), supporter)
