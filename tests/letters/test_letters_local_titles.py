"""A letter template's `target.name`, `target.role` and `target.body` are in the letter's
language: the office's own title where the letter is written in the office's language."""

from __future__ import annotations

from letters.rendering import LetterRenderer
from letters.templates import load_campaign_dir
from representatives.model import TargetKind

from .conftest import make_target, write_campaign

TEMPLATE = ("subject: {subject}\n---\n"
            "{{{{ target.name }}}} | {{{{ target.role }}}} | {{{{ target.body }}}}\n")


def _renderer(tmp_path) -> LetterRenderer:
    folder = write_campaign(tmp_path, {
        "en": TEMPLATE.format(subject="A treaty"),
        "fr": TEMPLATE.format(subject="Un traité"),
        "de": TEMPLATE.format(subject="Ein Vertrag"),
    }, target_kinds=["minister", "head_of_government"])
    return LetterRenderer({"test-campaign": load_campaign_dir(folder)})


def _president(**overrides):
    values = dict(
        id="fr:president", name="President of the Republic", given_name=None, family_name=None,
        kind=TargetKind.HEAD_OF_GOVERNMENT, role="President of the Republic",
        body="Presidency of the Republic", country="FR", language="fr", by_title=True,
        local_role="Président de la République",
        local_body="Présidence de la République (Palais de l'Élysée)")
    values.update(overrides)
    return make_target(**values)


def test_a_letter_in_the_offices_language_names_it_in_that_language(tmp_path, supporter):
    renderer = _renderer(tmp_path)
    french = renderer.render("test-campaign", _president(), supporter)
    assert french.language == "fr"
    assert french.body == ("Président de la République | Président de la République | "
                           "Présidence de la République (Palais de l'Élysée)\n")
    for language in ("en", "de"):
        other = renderer.render("test-campaign", _president(), supporter, language=language)
        assert other.body == ("President of the Republic | President of the Republic | "
                              "Presidency of the Republic\n")


def test_a_named_holder_keeps_their_name_and_gets_the_local_role(tmp_path, supporter):
    named = _president(id="fr:president:x", name="Alex Martin", given_name="Alex",
                       family_name="Martin", by_title=False)
    letter = _renderer(tmp_path).render("test-campaign", named, supporter)
    assert letter.body.startswith("Alex Martin | Président de la République | ")


def test_letters_rendered_together_name_each_office_as_their_own_render_does(
        tmp_path, supporter):
    """render_each shares a render between targets that agree on what it read: two offices
    with the same English title but different local ones must each get their own."""
    renderer = _renderer(tmp_path)
    targets = [
        _president(),
        _president(id="fr:pm", name="Prime Minister", role="Prime Minister",
                   body="Services of the Prime Minister", local_role="Premier ministre",
                   local_body="Services du Premier ministre"),
        _president(id="fr:pm2", name="Prime Minister", role="Prime Minister",
                   body="Services of the Prime Minister", local_role=None, local_body=None),
    ]
    for language in (None, "en"):
        together = renderer.render_each("test-campaign", targets, supporter, language=language)
        alone = [renderer.render("test-campaign", t, supporter, language=language)
                 for t in targets]
        assert together == alone
    assert [letter.body.split(" | ")[0] for letter in alone] == [
        "President of the Republic", "Prime Minister", "Prime Minister"]
    french = renderer.render_each("test-campaign", targets, supporter)
    assert [letter.body.split(" | ")[0] for letter in french] == [
        "Président de la République", "Premier ministre", "Prime Minister"]
