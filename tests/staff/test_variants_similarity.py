"""Wording variants in templates, and how alike letters are."""

from __future__ import annotations

import pytest
from jinja2 import TemplateSyntaxError

from letters.rendering import LetterRenderer, Supporter
from letters.sandbox import make_environment
from letters.similarity import report, similarity
from letters.templates import ContentError, check_source
from letters.variants import count_variants, expand_variants
from tests.letters.conftest import make_target, write_campaign

BODY = ("{{ target|salutation }}\n\n[[I am writing to you.|Let me write to you.|I write today.]]"
        "\n\n[[A treaty now.\n|We need a treaty.\n]]\n{{ supporter.name }}\n")


def renderer(tmp_path) -> LetterRenderer:
    from letters.templates import load_campaign_dir

    folder = write_campaign(tmp_path, {"en": f"subject: Test\n---\n{BODY}"})
    return LetterRenderer({"test-campaign": load_campaign_dir(folder)})


def render(r, email, target=None):
    supporter = Supporter(name="Ann Lee", email=email)
    return r.render("test-campaign", target or make_target(), supporter).body


def test_one_alternative_per_letter(tmp_path):
    r = renderer(tmp_path)
    bodies = {render(r, f"person{i}@example.org") for i in range(40)}
    assert len(bodies) == 6  # 3 x 2 combinations, all used by 40 supporters
    for body in bodies:
        assert "[[" not in body and "|" not in body


def test_the_choice_is_stable_per_supporter_across_targets(tmp_path):
    r = renderer(tmp_path)
    first = render(r, "ann@example.org", make_target(id="a", name="A B", family_name="B"))
    second = render(r, "ann@example.org", make_target(id="c", name="C D", family_name="D"))
    assert first.split("\n", 1)[1] == second.split("\n", 1)[1]
    assert render(r, "ann@example.org") == render(r, "ann@example.org")


def test_variants_keep_line_numbers_for_errors():
    with pytest.raises(ContentError) as error:
        check_source("[[a|b]]\n[[c\n|d]]\n{{ nope }}\n")
    assert error.value.line == 4


def test_variant_syntax_errors():
    with pytest.raises(TemplateSyntaxError, match="not closed"):
        expand_variants("x [[a|b\n")
    with pytest.raises(TemplateSyntaxError, match="nested"):
        expand_variants("[[a|[[b|c]]]]")


def test_a_bar_inside_jinja_does_not_split():
    env = make_environment()
    source = "[[{{ name|upper }}|x]]"
    outputs = {env.from_string(source).render(name="a", variant_seed=str(i)) for i in range(20)}
    assert outputs == {"A", "x"}
    assert count_variants(source) == 1


def test_similarity_of_letters():
    a = "I ask you to support a treaty that pauses the most powerful AI systems now."
    assert similarity(a, a) == 1.0
    assert similarity(a, "Completely different words about something else entirely here.") == 0
    result = report([a, a, a + " My own sentence about my children and their future."])
    assert result.letters == 3
    assert result.highest == 1.0
    assert result.near_copies == 2
    assert 0.5 < result.mean < 1.0


def test_variants_make_letters_less_alike(tmp_path):
    r = renderer(tmp_path)
    plain = [render(r, "same@example.org") for _ in range(10)]
    varied = [render(r, f"p{i}@example.org") for i in range(10)]
    assert report(varied).mean < report(plain).mean == 1.0


def test_two_way_choices_at_different_places_are_independent():
    """With a linear hash (CRC) every two-way choice flipped together: 5,000 supporters over
    five places got 2 distinct letters instead of 32."""
    from letters.sandbox import _variant_filter

    letters = {
        tuple(_variant_filter({"variant_seed": f"supporter-{n}@example.org"}, place, 2)
              for place in range(5))
        for n in range(5000)
    }
    assert len(letters) == 32
