"""Places: resolve place mentions to gazetteer entries, with context.

Three kinds of mention become a :class:`~storyline.analyse.types.Place`:

* location entities of the NER model (``label == "LOC"``), looked up under every name the
  gazetteer knows, GeoNames alternate names included; an ORG/MISC span that is exactly the name
  of a country or a city of 100,000+ counts too ("Sankt Petersburg" tagged ORG);
* places the model missed, found by a longest-match scan of capitalised tokens against the
  gazetteer's *running-text* names only (primary, CLDR and curated names, no alternate names).
  Precision matters more than recall here — a wrong pin on the map is worse than a missing one —
  so the scan is guarded: names that German uses as ordinary words are left out at build time
  (counted in the NER training data: "Lage", "Wetter") or only trusted inside a sentence
  ("Erlangen", "Leiden"); the pack's ``NOT_PLACES`` ("Essen", "Halle", "Obama") are only
  accepted after "in"/"nach"/"aus" and for cities of 100,000+; single words need 15,000
  inhabitants, and 1,000,000 when a capitalised word follows ("Cam Newton", "Crystal Palace");
  an umlaut must be in the place's own name ("Länder" is not Lander, Venezuela); nothing
  inside another entity is scanned;
* demonyms and country adjectives ("belarussische", "russisch-belarussische", "Russian",
  "Ukrainer") as ``via="demonym"`` references to the country (not inside PER/ORG names:
  "Deutsche Bank").

The dateline is a place of its own (``dateline=True``, ``via="dateline"``).

Disambiguation: every candidate gets ``prior`` (countries first, then cities by population) plus
a bonus when its name is a running-text name, a bonus when its country is otherwise evidenced in
the article (country names, demonyms, the dateline, unambiguous places, country names inside
compounds like "Ukraine-Krieg") and a bonus when the mention is qualified by its region or
country ("St. Petersburg, Florida"). So Minsk is the Belarusian capital rather than Mińsk
Mazowiecki by population alone, and St. Petersburg is the Russian city unless the article's
evidence points to the United States. ``Place.score`` is a softmax over the candidates' scores:
1.0 when nothing competes, about 0.8 when a much smaller namesake exists, near 0.5 for a toss-up.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from storyline.analyse.gazetteer import GazetteerEntry, gazetteer, key
from storyline.analyse.names import EntityWords, entity_words
from storyline.analyse.types import Entity, Place

#: A token: letters/digits, inner hyphens, apostrophes and dots ("St.", "U.S.", "Neu-Delhi").
TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*\.?")
#: Single-word names found by the scan must name a place at least this big (or a country,
#: region or continent): the gazetteer holds thousands of small towns named like German words.
SCAN_MIN_POPULATION = 15_000
#: A common word right after "in"/"nach" is a place when a city this big has that name.
PREPOSITION_MIN_POPULATION = 100_000
#: Genitives the model missed ("Moskaus") are only trusted for places this big, countries,
#: continents and the subdivisions of these countries ("Bayerns", "Tirols").
GENITIVE_MIN_POPULATION = 500_000
GENITIVE_REGION_COUNTRIES = frozenset({"DE", "AT", "CH"})
#: Bonus for a candidate whose country the rest of the article evidences, times the squared
#: share of the article's country evidence that country has. Priors are log10(population) / 8,
#: so the full bonus outweighs about 2.4 decades of population: an article all about Florida
#: moves St. Petersburg to Florida (1.3 decades smaller), one mention of the United States
#: among others does not move Geneva to Illinois (1 decade smaller).
CONTEXT_BONUS = 0.3
#: Bonus for a candidate qualified by its region/country right after it ("X, Florida").
QUALIFIER_BONUS = 0.5
#: Temperature of the softmax that turns candidate scores into ``Place.score``.
SCORE_TEMPERATURE = 0.2
#: Bonus for a candidate that has the mention as a running-text (primary/curated) name.
PRIMARY_BONUS = 0.1

_UMLAUT_CHARS = frozenset("äöüÄÖÜ")
_GENITIVE_ENDS = ("s", "'", "’")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\n])[\s«»\"„“”'‚‘’()\[\]–—-]*$")

_QUALIFIER_GAP = re.compile(r"\s*(?:,|\(|in|im)?\s*")
_DATELINE_NOISE = re.compile(r"\s*(?:\([^)]*\)|[-–—:,.]+)\s*$")


@dataclass
class _Mention:
    text: str
    start: int
    end: int
    via: str
    candidates: list[GazetteerEntry]
    evidence: Counter[str] = field(default_factory=Counter)  # type: ignore[assignment]
    best: GazetteerEntry | None = None
    score: float = 1.0


def _sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or a line, or a quotation)."""
    return _SENTENCE_END.search(text[max(0, start - 12) : start]) is not None


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def _strip_genitive(word: str, ew: EntityWords) -> list[str]:
    """Base forms a possessive place name may have ("Russlands" -> "Russland",
    "Griechenlandes" -> "Griechenland", "Russia's" -> "Russia")."""
    out = []
    suffixes = (*ew.genitive_suffixes, "es") if ew.bare_s_genitive else ew.genitive_suffixes
    for suf in suffixes:
        if suf == "s" and not ew.bare_s_genitive:
            continue
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            out.append(word[: -len(suf)])
    return out


def _compass(word: str, language: str | None, ew: EntityWords) -> list[GazetteerEntry]:
    """The country or continent of a compass compound: "Ostukraine", "Westeuropa", "Nordsyriens"."""
    for prefix in ew.compass_prefixes:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and rest[:1].islower():
            for form in (rest, *_strip_genitive(rest, ew)):
                cands = [
                    c
                    for c in gazetteer().entries(key(form), language, scan_only=True)
                    if c.kind in ("country", "continent")
                ]
                if cands:
                    return cands
    return []


def _lookup_mention(text: str, language: str | None, ew: EntityWords) -> list[GazetteerEntry]:
    """Candidates for a mention the model tagged as a location: every name, then the genitive,
    a compass compound ("Ostukraine") and a district compound ("Wien-Döbling" -> Wien)."""
    gaz = gazetteer()
    text = text.rstrip(".")
    cands = gaz.entries(key(text), language)
    if not cands:
        for base in _strip_genitive(text, ew):
            cands = gaz.entries(key(base), language)
            if cands:
                break
    if not cands and " " not in text:
        cands = _compass(text, language, ew)
    if not cands and "-" in text and " " not in text:
        head = text.split("-", 1)[0]
        cands = [
            c
            for c in gaz.entries(key(head), language, scan_only=True)
            if c.kind != "city" or c.population >= 100_000
        ]
    return cands


_DEMONYM_CACHE: dict[tuple[int, str], str | None] = {}


def _misread_place(text: str, language: str | None) -> list[GazetteerEntry]:
    """Candidates when an ORG/MISC span is exactly the running-text name of a country or a big
    city (>= 100,000): the model's label is then more likely wrong than the place."""
    cands = gazetteer().entries(key(text), language, scan_only=True)
    if any(c.kind == "country" or (c.kind == "city" and c.population >= 100_000) for c in cands):
        return [c for c in cands if c.kind in ("country", "city")]
    return []


def _misread_person(text: str, language: str | None) -> list[GazetteerEntry]:
    """Candidates when a one-word PER span is a town of >= 20,000 people ("Schaffhausen"), and
    the article names no person with that surname: the English model tags towns it does not
    know as people."""
    cands = gazetteer().entries(key(text), language, scan_only=True)
    if any(c.kind == "city" and c.population >= 20_000 for c in cands):
        return [c for c in cands if c.kind == "city"]
    return []


def _demonym_country(word: str, ew: EntityWords) -> str | None:
    """ISO code of a country adjective or inhabitant noun ("russischen" -> "RU"), cached."""
    k = (id(ew), word)
    if k not in _DEMONYM_CACHE:
        if len(_DEMONYM_CACHE) > 200_000:
            _DEMONYM_CACHE.clear()
        _DEMONYM_CACHE[k] = _demonym_uncached(word, ew)
    return _DEMONYM_CACHE[k]


def _demonym_uncached(word: str, ew: EntityWords) -> str | None:
    if word in ew.demonym_nouns:
        return ew.demonym_nouns[word]
    if word.lower()[:4] not in _demonym_heads(ew):
        return None
    return _demonym_slow(word, ew)


_HEADS: dict[int, frozenset[str]] = {}


def _demonym_heads(ew: EntityWords) -> frozenset[str]:
    got = _HEADS.get(id(ew))
    if got is None:
        got = frozenset(s[:4] for s in ew.demonyms)
        _HEADS[id(ew)] = got
    return got


def _demonym_slow(word: str, ew: EntityWords) -> str | None:
    if word in ew.demonym_nouns:
        return ew.demonym_nouns[word]
    w = word.lower()
    for ending in sorted(ew.demonym_endings, key=len, reverse=True):
        if ending and not w.endswith(ending):
            continue
        stem = w[: len(w) - len(ending)] if ending else w
        cc = ew.demonyms.get(stem)
        if cc:
            return cc
    return None


def demonym_country(word: str, language: str | None) -> str | None:
    """The country an adjective or inhabitant noun refers to, or ``None``."""
    return _demonym_country(word, entity_words(language))


class _ScanIndex:
    """First-token keys of the running-text names, with the longest name length for each."""

    def __init__(self) -> None:
        self.first: dict[str, int] = {}

    def build(self) -> None:
        gaz = gazetteer()
        for k in gaz.scan_keys():  # one pass over the keys, once per process
            parts = k.split(" ")
            first = parts[0]
            if len(parts) > self.first.get(first, 0):
                self.first[first] = len(parts)


_SCAN: _ScanIndex | None = None


def _scan_index() -> _ScanIndex:
    global _SCAN
    if _SCAN is None:
        idx = _ScanIndex()
        idx.build()
        _SCAN = idx
    return _SCAN


class _Mask:
    """Which characters of the text are taken by an entity or an earlier mention."""

    def __init__(self, n: int, spans: list[tuple[int, int]]) -> None:
        self.m = bytearray(n + 1)
        for s, e in spans:
            self.add(s, e)

    def add(self, s: int, e: int) -> None:
        if 0 <= s < e:
            self.m[s:e] = b"\x01" * (e - s)

    def __call__(self, s: int, e: int) -> bool:
        return 1 in self.m[s:e]


def _name_follows(text: str, toks: list[tuple[int, int, str]], i: int, covered: _Mask) -> bool:
    """Whether token ``i`` is directly followed (one blank) by a capitalised word."""
    if i + 1 >= len(toks) or toks[i][2].endswith("."):
        return False
    s, e, w = toks[i + 1]
    return text[toks[i][1] : s] == " " and w[:1].isupper() and not covered(s, e)


def _acceptable_scan(cands: list[GazetteerEntry], n_tokens: int) -> list[GazetteerEntry]:
    """Scan candidates big enough to trust without the model's say-so."""
    floor = SCAN_MIN_POPULATION if n_tokens == 1 else 5_000
    return [c for c in cands if c.kind != "city" or c.population >= floor]


def _scan(
    text: str,
    toks: list[tuple[int, int, str]],
    covered: _Mask,
    language: str | None,
    ew: EntityWords,
) -> list[_Mention]:
    gaz = gazetteer()
    first = _scan_index().first
    out: list[_Mention] = []
    i = 0
    while i < len(toks):
        s, e, w = toks[i]
        if not w[:1].isupper() or covered(s, e):
            i += 1
            continue
        k1 = key(w)
        found = False
        # "U.S." is one token but the key "u s" has two words: index by the key's first word
        for n in range(min(first.get(k1.split(" ", 1)[0], 0), len(toks) - i), 0, -1):
            last_s, last_e, last_w = toks[i + n - 1]
            if not last_w[:1].isupper() or covered(s, last_e):
                continue
            if n > 1 and "\n" in text[s:last_s]:
                continue
            surface = text[s:last_e].rstrip(".")
            if n == 1 and surface in ew.not_places:
                break
            k = key(surface)
            if not gaz.has_scan(k):
                continue
            if _UMLAUT_CHARS.intersection(surface) and not gaz.has_scan(
                key(surface.translate(_UMLAUTS))
            ):
                continue  # "Länder" is not "Lander": the place's own name has no umlaut
            if n == 1 and gaz.initial_ambiguous(k) and _sentence_initial(text, s):
                break
            cands = _acceptable_scan(gaz.entries(k, language, scan_only=True), n)
            if n == 1 and cands and _name_follows(text, toks, i, covered):
                # "Cam Newton", "Crystal Palace", "Leicester City": the word starts a longer
                # name; only countries, regions and very big cities are trusted there
                cands = [c for c in cands if c.kind != "city" or c.population >= 1_000_000]
            if cands:
                # the scan only trusts running-text names, but context may still pick an entry
                # that is known under this name as an alternate (St. Petersburg, Florida)
                others = [
                    c for c in gaz.entries(k, language) if c.ref not in {x.ref for x in cands}
                ]
                cands += _acceptable_scan(others, n)
                out.append(_Mention(surface, s, s + len(surface), "name", cands))
                i += n
                found = True
                break
        if found:
            continue
        bare = w.rstrip(".")
        if i > 0 and bare in ew.not_places and toks[i - 1][2] in ew.place_prepositions:
            # "in Essen", "nach Halle": a big city even though the word is also a common one
            cands = [
                c
                for c in gaz.entries(k1, language, scan_only=True)
                if c.kind == "city" and c.population >= PREPOSITION_MIN_POPULATION
            ]
            if cands:
                out.append(_Mention(bare, s, s + len(bare), "name", cands))
                i += 1
                continue
        if ew.compass_prefixes and bare.startswith(ew.compass_prefixes):
            cands = _compass(bare, language, ew)
            if cands:
                out.append(_Mention(bare, s, s + len(bare), "name", cands))
                i += 1
                continue
        if bare.endswith(_GENITIVE_ENDS) and bare not in ew.s_names and bare not in ew.not_places:
            # a genitive the model missed: "Russlands", "Moskaus", "Russia's"
            for base in _strip_genitive(bare, ew):
                cands = [
                    c
                    for c in gaz.entries(key(base), language, scan_only=True)
                    if c.kind in ("country", "continent")
                    or (c.kind == "city" and c.population >= GENITIVE_MIN_POPULATION)
                    or (c.kind == "region" and c.country in GENITIVE_REGION_COUNTRIES)
                ]
                if cands:
                    out.append(_Mention(bare, s, s + len(bare), "name", cands))
                    break
        i += 1
    return out


def _demonyms(
    toks: list[tuple[int, int, str]], covered: _Mask, ew: EntityWords
) -> tuple[list[_Mention], Counter[str]]:
    """Demonym mentions, and country evidence from country names inside compounds.

    Parts of hyphen compounds count too: "russisch-belarussische" names two countries;
    a capitalised country before a hyphen ("Ukraine-Krieg", "US-Präsident") is evidence for the
    context but no place mention of its own.
    """
    out: list[_Mention] = []
    compounds: Counter[str] = Counter()
    gaz = gazetteer()
    heads = _demonym_heads(ew)
    nouns = ew.demonym_nouns
    for s, e, w in toks:
        # cheap filters first: most tokens start like no demonym and hold no hyphen
        if "-" not in w and w[:4].lower() not in heads and w.rstrip(".") not in nouns:
            continue
        if not w[:1].isalpha() or covered(s, e):
            continue
        w = w.rstrip(".")
        if "-" not in w:
            cc = _demonym_country(w, ew)
            if cc is not None:
                entry = _country(cc)
                if entry is not None:
                    out.append(_Mention(w, s, s + len(w), "demonym", [entry]))
            continue
        pos = s
        for j, part in enumerate(w.split("-")):
            cc = _demonym_country(part, ew) if part else None
            if cc is not None:
                entry = _country(cc)
                if entry is not None:
                    out.append(_Mention(part, pos, pos + len(part), "demonym", [entry]))
            elif j == 0 and part[:1].isupper():
                for c in gaz.entries(key(part), None, scan_only=True):
                    if c.kind == "country" and c.country:
                        compounds[c.country] += 1
                        break
            pos += len(part) + 1
    return out, compounds


def _country(cc: str) -> GazetteerEntry | None:
    gaz = gazetteer()
    i = gaz.by_country(cc)
    return None if i is None else gaz.entry(i, None, scan=True)


def clean_dateline(dateline: str) -> str:
    """The place part of a dateline: "Minsk (sda/dpa) -" -> "Minsk", "Weissrussland," -> ..."""
    s = dateline.strip()
    prev = None
    while prev != s:
        prev = s
        s = _DATELINE_NOISE.sub("", s).strip()
    return re.split(r"\s*[/,]\s*", s)[0] if s else s


def _evidence(mentions: list[_Mention]) -> Counter[str]:
    """Country evidence of each mention: its country when the mention is unambiguous (weight 1,
    2 for the dateline), or half a vote when one candidate clearly dominates before context
    ("Florida" is the US state rather than the Cuban town)."""
    total: Counter[str] = Counter()
    for m in mentions:
        countries = {c.country for c in m.candidates if c.country}
        if len(countries) == 1:
            (cc,) = countries
            weight = 2.0 if m.via == "dateline" else 1.0
        else:
            ranked = sorted(m.candidates, key=lambda c: -(c.prior + PRIMARY_BONUS * c.scan))
            top = ranked[0]
            rival = next((c for c in ranked[1:] if c.country != top.country), None)
            lead = top.prior + PRIMARY_BONUS * top.scan
            if not top.country or (
                rival is not None and lead - (rival.prior + PRIMARY_BONUS * rival.scan) < 0.1
            ):
                continue
            cc, weight = top.country, 0.5
        m.evidence[cc] += weight
        total[cc] += weight
    return total


def _qualifier(text: str, m: _Mention, mentions: list[_Mention]) -> set[str]:
    """Countries named right after a mention as its qualifier: "X, Florida", "X (Russland)"."""
    out: set[str] = set()
    for other in mentions:
        if other is m or other.start < m.end or other.start - m.end > 5:
            continue
        gap = text[m.end : other.start]
        if "\n" not in gap and _QUALIFIER_GAP.fullmatch(gap) and other.candidates:
            top = other.candidates[0]
            if top.kind in ("region", "country") and top.country:
                out.add(top.country)
    return out


def _choose(text: str, mentions: list[_Mention], extra: Counter[str]) -> None:
    total = _evidence(mentions) + extra
    for m in mentions:
        if not m.candidates:
            continue
        ctx = total - m.evidence
        mass = sum(ctx.values())
        quals = _qualifier(text, m, mentions)
        scored = []
        for c in m.candidates:
            sc = c.prior + (PRIMARY_BONUS if c.scan else 0.0)
            if c.country and mass:
                sc += CONTEXT_BONUS * (ctx[c.country] / mass) ** 2
            if c.country in quals and c.kind != "country":
                sc += QUALIFIER_BONUS
            scored.append((sc, c))
        scored.sort(key=lambda x: -x[0])
        m.best = scored[0][1]
        # softmax over the distinct candidates: 1.0 when nothing competes
        seen: set[int] = set()
        weights = []
        for sc, c in scored:
            if c.ref not in seen:
                seen.add(c.ref)
                weights.append(math.exp((sc - scored[0][0]) / SCORE_TEMPERATURE))
        m.score = round(1.0 / sum(weights), 3)


def _place(m: _Mention, language: str | None) -> Place:
    assert m.best is not None
    b = gazetteer().entry(m.best.ref, language)
    return Place(
        text=m.text,
        name=b.name,
        country=b.country,
        lat=round(b.lat, 5),
        lon=round(b.lon, 5),
        kind=b.kind,
        start=m.start,
        end=m.end,
        geonameid=b.geonameid,
        via=m.via,  # type: ignore[arg-type]
        dateline=m.via == "dateline",
        score=m.score,
    )


def _mentions(
    text: str,
    entities: list[Entity],
    language: str | None,
    toks: list[tuple[int, int, str]] | None,
) -> tuple[list[_Mention], Counter[str]]:
    """Every place mention of the body with its candidates (no dateline, nothing chosen yet)."""
    ew = entity_words(language)
    if toks is None:
        toks = _tokens(text)
    mentions: list[_Mention] = []
    taken: list[tuple[int, int]] = []  # no place scan inside any entity
    named: list[tuple[int, int]] = []  # no demonyms inside names of persons and organisations
    surnames = {
        e.text.split()[-1].casefold() for e in entities if e.label == "PER" and " " in e.text
    }
    for ent in entities:
        taken.append((ent.start, ent.end))
        if ent.label == "LOC":
            cands = _lookup_mention(ent.text, language, ew)
        elif ent.label in ("ORG", "MISC"):
            # a place the model took for an organisation ("Moskau reagierte", "Sankt Petersburg")
            cands = _misread_place(ent.text, language)
        elif (
            ent.label == "PER"
            and ent.source == "model"
            and " " not in ent.text
            and ent.text.casefold() not in surnames
        ):
            cands = _misread_person(ent.text, language)
        else:
            cands = []
        if cands:
            mentions.append(_Mention(ent.text, ent.start, ent.end, "name", cands))
        elif ent.label in ("PER", "ORG"):
            named.append((ent.start, ent.end))
    covered = _Mask(len(text), taken)
    mentions += _scan(text, toks, covered, language, ew)
    covered = _Mask(len(text), named)
    for m in mentions:
        covered.add(m.start, m.end)
    dem, compounds = _demonyms(toks, covered, ew)
    mentions += dem
    return mentions, compounds


def resolve(
    text: str,
    entities: list[Entity],
    language: str | None,
    dateline: str | None = None,
    toks: list[tuple[int, int, str]] | None = None,
) -> list[tuple[Place, GazetteerEntry]]:
    """:func:`resolve_places` plus each place's gazetteer entry (for canonical names).

    ``toks`` may pass the text's :data:`TOKEN` matches when the caller has them already.
    """
    mentions, compounds = _mentions(text, entities, language, toks)
    if dateline:
        place = clean_dateline(dateline)
        cands = _lookup_mention(place, language, entity_words(language)) if place else []
        if cands:
            at = text.find(place) if place else -1
            start = at if at >= 0 and not text[:at].strip() else -1
            end = start + len(place) if start >= 0 else -1
            # a dateline at the top of the text is not a second, body mention
            mentions = [m for m in mentions if not (m.start < end and start < m.end)]
            mentions.append(_Mention(place, start, end, "dateline", cands))
    _choose(text, mentions, compounds)
    mentions.sort(key=lambda m: (m.via != "dateline", m.start))
    return [(_place(m, language), m.best) for m in mentions if m.best is not None]


def resolve_places(
    text: str, entities: list[Entity], language: str | None, dateline: str | None = None
) -> list[Place]:
    """Resolve an article's place mentions (see the module docstring).

    ``entities`` are the NER mentions (only ``LOC`` ones are resolved; the others' spans are
    never scanned for places). ``dateline`` is the article's dateline as the cleaner found it;
    when the text does not start with it, its place has ``start == end == -1``. The result is
    ordered by position, the dateline first.
    """
    return [p for p, _ in resolve(text, entities, language, dateline)]


__all__ = ["clean_dateline", "demonym_country", "resolve", "resolve_places"]
