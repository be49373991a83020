"""The closing line of a letter ("Yours sincerely,"), agreeing with its salutation.

Where a language's closing depends on how the letter opened, it is built from the same parts as
the salutation, so the two cannot disagree:

- French repeats the salutation's title inside the formula: "Madame la Députée," closes "Je vous
  prie d'agréer, Madame la Députée, l'expression de ma haute considération.", the neutral
  "Madame, Monsieur," closes "Je vous prie d'agréer, Madame, Monsieur, l'expression de mes
  salutations distinguées.". A family name is never repeated ("Madame Dupont," closes with
  "Madame").
- English closes "Yours faithfully," after "Dear Sir or Madam," and "Yours sincerely," after a
  name or an office.

Every other language closes as its default letter does, the same for every target: German
("Mit freundlichen Grüßen" after "Sehr geehrte Frau Ministerin,"), Spanish ("Atentamente,"),
Italian ("Distinti saluti") and Portuguese ("Com os melhores cumprimentos,") close the same way
whoever they greet.

Where the closing agrees with the salutation (`agrees`), a letter shared by several recipients
closes per recipient (letters.sharing), and `is_closing_line` recognises a closing line the
supporter typed or left in the text, so that it is replaced rather than doubled.
"""

from __future__ import annotations

import re

from . import Addressee, _english, _Parts, french_address

# The closing line of each language's default letter, as written there (punctuation included:
# some languages end it with a comma, Hungarian with a colon, others with nothing).
_FIXED: dict[str, str] = {
    "ar": "وتفضلوا بقبول فائق الاحترام والتقدير،",
    "bg": "С уважение,",
    "cs": "S pozdravem",
    "da": "Med venlig hilsen",
    "de": "Mit freundlichen Grüßen",
    "dv": "އިޚްލާޞްތެރިކަމާއެކު،",
    "el": "Με εκτίμηση,",
    "es": "Atentamente,",
    "et": "Lugupidamisega",
    "fa": "با سپاس و احترام،",
    "fi": "Ystävällisin terveisin",
    "ga": "Is mise le meas,",
    "hi": "सादर,",
    "hr": "S poštovanjem",
    "hu": "Tisztelettel:",
    "id": "Hormat saya,",
    "is": "Virðingarfyllst,",
    "it": "Distinti saluti",
    "ja": "敬具",
    "ko": "삼가 올립니다.",
    "lt": "Pagarbiai",
    "lv": "Ar cieņu",
    "mt": "Dejjem tiegħek,",
    "nb": "Med vennlig hilsen",
    "nl": "Met vriendelijke groet,",
    "pl": "Z wyrazami szacunku",
    "pt": "Com os melhores cumprimentos,",
    "pt-br": "Respeitosamente,",
    "ro": "Cu stimă,",
    "ru": "С уважением,",
    "sk": "S pozdravom",
    "sl": "S spoštovanjem",
    "sv": "Med vänliga hälsningar",
    "sw": "Wako mwaminifu,",
    "tr": "Saygılarımla,",
    "uk": "З повагою,",
    "uz": "Hurmat bilan,",
    "zh": "此致\n敬礼！",  # two lines: "此致" ("herewith"), then "敬礼！" ("with respect")
}


def _french_closing(p: _Parts) -> str:
    _, title, high = french_address(p)
    regards = "ma haute considération" if high else "mes salutations distinguées"
    return f"Je vous prie d'agréer, {title}, l'expression de {regards}."


def _english_closing(p: _Parts) -> str:
    # British usage: "faithfully" to an unnamed reader, "sincerely" to one greeted by name or
    # office. American letters say "Sincerely," but "Yours sincerely," is not wrong there.
    return "Yours faithfully," if _english(p) == "Dear Sir or Madam," else "Yours sincerely,"


_BUILT = {"en": _english_closing, "fr": _french_closing}

LANGUAGES = frozenset(_BUILT) | frozenset(_FIXED)


def _base(language: str) -> str:
    return language.lower().split("-")[0]


def agrees(language: str) -> bool:
    """Whether a letter in `language` closes differently for different recipients."""
    return _base(language) in _BUILT


# Closing lines a supporter may write instead of ours, compared without case and without the
# punctuation that ends them.
_ENGLISH_CLOSINGS = frozenset({
    "yours faithfully", "yours sincerely", "yours truly", "yours respectfully", "faithfully",
    "sincerely", "sincerely yours", "respectfully", "respectfully yours", "regards",
    "kind regards", "best regards", "warm regards", "warmest regards", "with kind regards",
    "with best regards", "with best wishes", "best wishes", "all the best", "yours",
})
# French closes with a formula: "Je vous prie d'agréer, Madame, l'expression de ...",
# "Veuillez recevoir ... mes salutations distinguées", "Croyez, Monsieur, à mes sentiments
# respectueux"; or, less formally, one of a few short forms.
_FRENCH_FORMULA = re.compile(
    r"^(je vous prie|veuillez|recevez|croyez|dans l'attente|en vous remerciant)\b"
    r".*\b(salutations|considération|sentiments|respects?|hommages)\b")
_FRENCH_CLOSINGS = frozenset({
    "cordialement", "bien cordialement", "très cordialement", "bien à vous",
    "respectueusement", "salutations distinguées", "sincères salutations",
    "meilleures salutations", "avec mes salutations distinguées",
})


def is_closing_line(line: str, language: str) -> bool:
    """Whether `line` is a closing of a letter in `language` ("Kind regards,", "Veuillez
    agréer ..."); only for the languages whose closing agrees with the salutation."""
    text = " ".join(line.replace("\u2019", "'").casefold().split()).rstrip(",.!:;")
    base = _base(language)
    if base == "en":
        return text in _ENGLISH_CLOSINGS
    if base == "fr":
        return text in _FRENCH_CLOSINGS or bool(_FRENCH_FORMULA.match(text))
    return False


def closing(target: Addressee, language: str) -> str:
    """The closing line of a letter to `target` in `language`, punctuation included: the
    language's own ("pt-br"), else its base language's ("pt"), else English, as `salutation`
    chooses."""
    tag = language.lower()
    for key in (tag, tag.split("-")[0]):
        if key in _BUILT:
            return _BUILT[key](_Parts(target))
        if key in _FIXED:
            return _FIXED[key]
    return _english_closing(_Parts(target))
