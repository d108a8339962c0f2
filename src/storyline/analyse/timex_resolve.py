"""Mentions -> TIMEX3 values, against the document creation time (DCT) when there is one.

Without a DCT nothing relative is guessed: "am Montag" stays ``XXXX-XX-XX`` (with
``weekday="Monday"``), "im März" ``XXXX-03``, "vor zwei Wochen" ``XXXX-WXX``; only what the text
itself fixes ("19. Dezember 2022", "2014", "P3Y") gets a concrete value. Everything that depends
on the DCT carries ``anchored=True``, so a caller can re-resolve it once a date is known.

Clock times and parts of the day take their day from the nearest day-level expression of the same
sentence ("am Montag um 14.30 Uhr" -> Monday 14:30), else from the DCT.
"""

from __future__ import annotations

from datetime import date, timedelta

from storyline.analyse import timex_calendar as cal
from storyline.analyse.timex_calendar import Direction
from storyline.analyse.timex_context import Context
from storyline.analyse.timex_grammar import Mention
from storyline.analyse.types import TimeExpression

_X = {"Y": "XXXX", "M": "XXXX-XX", "W": "XXXX-WXX", "D": "XXXX-XX-XX", "Q": "XXXX-QX"}


def resolve(
    mentions: list[Mention], text: str, ctx: Context, dct: date | None
) -> list[TimeExpression]:
    """TIMEX3 expressions for ``mentions`` (in text order)."""
    out: list[TimeExpression | None] = []
    late: list[int] = []
    for i, m in enumerate(mentions):
        if m.kind in ("clock", "pod", "prev_unit"):
            out.append(None)
            late.append(i)
            continue
        out.append(_resolve_one(m, text, ctx, dct))
    for i in late:
        if mentions[i].kind == "prev_unit":
            out[i] = _resolve_previous(mentions[i], text, ctx, dct, mentions, out)
        else:
            out[i] = _resolve_clock(mentions[i], text, ctx, dct, mentions, out)
    return [t for t in out if t is not None]


def _direction(m: Mention, ctx: Context) -> Direction:
    return ctx.signal(m.start, m.kind == "weekday") or ctx.direction(m.start, m.end)


def _expr(m: Mention, text: str, type_: str, value: str, **kw: object) -> TimeExpression:
    return TimeExpression(text[m.start : m.end], type_, value, m.start, m.end, **kw)  # type: ignore[arg-type]


def _resolve_one(m: Mention, text: str, ctx: Context, dct: date | None) -> TimeExpression | None:
    d = m.data
    k = m.kind
    if k == "date":
        return _date(m, text, ctx, dct)
    if k == "month":
        if d.get("year"):
            return _expr(m, text, "DATE", cal.iso_month(d["year"], d["month"]), mod=d.get("mod"))
        if dct is None:
            return _expr(m, text, "DATE", f"XXXX-{d['month']:02d}", anchored=True, mod=d.get("mod"))
        y = cal.month_year(dct, d["month"], _direction(m, ctx))
        return _expr(m, text, "DATE", cal.iso_month(y, d["month"]), anchored=True, mod=d.get("mod"))
    if k == "year":
        return _expr(m, text, "DATE", f"{d['year']:04d}", mod=d.get("mod"))
    if k == "decade":
        return _expr(m, text, "DATE", d["decade"])
    if k == "season":
        if d.get("year"):
            return _expr(m, text, "DATE", f"{d['year']}-{d['season']}")
        if dct is None:
            return _expr(m, text, "DATE", f"XXXX-{d['season']}", anchored=True)
        y = cal.season_year(dct, d["season"], d.get("offset"), _direction(m, ctx))
        return _expr(m, text, "DATE", f"{y}-{d['season']}", anchored=True)
    if k == "quarter":
        return _quarter(m, text, ctx, dct)
    if k == "rel_unit":
        return _rel_unit(m, text, ctx, dct)
    if k == "weekend":
        if dct is None:
            return _expr(m, text, "DATE", "XXXX-WXX-WE", anchored=True)
        off = d.get("offset")
        direction: Direction = "past" if off == -1 else "future" if off == 1 else _direction(m, ctx)
        return _expr(m, text, "DATE", cal.weekend(dct, direction), anchored=True)
    if k == "ref":
        return _expr(m, text, "DATE", d["value"])
    if k == "relday":
        value = "XXXX-XX-XX" if dct is None else (dct + timedelta(days=d["offset"])).isoformat()
        if d.get("pod"):
            return _expr(m, text, "TIME", f"{value}T{d['pod']}", anchored=True)
        return _expr(m, text, "DATE", value, anchored=True)
    if k == "weekday":
        name = cal.WEEKDAY_NAMES[d["weekday"] - 1]
        if dct is None:
            value = "XXXX-XX-XX"
        else:
            how = d.get("how") or _direction(m, ctx)
            if how == "present":
                how = "future"
            day = cal.shift_weekday(dct, d["weekday"], how)
            if d.get("night_before"):  # "in der Nacht zum Freitag" starts on Thursday
                day -= timedelta(days=1)
            value = day.isoformat()
        if d.get("pod"):
            return _expr(m, text, "TIME", f"{value}T{d['pod']}", anchored=True, weekday=name)
        return _expr(m, text, "DATE", value, anchored=True, weekday=name)
    if k == "holiday":
        return _holiday(m, text, ctx, dct)
    if k == "ago":
        if d["sign"] > 0 and ctx.direction(m.start, m.end) == "past":
            # "so viel Regen wie sonst in zwei Monaten": in a past report "in" + span is a span
            m = Mention(d["inner"], m.end, "duration", d)
            return _expr(m, text, "DURATION", cal.duration(d["n"], d["unit"]), mod=d.get("mod"))
        return _ago(m, text, dct)
    if k == "duration":
        return _expr(m, text, "DURATION", cal.duration(d["n"], d["unit"]), mod=d.get("mod"))
    if k == "set":
        return _expr(m, text, "SET", d["value"])
    return None


def _date(m: Mention, text: str, ctx: Context, dct: date | None) -> TimeExpression | None:
    d = m.data
    wd = d.get("weekday")
    name = cal.WEEKDAY_NAMES[wd - 1] if wd else None
    if d.get("year"):
        if not cal.valid_day(d["year"], d["month"], d["day"]):
            return None
        value = date(d["year"], d["month"], d["day"]).isoformat()
        return _expr(m, text, "DATE", value, weekday=name)
    if dct is None:
        return _expr(
            m, text, "DATE", f"XXXX-{d['month']:02d}-{d['day']:02d}", anchored=True, weekday=name
        )
    if wd:
        # the weekday picks the year: "Montag, 19. Dezember" is 2022 near a 2022/23 DCT
        years = [
            y
            for y in range(dct.year - 6, dct.year + 2)
            if cal.valid_day(y, d["month"], d["day"])
            and date(y, d["month"], d["day"]).isoweekday() == wd
        ]
        if years:
            y = min(years, key=lambda y: abs((date(y, d["month"], d["day"]) - dct).days))
            return _expr(
                m,
                text,
                "DATE",
                date(y, d["month"], d["day"]).isoformat(),
                anchored=True,
                weekday=name,
            )
    direction = _direction(m, ctx)
    y = cal.day_month_year(dct, d["month"], d["day"], direction)
    if direction != "present" and cal.valid_day(y, d["month"], d["day"]):
        # a date without a year is near the DCT: tense that points to one nearly a year away
        # (a past-tense report of a coming election "am 9. Juni") loses to a close one
        near = cal.day_month_year(dct, d["month"], d["day"], "present")
        far = abs((date(y, d["month"], d["day"]) - dct).days)
        if (
            far > 183
            and cal.valid_day(near, d["month"], d["day"])
            and abs((date(near, d["month"], d["day"]) - dct).days) <= 92
        ):
            y = near
    if not cal.valid_day(y, d["month"], d["day"]):
        return None
    return _expr(
        m, text, "DATE", date(y, d["month"], d["day"]).isoformat(), anchored=True, weekday=name
    )


def _quarter(m: Mention, text: str, ctx: Context, dct: date | None) -> TimeExpression:
    d = m.data
    letter = "Q" if d["size"] == 3 else "H"
    n = d["n"]
    if d.get("year") and n > 0:
        return _expr(m, text, "DATE", f"{d['year']}-{letter}{n}")
    if dct is None:
        return _expr(m, text, "DATE", f"XXXX-{letter}{n if n > 0 else 'X'}", anchored=True)
    if n < 0:  # "im letzten Quartal": the one before the current
        y, mo = cal.add_months(dct.year, dct.month, -d["size"])
        return _expr(m, text, "DATE", f"{y}-{letter}{(mo - 1) // d['size'] + 1}", anchored=True)
    direction = _direction(m, ctx)
    if direction == "present":
        direction = "past"  # quarters and halves are reported once they are over
    y = cal.quarter_year(dct, n, d["size"], direction)
    return _expr(m, text, "DATE", f"{y}-{letter}{n}", anchored=True)


def _rel_unit(m: Mention, text: str, ctx: Context, dct: date | None) -> TimeExpression:
    d = m.data
    unit, off, mod = d["unit"], d.get("offset", 0), d.get("mod")
    if dct is None:
        return _expr(m, text, "DATE", _X[unit], anchored=True, mod=mod)
    if unit == "Y":
        y = dct.year + off
        if d.get("implicit"):
            # "Anfang des Jahres" in late autumn, planned: the coming year; "Ende des Jahres"
            # looked back on in January: the year just gone
            direction = _direction(m, ctx)
            if mod == "START" and direction == "future" and dct.month >= 10:
                y += 1
            elif mod == "END" and direction == "past" and dct.month <= 2:
                y -= 1
        value = f"{y:04d}"
    elif unit == "M":
        value = cal.iso_month(*cal.add_months(dct.year, dct.month, off))
    elif unit == "W":
        value = cal.iso_week(dct + timedelta(weeks=off))
    elif unit == "Q":
        y, mo = cal.add_months(dct.year, dct.month, 3 * off)
        value = f"{y}-Q{(mo - 1) // 3 + 1}"
    else:
        value = (dct + timedelta(days=off)).isoformat()
    return _expr(m, text, "DATE", value, anchored=True, mod=mod)


def _holiday(m: Mention, text: str, ctx: Context, dct: date | None) -> TimeExpression:
    kind, a, b = m.data["spec"]

    def on(y: int) -> date:
        return cal.easter(y) + timedelta(days=a) if kind == "easter" else date(y, a, b)

    if m.data.get("year"):
        return _expr(m, text, "DATE", on(m.data["year"]).isoformat())
    if dct is None:
        value = f"XXXX-{a:02d}-{b:02d}" if kind == "fixed" else "XXXX-XX-XX"
        return _expr(m, text, "DATE", value, anchored=True)
    direction = _direction(m, ctx)
    cands = [on(y) for y in (dct.year - 1, dct.year, dct.year + 1)]
    if direction == "past":
        pick = max(c for c in cands if c <= dct)
    elif direction == "future":
        pick = min(c for c in cands if c >= dct)
    else:
        pick = min(cands, key=lambda c: abs((c - dct).days))
    return _expr(m, text, "DATE", pick.isoformat(), anchored=True)


def _ago(m: Mention, text: str, dct: date | None) -> TimeExpression:
    d = m.data
    unit, n, sign = d["unit"], d["n"], d["sign"]
    grain = {"H": "D", "MIN": "D", "S": "D", "DE": "Y", "CE": "Y"}.get(unit, unit)
    if n is None:
        return _expr(m, text, "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF")
    if dct is None:
        return _expr(m, text, "DATE", _X[grain], anchored=True, mod=d.get("mod"))
    k = round(n) * sign
    if unit == "D":
        value = (dct + timedelta(days=k)).isoformat()
    elif unit == "W":
        value = cal.iso_week(dct + timedelta(weeks=k))
    elif unit == "M":
        value = cal.iso_month(*cal.add_months(dct.year, dct.month, k))
    elif unit in ("Y", "DE", "CE"):
        mult = {"Y": 1, "DE": 10, "CE": 100}[unit]
        value = f"{dct.year + k * mult:04d}"
    else:
        value = dct.isoformat()
    return _expr(m, text, "DATE", value, anchored=True, mod=d.get("mod"))


def _resolve_clock(
    m: Mention,
    text: str,
    ctx: Context,
    dct: date | None,
    mentions: list[Mention],
    done: list[TimeExpression | None],
) -> TimeExpression:
    day, anchored = _anchor_day(m, ctx, dct, mentions, done)
    if m.kind == "pod":
        return _expr(m, text, "TIME", f"{day}T{m.data['pod']}", anchored=anchored)
    h, mi = m.data["hour"], m.data["minute"]
    return _expr(m, text, "TIME", f"{day}T{h:02d}:{mi:02d}", anchored=anchored)


def _anchor_day(
    m: Mention,
    ctx: Context,
    dct: date | None,
    mentions: list[Mention],
    done: list[TimeExpression | None],
) -> tuple[str, bool]:
    """The day of a clock time: the nearest day-level expression in its sentence (or, failing
    that, the sentence before it in the same paragraph: "Am Samstag ... Sie gingen kurz vor
    Mitternacht vom Netz"), else the DCT."""
    s0, s1 = ctx.sentence(m.start)
    if s0 > 0 and "\n" not in ctx.text[max(0, s0 - 2) : s0]:
        p0, _ = ctx.sentence(s0 - 1)
        if not any(
            s0 <= o.start < s1 and t is not None and _day_level(t)
            for o, t in zip(mentions, done, strict=True)
        ):
            s0 = p0
    best: tuple[int, TimeExpression] | None = None
    for other, t in zip(mentions, done, strict=True):
        if t is None or other is m or not (s0 <= other.start < s1):
            continue
        if not _day_level(t):
            continue
        dist = m.start - other.end if other.end <= m.start else 2 * (other.start - m.end) + 1
        if best is None or dist < best[0]:
            best = (dist, t)
    if best is not None:
        return best[1].value[:10], best[1].anchored
    if dct is None:
        return "XXXX-XX-XX", True
    return dct.isoformat(), True


def _resolve_previous(
    m: Mention,
    text: str,
    ctx: Context,
    dct: date | None,
    mentions: list[Mention],
    done: list[TimeExpression | None],
) -> TimeExpression:
    """ "Vorjahr": the unit before the one the sentence last named, else before the DCT's."""
    unit = m.data["unit"]
    s0, _ = ctx.sentence(m.start)
    for other, t in reversed(list(zip(mentions, done, strict=True))):
        if t is None or other.start >= m.start or other.start < s0 or t.type != "DATE":
            continue
        if unit == "Y" and t.value[:4].isdigit():
            return _expr(m, text, "DATE", f"{int(t.value[:4]) - 1:04d}", anchored=t.anchored)
    if dct is None:
        return _expr(m, text, "DATE", _X.get(unit, "XXXX"), anchored=True)
    if unit == "Y":
        value = f"{dct.year - 1:04d}"
    elif unit == "M":
        value = cal.iso_month(*cal.add_months(dct.year, dct.month, -1))
    elif unit == "W":
        value = cal.iso_week(dct - timedelta(weeks=1))
    elif unit == "Q":
        y, mo = cal.add_months(dct.year, dct.month, -3)
        value = f"{y}-Q{(mo - 1) // 3 + 1}"
    else:
        value = (dct - timedelta(days=1)).isoformat()
    return _expr(m, text, "DATE", value, anchored=True)


def _day_level(t: TimeExpression) -> bool:
    """True for values that name a day: ``2022-12-19``, ``XXXX-XX-XX``, ``2022-12-19TMO``."""
    v = t.value
    return t.type in ("DATE", "TIME") and len(v) >= 10 and v[4] == "-" and v[7] == "-"
