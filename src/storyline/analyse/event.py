"""The event frame: what kind of event an article reports, who, where, when, and three key points.

Why rules and not a classifier: there is no labelled German event data here, and a frame must be
explainable ("disaster, because the title says *Hochwasser*"). The type comes from the language
pack's trigger words (``lang/<code>/event_words.py``), weighted by where they occur (title >
lead > body); who/where/when come from the entities, places and time expressions the other
analysis steps found, weighted the same way. Each choice keeps its evidence (``trigger``).
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from storyline.analyse.sentences import Sentence
from storyline.analyse.types import EVENT_TYPES, Entity, EventFrame, Place, TimeExpression

#: How much a trigger counts by zone: the title names the event, the lead tells it.
_ZONE_WEIGHT = {"title": 3.0, "lead": 2.0, "body": 0.5}
#: Priors: statements and money are mentioned in nearly every article, so they need more
#: evidence than a flood or a court ruling before they name the event.
_TYPE_PRIOR = {"statement": 0.4, "economic": 0.7, "military": 0.8}
#: Repeats of a type's cue words in one zone count at most this often.
_MAX_HITS_PER_ZONE = 2
#: Body text read for triggers (characters after the lead): the event is told early.
_BODY_WINDOW = 1500


_WORD = re.compile(r"[^\W\d_][\w-]*")


@dataclass(frozen=True)
class _Cues:
    """A language's trigger words, split by how they match (see ``lang/<code>/event_words``).

    Single words are matched word by word (exact, prefix, suffix or infix), with the answer
    cached per word: a regex alternation with ``\\w*`` on both sides of hundreds of stems
    backtracks on every position and cost 70 ms an article. Multi-word cues ("teilte mit",
    "called for") are few and go through one small regex.
    """

    exact: dict[str, tuple[str, ...]]
    prefix: tuple[tuple[str, str], ...]
    suffix: tuple[tuple[str, str], ...]
    infix: tuple[tuple[str, str], ...]
    phrases: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=200_000)
def _word_kinds(language: str | None, word: str) -> tuple[str, ...]:
    """The event types a (casefolded) word is a cue of, in taxonomy order."""
    cues = _cues(language)
    found = list(cues.exact.get(word, ()))
    for stem, kind in cues.prefix:
        if word.startswith(stem) and kind not in found:
            found.append(kind)
    for stem, kind in cues.suffix:
        if word.endswith(stem) and kind not in found:
            found.append(kind)
    for stem, kind in cues.infix:
        if stem in word and kind not in found:
            found.append(kind)
    return tuple(found)


@cache
def _cues(language: str | None) -> _Cues:
    """The trigger words of a language's pack (all packs merged for other languages)."""
    from storyline.lang import available

    codes = [language] if language in available() else available()
    exact: dict[str, list[str]] = {}
    prefix, suffix, infix = [], [], []
    phrases: dict[str, list[str]] = {}
    for code in codes:
        module = importlib.import_module(f"storyline.lang.{code}.event_words")
        for kind in EVENT_TYPES:
            for cue in module.TRIGGERS.get(kind, ()):
                cue = cue.casefold()
                head, tail, core = cue.startswith("*"), cue.endswith("*"), cue.strip("*")
                if " " in core:
                    phrases.setdefault(kind, []).append(_pattern(cue))
                elif head and tail:
                    infix.append((core, kind))
                elif tail:
                    prefix.append((core, kind))
                elif head:
                    suffix.append((core, kind))
                else:
                    exact.setdefault(core, []).append(kind)
    return _Cues(
        exact={w: tuple(dict.fromkeys(k)) for w, k in exact.items()},
        prefix=tuple(prefix),
        suffix=tuple(suffix),
        infix=tuple(infix),
        phrases=tuple(
            (kind, re.compile("|".join(pats), re.IGNORECASE)) for kind, pats in phrases.items()
        ),
    )


def _pattern(cue: str) -> str:
    """A multi-word cue as a regex: ``*`` = more word characters allowed there."""
    head, tail = cue.startswith("*"), cue.endswith("*")
    core = re.escape(cue.strip("*")).replace(r"\ ", r"\s+").replace(r"\*", r"\w*")
    return (r"\w*" if head else r"\b") + core + (r"\w*" if tail else r"\b")


def _hits(text: str, language: str | None) -> dict[str, list[str]]:
    """Every cue hit in ``text``, by event type, in text order."""
    out: dict[str, list[str]] = {}
    for m in _WORD.finditer(text):
        word = m.group()
        for kind in _word_kinds(language, word.casefold()):
            out.setdefault(kind, []).append(word)
    for kind, pattern in _cues(language).phrases:
        found = pattern.findall(text)
        if found:
            out.setdefault(kind, []).extend(found)
    return out


def classify_event(
    title: str | None, lead: str | None, body: str, language: str | None
) -> tuple[str, str | None]:
    """``(event type, trigger word)``; ``("other", None)`` when no trigger is found."""
    zones = (("title", title or ""), ("lead", lead or ""), ("body", body[:_BODY_WINDOW]))
    scores: Counter[str] = Counter()
    first: dict[str, tuple[int, str]] = {}
    for rank, (zone, text) in enumerate(zones):
        if not text:
            continue
        for kind, hits in _hits(text, language).items():
            # capped: a flood article about an aid package says "Flut" a dozen times, and the
            # event is the package its title names
            n = min(len(hits), _MAX_HITS_PER_ZONE)
            scores[kind] += n * _ZONE_WEIGHT[zone] * _TYPE_PRIOR.get(kind, 1.0)
            first.setdefault(kind, (rank, hits[0]))
    if not scores:
        return "other", None
    order = {k: i for i, k in enumerate(EVENT_TYPES)}
    kind = max(scores, key=lambda k: (scores[k], -first[k][0], -order[k]))
    return kind, first[kind][1]


def _zone_of(offset: int, lead_end: int, title_end: int) -> str:
    if offset < title_end:
        return "title"
    return "lead" if offset < lead_end else "body"


def _participants(
    entities: Sequence[Entity], exclude: set[str], title_end: int, lead_end: int
) -> list[str]:
    """People and organisations by weighted mentions; outlets and agencies are not actors."""
    score: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for ent in entities:
        if ent.label not in ("PER", "ORG"):
            continue
        name = ent.canonical or ent.text
        if name.casefold() in exclude:
            continue
        score[name] += _ZONE_WEIGHT[_zone_of(ent.start, lead_end, title_end)] + 1.0
        first_seen.setdefault(name, ent.start)
    ranked = sorted(score, key=lambda n: (-score[n], first_seen[n]))
    return [n for n in ranked if score[n] >= 2.0][:4]


def _place(places: Sequence[Place], title_end: int, lead_end: int) -> tuple[str | None, str | None]:
    """Where the event happened: the dateline if it names a city; else the most specific place
    inside the country the article is most about.

    A country's score includes its cities' mentions and its demonyms ("russische"), so an
    article about a meeting in St. Petersburg that says "russisch" five times is about Russia,
    and the event's place is St. Petersburg, not Russia.
    """
    for p in places:
        if p.dateline and p.kind == "city":
            return p.name, p.country
    country_score: Counter[str | None] = Counter()
    local: Counter[tuple[str, str | None]] = Counter()
    country_name: dict[str | None, str] = {}
    first_seen: dict[object, int] = {}
    for p in places:
        weight = 0.5 if p.via == "demonym" else 1.0
        zone = "lead" if p.dateline else _zone_of(p.start, lead_end, title_end)
        score = weight * (_ZONE_WEIGHT[zone] + 1.0)
        country_score[p.country] += score
        first_seen.setdefault(p.country, p.start)
        if p.kind == "country":
            country_name.setdefault(p.country, p.name)
        elif p.via != "demonym":  # a city, region or other place inside the country
            local[(p.name, p.country)] += score
            first_seen.setdefault((p.name, p.country), p.start)
    if not country_score:
        return None, None
    top = max(country_score, key=lambda c: (country_score[c], -first_seen[c]))
    inside = [k for k in local if k[1] == top]
    if inside:
        best = max(inside, key=lambda k: (local[k], -first_seen[k]))
        return best[0], top
    if top in country_name:
        return country_name[top], top
    best = max(local, key=lambda k: (local[k], -first_seen[k]))
    return best


def _when(
    times: Sequence[TimeExpression], lead_end: int, window: int, dct: str | None
) -> str | None:
    """The event's own time: the first dated expression in the lead (or early body).

    News reports what happened, so with a known publication date an expression on or before it
    ("am Montag" -> last Monday) is preferred over a plan it mentions ("Anfang des Jahres").
    """
    for limit in (lead_end, window):
        found = [
            t.value
            for t in times
            if t.start < limit
            and t.type in ("DATE", "TIME")
            and t.value
            and t.value[:1] in "X0123456789T"
        ]
        if not found:
            continue
        if dct:
            past = [v for v in found if v[:1].isdigit() and v[:10] <= dct]
            days = [v for v in past if len(v) >= 10]  # a day beats a bare year or month
            if days or past:
                return (days or past)[0]
        return found[0]
    return None


def _balanced(sentence: str) -> bool:
    """No quotation left open or closed half-way: the splitter may cut inside a quote, and such
    a fragment ("...prices," the negotiator said) makes a poor key point."""
    c = sentence.count
    if c('"') % 2 or c("«") != c("»"):
        return False
    if "„" in sentence:  # German „...“ (whose closing mark is the English opening one)
        return c("„") == c("“")
    return c("“") == c("”")


def key_points(
    article_points: Sequence[str],
    sentences: Sequence[Sentence],
    entities: Sequence[Entity],
    title: str | None,
    n: int = 3,
) -> list[str]:
    """The article's own key-point list, else ``n`` extractive sentences.

    Extractive choice: early sentences that name many entities and are of readable length, in
    reading order. The title is not a key point (it is shown anyway).
    """
    if article_points:
        return list(article_points[:n])
    density: Counter[int] = Counter()
    bounds = [(s.start, s.end) for s in sentences]
    j = 0
    for ent in sorted(entities, key=lambda e: e.start):
        while j < len(bounds) and bounds[j][1] <= ent.start:
            j += 1
        if j < len(bounds) and bounds[j][0] <= ent.start:
            density[j] += 1
    scored = []
    for i, s in enumerate(sentences):
        words = len(s.text.split())
        if (title and s.text == title) or words < 6 or words > 60:
            continue
        if s.text.endswith(":") or not _balanced(s.text):
            continue
        position = 1.0 / (1.0 + 0.35 * i)
        scored.append((position + 0.25 * min(density[i], 4), i))
    chosen = sorted(i for _, i in sorted(scored, reverse=True)[:n])
    return [sentences[i].text for i in chosen]


def event_frame(
    *,
    text: str,
    title: str | None,
    lead: str | None,
    language: str | None,
    entities: Sequence[Entity],
    places: Sequence[Place],
    times: Sequence[TimeExpression],
    sentences: Sequence[Sentence],
    article_points: Sequence[str] = (),
    exclude: Sequence[str] = (),
    published: str | None = None,
) -> EventFrame:
    """The main event of an article (see the module docstring for how each slot is chosen)."""
    title_end = len(title) if title and text.startswith(title) else 0
    lead_end = title_end
    if lead:
        found = text.find(lead, title_end)
        lead_end = found + len(lead) if found >= 0 else title_end
    elif sentences:
        first_body = next((s for s in sentences if s.start >= title_end), None)
        lead_end = first_body.end if first_body else title_end
    body = text[lead_end:]
    kind, trigger = classify_event(title, text[title_end:lead_end], body, language)
    where, country = _place(places, title_end, lead_end)
    return EventFrame(
        type=kind,
        who=_participants(entities, {e.casefold() for e in exclude}, title_end, lead_end),
        where=where,
        country=country,
        when=_when(times, lead_end, lead_end + _BODY_WINDOW, published),
        trigger=trigger,
        key_points=key_points(article_points, sentences, entities, title),
    )
