"""Which publication day does the article text itself support?

Only day-level evidence counts, and only from the article text (never boilerplate):

* a full date ("19. Dezember 2022", "19.12.2022");
* a weekday with a day and month ("am Montag, 19. Dezember"): the weekday fixes the year, nearest
  to the years the text mentions (else the most recent such year);
* a relation to the publication day: "heute" next to such a date makes it the day itself,
  "gestern" the day after it; a bare weekday ("am Montag") that names the same weekday as the
  latest reported date supports it too.

Without any of these the answer is ``None``: a news text without dates (both seeds) does not
support a day, however confident a guess would look. The confidence is a plain evidence score in
[0, 1], not a calibrated probability: 0.3 for "the latest date reported in the past tense",
rising with every independent agreement, 0.85 and up when "heute" names the date.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from storyline.analyse.timex_calendar import WEEKDAY_NAMES, valid_day
from storyline.analyse.timex_context import Context
from storyline.analyse.timex_lexicon import Lexicon
from storyline.analyse.types import PublishedGuess, TimeExpression

_FULL = re.compile(r"^(\d{4})-(\d\d)-(\d\d)$")
_PARTIAL = re.compile(r"^XXXX-(\d\d)-(\d\d)$")
_YEAR = re.compile(r"^(\d{4})")


def infer_published_from(
    text: str, lex: Lexicon, times: list[TimeExpression]
) -> PublishedGuess | None:
    """See the module docstring; ``times`` must be resolved without a DCT."""
    if any(t.anchored and "X" not in t.value and t.value[:1].isdigit() for t in times):
        from storyline.analyse.times import find_times  # resolved with a DCT: redo without

        times = find_times(text, lex.code if lex.code != "xx" else None)
    years = [int(m.group(1)) for t in times if not t.anchored and (m := _YEAR.match(t.value))]
    today = datetime.now(UTC).date()
    ctx = Context(text, lex)
    dated: list[tuple[date, TimeExpression, str]] = []
    for t in times:
        if t.type != "DATE":
            continue
        if (m := _FULL.match(t.value)) and not t.anchored:
            dated.append((date(*map(int, m.groups())), t, f'full date "{t.text}"'))
        elif (m := _PARTIAL.match(t.value)) and t.weekday:
            fixed = _agreeing_year(int(m.group(1)), int(m.group(2)), t.weekday, years, today)
            if fixed:
                y, why = fixed
                d = date(y, int(m.group(1)), int(m.group(2)))
                dated.append((d, t, f'"{t.text}": {why}'))
    if not dated:
        return None
    # "heute" ("gestern") in the same sentence as a date: the date is the publication day (the
    # day before it)
    relative = [t for t in times if t.anchored and t.text.casefold() in lex.RELATIVE_DAYS]
    for d, t, why in dated:
        s0, s1 = ctx.sentence(t.start)
        for rel in relative:
            if s0 <= rel.start < s1 and abs(rel.start - t.start) < 80:
                day = d - timedelta(days=lex.RELATIVE_DAYS[rel.text.casefold()])
                return PublishedGuess(
                    day.isoformat(), 0.85, [why, f'"{rel.text}" in the same sentence']
                )
    reported = [
        (d, t, why) for d, t, why in dated if ctx.direction(t.start, t.end) != "future"
    ] or dated
    d, t, why = max(reported, key=lambda x: x[0])
    evidence = [why, f"latest date the text reports: {d.isoformat()}"]
    conf = 0.3
    if "weekday" in why:
        conf += 0.15
    name = WEEKDAY_NAMES[d.isoweekday() - 1]
    same = [x for x in times if x.weekday == name and x.value == "XXXX-XX-XX"]
    if same:
        conf += 0.25
        evidence.append(f'"{same[0].text}" names the same weekday ({name})')
    later = [x for x, tt, _ in dated if x > d and ctx.direction(tt.start, tt.end) != "future"]
    if later:
        conf -= 0.1
    return PublishedGuess(d.isoformat(), round(max(0.05, min(conf, 0.9)), 2), evidence)


def _agreeing_year(
    month: int, day: int, weekday: str, years: list[int], today: date
) -> tuple[int, str] | None:
    """The year in which ``day.month.`` falls on ``weekday``, near the years the text names."""
    iso = WEEKDAY_NAMES.index(weekday) + 1
    cands = [
        y
        for y in range(1990, today.year + 2)
        if valid_day(y, month, day) and date(y, month, day).isoweekday() == iso
    ]
    if not cands:
        return None
    if years:
        ref = max(years)
        near = [y for y in cands if ref - 1 <= y <= ref + 1]
        if near:
            return min(near, key=lambda y: abs(y - ref)), (
                f"weekday agreement ({weekday}) near the year {ref} the text names"
            )
    past = [y for y in cands if date(y, month, day) <= today]
    if not past:
        return None
    return max(past), f"weekday agreement ({weekday}), most recent such year"
