"""Language packs: each language's cue words and rules, behind one seam (spaCy-style).

Stages never branch on ``if lang == "de"``; they ask :func:`get_pack` for the pack of an
article's language and read its word lists. A new language is a new sub-package that builds a
:class:`LanguagePack` and registers it in ``_PACKS``. Unknown languages get the union pack, so the
cleaner still recognises widget and agency cues that many outlets leave in English.
"""

from __future__ import annotations

import importlib
from functools import cache

from storyline.lang.base import LanguagePack

_PACKS = {"de": "storyline.lang.de", "en": "storyline.lang.en"}


def available() -> list[str]:
    """Codes of the languages that have a pack of their own."""
    return sorted(_PACKS)


@cache
def get_pack(code: str | None) -> LanguagePack:
    """The pack for an ISO 639-1 code; the union of all packs when there is none for it."""
    if code in _PACKS:
        return importlib.import_module(_PACKS[code]).PACK
    packs = [get_pack(c) for c in available()]
    return LanguagePack.union("xx", packs)


__all__ = ["LanguagePack", "available", "get_pack"]
