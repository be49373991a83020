"""The opening line of a letter ("Dear Dr Smith,"), per language.

Every official language of the European Union has its own forms. Gender is used only where the data
states it, never guessed from a name; without it each language has a neutral form (the full name
where the grammar allows one, otherwise both forms side by side, "Vážená paní, vážený pane,").
Where the kind of target has an office that is the conventional way to address its holders
("Madame la Ministre,", "Szanowny Panie Pośle,"), the office is used; academic titles from the
data ("Dr", "Prof.") are used where a language puts them in a salutation. Family names given in
capitals by some sources (the European Parliament writes "Christophe BAY") are brought back to
ordinary case.

Some languages would have to decline a family name in a salutation (Czech "pane Nováku", Polish,
Lithuanian "pone Kubiliau", Latvian "Bērziņa kungs", Greek "κύριε Παπαδόπουλε"); declining names,
foreign ones above all, by rule goes wrong, so those languages use the office or the title alone
("Vážený pane poslanče,", "Gerbiamas pone,"), which is the established form anyway. Languages
that leave names undeclined in a salutation (Slovak, Slovene, Croatian, Romanian, Bulgarian,
Estonian, Finnish, Hungarian) use them where no office applies.
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Callable
from importlib import import_module
from typing import Protocol


class Addressee(Protocol):
    """The parts of a `representatives.model.Target` a salutation reads.

    Read-only properties, so that a frozen dataclass such as `Target` is one.
    """

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...  # TargetKind: "minister", "mp", "mep", "summit_delegate"
    # "Secretary of State for ...", "Senator", "Member of the European Parliament"
    @property
    def role(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def given_name(self) -> str | None: ...
    @property
    def family_name(self) -> str | None: ...
    @property
    def honorific(self) -> str | None: ...
    @property
    def gender(self) -> str | None: ...


def _by_title(target: Addressee) -> bool:
    """An office the data names by its title only: greeted as the office, never by a name."""
    return bool(getattr(target, "by_title", False))


# Name particles written in lower case inside a name ("Cotrim de Figueiredo", "von der Leyen").
_PARTICLES = frozenset(
    "van von der den de del della dei degli di da das do dos du des la le lo ten ter te "
    "vom zu zum zur op in y e i".split()
)
# Countries where a particle that opens a family name keeps its capital ("Di Maio", "De Croo").
_CAPITAL_PARTICLE_COUNTRIES = frozenset({"IT", "BE"})
# In French names the articles keep a capital ("Le Pen") while "de"/"d'" do not.
_FRENCH_CAPITAL_PARTICLES = frozenset({"le", "la", "les", "du", "des"})


def _capitalise(word: str, more_follows: bool = False) -> str:
    """MÜLLER-LÜDENSCHEIDT -> Müller-Lüdenscheidt, O'BRIEN -> O'Brien."""
    parts = word.split("-")
    out = []
    for i, part in enumerate(parts):
        head, apostrophe, tail = part.partition("'")
        if i and (more_follows or i < len(parts) - 1) and part.lower() in _PARTICLES:
            out.append(part.lower())  # HERMIDA-VAN DER WALLE -> Hermida-van der Walle
        elif apostrophe and head.lower() in ("d", "l") and tail:
            # d'ESTAING / D'ALEMA: an elided particle, lower case unless the caller capitalises.
            out.append(head.lower() + "'" + tail[:1].upper() + tail[1:].lower())
        elif apostrophe and tail:
            out.append(
                head[:1].upper() + head[1:].lower() + "'" + tail[:1].upper() + tail[1:].lower()
            )
        else:
            out.append(part[:1].upper() + part[1:].lower())
    return "-".join(out)


def _is_particle(word: str) -> bool:
    lowered = word.lower()
    return lowered in _PARTICLES or (len(lowered) > 2 and lowered[1] == "'" and lowered[0] in "dl")


def normalise_family_name(family: str, country: str = "") -> str:
    """Bring words written in capitals back to ordinary case; mixed-case words are kept as given."""
    words = family.split()
    country = country.upper()
    out = []
    for i, word in enumerate(words):
        if not word.isupper():
            out.append(word)
            continue
        last = i == len(words) - 1
        if _is_particle(word) and not last:
            lowered = word.lower()
            if (i == 0 and country in _CAPITAL_PARTICLE_COUNTRIES) or (
                country == "FR" and lowered in _FRENCH_CAPITAL_PARTICLES
            ):
                out.append(lowered.capitalize())
            else:
                out.append(lowered)
            continue
        fixed = _capitalise(word, more_follows=not last)
        if i == 0 and fixed[1:2] == "'" and country in _CAPITAL_PARTICLE_COUNTRIES:
            fixed = fixed[0].upper() + fixed[1:]  # D'Alema
        out.append(fixed)
    return " ".join(out)


def _normalise_words(text: str) -> str:
    """A given name or full name: capitals-only words become ordinary case."""
    return " ".join(_capitalise(w) if w.isupper() and len(w) > 1 else w for w in text.split())


# Words in a role that say the member sits in a senate ("Senator", "sénatrice", "senatore", ...).
_SENATE_WORDS = ("senat", "sénat", "senát", "senad", "senaat")


class _Parts:
    """The pieces every language builds from, computed once per salutation."""

    __slots__ = (
        "country", "family", "given", "full", "gender", "honorific", "raw_honorific", "title",
        "office", "role",
    )

    def __init__(self, target: Addressee) -> None:
        self.country = (target.country or "").upper()
        by_title = _by_title(target)
        family = "" if by_title else (target.family_name or "").strip()
        given = "" if by_title else (target.given_name or "").strip()
        self.family = normalise_family_name(family, self.country) if family else ""
        self.given = _normalise_words(given) if given else ""
        if self.given and self.family:
            self.full = f"{self.given} {self.family}"
        elif by_title:
            self.full = ""  # the name is the office's title: the neutral or office form
        else:
            self.full = _normalise_words(target.name or "") or self.family
        gender = (target.gender or "").strip().lower()
        self.gender = gender if gender in ("female", "male") else ""
        honorific = (target.honorific or "").strip()
        self.raw_honorific = honorific
        self.honorific = honorific.lower().rstrip(".")  # "Dr." / "dr" / "Dr" -> "dr"
        # The academic title, where a language puts one in the salutation ("Prof. Dr." -> prof).
        if self.honorific.startswith("prof"):
            self.title = "prof"
        elif self.honorific in ("dr", "doctor", "dott", "dra", "dr. med", "dr. phil"):
            self.title = "dr"
        else:
            self.title = ""
        # Objects other than a Target (older callers) may lack kind and role: no office then.
        self.role = str(getattr(target, "role", "") or "").casefold()
        kind = str(getattr(target, "kind", "") or "")
        if kind == "minister":
            self.office = "minister"
        elif kind == "head_of_government":
            self.office = "head_of_government"
        elif kind == "mep":
            self.office = "mep"
        elif kind == "mp":
            senate = self.honorific in ("sen", "senator") or any(
                word in self.role for word in _SENATE_WORDS
            )
            self.office = "senator" if senate else "mp"
        else:
            self.office = ""  # summit delegates: officials and diplomats, addressed by name

    def pick(self, female: str, male: str) -> str:
        """The form for the stated gender; only called when it is known."""
        return female if self.gender == "female" else male


# Styles of address, not salutation titles ("Dear Hon. Smith", "Dear Rt Hon Smith" are wrong).
_ENGLISH_STYLES = frozenset({
    "hon", "the hon", "rt hon", "the rt hon", "rt. hon", "the rt. hon", "honourable",
    "the honourable", "right honourable", "the right honourable", "sir", "dame",
})


def _english(p: _Parts) -> str:
    us = p.country == "US"
    # British usage drops the full stop after contractions ("Dr", "Ms"); American keeps it.
    dot = "." if us else ""
    if p.office == "head_of_government":
        # Heads of government by office: "Dear Prime Minister,", "Dear Taoiseach,"; a
        # president by name where the data gives one ("Dear President Tinubu,"), otherwise
        # with the diplomatic form, which needs no gender.
        for office in ("prime minister", "chancellor", "taoiseach", "premier"):
            if p.role.startswith(office):
                return f"Dear {office.title()},"
        if p.role.startswith("president") and p.family:
            return f"Dear President {p.family},"
        return "Your Excellency,"
    if p.office == "minister" and not us:
        # UK, Irish and Commonwealth usage addresses ministers by office, whatever their gender:
        # a Secretary of State as such, junior ministers (Minister of State, Parliamentary
        # Under-Secretary of State) and ministers elsewhere as "Minister".
        for office in ("prime minister", "deputy prime minister", "secretary of state"):
            if p.role.startswith(office):
                return f"Dear {office.title().replace(' Of ', ' of ')},"
        return "Dear Minister,"
    if p.office == "minister" and p.family and p.role.startswith("secretary"):
        return f"Dear Secretary {p.family},"  # US cabinet members: "Dear Secretary Smith,"
    known = {
        "dr": f"Dr{dot}",
        "prof": "Professor",
        "professor": "Professor",
        "sen": "Senator",
        "senator": "Senator",
        "rep": "Representative",
        "representative": "Representative",
    }
    if p.honorific in ("sir", "dame") and p.given:
        # Knights and dames are "Sir"/"Dame" with the first name: "Dear Sir Keir,".
        return f"Dear {p.raw_honorific} {p.given.split()[0]},"
    if p.family and p.honorific and p.honorific not in _ENGLISH_STYLES:
        title = known.get(p.honorific) or known.get(p.title) or p.raw_honorific  # "Prof. Dr."
        return f"Dear {title} {p.family},"
    if p.family and p.gender:
        title = "Ms" if p.gender == "female" else "Mr"
        return f"Dear {title}{dot} {p.family},"
    if p.full:
        return f"Dear {p.full},"
    return "Dear Sir or Madam,"


def _dutch(p: _Parts) -> str:
    # Dutch writes a leading particle with a capital when no first name precedes it
    # ("mevrouw Van Brug", "mevrouw Von der Leyen"); academic titles are usually left out,
    # except that a professor is addressed as such. Members of parliament and ministers are
    # commonly addressed by name ("Geachte mevrouw De Vries,"); "minister" has no gender, so
    # a minister whose gender is unknown gets the office ("Geachte minister,", Onze Taal's form)
    # rather than the less formal first name and surname.
    standalone = p.family[:1].upper() + p.family[1:]
    if p.family and p.title == "prof":
        return f"Geachte professor {standalone},"
    if p.family and p.gender:
        title = "mevrouw" if p.gender == "female" else "heer"
        return f"Geachte {title} {standalone},"
    if p.office == "minister":
        return "Geachte minister,"
    if p.full:
        return f"Geachte {p.full},"
    return "Geachte heer, mevrouw,"


def _german(p: _Parts) -> str:
    # Ministers are addressed by office (protocol: "Sehr geehrte Frau Ministerin,"), members of
    # parliament usually by name. German has no neutral "Frau/Herr": without a gender the
    # salutation is "Guten Tag" with the full name (the form Duden recommends).
    if p.office == "minister" and p.gender:
        return p.pick("Sehr geehrte Frau Ministerin,", "Sehr geehrter Herr Minister,")
    title = {"dr": "Dr. ", "prof": "Prof. "}.get(p.title, "")
    if p.family and p.gender == "female":
        return f"Sehr geehrte Frau {title}{p.family},"
    if p.family and p.gender == "male":
        return f"Sehr geehrter Herr {title}{p.family},"
    if p.full:
        return f"Guten Tag {title}{p.full},"
    return "Sehr geehrte Damen und Herren,"


def french_address(p: _Parts) -> tuple[str, str, bool]:
    """The French salutation without its comma, the title the closing formula repeats, and
    whether the letter closes with "ma haute considération" (office holders addressed as
    such, and heads of government) rather than "mes salutations distinguées".

    French protocol addresses office holders by office alone: "Madame la Ministre", "Monsieur
    le Député" (also for members of the European Parliament), "Madame la Sénatrice". There is
    no neutral form of these, nor of "Madame"/"Monsieur" with a name, so without a gender the
    letter opens "Madame, Monsieur," whatever the name. The closing repeats the salutation
    without a family name ("Je vous prie d'agréer, Madame, ...").
    """
    if p.gender:
        offices = {
            "minister": ("Madame la Ministre", "Monsieur le Ministre"),
            "mp": ("Madame la Députée", "Monsieur le Député"),
            "mep": ("Madame la Députée", "Monsieur le Député"),
            "senator": ("Madame la Sénatrice", "Monsieur le Sénateur"),
        }
        if p.office in offices:
            title = p.pick(*offices[p.office])
            return title, title, True
        if p.title == "prof":
            title = p.pick("Madame la Professeure", "Monsieur le Professeur")
            return title, title, False
        if p.family:
            title = p.pick("Madame", "Monsieur")
            return f"{title} {p.family}", title, p.office == "head_of_government"
    return "Madame, Monsieur", "Madame, Monsieur", False


def _french(p: _Parts) -> str:
    return f"{french_address(p)[0]},"


def _spanish(p: _Parts) -> str:
    # Spanish letters close the salutation with a colon. Ministers by office ("Estimada señora
    # ministra:"), members of parliament by name; "Estimado/a" is the usual neutral form.
    if p.office == "minister" and p.gender:
        return p.pick("Estimada señora ministra:", "Estimado señor ministro:")
    if p.family and p.gender:
        if p.title == "dr":
            title = p.pick("doctora", "doctor")
        elif p.title == "prof":
            title = p.pick("profesora", "profesor")
        else:
            title = p.pick("señora", "señor")
        return f"{p.pick('Estimada', 'Estimado')} {title} {p.family}:"
    if p.full:
        return f"Estimado/a {p.full}:"
    return "Estimado/a señor/a:"


def _italian(p: _Parts) -> str:
    # Deputies and members of the European Parliament are "Onorevole", a title with one form for
    # women and men ("Gentile Onorevole Rossi," needs no gender); senators are "Senatrice" /
    # "Senatore", ministers "Ministra" / "Ministro" (without the name, as is usual).
    if p.office == "minister" and p.gender:
        return p.pick("Gentile Ministra,", "Gentile Ministro,")
    if p.office == "senator" and p.gender and p.family:
        return f"Gentile {p.pick('Senatrice', 'Senatore')} {p.family},"
    if p.office in ("mp", "mep", "senator"):
        return f"Gentile Onorevole {p.family}," if p.family else "Gentile Onorevole,"
    if p.family and p.gender:
        if p.title == "dr":
            title = p.pick("dottoressa", "dottor")
        elif p.title == "prof":
            title = p.pick("professoressa", "professor")
        else:
            title = p.pick("signora", "signor")
        return f"Gentile {title} {p.family},"
    if p.full:
        return f"Gentile {p.full},"
    return "Gentile signora, gentile signore,"


def _portuguese(p: _Parts) -> str:
    # Formal Portuguese letters use "Excelentíssimo(a)", abbreviated "Exmo./Exma.", and address
    # ministers and deputies (also members of the European Parliament, "Senhor Deputado") by
    # office. With a name the full name is usual ("Exma. Senhora Dra. Ana Silva,"). "Exmo(a).
    # Senhor(a)" is the established form when the gender is not known.
    offices = {
        "minister": ("Ministra", "Ministro"),
        "mp": ("Deputada", "Deputado"),
        "mep": ("Deputada", "Deputado"),
        "senator": ("Senadora", "Senador"),
    }
    if p.gender:
        opening = p.pick("Exma. Senhora", "Exmo. Senhor")
        if p.office in offices:
            return f"{opening} {p.pick(*offices[p.office])},"
        if p.full:
            titles = {"dr": p.pick("Dra. ", "Dr. "), "prof": p.pick("Professora ", "Professor ")}
            return f"{opening} {titles.get(p.title, '')}{p.full},"
    if p.full:
        title = {"dr": "Dr(a). ", "prof": "Professor(a) "}.get(p.title, "")
        return f"Exmo(a). Senhor(a) {title}{p.full},"
    return "Exmo(a). Senhor(a),"


def _romanian(p: _Parts) -> str:
    # Romanian keeps names undeclined after "doamnă"/"domnule", so members of parliament are
    # addressed by name; a minister by office, with "ministru" for women too (the official
    # usage, "doamna ministru"). Without a gender both openings are given.
    if p.office == "minister":
        if p.gender:
            return p.pick("Stimată doamnă ministru,", "Stimate domnule ministru,")
        return "Stimată doamnă / Stimate domnule ministru,"
    title = {"dr": "doctor ", "prof": "profesor "}.get(p.title, "")
    if p.gender and p.family:
        return f"{p.pick('Stimată doamnă', 'Stimate domnule')} {title}{p.family},"
    if p.family:
        return f"Stimată doamnă / Stimate domnule {title}{p.family},"
    if p.full:
        return f"Stimată doamnă / Stimate domnule {p.full},"
    return "Stimată doamnă, stimate domnule,"


def _bulgarian(p: _Parts) -> str:
    # "Уважаема госпожо" / "Уважаеми господин" with the family name, undeclined. Office nouns
    # have one form for both genders ("госпожо министър"), so only the opening differs.
    # Members of the European Parliament are addressed by office ("евродепутат"): their names
    # come in Latin script, which would sit oddly in a Cyrillic salutation. Members of the
    # Bulgarian National Assembly are "народен представител"; other countries' MPs by name.
    opening = {"female": "Уважаема госпожо", "male": "Уважаеми господин"}
    either = "Уважаема госпожо / Уважаеми господин"
    office = {"minister": "министър", "mep": "евродепутат"}.get(p.office)
    if p.office == "mp" and p.country == "BG":
        office = "народен представител"
    if office:
        return f"{opening[p.gender]} {office}," if p.gender else f"{either} {office},"
    if p.title == "dr" and p.family:
        adjective = p.pick("Уважаема", "Уважаеми") if p.gender else "Уважаема / Уважаеми"
        return f"{adjective} д-р {p.family},"
    if p.gender and p.title == "prof" and p.family:
        return f"{opening[p.gender]} професор {p.family},"
    if p.gender and p.family:
        return f"{opening[p.gender]} {p.family},"
    if p.family:
        return f"{either} {p.family},"
    if p.full:
        return f"{either} {p.full},"
    return "Уважаеми дами и господа,"


def _is_greek_declined(family: str) -> bool:
    """A Greek-script family name in -ς, which would need its vocative ("Παπαδόπουλε")."""
    return family.endswith(("ς", "Σ")) and any("\u0370" <= c <= "\u03ff" for c in family)


def _greek(p: _Parts) -> str:
    # "Αξιότιμη κυρία" / "Αξιότιμε κύριε". Office holders are addressed by office, whose
    # vocative serves both genders ("κυρία Υπουργέ", "κύριε Βουλευτά", "Ευρωβουλευτά"), so
    # without a gender both openings precede it. Greek male names in -ς take a vocative
    # ("κύριε Παπαδόπουλε"); rather than derive it, those are addressed without the name.
    # Foreign names stay undeclined.
    opening = {"female": "Αξιότιμη κυρία", "male": "Αξιότιμε κύριε"}
    either = "Αξιότιμη κυρία / Αξιότιμε κύριε"
    office = {
        "minister": "Υπουργέ", "mp": "Βουλευτά", "senator": "Γερουσιαστά", "mep": "Ευρωβουλευτά",
    }.get(p.office)
    if office:
        return f"{opening[p.gender]} {office}," if p.gender else f"{either} {office},"
    if p.title == "prof" and p.gender:
        return p.pick("Αξιότιμη κυρία Καθηγήτρια,", "Αξιότιμε κύριε Καθηγητά,")
    name = p.family
    if name and _is_greek_declined(name) and p.gender != "female":
        name = ""
    if p.gender:
        return f"{opening[p.gender]} {name}," if name else f"{opening[p.gender]},"
    if name:
        return f"{either} {name},"
    return "Αξιότιμες κυρίες, αξιότιμοι κύριοι,"


def _czech(p: _Parts) -> str:
    # Czech addresses in the vocative, and a man's family name would have to be declined
    # ("pane Nováku"); the established forms use the office or title instead ("Vážený pane
    # poslanče,", also for members of the European Parliament; "pane ministře", "pane
    # doktore"). A woman's family name stays as it is ("Vážená paní Nováková,"). Czech has no
    # neutral form with a name: without a gender both forms are given ("Vážená paní, vážený
    # pane,"). Office outranks academic titles. The text after the comma continues in lower case.
    offices = {
        "minister": ("paní ministryně", "pane ministře"),
        "mp": ("paní poslankyně", "pane poslanče"),
        "mep": ("paní poslankyně", "pane poslanče"),
        "senator": ("paní senátorko", "pane senátore"),
    }
    titles = {
        "prof": ("paní profesorko", "pane profesore"),
        "dr": ("paní doktorko", "pane doktore"),
    }
    female, male = offices.get(p.office) or titles.get(p.title) or ("paní", "pane")
    if p.gender == "female":
        if (female, male) == ("paní", "pane") and p.family:
            return f"Vážená paní {p.family},"
        return f"Vážená {female},"
    if p.gender == "male":
        return f"Vážený {male},"
    return f"Vážená {female}, vážený {male},"


def _slovak(p: _Parts) -> str:
    # Slovak addresses in the nominative ("Vážený pán Novák,"), so names need no declension.
    # Ministers and members of parliament (national or European) are addressed by office
    # ("Vážená pani poslankyňa,", "Vážený pán minister,"), others by title or name. Without a
    # gender both openings precede the name. The text after the comma continues in lower case.
    offices = {
        "minister": ("pani ministerka", "pán minister"),
        "mp": ("pani poslankyňa", "pán poslanec"),
        "mep": ("pani poslankyňa", "pán poslanec"),
        "senator": ("pani senátorka", "pán senátor"),
    }
    if p.gender and p.office in offices:
        return f"{p.pick('Vážená', 'Vážený')} {p.pick(*offices[p.office])},"
    titles = {"prof": ("pani profesorka", "pán profesor"), "dr": ("pani doktorka", "pán doktor")}
    if p.gender and p.title in titles:
        return f"{p.pick('Vážená', 'Vážený')} {p.pick(*titles[p.title])},"
    if p.gender and p.family:
        return f"{p.pick('Vážená pani', 'Vážený pán')} {p.family},"
    if p.family:
        return f"Vážená pani / Vážený pán {p.family},"
    if p.full:
        return f"Vážená pani / Vážený pán {p.full},"
    return "Vážená pani, vážený pán,"


def _polish(p: _Parts) -> str:
    # Polish never puts a family name after "Pani"/"Panie" in a salutation; office holders are
    # addressed by office ("Szanowny Panie Pośle," / "Szanowna Pani Poseł," for members of the
    # Sejm and of the European Parliament, "Panie Ministrze" / "Pani Minister", "Panie
    # Senatorze" / "Pani Senator"), others by academic title ("Panie Profesorze", "Pani Doktor")
    # or "Szanowna Pani," / "Szanowny Panie," alone. Without a gender both forms are given.
    offices = {
        "minister": ("Pani Minister", "Panie Ministrze"),
        "mp": ("Pani Poseł", "Panie Pośle"),
        "mep": ("Pani Poseł", "Panie Pośle"),
        "senator": ("Pani Senator", "Panie Senatorze"),
    }
    titles = {
        "prof": ("Pani Profesor", "Panie Profesorze"),
        "dr": ("Pani Doktor", "Panie Doktorze"),
    }
    female, male = offices.get(p.office) or titles.get(p.title) or ("Pani", "Panie")
    if p.gender == "female":
        return f"Szanowna {female},"
    if p.gender == "male":
        return f"Szanowny {male},"
    return f"Szanowna {female} / Szanowny {male},"


def _office_title_or_name(p: _Parts, opening: tuple[str, str], courtesy: tuple[str, str],
                          offices: dict[str, tuple[str, str]]) -> str:
    """One pattern for Croatian and Slovene, each (female, male): office holders by office,
    others by abbreviated title ("dr. Horvat") or courtesy word and undeclined family name;
    without a gender both forms, separated by a slash."""
    if p.gender and p.office in offices:
        return f"{p.pick(*opening)} {p.pick(*offices[p.office])},"
    both_openings = " / ".join(opening)
    if p.title and p.family:
        return f"{p.pick(*opening) if p.gender else both_openings} {p.title}. {p.family},"
    if p.gender and p.family:
        return f"{p.pick(*opening)} {p.pick(*courtesy)} {p.family},"
    both = f"{opening[0]} {courtesy[0]} / {opening[1]} {courtesy[1]}"
    if p.family or p.full:
        return f"{both} {p.family or p.full},"
    return f"{both},"


def _croatian(p: _Parts) -> str:
    # Office holders by office in the vocative ("Poštovana gospođo ministrice,", "Poštovani
    # gospodine zastupniče," for members of the Sabor and of the European Parliament); others
    # with "gospođo"/"gospodine" and the family name, which in salutations is left undeclined.
    return _office_title_or_name(p, ("Poštovana", "Poštovani"), ("gospođo", "gospodine"), {
        "minister": ("gospođo ministrice", "gospodine ministre"),
        "mp": ("gospođo zastupnice", "gospodine zastupniče"),
        "mep": ("gospođo zastupnice", "gospodine zastupniče"),
    })


def _slovene(p: _Parts) -> str:
    # Slovene addresses in the nominative ("Spoštovani gospod Novak,"), so names need no
    # declension; ministers and members of parliament (national or European) by office. The
    # text after the comma continues in lower case.
    return _office_title_or_name(p, ("Spoštovana", "Spoštovani"), ("gospa", "gospod"), {
        "minister": ("gospa ministrica", "gospod minister"),
        "mp": ("gospa poslanka", "gospod poslanec"),
        "mep": ("gospa poslanka", "gospod poslanec"),
    })


def _lithuanian(p: _Parts) -> str:
    # Lithuanian addresses in the vocative, which for family names ("pone Kubiliau") cannot be
    # derived reliably; the established forms use the office ("Gerbiamas Seimo nary,",
    # "Gerbiama ministre,"), a title ("Gerbiamas profesoriau,") or "Gerbiama ponia," /
    # "Gerbiamas pone," alone. Where the vocative of the office is the same for both genders
    # ("ministre", "parlamentare") only the adjective differs without a gender.
    if p.office == "minister":
        female, male = "ministre", "ministre"
    elif p.office in ("mp", "senator"):
        female, male = ("Seimo nare", "Seimo nary") if p.country == "LT" else (
            "parlamentare", "parlamentare"
        )
    elif p.office == "mep":
        female, male = "Europos Parlamento nare", "Europos Parlamento nary"
    elif p.title == "prof":
        female, male = "profesore", "profesoriau"
    elif p.title == "dr":
        female, male = "daktare", "daktare"
    else:
        female, male = "ponia", "pone"
    if p.gender:
        return f"{p.pick('Gerbiama', 'Gerbiamas')} {p.pick(female, male)},"
    if female == male:
        return f"Gerbiama / Gerbiamas {male},"
    return f"Gerbiama {female} / Gerbiamas {male},"


def _latvian(p: _Parts) -> str:
    # Latvian puts the family name in the genitive before "kungs"/"kundze" ("Bērziņa kungs"),
    # which cannot be derived reliably for every name; the established forms with the office
    # ("Godātais ministra kungs!", "Godātā deputātes kundze!", also for members of the European
    # Parliament), a title ("profesora kungs") or "Godātā kundze!" / "Godātais kungs!" avoid it.
    # The salutation traditionally ends with "!" and the letter goes on with a capital.
    offices = {
        "minister": ("ministres kundze", "ministra kungs"),
        "mp": ("deputātes kundze", "deputāta kungs"),
        "senator": ("deputātes kundze", "deputāta kungs"),
        "mep": ("deputātes kundze", "deputāta kungs"),
    }
    titles = {"prof": ("profesores kundze", "profesora kungs"),
              "dr": ("doktores kundze", "doktora kungs")}
    female, male = offices.get(p.office) or titles.get(p.title) or ("kundze", "kungs")
    if p.gender:
        return f"{p.pick('Godātā', 'Godātais')} {p.pick(female, male)}!"
    return f"Godātā {female} / Godātais {male}!"


def _estonian(p: _Parts) -> str:
    # Estonian has no grammatical gender and leaves names undeclined: "Lugupeetud proua Tamm!",
    # "Lugupeetud härra minister!", and without a gender simply "Lugupeetud Mari Tamm!" or
    # "Lugupeetud minister!". The salutation traditionally ends with "!".
    if p.office == "minister":
        return f"Lugupeetud {p.pick('proua', 'härra')} minister!" if p.gender else (
            "Lugupeetud minister!"
        )
    if p.title and p.family:
        return f"Lugupeetud {'professor' if p.title == 'prof' else 'dr'} {p.family}!"
    if p.gender and p.family:
        return f"Lugupeetud {p.pick('proua', 'härra')} {p.family}!"
    if p.full:
        return f"Lugupeetud {p.full}!"
    return "Lugupeetud adressaat!"


def _finnish(p: _Parts) -> str:
    # Finnish has no grammatical gender; office holders are addressed "Arvoisa" with the office
    # and the family name ("Arvoisa kansanedustaja Virtanen,", "Arvoisa ministeri Virtanen,"),
    # academics with their title ("Arvoisa professori Virtanen,"), others "Hyvä" and the name.
    name = p.family or p.full
    offices = {
        "minister": "ministeri",
        "mp": "kansanedustaja",
        "senator": "senaattori",
        "mep": "Euroopan parlamentin jäsen",
    }
    titles = {"prof": "professori", "dr": "tohtori"}
    office = offices.get(p.office) or titles.get(p.title)
    if office:
        return f"Arvoisa {office} {name}," if name else f"Arvoisa {office},"
    if p.full:
        return f"Hyvä {p.full},"
    return "Hyvä vastaanottaja,"


def _swedish(p: _Parts) -> str:
    # Swedish letters, to ministers and members of the Riksdag too, open with "Hej" and the
    # name: it is the form the public sector uses and recommends (Myndigheternas skrivregler),
    # while "Bästa" still reads as stiff or Finland-Swedish and "Herr"/"Fru" and titles are no
    # longer used. It is the same for everyone, so gender and titles play no part.
    return f"Hej {p.full}," if p.full else "Hej,"


def _danish(p: _Parts) -> str:
    # Danish letters open "Kære" with the full name, also to ministers and members of the
    # Folketing; "Hr."/"Fru" and academic titles are not used, so neither is gender.
    return f"Kære {p.full}," if p.full else "Til rette vedkommende,"


def _irish(p: _Parts) -> str:
    # "A Chara," ("Dear friend") is the standard Irish salutation for anyone, ministers and
    # members of the Oireachtas included; it has no gender, and a name would need the vocative
    # with initial mutation ("A Sheáin,").
    return "A Chara,"


def _maltese(p: _Parts) -> str:
    # Members of parliament (and of the European Parliament) are styled "Onorevoli", one form for
    # women and men: "Onorevoli Abela,"; ministers "Onorevoli Ministru,". Others "Għażiża
    # Sinjura" / "Għażiż Sur" with the family name, or "Dr"/"Prof." (much used in Malta);
    # "Għażiż/a" when the gender is not known.
    if p.office == "minister":
        return "Onorevoli Ministru,"
    name = p.family or p.full
    if p.office and name:
        return f"Onorevoli {name},"
    title = {"dr": "Dr", "prof": "Prof."}.get(p.title)
    if p.gender and p.family:
        title = title or p.pick("Sinjura", "Sur")
        return f"{p.pick('Għażiża', 'Għażiż')} {title} {p.family},"
    if title and p.family:
        return f"Għażiż/a {title} {p.family},"
    if p.full:
        return f"Għażiż/a {p.full},"
    return "Għażiż Sinjur / Għażiża Sinjura,"


def _hungarian(p: _Parts) -> str:
    # Hungarian salutations end with "!". Office holders by office: "Tisztelt Képviselő Asszony!"
    # / "Tisztelt Képviselő Úr!" (also for members of the European Parliament), "Tisztelt
    # Miniszter Úr!". Others "Tisztelt Kovács Úr!" / "Tisztelt Kovács Asszony!", or the full
    # name without a gender ("Tisztelt Kovács Anna!"). Hungarians' names are written family
    # name first.
    offices = {"minister": "Miniszter", "mp": "Képviselő", "senator": "Szenátor",
               "mep": "Képviselő"}
    office = offices.get(p.office) or ("Professzor" if p.title == "prof" else "")
    if office and p.gender:
        return f"Tisztelt {office} {p.pick('Asszony', 'Úr')}!"
    full = f"{p.family} {p.given}" if p.country == "HU" and p.family and p.given else p.full
    dr = "Dr. " if p.title == "dr" else "Prof. " if p.title == "prof" else ""
    if p.gender and p.family:
        return f"Tisztelt {dr}{p.family} {p.pick('Asszony', 'Úr')}!"
    if full:
        return f"Tisztelt {dr}{full}!"
    return "Tisztelt Hölgyem/Uram!"


_BY_LANGUAGE: dict[str, Callable[[_Parts], str]] = {
    "bg": _bulgarian,
    "cs": _czech,
    "da": _danish,
    "de": _german,
    "el": _greek,
    "en": _english,
    "es": _spanish,
    "et": _estonian,
    "fi": _finnish,
    "fr": _french,
    "ga": _irish,
    "hr": _croatian,
    "hu": _hungarian,
    "it": _italian,
    "lt": _lithuanian,
    "lv": _latvian,
    "mt": _maltese,
    "nl": _dutch,
    "pl": _polish,
    "pt": _portuguese,
    "ro": _romanian,
    "sk": _slovak,
    "sl": _slovene,
    "sv": _swedish,
}

# Countries whose people write their family name first.
_FAMILY_NAME_FIRST = frozenset({"CN", "HK", "JP", "KP", "KR", "MO", "TW"})


def is_cjk(text: str) -> bool:
    """Whether `text` is written in Chinese, Japanese or Korean characters only."""
    return all(ord(ch) >= 0x2E80 for ch in text)


def family_name_first(p: _Parts) -> str:
    """The full name as Chinese, Japanese and Korean write it: family name first for people of
    the countries that put it first (no space between CJK names), others as they are."""
    if p.family and p.given and p.country in _FAMILY_NAME_FIRST:
        glue = "" if is_cjk(p.family + p.given) else " "
        return f"{p.family}{glue}{p.given}"
    return p.full


def office_by_role(role: str, offices: tuple[tuple[tuple[str, ...], str], ...]) -> str:
    """The office whose English or local prefixes `role` (lower case) starts with, as the
    language writes it; "" when none does. For heads of government: "Prime Minister of ...",
    "President of ...", "Chancellor"."""
    for prefixes, office in offices:
        if role.startswith(prefixes):
            return office
    return ""


# Languages beyond the European Union's have a module each in this package, named by its
# language code (`ja.py`, `pt_br.py` for "pt-br"), with a `salutation(parts)` built from the
# same `_Parts`; a module with another name (`closings.py`) is no language.
_LANGUAGE_MODULE = re.compile(r"[a-z]{2,3}(_[a-z]{2})?")
for _module in pkgutil.iter_modules(__path__):
    if not _LANGUAGE_MODULE.fullmatch(_module.name):
        continue
    _BY_LANGUAGE[_module.name.replace("_", "-")] = import_module(
        f"{__name__}.{_module.name}").salutation

LANGUAGES = frozenset(_BY_LANGUAGE)


def salutation(target: Addressee, language: str) -> str:
    """The opening line of a letter to `target` in `language`, punctuation included: the
    language's own forms ("pt-br"), else its base language's ("pt"), else English."""
    tag = language.lower()
    build = _BY_LANGUAGE.get(tag) or _BY_LANGUAGE.get(tag.split("-")[0], _english)
    return build(_Parts(target))
