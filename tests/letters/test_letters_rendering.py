"""Rendering letters: per kind of target and language, fallback, supporter text, the sandbox."""

from __future__ import annotations

import jinja2
import pytest

from letters.rendering import LetterRenderer, SecurityError, Supporter, UnknownCampaign
from letters.salutations import salutation
from letters.templates import DEFAULT_ROOT, load_campaign_dir
from representatives.countries import EU_OFFICIAL_LANGUAGES
from representatives.model import TargetKind

from .conftest import CAMPAIGN, make_target, write_campaign

K = TargetKind
ASKS = {
    ("en", K.SUMMIT_DELEGATE): "Will you propose that negotiations on such a treaty be put on "
    "the agenda of the next summit, and support them there?",
    ("en", K.MINISTER): "Will you make sure that the government proposes putting negotiations "
    "on such a treaty on the agenda of the next summit",
    ("en", K.HEAD_OF_GOVERNMENT): "Will you make negotiations on such a treaty your government's "
    "position for the next summit, and raise it with the other heads of government taking part?",
    ("en", K.MP): "Will you ask the government to put negotiations on such a treaty on the "
    "agenda of the next summit, for example through written questions or a motion?",
    ("en", K.MEP): "Will you call on the European Commission and the Council to put negotiations "
    "on such a treaty on the agenda of the next summit on behalf of the European Union",
    ("nl", K.SUMMIT_DELEGATE): "Wilt u voorstellen om onderhandelingen over zo'n verdrag op de "
    "agenda van de volgende top te zetten, en ze daar steunen?",
    ("nl", K.MINISTER): "Wilt u ervoor zorgen dat de regering voorstelt",
    ("nl", K.HEAD_OF_GOVERNMENT): "Wilt u van onderhandelingen over zo'n verdrag het standpunt van "
    "uw regering voor de volgende top maken",
    ("nl", K.MP): "Wilt u de regering vragen om onderhandelingen over zo'n verdrag op de agenda "
    "van de volgende top te zetten, bijvoorbeeld met schriftelijke vragen of een motie?",
    ("nl", K.MEP): "Wilt u de Europese Commissie en de Raad oproepen om namens de Europese Unie",
}


def word_count(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(("language", "kind"), list(ASKS))
def test_each_kind_gets_its_own_ask(renderer, supporter, language, kind):
    target = make_target(kind=kind, language=language)
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert letter.language == language and not letter.fell_back
    assert ASKS[language, kind] in letter.body
    # Exactly one ask: none of the other kinds' sentences slipped in.
    others = [ask for (lang, k), ask in ASKS.items() if lang == language and k != kind]
    assert not any(ask in letter.body for ask in others)
    assert 250 <= word_count(letter.body) <= 350


# Greek ends a question with ";" (the Greek question mark, or the semicolon that stands for it);
# Chinese and Japanese with a full-width mark, Arabic and Persian with a reversed one.
_QUESTION_MARKS = {"el": ("?", ";", "\u037e"), "ja": ("？", "?"), "zh": ("？", "?"),
                   "ar": ("؟",), "fa": ("؟",), "dv": ("؟",)}
# Languages written without spaces between words: their length is counted in characters.
_CHARACTERS_PER_WORD = {"ja": 2.5, "zh": 1.7}
# Every language the default campaign has a letter in: the EU's 24 and those of the summit
# countries' governments.
LETTER_LANGUAGES = sorted(load_campaign_dir(DEFAULT_ROOT / CAMPAIGN).templates)


def letter_length(text: str, language: str) -> float:
    """Words, or for languages without spaces their characters in words' worth."""
    per_word = _CHARACTERS_PER_WORD.get(language.split("-")[0])
    if per_word is None:
        return word_count(text)
    return len("".join(text.split())) / per_word


def test_every_eu_language_has_a_letter():
    assert set(EU_OFFICIAL_LANGUAGES) <= set(LETTER_LANGUAGES)


@pytest.mark.parametrize("language", LETTER_LANGUAGES)
@pytest.mark.parametrize("kind", list(TargetKind))
def test_every_language_and_kind(renderer, supporter, language, kind):
    target = make_target(kind=kind, language=language, gender="female")
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert (letter.language, letter.fell_back) == (language, False)
    # The letter opens with the language's own salutation (by name or by office).
    assert letter.body.split("\n", 1)[0] == salutation(target, language)
    assert salutation(target, language) != salutation(target, "en") or language == "en"
    for fact in ["10¹²", "10²⁵", "2023", "2024", "2025", "2026", "28"]:
        assert fact in letter.body
    paragraphs = letter.body.split("\n\n")
    # One ask, chosen by the kind of target: the only paragraph that is a question.
    marks = _QUESTION_MARKS.get(language.split("-")[0], ("?",))
    assert sum(p.rstrip().endswith(marks) for p in paragraphs) == 1
    assert 180 <= letter_length(letter.body, language) <= 420
    assert letter.body.endswith("Ann Lee\nLeeds\n")
    # The ask differs by kind of target.
    others = {renderer.render(CAMPAIGN, make_target(kind=k, language=language), supporter).body
              for k in TargetKind}
    assert len(others) == len(TargetKind)


def test_english_letter(renderer, supporter):
    target = make_target(gender="female")
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert letter.subject in {
        "Put an AI pause treaty on the agenda of the next AI summit",
        "A treaty to pause the most powerful AI: please raise it at the next AI summit",
        "Please help start treaty negotiations on pausing frontier AI at the next AI summit",
    }
    assert letter.body.startswith("Dear Ms Smith,\n\n")
    for sentence in [
        "international treaty",
        "the next AI summit.",  # no summit marked next in the data: not named
        "eepfakes",
        "The proposal leaves ordinary AI untouched: it covers only the largest general-purpose "
        "models, those trained with more than 10²⁵ FLOP or with more than 10¹² parameters",
        "Bletchley Park",
        "New Delhi",
        "Montreal Protocol",
    ]:
        assert sentence in letter.body
    assert "narrow" not in letter.body and "10^" not in letter.body
    assert "reply" in letter.body.split("\n\n")[-3]  # asks for a reply
    assert letter.body.endswith("Yours sincerely,\n\nAnn Lee\nLeeds\n")


def test_dutch_letter(renderer, supporter):
    target = make_target(
        name="Jan Jansen",
        given_name="Jan",
        family_name="Jansen",
        gender="male",
        country="NL",
        language="nl",
    )
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert letter.body.startswith("Geachte heer Jansen,\n\n")
    for sentence in ["10¹²", "10²⁵", "Montreal", "Bletchley Park", "New Delhi"]:
        assert sentence in letter.body
    assert letter.body.endswith("Met vriendelijke groet,\n\nAnn Lee\nLeeds\n")


def test_us_member_of_congress(renderer, supporter):
    target = make_target(
        name="John Smith",
        given_name="John",
        family_name="Smith",
        country="US",
        honorific="Sen.",
        body="United States Senate",
    )
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert letter.body.startswith("Dear Senator Smith,")
    assert "Will you urge the administration" in letter.body
    assert "written questions" not in letter.body


def test_missing_translation_falls_back_to_english(renderer, supporter):
    target = make_target(language="th", country="TH")
    letter = renderer.render(CAMPAIGN, target, supporter)
    assert (letter.language, letter.fell_back) == ("en", True)
    assert letter.body.startswith("Dear Jane Smith,")


def test_language_argument_wins_over_the_target(renderer, supporter):
    letter = renderer.render(CAMPAIGN, make_target(language="en"), supporter, language="nl")
    assert (letter.language, letter.fell_back) == ("nl", False)
    assert letter.body.startswith("Geachte Jane Smith,")


def test_kind_missing_from_a_translation_falls_back(tmp_path, supporter):
    folder = write_campaign(
        tmp_path,
        {
            "en": "subject: Hi\n---\n{{ target|salutation }}\n\nEnglish for all.\n",
            "nl": "subject: Hoi\ntargets: mp\n---\n{{ target|salutation }}\n\nAlleen Kamerleden.\n",
        },
    )
    renderer = LetterRenderer({"test-campaign": load_campaign_dir(folder)})
    mep = make_target(kind=TargetKind.MEP, language="nl")
    letter = renderer.render("test-campaign", mep, supporter)
    assert (letter.language, letter.fell_back) == ("en", True)
    assert renderer.render("test-campaign", make_target(language="nl"), supporter).language == "nl"


def test_unknown_campaign(renderer, supporter):
    with pytest.raises(UnknownCampaign):
        renderer.render("no-such-campaign", make_target(), supporter)


def test_own_words_are_a_paragraph_of_their_own(renderer):
    supporter = Supporter(
        name="Ann Lee",
        email="a@example.net",
        own_words="  I live near a data centre.  \r\n\r\n\r\n\r\nPlease act.  ",
    )
    letter = renderer.render(CAMPAIGN, make_target(), supporter)
    assert "or a motion?\n\nI live near a data centre.\n\nPlease act.\n\nThank you" in letter.body


def test_no_own_words_no_empty_paragraph(renderer, supporter):
    letter = renderer.render(CAMPAIGN, make_target(), supporter)
    assert "or a motion?\n\nThank you for " in letter.body


def test_town_is_optional(renderer):
    supporter = Supporter(name="Ann Lee", email="a@example.net")
    letter = renderer.render(CAMPAIGN, make_target(), supporter)
    assert letter.body.endswith("Yours sincerely,\n\nAnn Lee\n")


@pytest.mark.parametrize(
    "words",
    [
        "{{ 7*7 }}",
        "{% for x in target %}{{ x }}{% endfor %}",
        "{{ ''.__class__.__mro__ }}",
        "{# comment #} {{ supporter.email }}",
    ],
)
def test_supporter_text_is_data_not_template(renderer, words):
    supporter = Supporter(
        name="{{ 6*7 }}", email="a@example.net", town="{% raw %}", own_words=words
    )
    letter = renderer.render(CAMPAIGN, make_target(), supporter)
    assert f"\n\n{words}\n\n" in letter.body
    assert letter.body.endswith("{{ 6*7 }}\n{% raw %}\n")
    assert "49" not in letter.body and "42" not in letter.body


def test_output_is_normalised(renderer, supporter):
    letter = renderer.render(CAMPAIGN, make_target(kind=TargetKind.MEP), supporter)
    assert "\n\n\n" not in letter.body
    assert all(line == line.rstrip() for line in letter.body.split("\n"))
    assert letter.body.endswith("\n") and not letter.body.endswith("\n\n")
    assert not letter.body.startswith("\n")
    assert "\n" not in letter.subject


def test_the_next_summit_comes_from_the_data(renderer, supporter, summits):
    """The summit marked next in the data is named; without one, "the next AI summit"."""
    letter = renderer.render(CAMPAIGN, make_target(), supporter, summits=summits)
    assert "the next AI summit (Geneva, 2027)" in letter.body
    assert "(Geneva, 2027)" not in renderer.render(CAMPAIGN, make_target(), supporter).body


def renderer_for(tmp_path, body: str) -> LetterRenderer:
    folder = write_campaign(tmp_path, {"en": f"subject: Test\n---\n{body}\n"})
    return LetterRenderer({"test-campaign": load_campaign_dir(folder)})


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ target.__class__ }}",
        "{{ target._source }}",
        "{{ target._source.channels }}",
        "{{ supporter.__init__.__globals__ }}",
        "{{ campaign.title.format.__globals__ }}",
        "{{ 'a' * 100000 }}",
        "{{ 2 ** 64 }}",
    ],
)
def test_sandbox_refuses_unsafe_access(tmp_path, supporter, body):
    renderer = renderer_for(tmp_path, body)
    with pytest.raises(SecurityError):
        renderer.render("test-campaign", make_target(), supporter)


def test_the_supporter_email_is_not_given_to_templates(tmp_path, supporter):
    renderer = renderer_for(tmp_path, "{{ supporter.email }}")
    with pytest.raises(jinja2.UndefinedError):
        renderer.render("test-campaign", make_target(), supporter)


def test_unknown_attribute_is_an_error_not_blank(tmp_path, supporter):
    renderer = renderer_for(tmp_path, "{{ target.nickname }}")
    with pytest.raises(jinja2.UndefinedError):
        renderer.render("test-campaign", make_target(), supporter)


def test_template_variables_and_filters(tmp_path, supporter, summits):
    body = (
        "{{ target|salutation }} {{ target|salutation('de') }}\n"
        "{{ target.kind }}|{{ target.role }}|{{ target.body }}|{{ target.country }}\n"
        "{{ campaign.title }}|{{ summit.name }}|{{ summit.city }}|{{ summit.when }}|"
        "{{ summit.host }}|{{ record.country }}|{{ record.signed|and_list }}|{{ language }}\n"
        "{{ supporter.name|upper }}|{{ target.area|default('none', true) }}"
    )
    renderer = renderer_for(tmp_path, body)
    letter = renderer.render("test-campaign", make_target(gender="female"), supporter,
                             summits=summits)
    assert letter.body == (
        "Dear Ms Smith, Sehr geehrte Frau Smith,\n"
        "mp|Member of Parliament|House of Commons|GB\n"
        "Test campaign|AI Summit Geneva|Geneva|2027|Switzerland|United Kingdom|"
        "bletchley-2023 and seoul-2024|en\n"
        "ANN LEE|none\n"
    )


def test_languages(renderer):
    assert {"en", "nl"} <= set(renderer.languages(CAMPAIGN))


def test_renderers_compile_only_texts_no_renderer_compiled_before(tmp_path, supporter,
                                                                  monkeypatch):
    """A staff edit reloads the campaigns: only the edited text is compiled again."""
    import dataclasses

    from letters import rendering

    parsed = []
    environment = rendering._environment(rendering.RENDER_SECONDS)
    parse = environment.parse
    monkeypatch.setattr(environment, "parse", lambda source: parsed.append(source) or parse(source))
    body = f"Dear {{{{ target.name }}}}, from {tmp_path.name}."  # a text no other test has
    first = renderer_for(tmp_path, body)
    assert parsed.count(body + "\n") == 1

    content = load_campaign_dir(tmp_path / "test-campaign")
    again = LetterRenderer({"test-campaign": content})
    assert parsed.count(body + "\n") == 1
    assert (again.render("test-campaign", make_target(), supporter).body
            == first.render("test-campaign", make_target(), supporter).body)

    edited = f"Hello {{{{ target.name }}}}, from {tmp_path.name}."
    renderer = LetterRenderer({"test-campaign": dataclasses.replace(content, templates={
        "en": dataclasses.replace(content.templates["en"], body=edited)})})
    assert parsed.count(edited) == 1
    assert (renderer.render("test-campaign", make_target(), supporter).body
            == f"Hello Jane Smith, from {tmp_path.name}.\n")
