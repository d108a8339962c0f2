"""German entity words: roles and titles, demonyms, exonyms, genitive rules.

Data, not code: :mod:`storyline.analyse.canonical` and :mod:`storyline.analyse.places` read these
tables through :func:`storyline.analyse.names.entity_words`. Everything here is lower-case unless
it is a display name. A role maps to ``(country, office)``: ``country`` is an ISO code when the
word itself names the country ("Kremlchef" is Russian by definition), ``office`` groups words that
name the same function, so "der russische Präsident" can be linked to the article's "Kremlchef
Wladimir Putin" (both ``leader`` of ``RU``).
"""

from __future__ import annotations

#: Offices: ``leader`` (head of state or the person ruling the state), ``government`` (head of
#: government), ``foreign``, ``defence``, ... Words with ``None`` as office are titles that are
#: stripped from names but never linked ("Herr", "Dr.").
ROLES: dict[str, tuple[str | None, str | None]] = {
    "präsident": (None, "leader"),
    "präsidentin": (None, "leader"),
    "staatspräsident": (None, "leader"),
    "staatspräsidentin": (None, "leader"),
    "staatschef": (None, "leader"),
    "staatschefin": (None, "leader"),
    "staatsoberhaupt": (None, "leader"),
    "machthaber": (None, "leader"),
    "machthaberin": (None, "leader"),
    "alleinherrscher": (None, "leader"),
    "herrscher": (None, "leader"),
    "diktator": (None, "leader"),
    "autokrat": (None, "leader"),
    "kremlchef": ("RU", "leader"),
    "kremlherr": ("RU", "leader"),
    "kreml-chef": ("RU", "leader"),
    "bundespräsident": (None, "federal-president"),
    "bundespräsidentin": (None, "federal-president"),
    "bundeskanzler": (None, "government"),
    "bundeskanzlerin": (None, "government"),
    "kanzler": (None, "government"),
    "kanzlerin": (None, "government"),
    "regierungschef": (None, "government"),
    "regierungschefin": (None, "government"),
    "premierminister": (None, "government"),
    "premierministerin": (None, "government"),
    "premier": (None, "government"),
    "premierministers": (None, "government"),
    "ministerpräsident": (None, "state-government"),
    "ministerpräsidentin": (None, "state-government"),
    "vizepräsident": (None, "vice-president"),
    "vizepräsidentin": (None, "vice-president"),
    "vizekanzler": (None, "vice-chancellor"),
    "vizekanzlerin": (None, "vice-chancellor"),
    "außenminister": (None, "foreign"),
    "außenministerin": (None, "foreign"),
    "aussenminister": (None, "foreign"),
    "aussenministerin": (None, "foreign"),
    "chefdiplomat": (None, "foreign"),
    "chefdiplomatin": (None, "foreign"),
    "verteidigungsminister": (None, "defence"),
    "verteidigungsministerin": (None, "defence"),
    "innenminister": (None, "interior"),
    "innenministerin": (None, "interior"),
    "finanzminister": (None, "finance"),
    "finanzministerin": (None, "finance"),
    "wirtschaftsminister": (None, "economy"),
    "wirtschaftsministerin": (None, "economy"),
    "justizminister": (None, "justice"),
    "justizministerin": (None, "justice"),
    "gesundheitsminister": (None, "health"),
    "gesundheitsministerin": (None, "health"),
    "minister": (None, None),
    "ministerin": (None, None),
    "bundesrat": ("CH", None),
    "bundesrätin": ("CH", None),
    "kremlsprecher": ("RU", "kremlin-spokesperson"),
    "regierungssprecher": (None, "government-spokesperson"),
    "regierungssprecherin": (None, "government-spokesperson"),
    "sprecher": (None, None),
    "sprecherin": (None, None),
    "papst": ("VA", "leader"),
    "könig": (None, "monarch"),
    "königin": (None, "monarch"),
    "kronprinz": (None, "crown-prince"),
    "prinz": (None, None),
    "prinzessin": (None, None),
    "oppositionsführer": (None, "opposition-leader"),
    "oppositionsführerin": (None, "opposition-leader"),
    "oppositionspolitiker": (None, None),
    "oppositionspolitikerin": (None, None),
    "parteichef": (None, None),
    "parteichefin": (None, None),
    "parteivorsitzende": (None, None),
    "parteivorsitzender": (None, None),
    "generalsekretär": (None, None),
    "generalsekretärin": (None, None),
    "botschafter": (None, None),
    "botschafterin": (None, None),
    "general": (None, None),
    "armeechef": (None, "army-chief"),
    "generalstabschef": (None, "army-chief"),
    "oberbefehlshaber": (None, None),
    "bürgermeister": (None, None),
    "bürgermeisterin": (None, None),
    "oberbürgermeister": (None, None),
    "oberbürgermeisterin": (None, None),
    "gouverneur": (None, None),
    "gouverneurin": (None, None),
    "senator": (None, None),
    "senatorin": (None, None),
    "abgeordnete": (None, None),
    "abgeordneter": (None, None),
    "konzernchef": (None, None),
    "konzernchefin": (None, None),
    "firmenchef": (None, None),
    "firmenchefin": (None, None),
    "vorstandschef": (None, None),
    "vorstandschefin": (None, None),
    "trainer": (None, None),
    "trainerin": (None, None),
    "richter": (None, None),
    "richterin": (None, None),
    "staatsanwalt": (None, None),
    "staatsanwältin": (None, None),
    "anwalt": (None, None),
    "anwältin": (None, None),
    "dr.": (None, None),
    "prof.": (None, None),
    "herr": (None, None),
    "frau": (None, None),
}

#: Prefixes of hyphenated roles ("US-Präsident", "Ex-Kanzlerin"): country code or ``None``.
ROLE_PREFIXES: dict[str, str | None] = {
    "us": "US",
    "kreml": "RU",
    "ex": None,
    "vize": None,
    "noch": None,
    "alt": None,
    "eu": None,
    "un": None,
    "uno": None,
    "nato": None,
    "interims": None,
}

#: German inflection endings a role noun may carry ("Präsidenten", "Machthabers").
ROLE_ENDINGS: tuple[str, ...] = ("s", "es", "en", "n")

#: Words that may stand between a country adjective and the role without changing it.
ROLE_MODIFIERS: frozenset[str] = frozenset(
    {
        "ehemalige",
        "ehemaligen",
        "ehemaliger",
        "frühere",
        "früheren",
        "früherer",
        "amtierende",
        "amtierenden",
        "amtierender",
        "neue",
        "neuen",
        "neuer",
        "designierte",
        "designierten",
        "designierter",
        "damalige",
        "damaligen",
        "damaliger",
        "stellvertretende",
        "stellvertretenden",
        "stellvertretender",
        "langjährige",
        "langjährigen",
        "langjähriger",
        "autoritäre",
        "autoritären",
        "autoritärer",
    }
)

#: Words before a role that make it plural: such a role names no single person.
PLURAL_CUES: frozenset[str] = frozenset(
    {"beiden", "beide", "zwei", "drei", "vier", "mehrere", "einige", "viele", "alle"}
)

#: Country adjectives (stem, without ending) -> ISO code. Endings -e/-en/-er/-es/-em are added
#: by the matcher; compounds like "russisch-belarussische" match both parts.
DEMONYMS: dict[str, str] = {
    "afghanisch": "AF",
    "ägyptisch": "EG",
    "albanisch": "AL",
    "algerisch": "DZ",
    "amerikanisch": "US",
    "argentinisch": "AR",
    "armenisch": "AM",
    "aserbaidschanisch": "AZ",
    "äthiopisch": "ET",
    "australisch": "AU",
    "belarussisch": "BY",
    "weißrussisch": "BY",
    "weissrussisch": "BY",
    "belgisch": "BE",
    "bosnisch": "BA",
    "brasilianisch": "BR",
    "britisch": "GB",
    "bulgarisch": "BG",
    "chilenisch": "CL",
    "chinesisch": "CN",
    "dänisch": "DK",
    "deutsch": "DE",
    "estnisch": "EE",
    "finnisch": "FI",
    "französisch": "FR",
    "georgisch": "GE",
    "griechisch": "GR",
    "indisch": "IN",
    "indonesisch": "ID",
    "irakisch": "IQ",
    "iranisch": "IR",
    "irisch": "IE",
    "isländisch": "IS",
    "israelisch": "IL",
    "italienisch": "IT",
    "japanisch": "JP",
    "jemenitisch": "YE",
    "jordanisch": "JO",
    "kanadisch": "CA",
    "kasachisch": "KZ",
    "katarisch": "QA",
    "kenianisch": "KE",
    "kirgisisch": "KG",
    "kolumbianisch": "CO",
    "kosovarisch": "XK",
    "kroatisch": "HR",
    "kubanisch": "CU",
    "lettisch": "LV",
    "libanesisch": "LB",
    "libysch": "LY",
    "litauisch": "LT",
    "luxemburgisch": "LU",
    "malisch": "ML",
    "marokkanisch": "MA",
    "mexikanisch": "MX",
    "moldauisch": "MD",
    "moldawisch": "MD",
    "mongolisch": "MN",
    "montenegrinisch": "ME",
    "neuseeländisch": "NZ",
    "niederländisch": "NL",
    "holländisch": "NL",
    "nigerianisch": "NG",
    "nordkoreanisch": "KP",
    "südkoreanisch": "KR",
    "norwegisch": "NO",
    "österreichisch": "AT",
    "pakistanisch": "PK",
    "palästinensisch": "PS",
    "peruanisch": "PE",
    "philippinisch": "PH",
    "polnisch": "PL",
    "portugiesisch": "PT",
    "rumänisch": "RO",
    "russisch": "RU",
    "saudi-arabisch": "SA",
    "saudisch": "SA",
    "schwedisch": "SE",
    "schweizerisch": "CH",
    "serbisch": "RS",
    "slowakisch": "SK",
    "slowenisch": "SI",
    "spanisch": "ES",
    "sudanesisch": "SD",
    "südafrikanisch": "ZA",
    "syrisch": "SY",
    "tadschikisch": "TJ",
    "taiwanisch": "TW",
    "thailändisch": "TH",
    "tschechisch": "CZ",
    "tunesisch": "TN",
    "türkisch": "TR",
    "turkmenisch": "TM",
    "ukrainisch": "UA",
    "ungarisch": "HU",
    "usbekisch": "UZ",
    "venezolanisch": "VE",
    "vietnamesisch": "VN",
    "zyprisch": "CY",
}

#: Endings of German adjectives.
DEMONYM_ENDINGS: tuple[str, ...] = ("", "e", "en", "er", "es", "em")

#: Inhabitant nouns, all forms written out ("Russen" is a reference to Russia). Capitalised.
DEMONYM_NOUNS: dict[str, str] = {
    **dict.fromkeys(("Russe", "Russen", "Russin", "Russinnen"), "RU"),
    **dict.fromkeys(("Ukrainer", "Ukrainern", "Ukrainerin", "Ukrainerinnen"), "UA"),
    **dict.fromkeys(("Belarussen", "Belarusse", "Weißrussen", "Weissrussen"), "BY"),
    **dict.fromkeys(("Amerikaner", "Amerikanern", "Amerikanerin", "Amerikanerinnen"), "US"),
    **dict.fromkeys(("Briten", "Britin", "Britinnen"), "GB"),
    **dict.fromkeys(("Franzose", "Franzosen", "Französin", "Französinnen"), "FR"),
    **dict.fromkeys(("Chinese", "Chinesen", "Chinesin", "Chinesinnen"), "CN"),
    **dict.fromkeys(("Israelis",), "IL"),
    **dict.fromkeys(("Palästinenser", "Palästinensern", "Palästinenserin"), "PS"),
    **dict.fromkeys(("Iraner", "Iranern", "Iranerin", "Iranerinnen"), "IR"),
    **dict.fromkeys(("Türken", "Türkin", "Türkinnen"), "TR"),
    **dict.fromkeys(("Österreicher", "Österreichern", "Österreicherin"), "AT"),
    **dict.fromkeys(("Italiener", "Italienern", "Italienerin"), "IT"),
    **dict.fromkeys(("Spanier", "Spaniern", "Spanierin"), "ES"),
    **dict.fromkeys(("Japaner", "Japanern", "Japanerin"), "JP"),
    **dict.fromkeys(("Syrer", "Syrern", "Syrerin"), "SY"),
    **dict.fromkeys(("Afghanen", "Afghanin"), "AF"),
}

#: Exonyms and alternative names missing from GeoNames/CLDR, by GeoNames id (cities), ISO code
#: (countries) or ISO 3166-2 code (subdivisions: "US-CA"). For cities and subdivisions the first
#: name is the German display name. All names also become names the running-text scan may use.
PLACE_NAMES: dict[int | str, tuple[str, ...]] = {
    "BY": ("Weißrussland", "Weissrussland", "Belarus"),
    # inflected forms count too: "in den Vereinigten Staaten", "in den Niederlanden"
    "US": (
        "USA",
        "Vereinigte Staaten von Amerika",
        "Vereinigten Staaten",
        "Vereinigten Staaten von Amerika",
        "Amerika",
    ),
    "GB": ("Großbritannien", "Grossbritannien", "UK", "Vereinigten Königreich"),
    "NL": ("Holland", "Niederlanden"),
    "AE": ("Vereinigten Arabischen Emirate", "Vereinigten Arabischen Emiraten", "Emirate"),
    "RU": ("Russische Föderation", "Russischen Föderation"),
    "CZ": ("Tschechische Republik", "Tschechischen Republik"),
    "CD": ("Demokratische Republik Kongo", "Demokratischen Republik Kongo", "Kongo-Kinshasa"),
    "CG": ("Republik Kongo", "Kongo-Brazzaville"),
    "CF": ("Zentralafrikanischen Republik",),
    "DO": ("Dominikanischen Republik",),
    "PH": ("Philippinen",),
    "CI": ("Elfenbeinküste",),
    "MM": ("Birma", "Burma"),
    "PS": ("Palästina", "Palästinensergebiete", "palästinensischen Gebiete"),
    "MK": ("Mazedonien",),
    "TR": ("Türkiye",),
    "VA": ("Vatikan", "Vatikanstadt"),
    "KR": ("Südkorea",),
    "KP": ("Nordkorea",),
    # German names of US states (regions are keyed by ISO 3166-2 code, see gazetteer)
    "US-CA": ("Kalifornien",),
    "US-NM": ("Neumexiko", "New Mexiko"),
    "US-NC": ("Nord-Carolina", "Nordcarolina"),
    "US-SC": ("Süd-Carolina", "Südcarolina"),
    "US-ND": ("Nord-Dakota", "Norddakota"),
    "US-SD": ("Süd-Dakota", "Süddakota"),
    "US-PA": ("Pennsylvanien",),
    "US-HI": ("Hawaii",),
    "GB-NIR": ("Nordirland",),
    "GB-SCT": ("Schottland",),
    "GB-ENG": ("England",),
    "GB-WLS": ("Wales",),
    2660646: ("Genf",),  # Geneva
    498817: ("Sankt Petersburg", "St. Petersburg", "Petersburg"),  # Saint Petersburg
    3173435: ("Mailand",),  # Milan
    3172394: ("Neapel",),  # Naples
    3164603: ("Venedig",),  # Venice
    3176959: ("Florenz",),  # Florence
    3176219: ("Genua",),  # Genoa
    2747373: ("Den Haag",),  # The Hague
    2803138: ("Antwerpen",),  # Antwerp
    2800931: ("Brügge",),  # Brugge
    2792413: ("Lüttich",),  # Liège
    2797656: ("Gent",),  # Gent
    3094802: ("Krakau",),  # Kraków
    3099434: ("Danzig",),  # Gdańsk
    3081368: ("Breslau",),  # Wrocław
    3083829: ("Stettin",),  # Szczecin
    702550: ("Lwiw", "Lemberg"),  # Lviv
    706483: ("Charkiw", "Charkow"),  # Kharkiv
    698740: ("Odessa",),  # Odesa
    687700: ("Saporischschja",),  # Zaporizhzhya
    706448: ("Cherson",),  # Kherson
    700569: ("Mykolajiw",),  # Mykolayiv
    710735: ("Tschernihiw",),  # Chernihiv
    709717: ("Donezk",),  # Donetsk
    702658: ("Luhansk", "Lugansk"),  # Luhansk
    713174: ("Bachmut",),  # Bakhmut
    693468: ("Slowjansk",),  # Slovyansk
    713122: ("Awdijiwka",),  # Avdiyivka
    694423: ("Sewastopol",),  # Sevastopol
    703448: ("Kiew", "Kyjiw", "Kyiv"),  # Kyiv
    520555: ("Nischni Nowgorod",),  # Nizhniy Novgorod
    501175: ("Rostow am Don", "Rostow"),  # Rostov-on-Don
    551487: ("Kasan",),  # Kazan
    491422: ("Sotschi",),  # Sochi
    554234: ("Kaliningrad", "Königsberg"),  # Kaliningrad
    627907: ("Gomel", "Homel"),  # Homyel'
    620127: ("Witebsk",),  # Vitebsk
    627904: ("Grodno", "Hrodna"),  # Hrodna
    625665: ("Mogiljow", "Mahiljou"),  # Mahilyow
    616052: ("Eriwan", "Jerewan"),  # Yerevan
    1816670: ("Peking",),  # Beijing
    1796236: ("Schanghai",),  # Shanghai
    1261481: ("Neu-Delhi",),  # New Delhi
    2973783: ("Straßburg",),  # Strasbourg
    2990440: ("Nizza",),  # Nice
    2659811: ("Luzern",),  # Luzern
    2659496: ("Neuenburg",),  # Neuchâtel
    2661513: ("Biel",),  # Biel/Bienne
    618426: ("Chisinau", "Kischinau"),  # Chisinau
    593116: ("Vilnius", "Wilna"),  # Vilnius
    3369157: ("Kapstadt",),  # Cape Town
    104515: ("Mekka",),  # Makkah
    734077: ("Thessaloniki", "Saloniki"),  # Thessaloníki
    2886242: ("Köln",),  # Köln
    2867714: ("München",),  # Munich
    2861650: ("Nürnberg",),  # Nuremberg
    3530597: ("Mexiko-Stadt",),  # Mexico City
    281124: ("Chan Junis",),  # Khan Yunis
}

#: Capitalised words that are also place names but in German text are far more often something
#: else (a noun, a verb, a first name). The running-text scan never proposes them; a mention
#: the NER model tagged as a location is still resolved.
NOT_PLACES: frozenset[str] = frozenset(
    {
        "Essen",
        "Halle",
        "Mark",
        "Bild",
        "Hof",
        "Weil",
        "Zell",
        "Brand",
        "Born",
        "Bad",
        "Wald",
        "Stein",
        "Berg",
        "Laufen",
        "Lauf",
        "Zug",
        "Ort",
        "See",
        "Mitte",
        "Linden",
        "Posen",
        "Kaiser",
        "Roth",
        "Wolf",
        "Werder",
        "Wedel",
        "Weiden",
        "Worms",
        "Marl",
        "Rheine",
        "Gotha",
        "Bruchsal",
        "Eisenach",
        "Wang",
        "Alexander",
        "Wladimir",
        "Vladimir",
        "Victoria",
        "Florence",
        "Jordan",
        "Lincoln",
        "Hamilton",
        "Wilson",
        "Madison",
        "Jackson",
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
        "Tass",
        "Dessau",
        "Erst",
        "Ende",
        "Anfang",
        "Trump",
        "Putin",
        "Biden",
        # seen as false places in German news (names, English words, clubs)
        "Obama",
        "David",
        "George",
        "Martin",
        "Sebastian",
        "Clinton",
        "Van",
        "Der",
        "Deal",
        "Time",
        "Hit",
        "Gold",
        "Golden",
        "Pen",
        "Boom",
        "Magna",
        "University",
        "Young",
        "Green",
        "Crystal",
        "Imperial",
        "Retreat",
        "Kenner",
        "Löhne",
        "Asbest",
        "Wisch",
        "Lander",
        "Ajax",
        "Benfica",
        "Chelsea",
        "Marino",
        "Mena",
        "Ami",
        "Ali",
        "Kim",
        "Vera",
        "Taylor",
        "Lawrence",
        "Newton",
        "Adrian",
        "Elizabeth",
        "Marco",
        "Gary",
        "Lopez",
        "Garcia",
        "Santos",
        "Castro",
        "Morales",
        "Rubio",
        "Haan",
        "Austria",
        "Kita",
        "Klang",
        "Xinhua",
        "Rosetta",
        "Bergen",
        "Nord",
        "Süd",
        "Siegen",
        "Asse",
        "Ost",
        "West",
    }
)

#: Compass prefixes of German place compounds: "Ostukraine" is (the east of) Ukraine.
COMPASS_PREFIXES: tuple[str, ...] = (
    "Nordost",
    "Nordwest",
    "Südost",
    "Südwest",
    "Nord",
    "Süd",
    "Ost",
    "West",
    "Zentral",
    "Mittel",
)

#: Prepositions after which a capitalised word is a place even when it is also a common word
#: ("in Essen", "nach Halle"): the scan then accepts cities of at least 100,000 inhabitants.
PLACE_PREPOSITIONS: frozenset[str] = frozenset({"in", "nach", "aus"})

#: Given names that end in -s: never read as a genitive ("Tobias" is not "Tobia's").
S_NAMES: frozenset[str] = frozenset(
    {
        "Andreas",
        "Tobias",
        "Matthias",
        "Mathias",
        "Markus",
        "Marcus",
        "Klaus",
        "Claus",
        "Hans",
        "Thomas",
        "Nikolaus",
        "Niklas",
        "Nicolas",
        "Lukas",
        "Lucas",
        "Jonas",
        "Elias",
        "Julius",
        "Linus",
        "Janis",
        "Jannis",
        "Tomas",
        "Boris",
        "Denis",
        "Alexis",
        "Dennis",
        "Agnes",
        "Doris",
        "Iris",
        "Frances",
        "Charles",
        "James",
        "Lars",
        "Mats",
        "Jens",
        "Jos",
        "Cornelius",
        "Marius",
        "Darius",
        "Ines",
        "Mercedes",
        "Dolores",
        "Carlos",
        "Vitalis",
        "Alexandros",
        "Kyriakos",
        "Nikos",
        "Kostas",
        "Yannis",
        "Louis",
        "Paris",
    }
)

#: Genitive endings of names, in the order to try. "Putins" -> "Putin"; "Lukaschenkos" ->
#: "Lukaschenko"; "Tobias'" -> "Tobias".
GENITIVE_SUFFIXES: tuple[str, ...] = ("’s", "'s", "s", "'", "’")
