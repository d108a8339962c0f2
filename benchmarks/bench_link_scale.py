"""Scale benchmark of event linking (issue 5): a synthetic stream of article bundles, linked.

Run: ``.venv/bin/python benchmarks/bench_link_scale.py [--n 1000000] [--quick] [--side-n 100000]
[--budget SECONDS] [--max-rss-gb 8] [--no-write]`` (``--quick``: 20,000 articles, side runs of
5,000). A run stops early, and says so in the table, after ``--budget`` seconds of linking or
above ``--max-rss-gb`` of RSS (so that ``make bench`` cannot take the machine down).

Target (issue 5): link 1,000,000 article records at >= 1,000 articles/s for the linking step
alone, in <= 4 GB RAM. Each measured run is its own subprocess (``--worker``), so its peak RSS
(``ru_maxrss``) is that run's alone: the main run (``--n``, ``index="usearch"``,
``horizon_days=30``) and, when ``--side-n`` > 0, ``usearch`` against ``exact`` on a smaller
stream. Only :meth:`EventLinker.partial_fit` (chunks of 1,000 bundles) is timed; generating the
bundles is not.

The records are real :class:`~storyline.compare.features.Bundle` objects, so the linker runs
exactly as on analysed articles: the vector index, the blocking, ``score_pairs`` (all
``pair_features``) and the clustering. Their statistics, and why:

* **Stream**: 2,740 articles a day (1,000,000 in 365 days; ``--n`` changes the number of days,
  not the density, so a short run sees the same neighbourhoods), in publication order, shuffled
  within a day, fed in chunks of 1,000.
* **Events**: sizes drawn from a truncated power law ``P(s) ~ s**-2.2``, 1 <= s <= 200
  (measured on the stream: ~70% of the events are singletons, the mean is 2.2 reports, and
  30-35% of the articles are in events of 10-200 reports). Each event has a day ``d0``; an
  article's event day is ``d0`` + 0-2 days (60/25/15 %) and it is published 0-3 days after its
  event day. 15% of the events are *sequels* of an earlier one of the same storyline (3-21 days
  later, same topic, actors and place, event vector correlated 0.5 with the earlier one).
* **Languages**: en 42%, de 38%, other (es, fr, it, pl, tr) 20%. An event has a main language;
  each report is in it with probability 0.75, else in a random one. As in the real bundles
  (SemEval, :file:`training/.cache`), "other" languages carry no NER entities (the German and
  English packs only) but do carry capitalised-word keys, places and often an event type.
* **Vectors** (512-d, L2-normalised, text and title): a sum of random unit directions weighted
  by their share of the squared norm (:data:`TEXT_MIX`): a global direction (0.11; USE vectors
  are anisotropic: random real pairs have cosine ~0.17), the language (0.04), one of 24
  super-topics (0.08), one of 400 Zipf-weighted topics (0.16), the event (0.36, times
  U(0.3, 1.25) per report, and U(0.05, 0.3) for 10% of the reports that only touch the event)
  and per-article noise (the rest, times lognormal(0, 0.4)). Calibrated on the real USE bundles
  of the SemEval texts (``training/.cache/bundles-use-*.pkl``): real pairs rated same event
  (Overall and Time <= 1.5) have text cosine quartiles 0.60 / 0.70 / 0.77, random real pairs
  0.11 / 0.17 / 0.23, random same-language (de/en) pairs 95th / 99th percentiles 0.34 / 0.44
  (synthetic: 0.27 / 0.45). Every run prints the synthetic percentiles next to the real ones.
* **Entities**: person, organisation and place names are generated from syllables (so
  :func:`name_keys` yields real skeleton keys) and drawn from Zipf-Mandelbrot distributions
  (``1 / (rank + 10)``) over pools of 20,000 people, 8,000 organisations (a quarter with a
  generic word such as Bank or Union, which several share) and 4,000 cities in 60 countries:
  famous names recur across events (the most famous person is named in ~2.5% of all articles)
  and load the linker's blocking. Each event has its actors (1 + Poisson(2) people,
  Poisson(2.5) organisations, its city and Poisson(1.5) more locations, Poisson(1) MISC); a
  report names its 1st, 2nd, 3rd, later people / organisations with probability 0.7, 0.5, 0.35,
  0.2 (the first one more often), plus Poisson(1.2) background people and organisations.
* **Other features**: capitalised-word keys, numbers and word hashes are drawn from event, topic
  and language (Zipf) pools, sized so that the Dice / Jaccard overlaps of same-event pairs are
  near the real ones (median words Jaccard 0.07, real 0.11; caps Dice 0.25, real 0.26). Places:
  the event city (80%), its country (50%), 0-2 others; ``event_where`` is the event city (70%),
  its country (10%) or unknown; ``event_type`` the event's (65%; 45% in "other" languages),
  ``other`` or unknown; ``event_when`` a full date (55%), a partial one such as ``XXXX-04-24``
  (15%) or unknown (30%); ``published`` always known (the linker then takes the publication
  day); ``dates`` / ``months`` rarely filled; ``n_words`` lognormal around 300.
* **Wire copies**: 5% of the articles copy an earlier report of their event: the same vectors up
  to a little noise (cosine ~0.98), the same language and features, and its MinHash with 0-15%
  of the 128 values changed (so ``near_duplicate`` holds). MinHash signatures are in the real
  format (``Signature.to_bytes().hex()``: tag + 128 uint32), but their values are drawn rather
  than hashed from a text: only the position-wise equality of two signatures matters to
  :func:`~storyline.clean.dedup.similarity`, and computing ``signature()`` of a million
  synthetic texts would cost more than the linking. A third of the reports share 1-4 values
  with their event (as real reports share a quote); unrelated articles share none.

**Known deviations from real data** (measured while calibrating): synthetic same-event pairs
are easier than the real ones (``same_event`` >= 0.5 for ~100% of them; 86% of the real
SemEval same-event pairs, in-sample), and the nearest *other*-event articles are harder than
real ones at equal cosine: at text cosine 0.4-0.5, 27% of the synthetic other-event pairs get
``same_event`` >= 0.5 against 8% of the real SemEval pairs rated different (Overall >= 3).
The main cause is not the generator but the model: every synthetic article has a publication
date, as in a real stream, while no SemEval training pair had one; blanking ``published``
drops that rate from 33% to 11% (cosine 0.4-0.6). A real stream will show the same.

**Quality** is measured against the synthetic truth *exactly*, not on a sample: pairwise
precision, recall and F1 follow from the contingency table of (true event, found event), since
the pairs inside a cell are the true positives (``sum C(n_ij, 2)``), the pairs inside a found
event are the predicted pairs and the pairs inside a true event the true ones: O(n), no pair is
enumerated. Pairwise scores weigh large events quadratically, so B-cubed F1 (per article) is
given too. The linker works inside a time horizon (30 days here; the synthetic events span at
most 5 days), so a report can only be missed by the linker, not by the horizon.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from report import write_section

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storyline.compare.features import Bundle, name_keys  # noqa: E402

SECTION = "## Event linking at scale (synthetic stream)"

DIM = 512
PER_DAY = 2_740
START = 738_000  # date ordinal of the first day (2021-07-20)
CHUNK = 1_000
LANGS = ("en", "de", "es", "fr", "it", "pl", "tr")
LANG_P = np.array([0.42, 0.38, 0.06, 0.05, 0.04, 0.03, 0.02])
NER_LANGS = frozenset({"de", "en"})
EVENT_TYPES = (
    "health",
    "sport",
    "economic",
    "legal",
    "culture",
    "disaster",
    "meeting",
    "protest",
    "military",
    "agreement",
    "attack",
    "statement",
    "election",
    "science",
)
N_SUPER, N_TOPIC = 24, 400
N_PER, N_ORG, N_MISC, N_CITY, N_COUNTRY = 20_000, 8_000, 3_000, 4_000, 60
#: Probability that a report names the event's 1st, 2nd, 3rd, ... own name of a label.
OWN_P = (0.7, 0.5, 0.35, 0.2)
SIZE_ALPHA, SIZE_MAX = 2.2, 200
WIRE_SHARE = 0.05
SEQUEL_SHARE = 0.15

#: Shares of the squared norm of a text vector: global, language, super-topic, topic, event;
#: the rest is per-article noise (its share varies per article, see ``_vectors``).
TEXT_MIX = {"global": 0.11, "lang": 0.04, "super": 0.08, "topic": 0.16, "event": 0.36}
TITLE_MIX = {"global": 0.05, "lang": 0.02, "super": 0.03, "topic": 0.08, "event": 0.30}

_ONSETS = [
    "b",
    "br",
    "d",
    "f",
    "g",
    "h",
    "k",
    "kr",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "st",
    "sch",
    "t",
    "v",
    "w",
    "z",
    "tr",
    "gr",
    "pl",
]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ei", "au", "ie"]
_CODAS = ["", "", "n", "r", "l", "s", "k", "m", "nd", "rt", "st"]
_CONSONANTS = np.array(list("bdfgklmnprstvz"))


def _word(rng: np.random.Generator) -> str:
    """A pronounceable capitalised word of 2-3 syllables (names of people, places, things)."""
    parts = [
        _ONSETS[rng.integers(len(_ONSETS))]
        + _VOWELS[rng.integers(len(_VOWELS))]
        + _CODAS[rng.integers(len(_CODAS))]
        for _ in range(int(rng.integers(2, 4)))
    ]
    return "".join(parts).capitalize()


def _skeletons(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` random consonant skeletons of 3-7 letters: keys of capitalised words."""
    lens = rng.integers(3, 8, n)
    letters = _CONSONANTS[rng.integers(0, len(_CONSONANTS), (n, 7))]
    return ["".join(letters[i, : lens[i]]) for i in range(n)]


def _zipf_cdf(n: int, a: float, q: float = 0.0) -> np.ndarray:
    """Cumulative Zipf(-Mandelbrot) probabilities ``1 / (rank + q) ** a`` of ``n`` ranks."""
    w = 1.0 / (np.arange(1, n + 1) + q) ** a
    return np.cumsum(w) / w.sum()


def _draw(rng: np.random.Generator, cdf: np.ndarray, size: Any = None) -> Any:
    """Indices drawn with the probabilities whose cumulative sum is ``cdf``."""
    return np.minimum(np.searchsorted(cdf, rng.random(size)), len(cdf) - 1)


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def article_id(serial: int) -> str:
    """A 16-hex-digit article ID, a bijection of the stream position (no ID is ever repeated)."""
    return f"{(serial * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % 2**64:016x}"


class Pools:
    """Everything events draw from: names, places, topic directions, vocabularies."""

    def __init__(self, rng: np.random.Generator) -> None:
        firsts = [_word(rng) for _ in range(400)]

        def named(name: str) -> tuple[str, list[str]]:
            return name, name_keys(name)

        self.per = [
            named(f"{firsts[rng.integers(400)]} {_word(rng)}" if rng.random() < 0.6 else _word(rng))
            for _ in range(N_PER)
        ]
        suffixes = [
            "AG",
            "GmbH",
            "Bank",
            "Partei",
            "Verband",
            "Institut",
            "Group",
            "Union",
            "FC",
            "Stiftung",
            "Gewerkschaft",
            "Ministerium",
            "Agentur",
            "Council",
            "Club",
            "Bund",
        ]
        self.org = [
            named(f"{_word(rng)} {suffixes[rng.integers(len(suffixes))]}")
            if rng.random() < 0.25
            else named(_word(rng))
            for _ in range(N_ORG)
        ]
        self.misc = [named(_word(rng)) for _ in range(N_MISC)]
        codes = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(N_COUNTRY)]
        self.countries: list[list[Any]] = []
        for code in codes:
            lat, lon = (
                round(float(rng.uniform(-40, 62)), 4),
                round(float(rng.uniform(-120, 150)), 4),
            )
            self.countries.append([_word(rng), code, lat, lon, "country"])
        country_cdf = _zipf_cdf(N_COUNTRY, 1.0)
        self.cities: list[list[Any]] = []
        self.city_country: list[int] = []
        for _ in range(N_CITY):
            ci = int(_draw(rng, country_cdf))
            c = self.countries[ci]
            lat = round(c[2] + float(rng.normal(0, 2.5)), 4)
            lon = round(c[3] + float(rng.normal(0, 2.5)), 4)
            self.cities.append([_word(rng), c[1], lat, lon, "city"])
            self.city_country.append(ci)
        self.city_keys = [name_keys(c[0]) for c in self.cities]
        self.country_keys = [name_keys(c[0]) for c in self.countries]
        # Zipf-Mandelbrot: the most famous person is in ~4% of the articles, not 10%
        self.per_cdf = _zipf_cdf(N_PER, 1.0, 10)
        self.org_cdf = _zipf_cdf(N_ORG, 1.0, 10)
        self.misc_cdf = _zipf_cdf(N_MISC, 1.0, 10)
        self.city_cdf = _zipf_cdf(N_CITY, 1.0, 5)
        self.topic_cdf = _zipf_cdf(N_TOPIC, 0.8)
        self.lang_cdf = np.cumsum(LANG_P) / LANG_P.sum()
        self.topic_super = rng.integers(0, N_SUPER, N_TOPIC)
        self.topic_type = rng.integers(0, len(EVENT_TYPES), N_TOPIC)
        self.g = _unit(rng, 1)[0]
        self.lang_v = _unit(rng, len(LANGS))
        self.super_v = _unit(rng, N_SUPER)
        self.topic_v = _unit(rng, N_TOPIC)
        #: capitalised-word keys: events draw from a large pool, topics and languages (Zipf;
        #: German capitalises every noun) from their own
        self.caps = _skeletons(rng, 200_000)
        self.lang_caps = [_skeletons(rng, 3_000) for _ in LANGS]
        self.caps_cdf = _zipf_cdf(3_000, 1.0)
        self.topic_caps = [_skeletons(rng, 30) for _ in range(N_TOPIC)]
        self.topic_words = rng.integers(0, 2**32, (N_TOPIC, 300), dtype=np.uint64)
        self.lang_words = rng.integers(0, 2**32, (len(LANGS), 20_000), dtype=np.uint64)
        self.words_cdf = _zipf_cdf(20_000, 1.0)


@dataclass
class Event:
    """One synthetic event: what its reports share."""

    serial: int
    storyline: int
    day: int
    topic: int
    lang: int
    etype: str
    city: int
    vector: np.ndarray
    per: list[int]
    org: list[int]
    loc: list[int]
    misc: list[int]
    caps: list[str]
    nums: list[str]
    words: np.ndarray
    sig: np.ndarray


class SyntheticStream:
    """Yields chunks of synthetic bundles in publication order, with their true event serials.

    Lazy: only the reports of events whose publication is still ahead (a few days) are held.
    ``truth[i]`` / ``storyline[i]`` are the event / storyline serial of the i-th article.
    """

    def __init__(self, n: int, seed: int = 0) -> None:
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.pools = Pools(self.rng)
        self.truth = np.full(n, -1, dtype=np.int64)
        self.storyline = np.full(n, -1, dtype=np.int64)
        self.n_events = 0
        self._storylines = 0
        s = np.arange(1, SIZE_MAX + 1, dtype=np.float64) ** -SIZE_ALPHA
        self._size_cdf = np.cumsum(s) / s.sum()
        self._pending: dict[int, list[tuple[Bundle, Event]]] = {}
        self._by_day: dict[int, list[Event]] = {}  # the last 21 days' events (sequel parents)

    # -- events ------------------------------------------------------------------------------

    def _new_event(self, day: int, vec: np.ndarray) -> Event:
        rng, p = self.rng, self.pools
        serial = self.n_events
        self.n_events += 1
        parent = None
        if rng.random() < SEQUEL_SHARE:
            older = self._by_day.get(day - int(rng.integers(3, 22)))
            if older:
                parent = older[int(rng.integers(len(older)))]
        caps = [p.caps[i] for i in rng.integers(0, len(p.caps), 20)]
        nums = [str(int(x)) for x in rng.integers(2, 5000, 4)]
        words = rng.integers(0, 2**32, 60, dtype=np.uint64)
        sig = rng.integers(0, 2**32, 128, dtype=np.uint32)
        if parent is not None:  # a sequel: same actors and place, related vector and wording
            vec = 0.5 * parent.vector + np.sqrt(0.75) * vec
            return Event(
                serial, parent.storyline, day, parent.topic, parent.lang, parent.etype,
                parent.city, vec / np.linalg.norm(vec), parent.per, parent.org, parent.loc,
                parent.misc, parent.caps[:10] + caps[10:], nums,
                np.concatenate([parent.words[:20], words[20:]]), sig,
            )  # fmt: skip
        topic = int(_draw(rng, p.topic_cdf))
        self._storylines += 1
        return Event(
            serial, self._storylines - 1, day, topic, int(_draw(rng, p.lang_cdf)),
            EVENT_TYPES[p.topic_type[topic]], int(_draw(rng, p.city_cdf)), vec,
            _draw(rng, p.per_cdf, min(1 + int(rng.poisson(2.0)), 8)).tolist(),
            _draw(rng, p.org_cdf, min(int(rng.poisson(2.5)), 8)).tolist(),
            _draw(rng, p.city_cdf, min(int(rng.poisson(1.5)), 8)).tolist(),
            _draw(rng, p.misc_cdf, min(int(rng.poisson(1.0)), 8)).tolist(),
            caps, nums, words, sig,
        )  # fmt: skip

    def _vectors(self, events: list[Event], ev_of: np.ndarray, langs: np.ndarray) -> np.ndarray:
        """Text and title vectors of the reports (``ev_of``: their events): ``(m, 2, DIM)``."""
        rng, p = self.rng, self.pools
        m = len(ev_of)
        topics = np.array([e.topic for e in events])[ev_of]
        ev_vec = np.stack([e.vector for e in events])[ev_of]
        # how much a report is about its event varies (some only mention it): shared by text
        # and title
        about = np.where(rng.random(m) < 0.1, rng.uniform(0.05, 0.3, m), rng.uniform(0.3, 1.25, m))
        out = np.empty((m, 2, DIM), dtype=np.float32)
        for j, mix in enumerate((TEXT_MIX, TITLE_MIX)):
            noise_share = (1.0 - sum(mix.values())) * rng.lognormal(0.0, 0.4, m)
            v = (
                np.sqrt(mix["global"]) * p.g[None, :]
                + np.sqrt(mix["super"]) * p.super_v[p.topic_super[topics]]
                + np.sqrt(mix["topic"]) * p.topic_v[topics]
                + np.sqrt(mix["lang"]) * p.lang_v[langs]
                + np.sqrt(mix["event"] * about)[:, None] * ev_vec
                + np.sqrt(noise_share)[:, None] * _unit(rng, m)
            )
            out[:, j] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out

    def _open_day(self, day: int) -> None:
        """Create the events that happen on ``day`` (~PER_DAY reports) and all their reports."""
        rng, p = self.rng, self.pools
        sizes = _draw(rng, self._size_cdf, PER_DAY) + 1
        sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), PER_DAY)) + 1]
        events = [self._new_event(day, v) for v in _unit(rng, len(sizes))]
        self._by_day[day] = events
        self._by_day.pop(day - 22, None)
        ev_of = np.repeat(np.arange(len(events)), sizes)
        m = len(ev_of)
        rank = np.arange(m) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        ev_lang = np.array([e.lang for e in events])[ev_of]
        langs = np.where(rng.random(m) < 0.75, ev_lang, _draw(rng, p.lang_cdf, m))
        vecs = self._vectors(events, ev_of, langs)
        d = {
            "u": rng.random((m, 16)),
            "own": rng.random((m, 3, 8)),
            "loc": rng.random((m, 8)),
            "caps": rng.random((m, 20)) < 0.4,
            "ev_nums": rng.random((m, 4)) < 0.4,
            "bg_n": rng.poisson((1.2, 1.2, 0.7), (m, 3)),
            "bg": [_draw(rng, cdf, (m, 6)) for cdf in (p.per_cdf, p.org_cdf, p.misc_cdf)],
            "lang_caps": _draw(rng, p.caps_cdf, (m, 30)),
            "topic_caps": rng.integers(0, 30, (m, 3)),
            "ev_words": rng.random((m, 60)) < 0.35,
            "topic_words": rng.integers(0, 300, (m, 10)),
            "lang_words": _draw(rng, p.words_cdf, (m, 30)),
            "own_words": rng.integers(0, 2**32, (m, 20), dtype=np.uint64),
            "nums": rng.integers(2, 100_000, (m, 3)),
            "nums_n": rng.poisson(1.0, m),
            "places": _draw(rng, p.city_cdf, (m, 2)),
            "sig": rng.integers(0, 2**32, (m, 128), dtype=np.uint32),
            "sig_shared": rng.integers(0, 128, (m, 4)),
            "n_words": np.clip(rng.lognormal(np.log(300), 0.5, m), 40, 3000).astype(int),
            "offset": np.searchsorted([0.6, 0.85, 1.0], rng.random(m)),
            "lag": np.searchsorted([0.5, 0.85, 0.95, 1.0], rng.random(m)),
        }
        made: list[tuple[Bundle, int]] = []
        for i in range(m):
            ev = events[ev_of[i]]
            u = d["u"][i]
            if rank[i] and u[0] < WIRE_SHARE / 0.74:  # ~74% of reports are not an event's first
                src, src_pub = made[i - 1 - int(u[1] * rank[i])]
                b, pub = self._wire_copy(src, src_pub, u)
            else:
                eday = ev.day + int(d["offset"][i])
                pub = eday + int(d["lag"][i])
                b = self._report(ev, LANGS[int(langs[i])], vecs[i], eday, pub, i, d)
            made.append((b, pub))
            self._pending.setdefault(pub, []).append((b, ev))

    def _names(
        self,
        pool: list[tuple[str, list[str]]],
        own: list[int],
        u: np.ndarray,
        bg: np.ndarray,
        n_bg: int,
    ) -> list[list[Any]]:
        """``[[name, mentions, keys], ...]`` of one label: the event's own names (main actors
        most likely) and ``n_bg`` background names, most mentioned first."""
        picked: dict[int, int] = {}
        for r, idx in enumerate(own):
            if u[r] < OWN_P[min(r, len(OWN_P) - 1)]:
                picked[idx] = 1 + (u[r] < 0.4) + (u[r] < 0.2) + (r == 0)
        for idx in bg[:n_bg].tolist():
            picked.setdefault(idx, 1)
        ents = [[pool[i][0], c, pool[i][1]] for i, c in picked.items()]
        ents.sort(key=lambda e: -e[1])
        return ents

    def _report(
        self,
        ev: Event,
        lang: str,
        vectors: np.ndarray,
        eday: int,
        pub: int,
        i: int,
        d: dict[str, Any],
    ) -> Bundle:
        """One (not copied) report of ``ev``; ``d`` holds the day's pre-drawn random numbers."""
        p = self.pools
        u = d["u"][i]
        li = LANGS.index(lang)
        city, country = p.cities[ev.city], p.countries[p.city_country[ev.city]]
        entities: dict[str, list[list[Any]]] = {}
        if lang in NER_LANGS:
            for j, (label, pool, own) in enumerate(
                (("PER", p.per, ev.per), ("ORG", p.org, ev.org), ("MISC", p.misc, ev.misc))
            ):
                found = self._names(pool, own, d["own"][i, j], d["bg"][j][i], d["bg_n"][i, j])
                if found:
                    entities[label] = found
            locs = []
            if u[2] < 0.8:
                locs.append([city[0], 1 + (u[2] < 0.3), p.city_keys[ev.city]])
            for r, idx in enumerate(ev.loc):
                if d["loc"][i, r] < 0.4:
                    locs.append([p.cities[idx][0], 1, p.city_keys[idx]])
            if u[3] < 0.5:
                locs.append([country[0], 1, p.country_keys[p.city_country[ev.city]]])
            if locs:
                entities["LOC"] = locs
        caps = {k for label in entities.values() for _n, _c, keys in label for k in keys}
        caps.update(c for c, x in zip(ev.caps, d["caps"][i], strict=True) if x)
        tc = p.topic_caps[ev.topic]
        caps.update(tc[k] for k in d["topic_caps"][i])
        lc = p.lang_caps[li]
        caps.update(lc[k] for k in d["lang_caps"][i, : 30 if lang == "de" else 12])
        nums = [x for x, y in zip(ev.nums, d["ev_nums"][i], strict=True) if y]
        nums += [str(x) for x in d["nums"][i, : d["nums_n"][i]].tolist()]
        words = np.concatenate(
            [
                ev.words[d["ev_words"][i]],
                p.topic_words[ev.topic, d["topic_words"][i]],
                p.lang_words[li, d["lang_words"][i]],
                d["own_words"][i],
            ]
        )
        places: list[list[Any]] = []
        if u[5] < 0.8:
            places.append(city)
        if u[6] < 0.5:
            places.append(country)
        for k in d["places"][i, : int(u[7] * 3)].tolist():
            places.append(p.cities[k])
        x = u[9]
        where = city if x < 0.7 else country if x < 0.8 else None
        if where is not None and where not in places:
            places.insert(0, where)
        x, known = u[10], 0.65 if lang in NER_LANGS else 0.45
        etype = ev.etype if x < known else "other" if x < known + 0.25 else None
        iso = _iso(eday)
        x = u[11]
        when = iso if x < 0.55 else ("XXXX" + iso[4:]) if x < 0.7 else None
        sig = d["sig"][i]
        if u[12] < 0.3:  # shares a quote with other reports of the event
            pos = d["sig_shared"][i, : 1 + int(u[13] * 4)]
            sig[pos] = ev.sig[pos]
        return Bundle(
            article_id="",
            language=lang,
            encoder="use",
            vectors=vectors,
            published=_iso(pub),
            entities=entities,
            caps=sorted(caps),
            nums=sorted(set(nums)),
            words=sorted(set(words.tolist())),
            places=places,
            event_type=etype,
            event_where=where,
            event_when=when,
            dates=[iso] if u[14] < 0.1 else [],
            months=[iso[:7]] if u[15] < 0.15 else [],
            minhash=(b"MH51" + sig.astype("<u4").tobytes()).hex(),
            n_words=int(d["n_words"][i]),
        )

    def _wire_copy(self, src: Bundle, src_pub: int, u: np.ndarray) -> tuple[Bundle, int]:
        """A wire copy of ``src``: near-identical vectors and text (MinHash), same features."""
        rng = self.rng
        v = src.vectors + rng.normal(0, 0.006, src.vectors.shape).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        sig = np.frombuffer(bytes.fromhex(src.minhash)[4:], dtype="<u4").copy()
        changed = int(u[2] * 20)  # 0-15% of the values: an edited copy
        if changed:
            sig[rng.integers(0, 128, changed)] = rng.integers(0, 2**32, changed, dtype=np.uint32)
        pub = src_pub + int(u[3] < 0.3)
        b = Bundle(
            article_id="",
            language=src.language,
            encoder="use",
            vectors=v,
            published=_iso(pub),
            entities=src.entities,
            caps=src.caps,
            nums=src.nums,
            words=src.words,
            places=src.places,
            event_type=src.event_type,
            event_where=src.event_where,
            event_when=src.event_when,
            dates=src.dates,
            months=src.months,
            minhash=(b"MH51" + sig.astype("<u4").tobytes()).hex(),
            n_words=max(20, src.n_words - int(u[4] * 40)),
        )
        return b, pub

    # -- the stream --------------------------------------------------------------------------

    def chunks(self, size: int = CHUNK) -> Iterator[list[Bundle]]:
        """Chunks of the stream in publication order, ``self.n`` articles in all."""
        serial, day = 0, START
        for d in range(START - 3, START):  # warm-up: reports of events that began earlier
            self._open_day(d)
            self._pending.pop(d, None)
        buf: list[Bundle] = []
        while serial < self.n:
            self._open_day(day)
            todays = self._pending.pop(day, [])
            for j in self.rng.permutation(len(todays)).tolist():
                if serial >= self.n:
                    break
                b, ev = todays[j]
                b.article_id = article_id(serial)
                self.truth[serial] = ev.serial
                self.storyline[serial] = ev.storyline
                serial += 1
                buf.append(b)
                if len(buf) == size:
                    yield buf
                    buf = []
            day += 1
        if buf:
            yield buf


# -- measuring ---------------------------------------------------------------------------------


def rss_mb() -> float:
    """Current resident set size of this process (MB)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MB; ``ru_maxrss`` is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pairs_within(labels: np.ndarray) -> float:
    """Number of unordered pairs of items that share a label."""
    _, counts = np.unique(labels, return_counts=True)
    c = counts.astype(np.float64)
    return float((c * (c - 1) / 2).sum())


def pair_scores(truth: np.ndarray, found: np.ndarray, storyline: np.ndarray) -> dict[str, float]:
    """Exact pairwise precision / recall / F1, B-cubed F1, and where the false pairs are.

    All from cell counts of the contingency table of the integer labels ``truth`` x ``found``:
    no pair is enumerated. ``sequel_fp``: the share of the false pairs (found together,
    different true events) whose two articles belong to one storyline (an event and its sequel).
    """
    width = int(found.max()) + 1
    cell = truth.astype(np.int64) * width + found
    tp = _pairs_within(cell)
    true_pairs, pred_pairs = _pairs_within(truth), _pairs_within(found)
    same_story = _pairs_within(storyline.astype(np.int64) * width + found)
    p = tp / pred_pairs if pred_pairs else 1.0
    r = tp / true_pairs if true_pairs else 1.0
    # B-cubed: per article, |own cell| / |its found event| and |own cell| / |its true event|
    _, cell_inv, n_cell = np.unique(cell, return_inverse=True, return_counts=True)
    _, t_inv, n_t = np.unique(truth, return_inverse=True, return_counts=True)
    _, f_inv, n_f = np.unique(found, return_inverse=True, return_counts=True)
    nij = n_cell[cell_inv].astype(np.float64)
    bp, br = float(np.mean(nij / n_f[f_inv])), float(np.mean(nij / n_t[t_inv]))
    fp = pred_pairs - tp
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "bcubed_f1": 2 * bp * br / (bp + br),
        "true_pairs": true_pairs,
        "pred_pairs": pred_pairs,
        "sequel_fp": (same_story - tp) / fp if fp else 0.0,
        "largest_found": int(n_f.max()),
        "largest_true": int(n_t.max()),
    }


def realism(seed: int = 1, n: int = 12_000) -> dict[str, Any]:
    """Cosines and ``same_event`` of same-event, random and nearest other-event pairs of a short
    synthetic stream (to set beside the real USE statistics in the module docstring)."""
    from storyline.compare import score_pairs

    s = SyntheticStream(n, seed=seed)
    bundles = [b for chunk in s.chunks() for b in chunk]
    truth = s.truth[: len(bundles)]
    rng = np.random.default_rng(seed)
    by_event: dict[int, list[int]] = {}
    for i, e in enumerate(truth.tolist()):
        by_event.setdefault(e, []).append(i)
    same = [tuple(rng.choice(m, 2, replace=False)) for m in by_event.values() if len(m) > 1]
    rand = [
        tuple(x) for x in rng.integers(0, len(bundles), (3_000, 2)) if truth[x[0]] != truth[x[1]]
    ]
    vecs = np.stack([b.vectors[0] for b in bundles])
    sims = vecs[:500] @ vecs.T
    sims[truth[:500, None] == truth[None, :]] = -1.0
    top = np.argsort(-sims, axis=1)[:, :10]  # the 10 nearest other-event articles
    near = [(i, int(j)) for i in range(500) for j in top[i]]
    out: dict[str, Any] = {}
    for name, pairs in (("same", same[:2_000]), ("random", rand[:2_000]), ("near", near)):
        cos = np.array([float(vecs[i] @ vecs[j]) for i, j in pairs])
        p_same = score_pairs([(bundles[i], bundles[j]) for i, j in pairs])[1]
        out[name] = {
            "cos": [round(float(x), 2) for x in np.percentile(cos, [5, 25, 50, 75, 95])],
            "p_same": float(np.mean(p_same >= 0.5)),
        }
    sizes = np.unique(truth, return_counts=True)[1]
    out["singletons"] = float(np.mean(sizes == 1))
    out["in_10_plus"] = float(sizes[sizes >= 10].sum() / sizes.sum())
    return out


class TimedScorer:
    """Wraps the linker's pair scorer to time it (the comparison model's share of linking)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = 0.0

    def __call__(self, pairs: list[tuple[Bundle, Bundle]]) -> Any:
        t0 = time.perf_counter()
        try:
            return self.inner(pairs)
        finally:
            self.seconds += time.perf_counter() - t0


#: Nearest neighbours asked per article. Measured on this stream (60,000 articles, the last
#: 15,000 timed): 32 gave pair F1 0.866 (P 0.81, R 0.93) at ~500 articles/s, 16 gave 0.881
#: (P 0.91, R 0.86) at ~650, 10 gave 0.870 (P 0.94, R 0.81) at ~760. Fewer neighbours score
#: fewer pairs (blocking still adds the reports that share main actors).
NEIGHBOURS = 16


def make_linker(n: int, index: str) -> tuple[Any, TimedScorer | None]:
    """The linker of a run (``horizon_days=30``; no per-pair record when that can be off) and
    its timed scorer, when the linker takes one."""
    import inspect

    from storyline.link import events

    config = events.LinkConfig(index=index, horizon_days=30, neighbours=NEIGHBOURS)
    params = inspect.signature(events.EventLinker).parameters
    kwargs: dict[str, Any] = {"record": False} if "record" in params else {}
    timer = None
    if "scorer" in params and hasattr(events, "compare_scorer"):
        timer = kwargs["scorer"] = TimedScorer(events.compare_scorer)
    return events.EventLinker(config, expected=n, **kwargs), timer


def run(
    n: int, index: str, budget: float | None, every: int, max_rss_gb: float, seed: int = 0
) -> dict[str, Any]:
    """Link a synthetic stream of ``n`` articles; time only ``partial_fit``.

    Stops early (``stopped``) after ``budget`` seconds of linking or above ``max_rss_gb`` of RSS.
    """
    stream = SyntheticStream(n, seed=seed)
    linker, timer = make_linker(n, index)
    link_s = gen_s = 0.0
    done, next_report, stopped = 0, every, False
    per_chunk: list[tuple[int, float, float]] = []  # (articles, seconds, RSS MB after)
    t_gen = time.perf_counter()
    for chunk in stream.chunks(CHUNK):
        t0 = time.perf_counter()
        gen_s += t0 - t_gen
        linker.partial_fit(chunk)
        t_gen = time.perf_counter()
        link_s += t_gen - t0
        done += len(chunk)
        per_chunk.append((len(chunk), t_gen - t0, rss_mb()))
        if done >= next_report or done == n:
            next_report += every
            print(
                f"  [{index}] {done:>9,} / {n:,} linked: {done / link_s:,.0f} articles/s "
                f"(linking only; generation {gen_s:,.0f} s), "
                f"{linker.n_candidates_ / done:.1f} candidates and "
                f"{getattr(linker, 'n_scored_', linker.n_candidates_) / done:.1f} scored "
                f"per article, {len(linker.events_):,} events, RSS {rss_mb():,.0f} MB",
                file=sys.stderr,
                flush=True,
            )
        if (budget is not None and link_s >= budget) or rss_mb() > max_rss_gb * 1024:
            stopped = True
            break
    found_ids = linker.labels(article_id(i) for i in range(done))
    codes: dict[str | None, int] = {}
    found = np.array([codes.setdefault(e, len(codes)) for e in found_ids], dtype=np.int64)
    q = pair_scores(stream.truth[:done], found, stream.storyline[:done])
    # steady state: the rate over the last tenth of the run, RSS growth over its second half
    tail = per_chunk[-max(len(per_chunk) // 10, 1) :]
    half = per_chunk[len(per_chunk) // 2 - 1] if len(per_chunk) > 1 else (0, 0.0, 0.0)
    half_n = sum(k for k, _s, _r in per_chunk[: len(per_chunk) // 2])
    return {
        "n": done,
        "n_asked": n,
        "stopped": stopped,
        "index": index,
        "seconds": link_s,
        "gen_seconds": gen_s,
        "rate": done / link_s,
        "tail_rate": sum(k for k, _s, _r in tail) / sum(t for _k, t, _r in tail),
        "rss_growth": (per_chunk[-1][2] - half[2]) / max(done - half_n, 1) * 1000,
        "scoring_share": timer.seconds / link_s if timer else float("nan"),
        "candidates": linker.n_candidates_ / done,
        "scored": getattr(linker, "n_scored_", linker.n_candidates_) / done,
        "events": len(codes),
        "true_events": len(np.unique(stream.truth[:done])),
        "peak_rss_mb": peak_rss_mb(),
        "end_rss_mb": rss_mb(),
        **q,
    }


def _worker(
    n: int, index: str, budget: float | None, every: int, max_rss_gb: float
) -> dict[str, Any]:
    """One run in its own process (so that its peak RSS is its own)."""
    cmd = [sys.executable, __file__, "--worker", "--n", str(n), "--index", index]
    cmd += ["--max-rss-gb", str(max_rss_gb)]
    cmd += ["--every", str(every)] + (["--budget", str(budget)] if budget is not None else [])
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _row(r: dict[str, Any]) -> str:
    n = f"{r['n']:,}" + (f" of {r['n_asked']:,} (stopped)" if r["stopped"] else "")
    share = "" if r["scoring_share"] != r["scoring_share"] else f"{r['scoring_share']:.0%}"
    return (
        f"| {n} | `{r['index']}` | {r['rate']:,.0f} | {r['tail_rate']:,.0f} | "
        f"{r['seconds']:,.0f} | {share} | {r['peak_rss_mb'] / 1024:.2f} | "
        f"{r['rss_growth']:,.0f} | {r['candidates']:.1f} / {r['scored']:.1f} | "
        f"{r['events']:,} ({r['true_events']:,}) | {r['largest_found']:,} "
        f"({r['largest_true']:,}) | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
        f"{r['bcubed_f1']:.3f} | {r['sequel_fp']:.0%} |"
    )


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="Articles in the main run.")
    ap.add_argument("--quick", action="store_true", help="20,000 articles (side runs 5,000).")
    ap.add_argument("--side-n", type=int, default=None, help="usearch vs exact at this n (0: off).")
    ap.add_argument("--index", default="usearch", choices=("usearch", "exact", "auto"))
    ap.add_argument(
        "--budget", type=float, default=1800.0, help="Stop a run after this much linking time (s)."
    )
    ap.add_argument("--max-rss-gb", type=float, default=8.0, help="Stop a run above this RSS (GB).")
    ap.add_argument("--every", type=int, help="A progress line every this many articles.")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--no-write", action="store_true", help="Print only.")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    n = 20_000 if args.quick else args.n
    side_n = args.side_n if args.side_n is not None else (5_000 if args.quick else 100_000)
    if args.worker:
        every = args.every or (5_000 if n <= 100_000 else 50_000)
        print(json.dumps(run(n, args.index, args.budget, every, args.max_rss_gb)))
        return 0

    runs = [_worker(n, args.index, args.budget, args.every or 0, args.max_rss_gb)]
    for index in ("usearch", "exact") if side_n else ():
        runs.append(_worker(side_n, index, args.budget, args.every or 0, args.max_rss_gb))
    real = realism()
    main_run = runs[0]
    rate_ok = main_run["rate"] >= 1_000
    rss_ok = main_run["peak_rss_mb"] <= 4 * 1024
    full = main_run["n"] >= 1_000_000
    at = "" if full else f" (at {main_run['n']:,} articles, not 1,000,000: indicative only)"
    lines = [
        SECTION,
        "",
        f"A synthetic stream of `Bundle` records ({PER_DAY:,} articles a day, heavy-tailed event "
        "sizes, de/en/other, Zipf-distributed names, 5% wire copies, 15% of the events sequels "
        "of an earlier one; statistics and their sources in `benchmarks/bench_link_scale.py`), "
        f"linked by `EventLinker` in chunks of {CHUNK:,} with "
        f"`LinkConfig(horizon_days=30, neighbours={NEIGHBOURS})`. "
        "Only `partial_fit` is timed. Peak RSS is that of the run's own process (generator "
        "included). Quality against the synthetic truth is exact (from the contingency table, "
        "all pairs). "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| articles | index | articles/s | articles/s, last 10% | link s | scoring share "
        "| peak RSS GB | RSS growth MB / 1,000 articles | candidates / scored per article "
        "| events (true) | largest event (true) | pair P | pair R | pair F1 | B³ F1 "
        "| false pairs in a storyline |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(_row(r) for r in runs),
        "",
        "Targets (issue 5): >= 1,000 articles/s for the linking step and <= 4 GB peak RSS at "
        f"1,000,000 articles. Main run{at}: **{main_run['rate']:,.0f} articles/s** "
        f"({'met' if rate_ok else 'not met'}), **{main_run['peak_rss_mb'] / 1024:.2f} GB** "
        f"({('met' if rss_ok else 'not met') if not at else 'under the limit so far'}); "
        f"{main_run['tail_rate']:,.0f} articles/s and "
        f"{main_run['rss_growth']:,.0f} MB more RSS per 1,000 articles at the end of the run. "
        "Scoring share: the time in the linker's pair scorer (the comparison model), the rest "
        "is candidate search, clustering and bookkeeping.",
        "",
        "Stream realism (12,000 synthetic articles; *real*: USE bundles of the SemEval-2022 "
        "texts, pairs rated same event (Overall and Time <= 1.5) and random pairs). Text cosine, "
        "5/25/50/75/95th percentiles: same event "
        f"{real['same']['cos']} (real [0.19, 0.6, 0.7, 0.77, 0.84]); random {real['random']['cos']}"
        f" (real [0.04, 0.11, 0.17, 0.23, 0.33]); the 10 nearest other-event articles "
        f"{real['near']['cos']}. `same_event` >= 0.5: {real['same']['p_same']:.0%} of same-event "
        f"pairs (real 86%), {real['random']['p_same']:.1%} of random pairs (real 0.2%), "
        f"{real['near']['p_same']:.0%} of the nearest other-event pairs. "
        f"{real['singletons']:.0%} of the events are singletons; {real['in_10_plus']:.0%} of the "
        "articles are in events of 10 or more reports.",
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section(SECTION, table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
