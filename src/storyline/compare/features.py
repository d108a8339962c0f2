"""Per-article feature bundles and the pairwise features the comparison model reads.

Why two levels: comparing N stored articles pairwise must not re-run NER or the sentence encoder
per pair. Everything that depends on one article only (its vectors, folded entity keys, resolved
places, dates, MinHash) goes into a :class:`Bundle`, computed once and cached in the store
(``Store.put_features``); :func:`pair_features` then only does set intersections and a few small
numpy operations, well under a millisecond per pair.

Design choices, and why:

* **Fuzzy entity keys.** Names are folded (:func:`storyline.analyse.names.fold`, so Lukaschenko =
  Lukashenko) and then reduced to a consonant *skeleton* per token ("laschet" and the machine
  translation's "lashet" both become ``lst``). Two names match when they share a skeleton token of
  a word of at least four letters: "Putin" matches "Wladimir Putin", and MT-mangled spellings of
  one surname still meet. The same keys over all capitalised words (``caps``) give an entity-ish
  overlap for languages the NER does not cover (es, pl, tr, fr, it...).
* **Geography from resolved places**: the great-circle distance between the two articles' places
  (minimum, and the symmetric mean of nearest distances), the distance between the two event
  places, and country overlap. Distances are fed as ``log1p(km)``: 5 km and 50 km differ more, for
  "same place", than 2,000 and 2,050.
* **Time from the text, not the publication date**: the event time of each article and the
  resolved dates it mentions; the gap is in days, also as ``log1p``. A value of ``-1`` means
  "unknown" for every gap and distance, with a separate 0/1 ``known`` feature, so the model can
  learn that "unknown" is neither near nor far.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.analyse.names import fold
from storyline.clean.dedup import Signature, signature, similarity

if TYPE_CHECKING:
    from storyline.analyse.types import Analysis
    from storyline.model import Article

#: Bumped whenever a bundle's content or a feature changes: stored bundles of another version are
#: recomputed, and the trained model records the version it was trained on.
FEATURES_VERSION = "1"

LABELS = ("PER", "ORG", "LOC", "MISC")

#: The feature vector, in order. The trained model (``resources/compare.json``) stores this list
#: and refuses to run against another one.
FEATURE_NAMES: tuple[str, ...] = (
    "cos_text",
    "cos_title",
    "cos_cross",
    "cos_max",
    "ent_PER",
    "ent_ORG",
    "ent_LOC",
    "ent_MISC",
    "ent_all",
    "ent_top",
    "ent_n_min",
    "caps",
    "nums",
    "words",
    "minhash",
    "place_jaccard",
    "country_jaccard",
    "place_min_km",
    "place_meanmin_km",
    "place_known",
    "event_km",
    "event_km_known",
    "event_far",
    "event_same_country",
    "event_type_same",
    "event_type_known",
    "event_gap_days",
    "event_gap_known",
    "date_gap_days",
    "date_jaccard",
    "date_known",
    "pub_gap_days",
    "pub_known",
    "same_language",
    "both_analysed",
    "len_ratio",
    "len_min",
    "event_place_shared",
)

#: The features of the ``e5`` model: the same plus the cosine of multilingual-e5-small
#: whole-text embeddings (measured: +0.04 Pearson on Overall, at ~10x the encoder cost).
FEATURE_NAMES_E5: tuple[str, ...] = (*FEATURE_NAMES, "cos_e5")

#: Languages whose NER / place / time analysis is real (language packs exist); for others the
#: entity features are only the capitalised-word overlap, and the model is told so.
ANALYSED_LANGUAGES = frozenset({"de", "en"})

_TOKEN = re.compile(r"[^\W\d_]+")
_CAP = re.compile(r"\b[^\W\d_a-zß-ÿ][^\W\d_]{3,}")
_NUM = re.compile(r"\d[\d.,]*\d")
_WORDS = re.compile(r"[^\W\d_]{4,}")
_SKEL_SUBS = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck|[cq]"), "k"),
    (re.compile(r"[zx]"), "s"),
    (re.compile(r"w"), "v"),
    (re.compile(r"(.)\1+"), r"\1"),
)
_DROP = re.compile(r"[aeiouyjh]")


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """A spelling-tolerant key of one word: folded, consonants only (first letter kept).

    "Laschet" / "Lashet" -> ``lst``; "Selenskyj" / "Zelensky" -> ``slnsk``. Deliberately lossy:
    it is used on names and capitalised words, where a false match costs little and a missed
    match (the MT-mangled name) is the common failure.
    """
    s = fold(token).replace(" ", "")
    if not s:
        return ""
    for pattern, repl in _SKEL_SUBS:
        s = pattern.sub(repl, s)
    return s[0] + _DROP.sub("", s[1:])


def name_keys(name: str) -> list[str]:
    """Match keys of a name: skeletons of its words of 4+ letters, else its folded form.

    The fallback keeps short names ("Russia" -> skeleton ``rs``, too short to trust as a
    skeleton) matchable by exact folded spelling.
    """
    keys = [k for t in _TOKEN.findall(name) if len(t) >= 4 and len(k := skeleton(t)) >= 3]
    if not keys and len(folded := fold(name)) >= 3:
        keys = [folded]
    return keys


@dataclass
class Bundle:
    """What one article contributes to every comparison it takes part in (cacheable, JSON-able).

    ``vectors`` is ``(2, 512)`` float32: USE embeddings of the whole text and the title,
    L2-normalised. ``encoder`` is the model variant the bundle serves: ``use``, or ``e5``, whose
    bundles also carry ``e5``, the multilingual-e5-small vector of the whole text (384-d).
    ``entities`` maps a label to ``[[canonical name, mentions, [keys]], ...]``, most
    mentioned first. ``places`` are ``[name, country, lat, lon, kind]``. ``dates`` are resolved
    ISO dates (``YYYY-MM-DD``) the text mentions; ``months`` the ``YYYY-MM`` ones.
    """

    article_id: str
    language: str | None
    encoder: str
    vectors: np.ndarray
    title: str = ""
    published: str | None = None
    entities: dict[str, list[list[Any]]] = field(default_factory=dict)
    caps: list[str] = field(default_factory=list)
    nums: list[str] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    places: list[list[Any]] = field(default_factory=list)
    event_type: str | None = None
    event_where: list[Any] | None = None
    event_when: str | None = None
    dates: list[str] = field(default_factory=list)
    months: list[str] = field(default_factory=list)
    minhash: str = ""
    n_words: int = 0
    e5: np.ndarray | None = None
    version: str = FEATURES_VERSION
    _sets: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def data(self) -> dict[str, Any]:
        """Everything but the vectors, as JSON-able values (the store keeps vectors as a blob)."""
        e5 = self.e5
        self.e5 = None
        try:
            d = asdict(self)
        finally:
            self.e5 = e5
        d.pop("vectors")
        d.pop("_sets")
        d["e5"] = None if e5 is None else [round(float(v), 6) for v in e5]
        return d

    @classmethod
    def from_data(cls, data: dict[str, Any], vectors: np.ndarray) -> Bundle:
        known = set(cls.__dataclass_fields__) - {"vectors", "_sets", "e5"}
        e5 = data.get("e5")
        return cls(
            vectors=vectors,
            e5=None if e5 is None else np.asarray(e5, dtype=np.float32),
            **{k: v for k, v in data.items() if k in known},
        )

    # cached derived sets: built once per bundle, reused by every pair it is in
    def keyset(self, what: str) -> Any:
        got = self._sets.get(what)
        if got is None:
            got = self._sets[what] = self._build(what)
        return got

    def _build(self, what: str) -> Any:
        if what in LABELS:
            return {k for _n, _c, keys in self.entities.get(what, []) for k in keys}
        if what == "all":
            return {k for label in LABELS for k in self.keyset(label)}
        if what == "top":
            names = [e for label in ("PER", "ORG") for e in self.entities.get(label, [])]
            names.sort(key=lambda e: -e[1])
            return {k for _n, _c, keys in names[:3] for k in keys}
        if what == "coords":
            pts = [(p[2], p[3]) for p in self.places if p[2] is not None and p[3] is not None]
            return np.radians(np.array(pts, dtype=np.float64)) if pts else None
        if what == "minhash":
            return Signature.from_bytes(bytes.fromhex(self.minhash)) if self.minhash else None
        if what == "words":
            return set(self.words)
        if what in ("caps", "nums", "dates", "months"):
            return set(getattr(self, what))
        if what == "place_names":
            return {fold(p[0]) for p in self.places}
        if what == "countries":
            return {p[1] for p in self.places if p[1]}
        raise KeyError(what)


def _iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` when ``value`` is a fully resolved TIMEX3 date (or datetime), else None."""
    if value and len(value) >= 10 and value[:4].isdigit() and value[5:7].isdigit():
        day = value[8:10]
        if day.isdigit():
            return value[:10]
    return None


def _month(value: str | None) -> str | None:
    if value and len(value) >= 7 and value[:4].isdigit() and value[5:7].isdigit():
        return value[:7]
    return None


def make_bundle(
    article: Article, analysis: Analysis, vectors: np.ndarray, encoder: str = "use"
) -> Bundle:
    """The bundle of one article from its cleaned text, its analysis and its three vectors."""
    text = article.text
    ents: dict[str, dict[str, list[Any]]] = {label: {} for label in LABELS}
    for e in analysis.entities:
        name = e.canonical or e.text
        key = fold(name)
        if not key or e.label not in ents:
            continue
        slot = ents[e.label].setdefault(key, [name, 0, name_keys(name)])
        slot[1] += 1
    entities = {
        label: sorted(found.values(), key=lambda x: -x[1]) for label, found in ents.items() if found
    }
    places: dict[tuple[str, str], list[Any]] = {}
    for p in analysis.places:
        places.setdefault((p.name, p.kind), [p.name, p.country, p.lat, p.lon, p.kind])
    ev = analysis.event
    where = None
    if ev and ev.where:
        hit = next((p for p in places.values() if p[0] == ev.where), None)
        where = hit or [ev.where, ev.country, None, None, "other"]
    dates = {d for t in analysis.times if (d := _iso_date(t.value))}
    months = {m for t in analysis.times if (m := _month(t.value))}
    event_when = ev.when if ev else None
    published = article.published or analysis.published
    guess = analysis.published_inferred
    if not published and guess and guess.confidence >= 0.5:  # the store's rule for a "day"
        published = guess.value
    words = {zlib.crc32(w.encode()) for w in _WORDS.findall(text.casefold())}
    return Bundle(
        article_id=article.id,
        language=analysis.language or article.language,
        encoder=encoder,
        vectors=np.asarray(vectors, dtype=np.float32),
        title=article.title or "",
        published=_iso_date(published),
        entities=entities,
        caps=sorted({k for w in _CAP.findall(text) if len(k := skeleton(w)) >= 3}),
        nums=sorted(set(_NUM.findall(text))),
        words=sorted(words),
        places=list(places.values()),
        event_type=ev.type if ev else None,
        event_where=where,
        event_when=event_when,
        dates=sorted(dates),
        months=sorted(months),
        minhash=signature(text).to_bytes().hex(),
        n_words=len(text.split()),
    )


def _overlap(a: set[Any], b: set[Any]) -> float:
    """Dice overlap of two sets; 0 when either is empty (nothing shared can be seen)."""
    if not a or not b:
        return 0.0
    return 2.0 * len(a & b) / (len(a) + len(b))


def _jaccard(a: set[Any], b: set[Any]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


EARTH_KM = 6371.0

#: Two event *cities* further apart than this are "elsewhere" (a separate 0/1 feature). Measured
#: on the de/en SemEval pairs whose event frames both resolved a city: human Geography averages
#: 1.3 below 50 km and 2.0-2.4 beyond; for region/country-level event places the distance says
#: much less (1.4-1.7 up to 1,000 km), so they do not count.
FAR_KM = 50.0


def _km_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle distances (haversine) between every point of ``a`` and ``b`` (radians)."""
    dlat = a[:, None, 0] - b[None, :, 0]
    dlon = a[:, None, 1] - b[None, :, 1]
    coslat = np.cos(a[:, None, 0]) * np.cos(b[None, :, 0])
    h = np.sin(dlat / 2) ** 2 + coslat * np.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    a = np.radians(np.array([[lat1, lon1]]))
    b = np.radians(np.array([[lat2, lon2]]))
    return float(_km_matrix(a, b)[0, 0])


def _day(value: str | None) -> date | None:
    iso = _iso_date(value)
    if not iso:
        return None
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None


def _log_gap(x: float | None) -> float:
    return -1.0 if x is None else math.log1p(max(0.0, x))


def event_gap_days(a: Bundle, b: Bundle) -> float | None:
    """Days between the two event times when both are resolved to a day, else None."""
    da, db = _day(a.event_when), _day(b.event_when)
    return None if da is None or db is None else float(abs((da - db).days))


def date_gap_days(a: Bundle, b: Bundle) -> float | None:
    """Smallest gap in days between any resolved date of ``a`` and any of ``b``."""
    da = [d for x in a.dates if (d := _day(x))]
    db = [d for x in b.dates if (d := _day(x))]
    if not da or not db:
        return None
    xa = np.array([d.toordinal() for d in da])
    xb = np.array([d.toordinal() for d in db])
    return float(np.abs(xa[:, None] - xb[None, :]).min())


def place_distances(a: Bundle, b: Bundle) -> tuple[float | None, float | None]:
    """(minimum, symmetric mean of nearest) km between the places of ``a`` and ``b``."""
    ca, cb = a.keyset("coords"), b.keyset("coords")
    if ca is None or cb is None:
        return None, None
    m = _km_matrix(ca, cb)
    mean = (m.min(axis=1).sum() / m.shape[0] + m.min(axis=0).sum() / m.shape[1]) / 2
    return float(m.min()), float(mean)


def event_distance(a: Bundle, b: Bundle) -> float | None:
    wa, wb = a.event_where, b.event_where
    if not wa or not wb or wa[2] is None or wb[2] is None:
        return None
    return km(wa[2], wa[3], wb[2], wb[3])


def _far_cities(a: Bundle, b: Bundle, dist: float | None) -> bool:
    """Both event places are cities, more than :data:`FAR_KM` apart."""
    if dist is None or dist <= FAR_KM or not a.event_where or not b.event_where:
        return False
    return a.event_where[4] == "city" and b.event_where[4] == "city"


def _event_place_shared(a: Bundle, b: Bundle) -> bool:
    """Both frames agree on what happened and either event place is named by the other article.

    Two reports of one strike may put it in different cities (the wire in Berlin, the regional
    paper in Frankfurt), but one names the other's city and both call it a strike. The event type
    must agree because a later report often recalls an earlier event's place: the seed about a
    Putin-Lukashenko meeting in Sankt Petersburg mentions the earlier one in Minsk.
    """
    wa, wb = a.event_where, b.event_where
    if not wa or not wb or not a.event_type or a.event_type != b.event_type:
        return False
    return fold(str(wa[0])) in b.keyset("place_names") or fold(str(wb[0])) in a.keyset(
        "place_names"
    )


def pair_features(a: Bundle, b: Bundle) -> np.ndarray:
    """The feature vector of one pair; symmetric in ``a``, ``b``.

    :data:`FEATURE_NAMES` order, plus ``cos_e5`` (:data:`FEATURE_NAMES_E5`) when both bundles
    carry an e5 vector.
    """
    sims = a.vectors[:2] @ b.vectors[:2].T  # text/title against text/title
    cos_text, cos_title = float(sims[0, 0]), float(sims[1, 1])
    cos_cross = float(sims[0, 1] + sims[1, 0]) / 2
    ents = [_overlap(a.keyset(label), b.keyset(label)) for label in LABELS]
    n_min = min(len(a.keyset("all")), len(b.keyset("all")))
    wa, wb = a.keyset("words"), b.keyset("words")
    inter = len(wa & wb) if wa and wb else 0
    words = inter / (len(wa) + len(wb) - inter) if inter else 0.0
    ma, mb = a.keyset("minhash"), b.keyset("minhash")
    mh = similarity(ma, mb) if ma is not None and mb is not None else 0.0
    pmin, pmean = place_distances(a, b)
    ekm = event_distance(a, b)
    eca = a.event_where[1] if a.event_where else None
    ecb = b.event_where[1] if b.event_where else None
    egap = event_gap_days(a, b)
    dgap = date_gap_days(a, b)
    months_a, months_b = a.keyset("months"), b.keyset("months")
    pa, pb = _day(a.published), _day(b.published)
    pgap = float(abs((pa - pb).days)) if pa and pb else None
    na, nb = max(a.n_words, 1), max(b.n_words, 1)
    type_known = bool(a.event_type and b.event_type and "other" not in (a.event_type, b.event_type))
    return np.array(
        [
            cos_text,
            cos_title,
            cos_cross,
            float(sims.max()),
            *ents,
            _overlap(a.keyset("all"), b.keyset("all")),
            _overlap(a.keyset("top"), b.keyset("top")),
            math.log1p(n_min),
            _overlap(a.keyset("caps"), b.keyset("caps")),
            _overlap(a.keyset("nums"), b.keyset("nums")),
            words,
            mh,
            _jaccard(a.keyset("place_names"), b.keyset("place_names")),
            _jaccard(a.keyset("countries"), b.keyset("countries")),
            _log_gap(pmin),
            _log_gap(pmean),
            float(pmin is not None),
            _log_gap(ekm),
            float(ekm is not None),
            float(_far_cities(a, b, ekm)),
            float(bool(eca and ecb and eca == ecb)),
            float(type_known and a.event_type == b.event_type),
            float(type_known),
            _log_gap(egap),
            float(egap is not None),
            _log_gap(dgap),
            _jaccard(months_a, months_b),
            float(dgap is not None),
            _log_gap(pgap),
            float(pgap is not None),
            float(bool(a.language and a.language == b.language)),
            float(a.language in ANALYSED_LANGUAGES and b.language in ANALYSED_LANGUAGES),
            min(na, nb) / max(na, nb),
            math.log1p(min(na, nb)),
            float(_event_place_shared(a, b)),
            *([float(a.e5 @ b.e5)] if a.e5 is not None and b.e5 is not None else []),
        ],
        dtype=np.float64,
    )


__all__ = [
    "ANALYSED_LANGUAGES",
    "FEATURES_VERSION",
    "FEATURE_NAMES",
    "FEATURE_NAMES_E5",
    "LABELS",
    "Bundle",
    "date_gap_days",
    "event_distance",
    "event_gap_days",
    "km",
    "make_bundle",
    "name_keys",
    "pair_features",
    "place_distances",
    "skeleton",
]
