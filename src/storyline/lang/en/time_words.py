"""English words of time expressions, read by :mod:`storyline.analyse.timex_lexicon`.

The same keys as the German module (``storyline.lang.de.time_words``), so that one grammar
serves both languages. English needs a few extra shapes the grammar handles from this data:
"December 19, 2022" (month before day), "two weeks ago" (a postposition), "2:30 pm".
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    "sunday": 7,
}  # fmt: skip
#: "on Mondays" is a SET
WEEKDAY_ADVERBS: dict[str, int] = {
    "mondays": 1, "tuesdays": 2, "wednesdays": 3, "thursdays": 4, "fridays": 5,
    "saturdays": 6, "sundays": 7,
}  # fmt: skip
NUMBERS: dict[str, float | None] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100,
    "several": None, "a few": None, "few": None, "many": None,
}  # fmt: skip
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
}  # fmt: skip
UNITS: dict[str, str] = {
    "second": "S", "seconds": "S", "minute": "MIN", "minutes": "MIN", "hour": "H",
    "hours": "H", "day": "D", "days": "D", "week": "W", "weeks": "W", "month": "M",
    "months": "M", "year": "Y", "years": "Y", "decade": "DE", "decades": "DE",
    "century": "CE", "centuries": "CE",
}  # fmt: skip
RELATIVE_DAYS: dict[str, int] = {
    "today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0,
}  # fmt: skip
PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO", "noon": "MI", "midday": "MI", "afternoon": "AF", "evening": "EV",
    "night": "NI",
}  # fmt: skip
SEASONS: dict[str, str] = {
    "spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI",
}  # fmt: skip
PAST_ADJECTIVES = ("last", "past", "previous")
FUTURE_ADJECTIVES = ("next", "coming", "following", "upcoming")
THIS_ADJECTIVES = ("this", "current")
POSITIONS: dict[str, str] = {
    "early": "START", "earlier": "START", "beginning of": "START", "start of": "START",
    "mid": "MID", "middle of": "MID", "late": "END", "later": "END", "end of": "END",
}  # fmt: skip
POSITION_COMPOUNDS: dict[str, tuple[str, str]] = {
    "weekend": ("W", "WE"), "year-end": ("Y", "END"), "midweek": ("W", "MID"),
}  # fmt: skip
APPROXIMATORS: dict[str, str] = {
    "about": "APPROX", "around": "APPROX", "roughly": "APPROX", "nearly": "LESS_THAN",
    "almost": "LESS_THAN", "more than": "MORE_THAN", "over": "MORE_THAN",
    "at least": "EQUAL_OR_MORE", "less than": "LESS_THAN", "some": "APPROX",
}  # fmt: skip
EVERY = ("every", "each")
FREQUENCIES: dict[str, str] = {
    "hourly": "PT1H", "daily": "P1D", "weekly": "P1W", "monthly": "P1M", "yearly": "P1Y",
    "annually": "P1Y", "quarterly": "P3M",
}  # fmt: skip
TIMES_WORDS = ("once", "twice", "three times", "several times")
PRESENT_REF = ("currently", "now", "nowadays", "at present")
VAGUE_PLURAL_UNITS = ("days", "weeks", "months", "years")
QUARTER_WORDS = ("quarter",)
SPAN_FOLLOWERS = ("later", "earlier", "after", "before", "long")
NIGHT_BEFORE = r"night\s+before"
HALF_WORDS = ("half",)
DECADE_SUFFIX = r"s"
HOLIDAYS: dict[str, tuple[str, int, int]] = {
    "new year's day": ("fixed", 1, 1), "new year's eve": ("fixed", 12, 31),
    "christmas eve": ("fixed", 12, 24), "christmas": ("fixed", 12, 25),
    "easter": ("easter", 0, 0), "good friday": ("easter", -2, 0),
    "independence day": ("fixed", 7, 4),
}  # fmt: skip
MONTH_CONTEXT = (
    "in", "since", "until", "till", "by", "from", "early", "mid", "late", "of", "last", "next",
    "this", "before", "after", "during", "end", "since early",
)  # fmt: skip
SIGNALS_PAST = ("since", "ago")
SIGNALS_FUTURE = ("from", "for", "by", "until")
WEEKDAY_SIGNALS_PAST = ("since",)
PREVIOUS_UNITS: dict[str, str] = {
    "a year earlier": "Y", "the previous year": "Y", "the year before": "Y",
    "a month earlier": "M", "the previous month": "M", "the day before": "D",
}  # fmt: skip
IN_FUTURE = ("in",)
PAST_CUES = (
    "was", "were", "had", "did", "said", "told", "met", "went", "came", "took", "gave", "made",
    "won", "lost", "began", "saw", "left", "found", "became", "announced", "signed",
    "agreed", "visited", "called", "killed", "struck", "hit", "fell", "rose",
)  # fmt: skip
PERFECT_AUX = ("has", "have")
FUTURE_CUES = (
    "will", "would", "shall", "'ll", "going to", "plans", "planned", "scheduled", "expected",
    "is due", "are due", "is set", "are set", "to be held", "begins", "starts", "opens",
    "intends", "aims",
)  # fmt: skip
NOT_PRETERITE: tuple[str, ...] = ("red", "bed", "need", "speed", "seed", "feed", "hundred")
PARTICIPLE_PREFIXES: tuple[str, ...] = ()
SAME_DAY_WORDS = ("today", "this")
