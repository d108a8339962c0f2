"""German words of time expressions, read by :mod:`storyline.analyse.timex_lexicon`.

Plain data, so that the time grammar never hard-codes a language: every pattern of the grammar is
built from these lists. Keys are lower case; matching is case-insensitive, except where the
grammar must tell the noun "Morgen" (morning) from the adverb "morgen" (tomorrow).

The tense cues are deliberately small and high-precision: they only decide whether a bare "am
Montag" or "im März" points back (most recent such day on or before the publication day) or
forward (next such day on or after it). A sentence with no cue is read as present tense, which in
German news announces what is scheduled ("Das Spiel beginnt am Sonntag").
"""

from __future__ import annotations

#: month names and common abbreviations (abbreviations only count next to a day number)
MONTHS: dict[str, int] = {
    "januar": 1, "jänner": 1, "februar": 2, "feber": 2, "märz": 3, "maerz": 3, "april": 4,
    "mai": 5, "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10,
    "november": 11, "dezember": 12,
}  # fmt: skip
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mär": 3, "mrz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dez": 12,
}  # fmt: skip

#: weekday names -> ISO weekday (1 = Monday); "Sonnabend" is the northern Saturday
WEEKDAYS: dict[str, int] = {
    "montag": 1, "dienstag": 2, "mittwoch": 3, "donnerstag": 4, "freitag": 5,
    "samstag": 6, "sonnabend": 6, "sonntag": 7,
}  # fmt: skip
#: adverbial weekdays: "montags" means every Monday (a SET)
WEEKDAY_ADVERBS: dict[str, int] = {
    "montags": 1, "dienstags": 2, "mittwochs": 3, "donnerstags": 4, "freitags": 5,
    "samstags": 6, "sonnabends": 6, "sonntags": 7,
}  # fmt: skip

#: number words up to what news writes out; "einem"/"einer" cover "vor einem Jahr"
NUMBERS: dict[str, float] = {
    "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "eines": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
    "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17,
    "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40,
    "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90, "hundert": 100,
    "hundertfünfzig": 150, "anderthalb": 1.5, "eineinhalb": 1.5, "zweieinhalb": 2.5,
    "einigen": None, "einige": None, "mehreren": None, "mehrere": None, "wenigen": None,
    "wenige": None, "weniger": None, "vielen": None, "viele": None,
}  # fmt: skip

#: ordinal words, for quarters and halves ("im dritten Quartal")
ORDINALS: dict[str, int] = {
    "ersten": 1, "erste": 1, "erstes": 1, "zweiten": 2, "zweite": 2, "dritten": 3, "dritte": 3,
    "vierten": 4, "vierte": 4, "letzten": -1, "letzte": -1,
}  # fmt: skip

#: unit words -> TIMEX3 unit letter (``H``, ``MIN`` and ``S`` are time units, written after T)
UNITS: dict[str, str] = {
    "sekunde": "S", "sekunden": "S", "minute": "MIN", "minuten": "MIN", "stunde": "H",
    "stunden": "H", "tag": "D", "tage": "D", "tagen": "D", "tages": "D", "woche": "W",
    "wochen": "W", "monat": "M", "monate": "M", "monaten": "M", "monats": "M", "jahr": "Y",
    "jahre": "Y", "jahren": "Y", "jahres": "Y", "jahrzehnt": "DE", "jahrzehnte": "DE",
    "jahrzehnten": "DE", "jahrhundert": "CE", "jahrhunderte": "CE", "jahrhunderten": "CE",
}  # fmt: skip

#: relative day adverbs -> offset in days from the publication day
RELATIVE_DAYS: dict[str, int] = {
    "heute": 0, "gestern": -1, "morgen": 1, "vorgestern": -2, "übermorgen": 2,
}  # fmt: skip

#: parts of the day -> TIMEX3 part-of-day codes (also as compounds: "Montagabend")
PARTS_OF_DAY: dict[str, str] = {
    "morgen": "MO", "früh": "MO", "frühen morgen": "MO", "vormittag": "MO", "mittag": "MI",
    "nachmittag": "AF", "abend": "EV", "nacht": "NI",
}  # fmt: skip

#: seasons -> TIMEX3 season codes
SEASONS: dict[str, str] = {
    "frühjahr": "SP", "frühling": "SP", "sommer": "SU", "herbst": "FA", "winter": "WI",
}  # fmt: skip

#: adjectives that move a unit back, forward, or keep it ("vergangenen Jahr", "nächste Woche")
PAST_ADJECTIVES = ("vergangen", "letzt", "vorig", "zurückliegend")
FUTURE_ADJECTIVES = ("nächst", "kommend", "folgend", "bevorstehend")
THIS_ADJECTIVES = ("dies", "laufend", "aktuell", "selb")

#: position inside a unit -> TIMEX3 mod ("Anfang März", "Ende des Jahres", "Mitte 2023")
POSITIONS: dict[str, str] = {
    "anfang": "START", "beginn": "START", "mitte": "MID", "ende": "END", "ausgang": "END",
}  # fmt: skip
#: compounds of year/month/week with a position ("Jahresbeginn", "Monatsende")
POSITION_COMPOUNDS: dict[str, tuple[str, str]] = {
    "jahresbeginn": ("Y", "START"), "jahresanfang": ("Y", "START"), "jahresmitte": ("Y", "MID"),
    "jahresende": ("Y", "END"), "jahreswechsel": ("Y", "END"), "monatsbeginn": ("M", "START"),
    "monatsanfang": ("M", "START"), "monatsmitte": ("M", "MID"), "monatsende": ("M", "END"),
    "wochenbeginn": ("W", "START"), "wochenanfang": ("W", "START"),
    "wochenmitte": ("W", "MID"), "wochenende": ("W", "WE"),
}  # fmt: skip

#: approximators kept inside the expression, TimeML-style, with their mod
APPROXIMATORS: dict[str, str] = {
    "etwa": "APPROX", "rund": "APPROX", "ungefähr": "APPROX", "knapp": "LESS_THAN",
    "fast": "LESS_THAN", "beinahe": "LESS_THAN", "gut": "MORE_THAN", "mehr als": "MORE_THAN",
    "mindestens": "EQUAL_OR_MORE", "weniger als": "LESS_THAN",
    "höchstens": "EQUAL_OR_LESS", "fast genau": "APPROX",
}  # fmt: skip

#: "jeden Montag", "jede Woche"
EVERY = ("jeden", "jede", "jedes", "alle")
#: frequency adverbs -> TIMEX3 SET period
FREQUENCIES: dict[str, str] = {
    "stündlich": "PT1H", "täglich": "P1D", "tagtäglich": "P1D", "wöchentlich": "P1W",
    "monatlich": "P1M", "jährlich": "P1Y", "alljährlich": "P1Y", "vierteljährlich": "P3M",
    "halbjährlich": "P6M",
}  # fmt: skip
#: counts before a frequency ("zweimal täglich")
TIMES_WORDS = ("einmal", "zweimal", "dreimal", "viermal", "fünfmal", "mehrmals")

#: words that refer to the present or to an unspecified future/past
PRESENT_REF = ("derzeit", "zurzeit", "gegenwärtig", "momentan", "jetzt")
#: phrases with a determiner: "in den kommenden Wochen", "in den vergangenen Jahren"
VAGUE_PLURAL_UNITS = (
    "minuten",
    "stunden",
    "tage",
    "tagen",
    "wochen",
    "monate",
    "monaten",
    "jahre",
    "jahren",
    "jahrzehnten",
    "jahrzehnte",
)

#: quarters and halves of a year
QUARTER_WORDS = ("quartal", "quartals", "vierteljahr", "vierteljahres")
HALF_WORDS = ("halbjahr", "halbjahres", "jahreshälfte")
#: words after "ein Jahr" that make the article a number: "Ein Jahr nach dem Angriff"
SPAN_FOLLOWERS = ("nach", "vor", "später", "zuvor", "lang", "danach", "her")
#: "in der Nacht zum Freitag": the night before a weekday
NIGHT_BEFORE = r"nacht\s+(?:zum|zu|auf\s+den)"
DECADE_SUFFIX = r"er(?:-?jahren?|-?jahre)?"

#: holidays with a fixed date (month, day) or an Easter offset (``"easter", days``)
HOLIDAYS: dict[str, tuple[str, int, int]] = {
    "neujahr": ("fixed", 1, 1), "silvester": ("fixed", 12, 31), "heiligabend": ("fixed", 12, 24),
    "weihnachten": ("fixed", 12, 25), "ostern": ("easter", 0, 0),
    "ostersonntag": ("easter", 0, 0), "ostermontag": ("easter", 1, 0),
    "karfreitag": ("easter", -2, 0), "pfingsten": ("easter", 49, 0),
    "christi himmelfahrt": ("easter", 39, 0), "tag der deutschen einheit": ("fixed", 10, 3),
}  # fmt: skip

#: words that may stand before a bare month name and make it a date ("im März", "seit Mai");
#: without one, "August" and "Mai" are too often names
MONTH_CONTEXT = (
    "im", "in", "seit", "bis", "ab", "vom", "zum", "anfang", "mitte", "ende", "beginn",
    "monat", "des", "den", "noch", "erst", "bereits", "schon", "für", "nach", "vor", "letzten",
    "vergangenen", "kommenden", "nächsten", "diesen", "diesem", "späten", "frühen",
)  # fmt: skip
#: prepositions and signals before an expression; spans never include them (TimeML)
SIGNALS_PAST = ("seit", "zuletzt")
#: signals that point back only before a bare weekday: "die Wahl vom Sonntag"
WEEKDAY_SIGNALS_PAST = ("vom", "seit", "zuletzt")
SIGNALS_FUTURE = ("ab", "für", "bis zum", "spätestens", "frühestens", "erst ab")

#: tense cues: auxiliaries and verbs of the past; modal/future cues; participles of planning
PAST_CUES = (
    "hatte", "hatten", "hattest", "war", "waren", "wurde", "wurden", "worden", "gewesen",
    "traf", "trafen", "kam", "kamen", "fand", "fanden", "gab", "gaben", "ging", "gingen",
    "stand", "standen", "lag", "lagen", "begann", "begannen", "rief", "riefen", "hielt",
    "hielten", "blieb", "blieben", "fiel", "fielen", "stieg", "stiegen", "brach", "brachen",
    "sprach", "sprachen", "sah", "sahen", "zog", "zogen", "verlor", "verloren", "gewann",
    "gewannen", "schlug", "schlugen", "nahm", "nahmen", "trat", "traten", "wies", "wiesen",
    "verwies", "verwiesen", "erschien", "entschied", "entschieden", "beschloss", "beschlossen",
    "schrieb", "schrieben", "besiegte", "besiegten", "bekam", "flog", "flogen", "lief", "liefen",
    "sank", "sanken", "wuchs", "wuchsen", "starb", "starben", "floh", "flohen", "warf", "warfen",
    "bot", "boten", "erhielt", "erhielten", "ließ", "ließen", "hieß", "fuhr", "fuhren", "saß",
    "saßen", "schoss", "schossen", "sprang", "gelang", "gelangen", "verließ", "verließen",
    "empfing", "empfingen", "unterzeichnete", "gestern", "vorgestern", "damals", "zuvor",
)  # fmt: skip
#: auxiliaries of the Perfekt; with a participle in the same clause they mark the past
PERFECT_AUX = ("hat", "haben", "hast", "habe", "ist", "sind", "bin", "seid")
FUTURE_CUES = (
    "wird", "werden", "werde", "wirst", "würde", "würden", "soll", "sollen", "solle", "sollte",
    "sollten", "will", "wollen", "wolle", "wollte", "wollten", "plant", "planen", "geplant",
    "vorgesehen", "angesetzt", "erwartet", "erwarten", "droht", "drohen", "voraussichtlich",
    "künftig", "demnächst", "bevor", "anstehend", "beginnt", "beginnen", "startet", "folgt",
    "öffnet", "enden", "endet", "findet", "finden", "steht", "rechnet", "rechnen",
)  # fmt: skip
#: words that end like a Präteritum (-te, -ten) but are not verbs
NOT_PRETERITE = (
    "erste", "ersten", "letzte", "letzten", "nächste", "nächsten", "beste", "besten", "weitere",
    "weiteren", "konkrete", "konkreten", "bekannte", "bekannten", "gute", "guten", "harte",
    "harten", "rechte", "rechten", "alte", "alten", "mitte", "mittlere", "leute", "heute",
    "meiste", "meisten", "zweite", "zweiten", "dritte", "dritten", "vierte", "vierten", "fünfte",
    "sechste", "breite", "weite", "späte", "spaten", "sekte", "rente", "ernte", "unternehmen",
    "konnten", "könnten", "sollten", "wollten", "möchten", "dürften", "müssten", "würden",
    "hätten", "seiten", "zeiten", "monate", "minuten", "sekunden", "stunden", "geplanten",
    "erwarteten", "sogenannte", "sogenannten", "beiden", "unten", "oben", "hinten", "vorne",
    "gestrigen", "heutigen", "bitte", "mitten", "sachte", "beschäftigten", "angestellten",
    "gesamte", "gesamten", "rote", "roten", "feste", "festen", "echte", "echten", "könnte",
    "sollte", "wollte", "müsste", "dürfte", "möchte", "hätte", "würde", "fünfte", "fünften",
    "siebte", "siebten", "achte", "achten", "neunte", "neunten", "zehnte", "zehnten", "elfte",
    "elften", "zwölfte", "zwölften", "zwanzigsten", "dreißigsten", "hundertsten",
    # stative participles: "ist geöffnet" describes the present, not a past event
    "geöffnet", "geschlossen", "gesperrt", "verboten", "erlaubt", "bekannt", "besetzt",
    "geplant", "vorgesehen", "angesetzt", "gefüllt",
)  # fmt: skip
PARTICIPLE_PREFIXES = ("ge", "be", "er", "ver", "ent", "zer", "emp", "miss")

#: a unit before the one just mentioned: "2023 ... als im Vorjahr" is 2022
PREVIOUS_UNITS: dict[str, str] = {
    "vorjahr": "Y", "vorjahres": "Y", "vormonat": "M", "vormonats": "M", "vorwoche": "W",
    "vortag": "D", "vortages": "D", "vorquartal": "Q", "vorquartals": "Q",
}  # fmt: skip
#: "in drei Wochen": the preposition that makes a span a future date
IN_FUTURE = ("in",)

#: the article's self-reference, for "an diesem Donnerstag" relations in ``infer_published``
SAME_DAY_WORDS = ("heute", "heutigen", "an diesem")
