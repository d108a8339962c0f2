"""Name folding across spellings and languages, and access to the packs' entity words.

:func:`fold` gives a key that is equal for the usual spellings of one name in German, English,
scholarly transliteration and Cyrillic — Lukaschenko / Lukashenko / Lukašenko / Лукашенко,
Selenskyj / Zelensky / Zelenskyy / Зеленський, Wladimir / Vladimir, Müller / Mueller — without a
knowledge base. It works by mapping each spelling system onto one coarse Latin spelling:

* Cyrillic is transliterated letter by letter (ж -> zh, ш -> sh, ч -> ch, х -> kh, ...);
* German transliteration conventions are rewritten to English ones (sch -> sh, tsch -> ch,
  w -> v, j -> y before vowels), scholarly diacritics too (š -> sh, č -> ch, ž -> zh);
* then sounds the conventions disagree on are merged (zh/sh, kh/ch, z/s, ts/s, y/j), doubled
  letters collapse, and the Slavic adjective endings -yj/-iy/-ij/-yy/-y become -i.

The key is lossy on purpose: it is meant to be compared together with the entity label and, in
the corpus registry, with context, never displayed. Distinct names may collide (Sander/Zander);
that is the price of merging Selenskyj and Zelensky without a list of people.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType

_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ye",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
#: Ukrainian г is h (Харків = Kharkiv); Russian г is g. Both fold to g below.

#: Letters with diacritics that transliteration schemes use for Slavic sounds.
_SCHOLARLY = {"š": "sh", "č": "ch", "ž": "zh", "ć": "ch", "ś": "sh", "ź": "zh", "ł": "l"}
_LIGATURES = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ı": "i", "þ": "th"}

# Applied in order to the lower-cased Latin form (German conventions first).
_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"schtsch", "shch"),
        (r"tsch", "ch"),
        (r"tch", "ch"),
        (r"sch", "sh"),
        (r"dzh", "j"),
        (r"dsh", "j"),
        (r"ae", "a"),  # ä spelled out (Mueller = Müller) — ä itself lost its dots already
        (r"oe", "o"),
        (r"ue", "u"),
        (r"ph", "f"),
        (r"w", "v"),
        (r"kh", "ch"),  # х: Khrushchev / Chruschtschow
        (r"zh", "sh"),  # ж: Brezhnev / Breschnew
        (r"tz", "s"),
        (r"ts", "s"),  # ц: Yeltsin / Jelzin
        (r"z", "s"),  # з: Zelensky / Selenskyj; German z = ц as well
        (r"ck", "k"),
        (r"c(?=[aou])", "k"),
        (r"y(?=[aeiou])", "j"),  # Yeltsin / Jelzin, Yanukovych / Janukowytsch
        (r"y", "i"),  # Shoygu / Shoigu, Zelensky / Selenski
        (r"(?<=\w\w\w)(?:ij|ii|j)\b", "i"),  # -yj/-iy/-yy/-ij -> -i
        (r"([a-z])\1+", r"\1"),  # doubled letters: Zelenskyy, Lukaschenko/Lukashenko
    ]
]
_NON_WORD = re.compile(r"[\W_\d]+")


@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """A spelling- and language-independent key for a name (see the module docstring).

    >>> fold("Lukaschenko") == fold("Lukashenko") == fold("Lukašenko") == fold("Лукашенко")
    True
    """
    s = unicodedata.normalize("NFKC", name).casefold()
    out: list[str] = []
    for ch in s:
        if ch == "е" and (not out or not out[-1][-1:].isalpha()):
            out.append("ye")  # word-initial е is "ye"/"je": Ельцин = Jelzin
        elif ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _SCHOLARLY:
            out.append(_SCHOLARLY[ch])
        elif ch in _LIGATURES:
            out.append(_LIGATURES[ch])
        else:
            out.append(ch)
    s = "".join(out)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = _NON_WORD.sub(" ", s.replace("'", "").replace("’", "")).strip()
    for pattern, repl in _RULES:
        s = pattern.sub(repl, s)
    return " ".join(s.split())


def tokens(name: str) -> list[str]:
    """The folded tokens of a name ("Wladimir Putin" -> ["vladimir", "putin"])."""
    return fold(name).split()


def same_entity(a: str, b: str) -> bool:
    """Whether two names can denote the same entity: equal folds, or one is a short form.

    A short form is the other name's last token(s) ("Putin" / "Wladimir Putin",
    "Biden" / "Joe Biden") or the same name with initials ("J. Biden"). Within one article this
    is safe; across a corpus, "Biden" also matches "Hunter Biden", so the registry should only
    use it for names of at least two tokens or with context.
    """
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if long_[-len(short) :] == short:
        return True
    if len(short) == len(long_) and short[-1] == long_[-1]:
        # initials: "J Biden" / "Joe Biden"
        return all(
            x == y or (len(x) == 1 and y.startswith(x)) for x, y in zip(short, long_, strict=True)
        )
    return False


@dataclass(frozen=True)
class EntityWords:
    """The entity-word tables of one language (or the union of all packs when unknown)."""

    roles: dict[str, tuple[str | None, str | None]]
    role_prefixes: dict[str, str | None]
    role_endings: tuple[str, ...]
    role_modifiers: frozenset[str]
    plural_cues: frozenset[str]
    demonyms: dict[str, str]
    demonym_endings: tuple[str, ...]
    demonym_nouns: dict[str, str]
    not_places: frozenset[str]
    place_prepositions: frozenset[str]
    compass_prefixes: tuple[str, ...]
    s_names: frozenset[str]
    genitive_suffixes: tuple[str, ...]
    #: may a bare final -s be a genitive ("Putins")? German yes, English no
    bare_s_genitive: bool


_PACKS = {"de": "storyline.lang.de.entity_words", "en": "storyline.lang.en.entity_words"}


def _module(code: str) -> ModuleType:
    return importlib.import_module(_PACKS[code])


def _from_module(m: ModuleType) -> EntityWords:
    return EntityWords(
        roles=dict(m.ROLES),
        role_prefixes=dict(m.ROLE_PREFIXES),
        role_endings=tuple(m.ROLE_ENDINGS),
        role_modifiers=frozenset(m.ROLE_MODIFIERS),
        plural_cues=frozenset(m.PLURAL_CUES),
        demonyms=dict(m.DEMONYMS),
        demonym_endings=tuple(m.DEMONYM_ENDINGS),
        demonym_nouns=dict(m.DEMONYM_NOUNS),
        not_places=frozenset(m.NOT_PLACES),
        place_prepositions=frozenset(m.PLACE_PREPOSITIONS),
        compass_prefixes=tuple(m.COMPASS_PREFIXES),
        s_names=frozenset(m.S_NAMES),
        genitive_suffixes=tuple(m.GENITIVE_SUFFIXES),
        bare_s_genitive="s" in m.GENITIVE_SUFFIXES,
    )


@cache
def entity_words(language: str | None) -> EntityWords:
    """The tables for a language; unknown languages get the union of the German and English
    packs (German genitive rules included, since "Putins" is far likelier than a name that
    merely ends in -s once the -s names are excluded)."""
    if language in _PACKS:
        return _from_module(_module(language))
    packs = [entity_words(c) for c in sorted(_PACKS)]
    endings: list[str] = []
    for p in packs:
        endings += [e for e in p.role_endings if e not in endings]
    dem_endings: list[str] = []
    for p in packs:
        dem_endings += [e for e in p.demonym_endings if e not in dem_endings]
    gen: list[str] = []
    for p in packs:
        gen += [e for e in p.genitive_suffixes if e not in gen]
    return EntityWords(
        roles={k: v for p in packs for k, v in p.roles.items()},
        role_prefixes={k: v for p in packs for k, v in p.role_prefixes.items()},
        role_endings=tuple(endings),
        role_modifiers=frozenset().union(*(p.role_modifiers for p in packs)),
        plural_cues=frozenset().union(*(p.plural_cues for p in packs)),
        demonyms={k: v for p in packs for k, v in p.demonyms.items()},
        demonym_endings=tuple(dem_endings),
        demonym_nouns={k: v for p in packs for k, v in p.demonym_nouns.items()},
        not_places=frozenset().union(*(p.not_places for p in packs)),
        place_prepositions=frozenset().union(*(p.place_prepositions for p in packs)),
        compass_prefixes=tuple(x for p in packs for x in p.compass_prefixes),
        s_names=frozenset().union(*(p.s_names for p in packs)),
        genitive_suffixes=tuple(sorted(gen, key=len, reverse=True)),
        bare_s_genitive=True,
    )


__all__ = ["EntityWords", "entity_words", "fold", "same_entity", "tokens"]
