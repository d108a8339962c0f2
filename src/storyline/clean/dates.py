"""Publication dates from *declared* values: metadata fields, feed entries, HTTP headers, flags.

``Article.published`` feeds event linking, so a wrong date is worse than no date: an article
dated by a "© 2019" footer would be linked to the wrong week of news. This module therefore only
parses values that something declared to be a date, in a closed set of formats, and rejects
anything implausible. It never searches free text (no dateparser, no htmldate guessing).

The calendar date is taken as written, in the publisher's own time zone: "2026-03-12T23:30:00+01:00"
is the 12th, although it is the 12th at 22:30 in UTC as well as the 13th nowhere. Converting to
UTC would move late-evening articles to the next day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_tz

#: Dates before this year are typos or placeholders ("0001-01-01", "1970-01-01" is allowed).
MIN_YEAR = 1900
#: Dates more than this far ahead are wrong (time zones and embargoes make 1-2 days normal).
MAX_DAYS_AHEAD = 2

# Month names of every language we read (German, English; French/Italian/Spanish are cheap and
# appear in Swiss and international feeds). Matched casefolded, with an optional trailing dot.
_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    (
        "januar jänner january janvier gennaio enero jan jän",
        "februar feber february février fevrier febbraio febrero feb",
        "märz maerz march mars marzo mar mär mrz",
        "april avril aprile abril apr avr",
        "mai may maggio mayo",
        "juni june juin giugno junio jun",
        "juli july juillet luglio julio jul juil",
        "august august août aout agosto aug",
        "september septembre settembre septiembre sep sept set",
        "oktober october octobre ottobre octubre okt oct ott",
        "november novembre noviembre nov",
        "dezember december décembre decembre dicembre diciembre dez dec dic déc",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _num

_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DAY = r"(?P<day>\d{1,2})"
_YEAR = r"(?P<year>\d{4})"
_WEEKDAY = r"(?:[^\W\d_]{2,12}\.?,?\s+)?"  # "Thursday, ", "Do., "
# an optional time and zone after the date: " 09:30", ", 9:30 Uhr", "T09:30:00.000+01:00", " GMT"
_TIME = (
    r"(?:(?:\s*,\s*|\s+|T)(?:um\s+|at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?"
    r"(?:\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.))?"
    r"\s*(?:z|utc|gmt|mez|mesz|cet|cest|wet|west|eet|eest|bst|est|edt|cst|cdt|mst|mdt|pst|pdt"
    r"|(?:utc|gmt)?[+-]\d{2}:?\d{2}|(?:utc|gmt)?[+-]\d{1,2})?)?"
)

_PATTERNS = [
    # ISO 8601 and close relatives: 2026-03-12, 2026-03-12T09:30:00+01:00, 2026/03/12, 20260312
    re.compile(rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}}){_TIME}$", re.I),
    re.compile(rf"^(?P<year>\d{{4}})/(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}}){_TIME}$", re.I),
    re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:T?\d{4,6}(?:Z|[+-]\d{4})?)?$"),
    # German numeric: 12.03.2026, 12.3.2026 9:30
    re.compile(rf"^{_WEEKDAY}{_DAY}\.\s?(?P<month>\d{{1,2}})\.\s?{_YEAR}{_TIME}$", re.I),
    # day month year: 12. März 2026, 12 March 2026, Do., 12. Mär. 2026
    re.compile(rf"^{_WEEKDAY}{_DAY}\.?\s+{_MONTH}\s+{_YEAR}{_TIME}$", re.I),
    # month day, year: March 12, 2026; Mar. 12th 2026
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}{_TIME}$", re.I),
]


def _today() -> date:
    """Today in UTC; a function so that tests can reason about the future bound."""
    return datetime.now(UTC).date()


def _month_number(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    return _MONTHS.get(value.casefold().rstrip("."))


def _plausible(year: int, month: int, day: int) -> str | None:
    """ISO date if it exists and lies between :data:`MIN_YEAR` and a little after today."""
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    if d.year < MIN_YEAR or d > _today() + timedelta(days=MAX_DAYS_AHEAD):
        return None
    return d.isoformat()


def parse_date(value: str | None) -> str | None:
    """ISO ``YYYY-MM-DD`` of a declared date value, or None if it is not one we trust.

    Accepts ISO 8601 (with or without time and zone), RFC 2822 (feeds, HTTP ``Last-Modified``),
    German ``12.03.2026`` and ``12. März 2026``, English ``March 12, 2026`` and ``12 March 2026``.
    Anything else, and any date before 1900 or more than two days in the future, gives None.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date().isoformat()
    elif isinstance(value, date):
        value = value.isoformat()
    text = " ".join(str(value).split())
    if not text or len(text) > 64:
        return None
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m is None:
            continue
        month = _month_number(m.group("month"))
        if month is None:
            return None
        return _plausible(int(m.group("year")), month, int(m.group("day")))
    # RFC 2822: "Thu, 12 Mar 2026 09:30:00 +0100" (only when it has a time, else the patterns
    # above have already answered). parsedate_tz is lenient, so insist on its shape first.
    if re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}", text):
        parsed = parsedate_tz(text)
        if parsed is not None:
            year, month, day = parsed[0], parsed[1], parsed[2]
            if year < 100:  # RFC 822 two-digit years
                year += 2000 if year < 50 else 1900
            return _plausible(year, month, day)
    return None


__all__ = ["MAX_DAYS_AHEAD", "MIN_YEAR", "parse_date"]
