"""Geometry for the two server-drawn charts: a storyline's timeline and an entity's mentions.

Drawn as inline SVG by the templates from the numbers computed here, so the pages need no
JavaScript chart library and no network, print cleanly, and the JSON form of a page carries the
same numbers the picture shows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

WIDTH = 1000
PAD = 40


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def timeline(events: list[dict[str, Any]]) -> dict[str, Any]:
    """x positions (0..WIDTH) for events on a time axis, plus axis ticks.

    Events without a known day are listed after the axis (``x`` is ``None``): a storyline's
    undated reports are still part of it, but putting them at a guessed time would mislead.
    """
    days = [d for e in events for d in (_day(e.get("first_day")), _day(e.get("last_day"))) if d]
    if not days:
        return {"width": WIDTH, "points": [], "ticks": [], "undated": [e["id"] for e in events]}
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)

    def x(d: date) -> float:
        return round(PAD + (WIDTH - 2 * PAD) * (d - lo).days / span, 1)

    points, undated = [], []
    lanes: list[float] = []  # right end of the last label in each lane, to avoid overlaps
    for e in events:
        first, last = _day(e.get("first_day")), _day(e.get("last_day"))
        if first is None:
            undated.append(e["id"])
            continue
        x0 = x(first)
        lane = next((i for i, end in enumerate(lanes) if end < x0), None)
        if lane is None:
            lanes.append(0.0)
            lane = len(lanes) - 1
        lanes[lane] = x0 + 24
        points.append(
            {"id": e["id"], "x": x0, "x_end": x(last or first), "lane": lane, "day": str(first)}
        )
    ticks = _ticks(lo, hi, x)
    return {
        "width": WIDTH,
        "lanes": max(len(lanes), 1),
        "points": points,
        "ticks": ticks,
        "undated": undated,
        "first": str(lo),
        "last": str(hi),
    }


def _ticks(lo: date, hi: date, x: Any) -> list[dict[str, Any]]:
    """Month starts (or years, for long spans) between ``lo`` and ``hi``, at most ~12."""
    months = (hi.year - lo.year) * 12 + hi.month - lo.month
    step = max(1, -(-months // 10))
    ticks = [{"x": x(lo), "label": str(lo)}]
    y, m = lo.year, lo.month
    while True:
        m += step
        while m > 12:
            y, m = y + 1, m - 12
        d = date(y, m, 1)
        if d >= hi:
            break
        ticks.append({"x": x(d), "label": d.strftime("%Y-%m")})
    if hi != lo:
        ticks.append({"x": x(hi), "label": str(hi)})
    # a label needs ~70 units: drop month ticks that would print over their neighbours
    kept = [ticks[0]]
    for i, tick in enumerate(ticks[1:], start=1):
        last = i == len(ticks) - 1
        if tick["x"] - kept[-1]["x"] >= 70 or last:
            if last and kept and tick["x"] - kept[-1]["x"] < 70 and len(kept) > 1:
                kept.pop()
            kept.append(tick)
    return kept


def mentions(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of mentions per day, or per month when the days span more than ~4 months."""
    dated = [(p["day"], int(p["mentions"])) for p in points if p.get("day")]
    undated = sum(int(p["mentions"]) for p in points if not p.get("day"))
    if not dated:
        return {"unit": "day", "bars": [], "undated": undated, "max": 0}
    first, last = _day(dated[0][0]), _day(dated[-1][0])
    by_month = first is not None and last is not None and (last - first).days > 120
    counts: Counter[str] = Counter()
    for day, n in dated:
        counts[day[:7] if by_month else day[:10]] += n
    keys = sorted(counts)
    top = max(counts.values())
    width = (WIDTH - 2 * PAD) / max(len(keys), 1)
    bars = [
        {
            "label": k,
            "value": counts[k],
            "x": round(PAD + i * width, 1),
            "w": round(max(width - 2, 1), 1),
            "h": round(160 * counts[k] / top, 1),
        }
        for i, k in enumerate(keys)
    ]
    return {"unit": "month" if by_month else "day", "bars": bars, "undated": undated, "max": top}


__all__ = ["mentions", "timeline"]
