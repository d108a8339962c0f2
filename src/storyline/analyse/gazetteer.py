"""The place gazetteer: names -> candidate places (cities, countries, regions, continents).

The data are prebuilt by ``training/build_gazetteer.py`` into ``resources/gazetteer.tsv.gz``
(GeoNames cities >= 15,000 inhabitants plus German-speaking towns >= 5,000, CLDR country and
continent names in German and English, countrystatecity subdivisions and centroids). Loading that
file takes a fraction of a second, once per process, on first use; the package needs none of the
data packages at run time.

Names are matched by :func:`key`, a deliberately light normalisation (case, diacritics, ß/ss,
ä/ae, punctuation) rather than :func:`storyline.analyse.names.fold`: place names are matched
against 35,000 entries, and the aggressive transliteration folding that helps to merge person
names would also merge unrelated places.

Display-name policy: :attr:`GazetteerEntry.name` is the name in the article's language when we
know it — German from CLDR (countries, continents, time-zone exemplar cities) or the curated
exonyms of the German pack ("Genf", "Sankt Petersburg"), otherwise the GeoNames/CLDR English
name. :attr:`GazetteerEntry.name_en` is always the English name: it is the same for a place in
every language, so it is what canonical entity names use.
"""

from __future__ import annotations

import gzip
import importlib
import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

RESOURCE = "gazetteer.tsv.gz"

#: Longest place name, in key tokens, that the running-text scan tries ("Rio de Janeiro", ...).
MAX_SCAN_TOKENS = 4

_APOSTROPHES = str.maketrans("", "", "'’ʼ`´")
_NON_WORD = re.compile(r"[\W_]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_SAINTS = ("sankt ", "saint ", "st ")


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """The lookup key of a place name: casefolded, without diacritics and punctuation.

    "Zürich" and "Zurich" share a key, "Weißrussland" and "Weissrussland" too, and
    "St. Petersburg" becomes ``st petersburg``. ``Zuerich`` does not equal ``zurich`` here; the
    index also stores the ``ue`` spelling of every name that has an umlaut (:func:`key_variants`).
    """
    s = unicodedata.normalize("NFKC", name).replace("ß", "ss").replace("ẞ", "SS")
    s = s.translate(_APOSTROPHES).casefold()
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", s).strip()


def key_variants(name: str) -> set[str]:
    """Every key under which a name is indexed: plain, umlauts spelled out, St./Sankt/Saint."""
    keys = {key(name), key(name.translate(_UMLAUTS))}
    for k in list(keys):
        for prefix in _SAINTS:
            if k.startswith(prefix):
                rest = k[len(prefix) :]
                keys.update(p + rest for p in _SAINTS)
    keys.discard("")
    return keys


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One candidate place for a name.

    ``name`` follows the display-name policy of this module (article language when known),
    ``name_en`` is language-independent. ``geonameid`` is ``None`` for subdivisions and curated
    regions, which do not come from GeoNames; ``ref`` is the entry's row in the gazetteer and
    identifies it within a process (two mentions are the same place iff their ``ref`` is equal).
    ``prior`` (0..1) is how likely this entry is meant when nothing else is known: countries and
    continents first, then cities by population, then subdivisions.
    """

    name: str
    country: str | None
    lat: float
    lon: float
    kind: str
    population: int
    geonameid: int | None
    name_en: str
    admin1: str
    ref: int
    prior: float
    scan: bool = False


@dataclass(slots=True)
class _Row:
    gid: int
    kind: str
    cc: str
    lat: float
    lon: float
    pop: int
    admin1: str
    en: str
    de: str
    prior: float


def _prior(kind: str, pop: int) -> float:
    """How likely an entry is meant, before context: countries > regions ~ big cities."""
    if kind in ("country", "continent"):
        return 1.0
    if kind == "region":
        return 0.7
    return min(0.95, math.log10(max(pop, 1000)) / 8.0)


class Gazetteer:
    """The loaded gazetteer.

    Loading only splits the file into lines; a row is parsed into a :class:`_Row` the first time
    a lookup needs it, and a key's row list the first time it is asked for. Most articles touch a
    few dozen of the 40,000 places, so start-up stays at about a third of a second.
    """

    def __init__(self, raw_rows: list[str], index: dict[str, str]) -> None:
        self._raw = raw_rows
        self._rows: dict[int, _Row] = {}
        self._index = index
        self._refs: dict[str, tuple[tuple[int, ...], frozenset[int]]] = {}
        self._countries: dict[str, int] = {}
        self._gids: dict[int, int] = {}
        self._regions: dict[str, int] = {}
        for i, line in enumerate(raw_rows):
            gid, kind, cc, _ = line.split("\t", 3)
            if kind == "country":
                self._countries[cc] = i
            elif kind == "region":
                self._regions[f"{cc}-{line.split(chr(9), 7)[6]}"] = i
            if gid != "0":
                self._gids[int(gid)] = i

    def __len__(self) -> int:
        return len(self._raw)

    def row(self, i: int) -> _Row:
        r = self._rows.get(i)
        if r is None:
            gid, kind, cc, lat, lon, pop, admin1, en, de = self._raw[i].split("\t")
            p = int(pop)
            r = _Row(int(gid), kind, cc, float(lat), float(lon), p, admin1, en, de, _prior(kind, p))
            self._rows[i] = r
        return r

    def refs(self, k: str) -> tuple[tuple[int, ...], frozenset[int]]:
        """Rows named ``k`` (all names) and the subset named so by a running-text name."""
        got = self._refs.get(k)
        if got is None:
            raw = self._index.get(k)
            if raw is None:
                return (), frozenset()
            scan_s, _, alt_s = raw.partition("\t")
            alt_s = alt_s.partition("\t")[0]
            scan = [int(x) for x in scan_s.split(",") if x]
            alt = [int(x) for x in alt_s.split(",") if x and int(x) not in scan]
            got = (tuple(scan + alt), frozenset(scan))
            self._refs[k] = got
        return got

    def has_scan(self, k: str) -> bool:
        """Whether ``k`` is a running-text name of some place (cheap: no parsing)."""
        raw = self._index.get(k)
        return raw is not None and not raw.startswith("\t")

    def scan_keys(self) -> list[str]:
        """Every running-text name key (for building scan helpers)."""
        return [k for k, raw in self._index.items() if not raw.startswith("\t")]

    def initial_ambiguous(self, k: str) -> bool:
        """Whether ``k`` is also a common word that a sentence may start with ("Erlangen")."""
        raw = self._index.get(k)
        return raw is not None and raw.endswith("\ti")

    def add_name(self, k: str, i: int, *, scan: bool) -> None:
        """Index one more name (curated exonyms)."""
        refs, scans = self.refs(k)
        if i in refs and (i in scans or not scan):
            return
        s = [r for r in refs if r in scans]
        a = [r for r in refs if r not in scans]
        if scan:
            s.append(i)
            a = [r for r in a if r != i]
        else:
            a.append(i)
        self._index[k] = ",".join(map(str, s)) + "\t" + ",".join(map(str, a))
        self._refs.pop(k, None)

    def entries(
        self, k: str, language: str | None, *, scan_only: bool = False
    ) -> list[GazetteerEntry]:
        """Candidates for a key, best prior first."""
        refs, scans = self.refs(k)
        out = [
            self.entry(i, language, scan=i in scans) for i in refs if i in scans or not scan_only
        ]
        out.sort(key=lambda e: -e.prior)
        return out

    def entry(self, i: int, language: str | None, *, scan: bool = False) -> GazetteerEntry:
        r = self.row(i)
        return GazetteerEntry(
            name=r.de if language == "de" else r.en,
            country=r.cc or None,
            lat=r.lat,
            lon=r.lon,
            kind=r.kind,
            population=r.pop,
            geonameid=r.gid or None,
            name_en=r.en,
            admin1=r.admin1,
            ref=i,
            prior=r.prior,
            scan=scan,
        )

    def by_country(self, cc: str) -> int | None:
        """The row of a country by ISO code."""
        return self._countries.get(cc.upper())

    def by_geonameid(self, gid: int) -> int | None:
        return self._gids.get(gid)

    def by_code(self, code: str) -> int | None:
        """The row of a country ("BY") or a subdivision by ISO 3166-2 code ("US-CA")."""
        if "-" in code:
            return self._regions.get(code.upper())
        return self._countries.get(code.upper())


def _load() -> Gazetteer:
    data = resources.files("storyline.resources").joinpath(RESOURCE).read_bytes()
    text = gzip.decompress(data).decode("utf-8")
    rows_part, _, index_part = text.partition("\n\n")
    index = dict(line.split("\t", 1) for line in index_part.splitlines() if line)
    gaz = Gazetteer(rows_part.split("\n"), index)
    _apply_curated(gaz)
    return gaz


def _apply_curated(gaz: Gazetteer) -> None:
    """Add the language packs' exonyms: extra scan names and display names.

    ``PLACE_NAMES`` maps an ISO country code, an ISO 3166-2 subdivision code or a GeoNames id to
    names; for a German city or subdivision the first name becomes the German display name
    ("Genf" rather than GeoNames' "Geneva", "Kalifornien").
    ``DISPLAY_NAMES`` of the English pack replace GeoNames' local names ("Köln" -> "Cologne").
    """
    for code in ("de", "en"):
        try:
            words = importlib.import_module(f"storyline.lang.{code}.entity_words")
        except ImportError:  # pragma: no cover - a pack without entity words
            continue
        for target, aliases in getattr(words, "PLACE_NAMES", {}).items():
            i = gaz.by_code(target) if isinstance(target, str) else gaz.by_geonameid(target)
            if i is None:
                continue
            if code == "de" and aliases and (isinstance(target, int) or "-" in target):
                gaz.row(i).de = aliases[0]
            for alias in aliases:
                for k in key_variants(alias):
                    gaz.add_name(k, i, scan=True)
        if code == "en":
            for gid, name in getattr(words, "DISPLAY_NAMES", {}).items():
                i = gaz.by_geonameid(gid)
                if i is not None:
                    gaz.row(i).en = name


_GAZ: Gazetteer | None = None
_LOCK = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use (thread-safe)."""
    global _GAZ
    if _GAZ is None:
        with _LOCK:
            if _GAZ is None:
                _GAZ = _load()
    return _GAZ


def lookup(name: str, language: str | None = None) -> list[GazetteerEntry]:
    """Candidate places for a name, best prior first; ``[]`` when the name is unknown.

    Every indexed name counts, including GeoNames alternate names, so a name found in running
    text without the NER model should rather go through the scan index (``scan_only``).
    ``language`` only chooses the display name (``"de"``: German when known).
    """
    return gazetteer().entries(key(name), language)


def country(cc: str, language: str | None = None) -> GazetteerEntry | None:
    """The country entry for an ISO 3166-1 alpha-2 code."""
    gaz = gazetteer()
    i = gaz.by_country(cc)
    return None if i is None else gaz.entry(i, language, scan=True)


__all__ = ["GazetteerEntry", "country", "gazetteer", "key", "key_variants", "lookup"]
