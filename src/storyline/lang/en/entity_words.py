"""English entity words: roles and titles, demonyms, exonyms, genitive rules.

The same tables as :mod:`storyline.lang.de.entity_words` (see there for what each one means).
English roles can be several words ("Prime Minister", "Foreign Minister"); English names take
their genitive only with an apostrophe ("Putin's"), so a bare final -s is never stripped.
"""

from __future__ import annotations

ROLES: dict[str, tuple[str | None, str | None]] = {
    "president": (None, "leader"),
    "head of state": (None, "leader"),
    "leader": (None, "leader"),
    "strongman": (None, "leader"),
    "ruler": (None, "leader"),
    "dictator": (None, "leader"),
    "autocrat": (None, "leader"),
    "kremlin leader": ("RU", "leader"),
    "kremlin chief": ("RU", "leader"),
    "chancellor": (None, "government"),
    "prime minister": (None, "government"),
    "premier": (None, "government"),
    "pm": (None, "government"),
    "vice president": (None, "vice-president"),
    "vice-president": (None, "vice-president"),
    "foreign minister": (None, "foreign"),
    "foreign secretary": (None, "foreign"),
    "secretary of state": (None, "foreign"),
    "defence minister": (None, "defence"),
    "defense minister": (None, "defence"),
    "defence secretary": (None, "defence"),
    "defense secretary": (None, "defence"),
    "interior minister": (None, "interior"),
    "home secretary": (None, "interior"),
    "finance minister": (None, "finance"),
    "treasury secretary": (None, "finance"),
    "chancellor of the exchequer": (None, "finance"),
    "minister": (None, None),
    "secretary": (None, None),
    "kremlin spokesman": ("RU", "kremlin-spokesperson"),
    "kremlin spokesperson": ("RU", "kremlin-spokesperson"),
    "spokesman": (None, None),
    "spokeswoman": (None, None),
    "spokesperson": (None, None),
    "pope": ("VA", "leader"),
    "king": (None, "monarch"),
    "queen": (None, "monarch"),
    "crown prince": (None, "crown-prince"),
    "prince": (None, None),
    "princess": (None, None),
    "opposition leader": (None, "opposition-leader"),
    "secretary-general": (None, None),
    "secretary general": (None, None),
    "ambassador": (None, None),
    "general": (None, None),
    "gen.": (None, None),
    "army chief": (None, "army-chief"),
    "mayor": (None, None),
    "governor": (None, None),
    "gov.": (None, None),
    "senator": (None, None),
    "sen.": (None, None),
    "rep.": (None, None),
    "congressman": (None, None),
    "congresswoman": (None, None),
    "chief executive": (None, None),
    "ceo": (None, None),
    "coach": (None, None),
    "judge": (None, None),
    "prosecutor": (None, None),
    "mr": (None, None),
    "mr.": (None, None),
    "mrs": (None, None),
    "mrs.": (None, None),
    "ms": (None, None),
    "ms.": (None, None),
    "dr": (None, None),
    "dr.": (None, None),
    "prof.": (None, None),
}

ROLE_PREFIXES: dict[str, str | None] = {"ex": None, "former": None}

#: English roles do not inflect (plural "presidents" names no single person anyway).
ROLE_ENDINGS: tuple[str, ...] = ()

ROLE_MODIFIERS: frozenset[str] = frozenset(
    {"former", "then", "incoming", "outgoing", "acting", "interim", "new", "longtime"}
)

PLURAL_CUES: frozenset[str] = frozenset({"both", "two", "three", "several", "many", "all"})

#: Country adjectives -> ISO code; English adjectives do not inflect, "-s" plurals are nouns.
DEMONYMS: dict[str, str] = {
    "afghan": "AF",
    "egyptian": "EG",
    "albanian": "AL",
    "algerian": "DZ",
    "american": "US",
    "u.s.": "US",
    "argentine": "AR",
    "argentinian": "AR",
    "armenian": "AM",
    "azerbaijani": "AZ",
    "ethiopian": "ET",
    "australian": "AU",
    "belarusian": "BY",
    "belarussian": "BY",
    "byelorussian": "BY",
    "belgian": "BE",
    "bosnian": "BA",
    "brazilian": "BR",
    "british": "GB",
    "bulgarian": "BG",
    "chilean": "CL",
    "chinese": "CN",
    "danish": "DK",
    "german": "DE",
    "estonian": "EE",
    "finnish": "FI",
    "french": "FR",
    "georgian": "GE",
    "greek": "GR",
    "indian": "IN",
    "indonesian": "ID",
    "iraqi": "IQ",
    "iranian": "IR",
    "irish": "IE",
    "icelandic": "IS",
    "israeli": "IL",
    "italian": "IT",
    "japanese": "JP",
    "yemeni": "YE",
    "jordanian": "JO",
    "canadian": "CA",
    "kazakh": "KZ",
    "qatari": "QA",
    "kenyan": "KE",
    "kyrgyz": "KG",
    "colombian": "CO",
    "kosovar": "XK",
    "croatian": "HR",
    "cuban": "CU",
    "latvian": "LV",
    "lebanese": "LB",
    "libyan": "LY",
    "lithuanian": "LT",
    "malian": "ML",
    "moroccan": "MA",
    "mexican": "MX",
    "moldovan": "MD",
    "mongolian": "MN",
    "montenegrin": "ME",
    "dutch": "NL",
    "nigerian": "NG",
    "north korean": "KP",
    "south korean": "KR",
    "norwegian": "NO",
    "austrian": "AT",
    "pakistani": "PK",
    "palestinian": "PS",
    "peruvian": "PE",
    "philippine": "PH",
    "filipino": "PH",
    "polish": "PL",
    "portuguese": "PT",
    "romanian": "RO",
    "russian": "RU",
    "saudi": "SA",
    "swedish": "SE",
    "swiss": "CH",
    "serbian": "RS",
    "slovak": "SK",
    "slovenian": "SI",
    "spanish": "ES",
    "sudanese": "SD",
    "south african": "ZA",
    "syrian": "SY",
    "taiwanese": "TW",
    "thai": "TH",
    "czech": "CZ",
    "tunisian": "TN",
    "turkish": "TR",
    "ukrainian": "UA",
    "hungarian": "HU",
    "uzbek": "UZ",
    "venezuelan": "VE",
    "vietnamese": "VN",
    "cypriot": "CY",
}

#: English adjectives take no endings; the plural noun ("Russians") is matched with ``s``.
DEMONYM_ENDINGS: tuple[str, ...] = ("", "s")

DEMONYM_NOUNS: dict[str, str] = {"Brits": "GB", "Britons": "GB", "Frenchmen": "FR"}

PLACE_NAMES: dict[int | str, tuple[str, ...]] = {
    "US": ("USA", "US", "U.S.", "U.S.A.", "America", "United States of America"),
    "GB": ("Britain", "Great Britain", "UK", "U.K."),
    "NL": ("Holland",),
    "RU": ("Russian Federation",),
    "CZ": ("Czech Republic",),
    "CI": ("Ivory Coast",),
    "MM": ("Burma",),
    "PS": ("Palestine", "Palestinian territories"),
    "MK": ("Macedonia",),
    "KR": ("South Korea",),
    "KP": ("North Korea",),
    703448: ("Kiev",),  # Kyiv
    698740: ("Odessa",),  # Odesa
    706483: ("Kharkov",),  # Kharkiv
    498817: ("St. Petersburg", "St Petersburg"),  # Saint Petersburg
    104515: ("Mecca",),  # Makkah
    1816670: ("Peking",),  # Beijing
    4140963: ("Washington, D.C.", "Washington DC"),  # Washington
    2886242: ("Cologne",),  # Köln
}

#: English display names where GeoNames uses the local one (GeoNames id -> name).
DISPLAY_NAMES: dict[int, str] = {2886242: "Cologne", 104515: "Mecca", 2657896: "Zurich"}

NOT_PLACES: frozenset[str] = frozenset(
    {
        "Mobile",
        "Reading",
        "Bath",
        "Split",
        "Nice",
        "Orange",
        "Sale",
        "Best",
        "Union",
        "Police",
        "Victoria",
        "Florence",
        "Jordan",
        "Lincoln",
        "Hamilton",
        "Wilson",
        "Madison",
        "Jackson",
        "Austin",
        "Charlotte",
        "Marion",
        "Mark",
        "Alexander",
        "Vladimir",
        "Of",
        "Most",
        "Many",
        "Trump",
        "Putin",
        "Biden",
        "Tass",
        "March",
        "May",
        "August",
    }
)

PLACE_PREPOSITIONS: frozenset[str] = frozenset({"in", "to", "from"})

#: English writes "eastern Ukraine" as two words, which the scan reads as "Ukraine" anyway.
COMPASS_PREFIXES: tuple[str, ...] = ()

#: English first names ending in -s are never stripped anyway; kept for symmetry.
S_NAMES: frozenset[str] = frozenset({"James", "Charles", "Thomas", "Nicholas", "Douglas"})

GENITIVE_SUFFIXES: tuple[str, ...] = ("’s", "'s", "'", "’")
