"""Canonical entities within one article: names without roles, inflection and short forms.

:func:`canonicalise` takes the NER mentions of an article and fills ``canonical`` and ``role``:

* **Roles and titles are not part of a name.** A role right before a person ("US-Präsident Joe
  Biden", "dem belarussischen Machthaber Alexander Lukaschenko", "Russian President Vladimir
  Putin") becomes ``role``. When the model's span starts with the role, the span is *narrowed*
  to the name: ``text``/``start``/``end`` then cover "Joe Biden" only, so a UI highlights the
  name and offsets stay true to ``text``. The role keeps its country adjective as written.
* **Genitive and inflection.** German names take a bare -s ("Putins", "Lukaschenkos"). The -s is
  dropped only with evidence: the base form occurs in the article (as a word or another
  mention), or the token is followed by a capitalised noun ("Lukaschenkos Regierung") while it
  neither ends like a Latin/Greek name (-is, -us, -es, -as) nor occurs elsewhere without a noun
  after it ("Williams gewann" shows the s belongs to "Serena Williams"). The pack's ``S_NAMES``
  ("Tobias", "Andreas", "Paris") are never stripped; English only strips "'s"/"'". This stays a
  heuristic: "Tsipras Regierung" rightly keeps its s, but so does "Obamas Nachfolger" in an
  article that never says "Obama", and an -os/-ns surname that only ever occurs before a noun
  and never in its base form can be cut wrongly.
* **Short forms.** "Putin" after (or before) "Wladimir Putin" is "Wladimir Putin": a one-word
  name takes the canonical of the multi-word name whose last word it is (compared with
  :func:`~storyline.analyse.names.fold`); with two candidates ("Joe Biden", "Hunter Biden") the
  nearest preceding one wins, then the nearest following one. Multi-word variants of one person
  ("Wladimir Putin", "W. Putin") share the most frequent full form.
* **Role nouns as mentions.** A role without a name ("Kremlchef", "der russische Präsident")
  becomes a ``source="rule"`` PER mention of the article's person who holds that office in that
  country — but only when the article says so itself (that person was introduced with a role of
  the same office and country) and exactly one person qualifies. Offices and countries come
  from the language pack (``ROLES``: "Kremlchef" is the Russian ``leader``, "Präsident" a
  ``leader``, its country from "russische"/"US-"/"Russlands"). Plurals ("die beiden
  Staatschefs") are never linked. A model PER span that is only a role is linked the same way
  or dropped, since it names nobody.
* Locations take the English gazetteer name as ``canonical`` (the same in every language, so
  the corpus registry merges "Moskau" and "Moscow"); organisations and other names get the
  genitive rule only.
* Three repairs of the model's labels, all narrow: an ORG/MISC span that is exactly the name
  of a country or a city of 100,000+ ("Sankt Petersburg" tagged ORG) becomes LOC; a one-word
  MISC span equal to the surname of a person named in full ("Putin" in a headline) becomes that
  PER; a news agency of :data:`storyline.lang.base.AGENCIES` ("Tass" tagged PER) becomes ORG
  with the agency's name as canonical.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace

from storyline.analyse.gazetteer import gazetteer, key
from storyline.analyse.names import EntityWords, entity_words, fold
from storyline.analyse.places import TOKEN, demonym_country, resolve
from storyline.analyse.types import Entity, Place
from storyline.lang.base import AGENCIES

#: Articles that may precede a role inside a model's span ("der Kremlchef Putin").
_ARTICLES = frozenset(
    "der die das des dem den ein eine einen einem eines the a an".split()  # noqa: SIM905
)
_GAP = re.compile(r"\s*")


@dataclass
class _Role:
    """A role phrase in the text and what it says: office and country, if any."""

    start: int
    end: int
    text: str
    country: str | None
    office: str | None
    plural: bool = False


@dataclass
class _Person:
    """One PER mention while canonicalising."""

    ent: Entity
    start: int
    end: int
    name: str  # the name without role and genitive
    role: _Role | None


class _Text:
    """The article's tokens, with helpers to read around a position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        self.starts = [t[0] for t in self.toks]
        self.words = {t[2].rstrip(".") for t in self.toks}
        self._plain: dict[str, bool] = {}

    def inside(self, start: int, end: int) -> list[int]:
        """Indexes of the tokens that start within ``[start, end)``."""
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.toks) and self.toks[i][0] < end:
            out.append(i)
            i += 1
        return out

    def index_before(self, pos: int) -> int:
        """Index of the last token ending at or before ``pos`` (-1 if none)."""
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0 and self.toks[i][1] > pos:
            i -= 1
        return i

    def used_plainly(self, word: str) -> bool:
        """Whether ``word`` occurs somewhere *not* followed by a capitalised word ("Williams
        gewann", "gegen Williams."): then a final -s is part of the name, not a genitive."""
        got = self._plain.get(word)
        if got is None:
            got = False
            for i, (_s, e, w) in enumerate(self.toks):
                if w.rstrip(".") != word:
                    continue
                nxt = self.toks[i + 1] if i + 1 < len(self.toks) else None
                if (
                    w.endswith(".")
                    or nxt is None
                    or self.text[e : nxt[0]] != " "
                    or not nxt[2][:1].isupper()
                ):
                    got = True
                    break
            self._plain[word] = got
        return got

    def adjacent(self, i: int, j: int) -> bool:
        """Tokens ``i`` and ``j = i + 1`` are separated by blanks only (same sentence part)."""
        gap = self.text[self.toks[i][1] : self.toks[j][0]]
        return _GAP.fullmatch(gap) is not None and "\n" not in gap


_ROLE_CACHE: dict[tuple[int, str], tuple[str | None, str | None] | None] = {}


def _role_word(word: str, ew: EntityWords) -> tuple[str | None, str | None] | None:
    """(country, office) of a role word or phrase, ``None`` when it is no role (cached)."""
    k = (id(ew), word)
    if k not in _ROLE_CACHE:
        if len(_ROLE_CACHE) > 100_000:
            _ROLE_CACHE.clear()
        _ROLE_CACHE[k] = _role_word_uncached(word, ew)
    return _ROLE_CACHE[k]


def _role_word_uncached(word: str, ew: EntityWords) -> tuple[str | None, str | None] | None:
    w = word.lower()
    for cand in (w, w.rstrip(".")):
        if cand in ew.roles:
            return ew.roles[cand]
        for ending in ew.role_endings:
            if cand.endswith(ending) and cand[: -len(ending)] in ew.roles:
                return ew.roles[cand[: -len(ending)]]
    if "-" in w and " " not in w:
        prefix, _, base = w.rpartition("-")
        hit = _role_word(base, ew)
        if hit is None:
            return None
        country, office = hit
        if prefix in ew.role_prefixes:
            country = ew.role_prefixes[prefix] or country
        else:
            country = _country_word(prefix, ew) or country
        return country, office
    return None


_FORMS: dict[int, frozenset[str]] = {}


def _role_forms(ew: EntityWords) -> frozenset[str]:
    """Every lower-case form a role phrase can end with (words, inflections, last words)."""
    got = _FORMS.get(id(ew))
    if got is None:
        words = {r.rsplit(" ", 1)[-1] for r in ew.roles} | set(ew.roles)
        got = frozenset(w + e for w in words for e in ("", *ew.role_endings))
        _FORMS[id(ew)] = got
    return got


_LAST_WORDS: dict[int, frozenset[str]] = {}


def _last_words(ew: EntityWords) -> frozenset[str]:
    """Last words of the multi-word roles ("minister" of "prime minister")."""
    got = _LAST_WORDS.get(id(ew))
    if got is None:
        got = frozenset(r.rsplit(" ", 1)[1] for r in ew.roles if " " in r)
        _LAST_WORDS[id(ew)] = got
    return got


def _country_word(word: str, ew: EntityWords) -> str | None:
    """Country a qualifier names: an adjective ("russische"), a genitive ("Russlands", "Russia's")
    or a country name used as a modifier ("US", "Kreml")."""
    w = word.rstrip(".")
    cc = demonym_country(word, None) or demonym_country(w, None)  # "U.S.", "russische"
    if cc:
        return cc
    if w.lower() in ew.role_prefixes and ew.role_prefixes[w.lower()]:
        return ew.role_prefixes[w.lower()]
    gaz = gazetteer()
    forms = [w] + [w[: -len(s)] for s in ew.genitive_suffixes if w.endswith(s) and len(w) > 4]
    for form in forms:
        for c in gaz.entries(key(form), None, scan_only=True):
            if c.kind == "country":
                return c.country
    return None


def _role_at(tx: _Text, j: int, ew: EntityWords) -> tuple[_Role, int] | None:
    """The role phrase whose last token is ``j``, with the index of its first token."""
    toks = tx.toks
    last = toks[j][2]
    if not last[:1].isalpha():
        return None
    if last.endswith(".") and last.lower() not in ew.roles:
        return None  # "... sagte der Präsident. Joe Biden ...": the sentence ended
    multi = _role_word(last, ew) is None
    if multi and last.lower().rstrip(".") not in _last_words(ew):
        return None
    for n in (3, 2) if multi else (3, 2, 1):
        first = j - n + 1
        if first < 0 or any(not tx.adjacent(x, x + 1) for x in range(first, j)):
            continue
        phrase = " ".join(toks[x][2] for x in range(first, j + 1))
        hit = _role_word(phrase, ew)
        if hit is None:
            continue
        country, office = hit
        start_idx, k = first, first - 1
        for _ in range(2):  # up to two qualifiers: "der ehemalige russische Präsident"
            if k < 0 or not tx.adjacent(k, k + 1):
                break
            w = toks[k][2]
            if w.lower() in ew.role_modifiers:
                start_idx, k = k, k - 1
                continue
            if w.lower() in _ARTICLES:
                break
            qc = _country_word(w, ew)
            if qc is None:
                break
            country = country or qc
            start_idx, k = k, k - 1
        plural = k >= 0 and toks[k][2].lower() in ew.plural_cues
        if not plural and k >= 0 and toks[k][2].lower() in ("die", "the"):
            last = toks[j][2].lower()
            # "die Präsidenten" is plural, "die Präsidentin" is not
            plural = last.endswith(("en", "s")) and not last.endswith("in")
        s, e = toks[start_idx][0], toks[j][1]
        return _Role(s, e, tx.text[s:e], country, office, plural), start_idx
    return None


def _strip_genitive(name: str, end_tok_next: str | None, tx: _Text, ew: EntityWords) -> str:
    """The name without a genitive ending, when the evidence allows (see module docstring)."""
    parts = name.split()
    if not parts:
        return name
    last = parts[-1]
    if last in ew.s_names:
        return name
    for suf in ew.genitive_suffixes:
        if not last.endswith(suf) or len(last) - len(suf) < 2:
            continue
        base = last[: -len(suf)]
        if suf in ("'", "’"):
            if not base.endswith(("s", "x", "z", "ß")):
                continue
        elif suf == "s":
            if base.endswith(("s", "x", "z", "ß")):
                continue
            evidenced = base in tx.words
            noun_follows = (
                end_tok_next is not None
                and end_tok_next[:1].isupper()
                and not last.endswith(("is", "us", "es", "as"))
                and len(base) >= 3
                and not tx.used_plainly(last)
            )
            if not (evidenced or noun_follows):
                continue
        return " ".join([*parts[:-1], base])
    return name


def _next_word(tx: _Text, end: int) -> str | None:
    """The word right after ``end`` if only blanks separate them (no punctuation)."""
    i = tx.index_before(end) + 1
    if i < len(tx.toks) and _GAP.fullmatch(tx.text[end : tx.toks[i][0]]):
        return tx.toks[i][2]
    return None


def _person(ent: Entity, tx: _Text, ew: EntityWords) -> _Person:
    """Split a PER mention into role and name, and undo the genitive."""
    toks = tx.toks
    inside = tx.inside(ent.start, ent.end)
    role: _Role | None = None
    name_from = 0
    # A role at the start of the span: "Kremlchef Wladimir Putin", "US-Präsident Joe Biden".
    for pos, i in enumerate(inside):
        w = toks[i][2]
        found = _role_at(tx, i, ew)
        if found is not None:
            role, name_from = found[0], pos + 1
            continue
        qualifier = w.lower() in _ARTICLES or w.lower() in ew.role_modifiers
        if pos + 1 < len(inside) and (qualifier or _country_word(w, ew)):
            continue  # an article or qualifier: a role may follow
        break
    if role is None and inside:
        j = inside[0] - 1
        if j >= 0 and tx.adjacent(j, inside[0]):
            found = _role_at(tx, j, ew)
            if found is not None:
                role = found[0]
    name_toks = inside[name_from:]
    if not name_toks:
        return _Person(ent, ent.start, ent.end, "", role)
    start = toks[name_toks[0]][0]
    raw = tx.text[start : ent.end].strip()
    name = _strip_genitive(raw, _next_word(tx, ent.end), tx, ew)
    return _Person(ent, start, ent.end, name, role)


def _clusters(people: list[_Person]) -> dict[int, str]:
    """Canonical name of each person mention (by index into ``people``)."""
    multi: dict[str, list[int]] = {}  # folded last token -> mentions with 2+ tokens
    for i, p in enumerate(people):
        toks = p.name.split()
        if len(toks) >= 2:
            multi.setdefault(fold(toks[-1]), []).append(i)
    canon: dict[int, str] = {}
    groups: list[list[int]] = []  # variants of one full name
    for idxs in multi.values():
        local: list[list[int]] = []
        for i in idxs:
            first = fold(people[i].name.split()[0])
            for g in local:
                gfirst = fold(people[g[0]].name.split()[0])
                if first == gfirst or (
                    (len(first) == 1 or len(gfirst) == 1) and first[:1] == gfirst[:1]
                ):
                    g.append(i)
                    break
            else:
                local.append([i])
        groups += local
    group_of: dict[int, int] = {}
    for gi, g in enumerate(groups):
        forms = Counter(people[i].name for i in g)
        best = max(forms, key=lambda f: (forms[f], len(f), -g[0]))
        for i in g:
            canon[i] = best
            group_of[i] = gi
    for i, p in enumerate(people):
        if i in canon or not p.name:
            continue
        toks = p.name.split()
        last = fold(toks[-1])
        cands = {gi for gi, g in enumerate(groups) if fold(people[g[0]].name.split()[-1]) == last}
        if len(toks) == 1 and cands:
            seen = [(people[j].start, gi) for j, gi in group_of.items() if gi in cands]
            before = [x for x in seen if x[0] < p.start]
            after = [x for x in seen if x[0] > p.start]
            gi = max(before)[1] if before else min(after)[1]
            canon[i] = canon[groups[gi][0]]
        else:
            canon[i] = p.name
    return canon


def _role_mentions(
    tx: _Text, ew: EntityWords, spans: list[tuple[int, int]], per_starts: set[int]
) -> list[_Role]:
    """Role phrases that stand for a person on their own ("Der russische Präsident sagte")."""
    out: list[_Role] = []
    toks = tx.toks
    mask = bytearray(len(tx.text) + 1)
    for a, b in spans:
        mask[a:b] = b"\x01" * (b - a)
    last_end = -1
    ends = _last_words(ew)
    forms = _role_forms(ew)
    for j, (s, e, w) in enumerate(toks):
        lw = w.lower()
        if lw not in forms and lw.rstrip(".") not in forms and lw.rpartition("-")[2] not in forms:
            continue  # cheap filter: no role word ends here
        if s < last_end or not w[:1].isalpha() or 1 in mask[s:e]:
            continue
        if _role_word(w, ew) is None and lw.rstrip(".") not in ends:
            continue
        found = _role_at(tx, j, ew)
        if found is None:
            continue
        role = found[0]
        # a multi-word role is reported once, at its last token; skip its inner tokens' matches
        if j + 1 < len(toks) and tx.adjacent(j, j + 1):
            nxt = toks[j + 1]
            if nxt[0] in per_starts or _role_at(tx, j + 1, ew) is not None:
                continue  # the role of a named person, or part of a longer role
            if (
                nxt[2][:1].isupper()
                and nxt[2].lower() not in _ARTICLES
                and _GAP.fullmatch(tx.text[e : nxt[0]])
                and _country_word(nxt[2], ew) is None
            ):
                continue  # a capitalised word right after the role: a name the model missed
        out.append(role)
        last_end = role.end
    return out


_AGENCY_NAMES = {alias: name for name, aliases in AGENCIES.items() for alias in aliases}


def _agency(e: Entity) -> Entity:
    """A news agency the model took for a person or thing ("Tass" as PER) is an organisation."""
    name = _AGENCY_NAMES.get(e.text.casefold()) if e.label != "ORG" else None
    return replace(e, label="ORG", canonical=name) if name and len(e.text) > 2 else e


#: Abbreviations the models tag as organisations that name no entity: time zones.
_NOT_ENTITIES = frozenset(
    ["gmt", "utc", "cet", "cest", "mez", "mesz", "est", "edt", "pst", "pdt", "bst", "msk"]
)  # fmt: skip


_KEEP_DOT = frozenset(["inc", "co", "corp", "ltd", "jr", "sr", "st", "bros"])


def _trim(e: Entity) -> Entity:
    """A span that swallowed the sentence's final punctuation ("Thomas Brenner.") loses it;
    abbreviations that end a name ("Acme Inc.", "U.S.") keep their dot."""
    t = e.text
    cut = len(t)
    while cut > 1 and t[cut - 1] in ".,;:!?":
        last = t[: cut - 1].split()[-1] if t[: cut - 1].split() else ""
        if t[cut - 1] == "." and (last.casefold() in _KEEP_DOT or "." in last or len(last) < 2):
            break
        cut -= 1
    return e if cut == len(t) else replace(e, text=t[:cut], end=e.start + cut)


def _noise(e: Entity) -> bool:
    """A span that names nothing: a time zone ("0100 GMT"), or a subheading set in capitals
    ("CROSS-BORDER DISRUPTION": two or more long all-caps words; acronyms are one word)."""
    if e.text.casefold() in _NOT_ENTITIES:
        return True
    words = e.text.split()
    return (
        e.label != "PER"
        and len(words) >= 2
        and all(len(w) >= 4 for w in words)
        and e.text.isupper()
    )


def canonicalise(text: str, entities: list[Entity], language: str | None) -> list[Entity]:
    """Entities with ``canonical`` and ``role`` filled, plus rule mentions of role nouns.

    Returns new :class:`Entity` objects (the input is not modified), ordered by position. PER
    spans that began with a role are narrowed to the name (see the module docstring); PER spans
    that are only a role are linked to a person or dropped.
    """
    return canonicalise_with_places(text, entities, language)[0]


def canonicalise_with_places(
    text: str, entities: list[Entity], language: str | None, dateline: str | None = None
) -> tuple[list[Entity], list[Place]]:
    """:func:`canonicalise` and :func:`~storyline.analyse.places.resolve_places` in one pass
    (location canonicals need the resolved places; this avoids resolving twice)."""
    ew = entity_words(language)
    tx = _Text(text)
    entities = [_agency(_trim(e)) for e in entities if not _noise(e)]
    spans = [(e.start, e.end) for e in entities]
    people = [_person(e, tx, ew) for e in entities if e.label == "PER"]
    named = [p for p in people if p.name]
    canon = _clusters(named)
    out: list[Entity] = []
    roles_of: dict[str, set[tuple[str, str]]] = {}
    for i, p in enumerate(named):
        c = canon[i]
        if p.role and p.role.country and p.role.office:
            roles_of.setdefault(c, set()).add((p.role.country, p.role.office))
        out.append(
            replace(
                p.ent,
                text=text[p.start : p.end],
                start=p.start,
                end=p.end,
                canonical=c,
                role=p.role.text if p.role else None,
            )
        )

    def holder(role: _Role) -> str | None:
        if role.plural or not role.country or not role.office:
            return None
        who = [c for c, rs in roles_of.items() if (role.country, role.office) in rs]
        return who[0] if len(who) == 1 else None

    # model spans that are only a role: link or drop
    for p in people:
        if p.name or p.role is None:
            continue
        who = holder(p.role)
        if who:
            out.append(replace(p.ent, canonical=who, role=p.role.text))
    # role nouns the model did not tag
    per_starts = {p.start for p in named}
    for role in _role_mentions(tx, ew, spans, per_starts):
        who = holder(role)
        if who:
            out.append(Entity(role.text, "PER", role.start, role.end, who, role.text, "rule"))

    surnames = {fold(c.split()[-1]): c for c in set(canon.values()) if len(c.split()) >= 2}
    for e in entities:
        if e.label == "PER":
            continue
        if e.canonical:  # an agency
            out.append(e)
            continue
        base = _strip_genitive(e.text, None, tx, ew)
        if e.label == "MISC" and " " not in base and fold(base) in surnames:
            # the model's MISC "Putin" in a headline is the article's Wladimir Putin
            out.append(replace(e, label="PER", canonical=surnames[fold(base)]))
            continue
        out.append(replace(e, canonical=base))
    out.sort(key=lambda e: (e.start, e.end))
    # places are resolved with the final spans (roles cut off, agencies relabelled)
    resolved = resolve(text, out, language, dateline, toks=tx.toks)
    loc_names = {(p.start, p.end): g.name_en for p, g in resolved if p.via == "name"}
    for i, e in enumerate(out):
        name = loc_names.get((e.start, e.end))
        if name is not None and e.label in ("LOC", "ORG", "MISC", "PER"):
            # ORG/MISC spans resolve only when they are exactly a country or big city's name,
            # one-word PER spans only when they are a town's and no person of the article has
            # that surname (places._misread_place, _misread_person): the label was the model's
            # mistake
            out[i] = replace(e, label="LOC", canonical=name)
    return out, [p for p, _ in resolved]


__all__ = ["canonicalise", "canonicalise_with_places"]
