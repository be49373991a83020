"""The language of Belgium's Members of the European Parliament: their electoral college.

Belgium elects its MEPs in three electoral colleges, one per language community: in 2024 the
Dutch-speaking college elected 13, the French-speaking college 8 and the German-speaking college
1. A letter to an MEP is written in the language of the college that elected them, not in
Belgium's most spoken language. Files of MEPs (the mepwatch `meps.csv`) have no college column,
so the europarl importer takes it from here when the file gives no `language`.

Every party but one stands in one college only, so the party names the college. The Workers'
Party (PTB-PVDA) stands in both, and the mepwatch file gives both of its MEPs the French name
"Parti du Travail de Belgique": those MEPs are listed one by one, by their EP id. A party not
listed here, or a PTB-PVDA member not listed by id (a substitute taking a seat), is left to the
country's language and the import says so.
"""

from __future__ import annotations

# Where the colleges and their members were checked (2024 election, 10th term):
SOURCES = (
    # The 13 members the Dutch-speaking college elected, by party, Rudi Kennes (PVDA) among them.
    "https://belganewsagency.eu/elections-2024-vlaams-belang-wins-european-elections-open-vld-"
    "loses-seat",
    # The French-speaking college's seats by party (MR 3, PS 2, PTB 1, Les Engagés 1, Ecolo 1);
    # Marc Botenga its PTB member since 2019.
    "https://en.wikipedia.org/wiki/French-speaking_electoral_college",
    # MR's three (Wilmès, Chastel, Cassart); the German-speaking CSP keeps its single seat.
    "https://brusselstimes.com/eu-affairs/1085394/eu-elections-mr-gains-belgian-mep-to-match-"
    "far-right-epp-largest-group-again",
    # All 22 by party, from the Federal Public Service Home Affairs' figures.
    "https://brusselstimes.com/belgium/1087125/meet-the-22-new-and-old-belgian-meps",
    # The seats per list: "Parti du Travail de Belgique" and "Partij van de Arbeid van België"
    # one each, "Christlich Soziale Partei" the German-speaking college's.
    "https://francetvinfo.fr/elections/resultats/belgique_be",
)

DUTCH, FRENCH, GERMAN = "nl", "fr", "de"

# Party names as files write them (full and short), folded by `_fold`, to the language of the
# only college the party stands in.
PARTY_LANGUAGE = {
    # Dutch-speaking electoral college
    "christen-democratisch & vlaams": DUTCH,
    "christen-democratisch en vlaams": DUTCH,
    "cd&v": DUTCH,
    "nieuw-vlaamse alliantie": DUTCH,
    "n-va": DUTCH,
    "vlaams belang": DUTCH,
    "vooruit": DUTCH,
    "groen": DUTCH,
    "open vlaamse liberalen en democraten": DUTCH,
    "open vld": DUTCH,
    "partij van de arbeid van belgië": DUTCH,
    "pvda": DUTCH,
    # French-speaking electoral college
    "mouvement réformateur": FRENCH,
    "mr": FRENCH,
    "parti socialiste": FRENCH,
    "ps": FRENCH,
    "les engagés": FRENCH,
    "ecologistes confédérés pour l'organisation de luttes originales": FRENCH,
    "ecolo": FRENCH,
    "démocrate fédéraliste indépendant": FRENCH,
    "défi": FRENCH,
    # German-speaking electoral college
    "christlich soziale partei": GERMAN,
    "csp": GERMAN,
}

# Parties whose name does not tell the college: files write one name for members of both.
AMBIGUOUS_PARTIES = frozenset({"parti du travail de belgique", "ptb", "ptb-pvda", "pvda-ptb"})

# MEPs whose party does not tell their college, by the Parliament's MEP id.
MEP_LANGUAGE = {
    "187917": FRENCH,  # Marc Botenga (PTB), French-speaking college
    "256890": DUTCH,  # Rudi Kennes (PVDA), Dutch-speaking college
}

COLLEGE_NAMES = {
    DUTCH: "Dutch-speaking electoral college",
    FRENCH: "French-speaking electoral college",
    GERMAN: "German-speaking electoral college",
}


def _fold(party: str) -> str:
    return " ".join(party.split()).casefold()


def college_language(epid: str, party: str | None) -> str | None:
    """The language of the college that elected this Belgian MEP; None when neither their id
    nor their party tells it."""
    if epid in MEP_LANGUAGE:
        return MEP_LANGUAGE[epid]
    if not party or _fold(party) in AMBIGUOUS_PARTIES:
        return None
    return PARTY_LANGUAGE.get(_fold(party))
