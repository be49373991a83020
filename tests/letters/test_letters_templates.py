"""Loading campaign folders and letter templates, and refusing malformed ones with file and line."""

from __future__ import annotations

import json

import pytest

from letters.templates import (
    ContentError,
    LetterTemplate,
    load_all_campaigns,
    load_campaign_dir,
    parse_template,
)
from representatives.model import TargetKind

from .conftest import CAMPAIGN, write_campaign

GOOD = "subject: Hello {{ target.name }}\ntargets: mp, mep\n---\n{{ target|salutation }}\n\nText.\n"


def test_shipped_campaign_loads(campaigns):
    content = campaigns[CAMPAIGN]
    assert content.slug == CAMPAIGN
    assert content.title("en") == "A treaty at the next AI summit"
    assert content.title("nl") and content.title("nl") != content.title("en")
    assert content.target_kinds == (
        TargetKind.SUMMIT_DELEGATE,
        TargetKind.MINISTER,
        TargetKind.HEAD_OF_GOVERNMENT,
        TargetKind.MP,
        TargetKind.MEP,
    )
    assert {"en", "nl"} <= set(content.templates)
    for template in content.templates.values():
        assert isinstance(template, LetterTemplate)
        assert set(template.target_kinds) == set(content.target_kinds)


@pytest.mark.parametrize("language", ["en", "nl", "de", "fr", "es", "ja", "ko", "zh", "pt"])
def test_intros_have_two_to_four_paragraphs(campaigns, language):
    content = campaigns[CAMPAIGN]
    paragraphs = [p for p in content.intro(language).split("\n\n") if p.strip()]
    assert 2 <= len(paragraphs) <= 4
    assert content.intro(language) != content.intro("en") or language == "en"


def test_title_and_intro_fall_back_to_english(campaigns):
    content = campaigns[CAMPAIGN]
    assert content.title("xx") == content.title("en")
    assert content.intro("xx") == content.intro("en")


def test_parse_template():
    template = parse_template(GOOD, campaign="c", language="en", path="c/en.txt")
    assert template.subject == "Hello {{ target.name }}"
    assert template.target_kinds == (TargetKind.MP, TargetKind.MEP)
    assert template.body.startswith("{{ target|salutation }}")
    assert template.body_line == 4


def test_targets_default_to_the_campaign_kinds():
    template = parse_template(
        "subject: Hi\n---\nBody\n", campaign="c", language="en", default_kinds=(TargetKind.MP,)
    )
    assert template.target_kinds == (TargetKind.MP,)


def test_crlf_files_parse():
    template = parse_template(GOOD.replace("\n", "\r\n"), campaign="c", language="en")
    assert "\r" not in template.body and template.subject == "Hello {{ target.name }}"


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        ("subject: Hi\nBody without separator\n", "key: value", 2),
        ("subject: Hi\n", "no '---' line", 2),
        ("subject Hi\n---\nBody\n", "key: value", 1),
        ("subject: Hi\nfrom: me\n---\nBody\n", "unknown header 'from'", 2),
        ("subject: Hi\nsubject: Again\n---\nBody\n", "given twice", 2),
        ("targets: mp\n---\nBody\n", "non-empty 'subject'", 2),
        ("subject:\n---\nBody\n", "non-empty 'subject'", 1),
        ("subject: Hi\ntargets: mp, senator\n---\nBody\n", "unknown target kind 'senator'", 2),
        ("subject: Hi\n---\n\n  \n", "body is empty", 3),
        ("subject: Hi {{ target.name\n---\nBody\n", "template:", 1),
        ("subject: Hi\n---\nLine one\nLine two\n{% if x %}\n", "template:", 5),
        ("subject: Hi\n---\nOne\n{{ supporter.name }}\n{{ secret }}\n", "variable 'secret'", 5),
        ("subject: Hi\n---\n{{ range(3) }}\n", "unknown variable 'range'", 3),
        ("subject: Hi\n---\nA\n{{ target|attr('x') }}\n", "No filter named 'attr'", 4),
        ("subject: Hi\n---\nA\n{% endif %}\n", "template:", 4),
    ],
)
def test_malformed_templates_say_file_and_line(text, fragment, line):
    with pytest.raises(ContentError) as caught:
        parse_template(text, campaign="c", language="en", path="campaigns/c/en.txt")
    error = caught.value
    assert fragment in str(error)
    assert (error.path, error.line) == ("campaigns/c/en.txt", line)
    assert str(error).startswith(f"campaigns/c/en.txt:{line}: ")


def test_load_campaign_dir(tmp_path):
    folder = write_campaign(tmp_path, {"en": GOOD, "nl": GOOD})
    content = load_campaign_dir(folder)
    assert content.slug == "test-campaign"
    assert set(content.templates) == {"en", "nl"}
    assert content.templates["nl"].path == str(folder / "nl.txt")
    assert not hasattr(content, "summit")  # the summits are data (rep_summit), not content


def test_load_all_campaigns_from_a_root(tmp_path):
    write_campaign(tmp_path, {"en": GOOD}, slug="one")
    write_campaign(tmp_path, {"en": GOOD}, slug="two")
    (tmp_path / "not-a-campaign").mkdir()
    assert list(load_all_campaigns(tmp_path)) == ["one", "two"]


def test_template_error_names_the_file(tmp_path):
    folder = write_campaign(tmp_path, {"en": GOOD, "nl": "subject: Hoi\nBody\n"})
    with pytest.raises(ContentError) as caught:
        load_campaign_dir(folder)
    assert caught.value.path == str(folder / "nl.txt")
    assert caught.value.line == 2


def test_invalid_json_gives_its_line(tmp_path):
    folder = write_campaign(tmp_path, {"en": GOOD})
    (folder / "campaign.json").write_text('{\n  "slug": "test-campaign",\n  oops\n}\n')
    with pytest.raises(ContentError, match="invalid JSON") as caught:
        load_campaign_dir(folder)
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("meta", "fragment"),
    [
        ({"slug": "other"}, "differs from the folder name"),
        ({"slug": "Bad Slug"}, "'slug' must be"),
        ({"target_kinds": ["mp", "king"]}, "unknown target kind 'king'"),
        ({"target_kinds": []}, "no target kinds"),
        ({"title": {"nl": "Alleen Nederlands"}}, "needs an English"),
        ({"intro": "not a map"}, "'intro' must map"),
        ({"summit": {"name": "X"}}, "the summits are data"),
    ],
)
def test_bad_campaign_json(tmp_path, meta, fragment):
    folder = write_campaign(tmp_path, {"en": GOOD})
    data = json.loads((folder / "campaign.json").read_text())
    data.update(meta)
    (folder / "campaign.json").write_text(json.dumps(data))
    with pytest.raises(ContentError, match=fragment) as caught:
        load_campaign_dir(folder)
    assert caught.value.path == str(folder / "campaign.json")


def test_english_template_is_required(tmp_path):
    folder = write_campaign(tmp_path, {"nl": GOOD})
    with pytest.raises(ContentError, match="missing the English template"):
        load_campaign_dir(folder)


def test_template_files_are_named_by_language(tmp_path):
    folder = write_campaign(tmp_path, {"en": GOOD, "english": GOOD})
    with pytest.raises(ContentError, match="named <language>.txt"):
        load_campaign_dir(folder)


def test_template_targets_must_be_addressed_by_the_campaign(tmp_path):
    folder = write_campaign(tmp_path, {"en": GOOD}, target_kinds=["mp"])
    with pytest.raises(ContentError, match="mep are not addressed") as caught:
        load_campaign_dir(folder)
    assert caught.value.path == str(folder / "en.txt")


def test_non_utf8_template(tmp_path):
    folder = write_campaign(tmp_path, {"en": GOOD})
    (folder / "en.txt").write_bytes("subject: Caf\xe9\n---\nBody\n".encode("latin-1"))
    with pytest.raises(ContentError, match="not UTF-8"):
        load_campaign_dir(folder)
