"""Calendar arithmetic and TIMEX3 value formatting, language-free.

Every function takes the document creation time (DCT) as a :class:`datetime.date` and a
*direction* that the context decided: ``"past"`` (the most recent occurrence on or before the
DCT), ``"future"`` (the next one on or after it) or ``"present"`` (the nearest one). Keeping the
arithmetic here, apart from the grammar, makes it testable on its own and keeps the rules short.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

Direction = Literal["past", "future", "present"]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: months of each season, for "im vergangenen Sommer"
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


def iso_day(d: date) -> str:
    return d.isoformat()


def iso_week(d: date) -> str:
    """TIMEX3 week value (ISO week numbering): 2022-W51."""
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def iso_month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    """(year, month) ``n`` months after (y, m)."""
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def shift_weekday(dct: date, weekday: int, how: str) -> date:
    """The date of ISO ``weekday`` (1 = Monday) relative to ``dct``.

    ``how``: ``past`` on/before, ``future`` on/after, ``last`` strictly before, ``next`` strictly
    after, ``this`` the same ISO week (German "an diesem Donnerstag").
    """
    delta = weekday - dct.isoweekday()
    if how == "this":
        return dct + timedelta(days=delta)
    if how in ("past", "last"):
        back = (-delta) % 7
        if back == 0 and how == "last":
            back = 7
        return dct - timedelta(days=back)
    ahead = delta % 7
    if ahead == 0 and how == "next":
        ahead = 7
    return dct + timedelta(days=ahead)


def weekend(dct: date, direction: Direction) -> str:
    """The weekend (TIMEX3 ``YYYY-Www-WE``) meant from ``dct``: the last one or the coming one."""
    if dct.isoweekday() >= 6:
        sat = dct - timedelta(days=dct.isoweekday() - 6)
    elif direction == "past":
        sat = shift_weekday(dct, 6, "last")
    else:
        sat = shift_weekday(dct, 6, "next")
    return iso_week(sat) + "-WE"


def month_year(dct: date, month: int, direction: Direction) -> int:
    """The year of a bare month name ("im März") seen from ``dct``."""
    if direction == "past":
        return dct.year if month <= dct.month else dct.year - 1
    if direction == "future":
        return dct.year if month >= dct.month else dct.year + 1
    diff = month - dct.month
    if diff > 6:
        return dct.year - 1
    if diff < -6:
        return dct.year + 1
    return dct.year


def day_month_year(dct: date, month: int, day: int, direction: Direction) -> int:
    """The year of "19. Dezember" seen from ``dct`` (Feb 29 falls back to the nearest leap)."""
    cands = []
    for y in (dct.year - 1, dct.year, dct.year + 1):
        try:
            cands.append(date(y, month, day))
        except ValueError:
            continue
    if not cands:
        return dct.year
    if direction == "past":
        past = [c for c in cands if c <= dct]
        return max(past).year if past else min(cands).year
    if direction == "future":
        fut = [c for c in cands if c >= dct]
        return min(fut).year if fut else max(cands).year
    return min(cands, key=lambda c: abs((c - dct).days)).year


def quarter_year(dct: date, quarter: int, size: int, direction: Direction) -> int:
    """The year of "im dritten Quartal" (``size`` 3) or "im ersten Halbjahr" (``size`` 6)."""
    current = (dct.month - 1) // size + 1
    if direction == "past" and quarter > current:
        return dct.year - 1
    if direction == "future" and quarter < current:
        return dct.year + 1
    return dct.year


def season_year(dct: date, season: str, offset: int | None, direction: Direction) -> int:
    """The year of a season: ``offset`` -1 ("vergangenen Sommer"), +1, 0, or None (bare)."""
    first, last = SEASON_MONTHS[season]
    m = dct.month if dct.month >= 3 else dct.month + 12  # winter spans the new year
    y = dct.year if dct.month >= 3 else dct.year - 1
    if offset is None:
        offset = {"past": -1, "future": 1}.get(direction, 0) if not first <= m <= last else 0
    if offset < 0:
        return y if last < m else y - 1
    if offset > 0:
        return y if first > m else y + 1
    return y


def easter(year: int) -> date:
    """Easter Sunday (Gregorian), by the anonymous Gregorian algorithm."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def valid_day(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def number_text(n: float | None) -> str:
    """A TIMEX3 duration number: ``3``, ``1.5``, or ``X`` when unknown ("mehrere")."""
    if n is None:
        return "X"
    return str(int(n)) if float(n).is_integer() else str(n)


def duration(n: float | None, unit: str) -> str:
    """TIMEX3 duration: P3Y, P2W, PT24H, PT10M; decades and centuries as P10Y/P100Y."""
    if unit in ("H", "MIN", "S"):
        return f"PT{number_text(n)}{'M' if unit == 'MIN' else unit}"
    if unit == "DE":
        return f"P{number_text(None if n is None else n * 10)}Y"
    if unit == "CE":
        return f"P{number_text(None if n is None else n * 100)}Y"
    return f"P{number_text(n)}{unit}"
