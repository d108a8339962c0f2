"""Time expressions of an article, normalised TIMEX3-style, and the publication day they imply.

Public API (others code against it):

* :func:`find_times` -- every DATE, TIME, DURATION and SET expression of ``text`` with character
  offsets, resolved against the document creation time (DCT) when it is known;
* :func:`infer_published` -- the publication day the text itself supports, or ``None``.

The work is split into small modules, each with one job:

* :mod:`~storyline.analyse.timex_lexicon` loads a language's time words from its pack;
* :mod:`~storyline.analyse.timex_grammar` holds the rules, regexes built from those words;
* :mod:`~storyline.analyse.timex_scan` runs them on windows around trigger words;
* :mod:`~storyline.analyse.timex_context` reads tense and signal words;
* :mod:`~storyline.analyse.timex_resolve` turns mentions into TIMEX3 values;
* :mod:`~storyline.analyse.timex_calendar` does the date arithmetic;
* :mod:`~storyline.analyse.timex_published` weighs the evidence for a publication day.

Why rules and not dateparser: dateparser reads "mit", "die", "so" or "Mo" as dates, needs the DCT
to be passed as "now" (so it invents a year when there is none), has no durations or sets, and is
about 30 times slower (``benchmarks/bench_time.py``). A grammar built from closed word lists is
precise, fast (over a thousand articles a second on one core) and says what it does not know.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from storyline.analyse.timex_context import Context
from storyline.analyse.timex_lexicon import get_lexicon
from storyline.analyse.timex_published import infer_published_from
from storyline.analyse.timex_resolve import resolve
from storyline.analyse.timex_scan import scan
from storyline.analyse.types import PublishedGuess, TimeExpression


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def find_times(
    text: str,
    language: str | None,
    published: dt.date | None = None,
    removed: Iterable[str] = (),
) -> list[TimeExpression]:
    """Time expressions of ``text`` (a whole article), in text order.

    ``published`` is the document creation time: with it, relative expressions ("am Montag",
    "vor zwei Wochen") get concrete values; without it they stay underspecified
    (``XXXX-XX-XX`` + ``weekday``) and no year is ever invented. ``removed`` are the boilerplate
    lines the cleaner dropped (strings or ``RemovedLine`` objects): a paragraph of ``text`` that
    is one of them (the cleaner kept a copy, e.g. a repeated caption) is skipped, because a date
    in boilerplate is not the article's.
    """
    lex = get_lexicon(language)
    dct = _as_date(published)
    mentions = scan(text, lex)
    skip = {str(getattr(r, "text", r)).strip() for r in removed} - {""}
    if skip and mentions:
        mentions = [m for m in mentions if _paragraph(text, m.start) not in skip]
    return resolve(mentions, text, Context(text, lex), dct)


def _paragraph(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()


def infer_published(
    text: str, language: str | None, times: list[TimeExpression] | None = None
) -> PublishedGuess | None:
    """The publication day that ``text`` supports, with a confidence and the evidence, or None.

    ``times`` are the expressions :func:`find_times` found *without* a DCT (they are recomputed
    when not given). Only the article text is used: boilerplate was removed by the cleaner and
    is never consulted.
    """
    if times is None:
        times = find_times(text, language)
    return infer_published_from(text, get_lexicon(language), times)


__all__ = ["find_times", "infer_published"]
