"""Language identification: which language pack an article gets, and what the store records.

We use py3langid (BSD, a NumPy port of langid.py): it ships its model inside the wheel (nothing is
downloaded at run time), is deterministic, and classifies a page in about a millisecond. Its
normalised probabilities are temperature-scaled by text length, so a confidence threshold means
the same thing for a headline and for a long article.

Nothing is restricted to German/English on purpose: restricting the label set would force every
French or Italian page into "de" or "en" with high confidence and so into the wrong language pack.
Instead, short or ambiguous text returns ``None`` and callers fall back to the union pack.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from py3langid.langid import LanguageIdentifier

#: Fewer letters than this and any guess is noise ("Hallo Welt", "Berlin Paris London").
MIN_LETTERS = 20
#: Below this normalised probability the text is mixed or unusual: say nothing rather than guess.
MIN_CONFIDENCE = 0.5
#: Only the head of very long texts is classified: the answer does not change, the cost does.
MAX_CHARS = 10_000

#: py3langid labels that are not ISO 639-1 codes -> the ISO 639-1 code of their macrolanguage.
#: Labels missing here that are three letters have no ISO 639-1 code and are returned as-is.
_TO_ISO_639_1 = {
    "arz": "ar",  # Egyptian Arabic
    "ary": "ar",  # Moroccan Arabic
    "wuu": "zh",  # Wu Chinese
    "yue": "zh",  # Cantonese
    "uzs": "uz",  # Southern Uzbek
    "gug": "gn",  # Paraguayan Guaraní
    "sdh": "ku",  # Southern Kurdish
    "fuv": "ff",  # Nigerian Fulfulde
    "kik": "ki",  # Kikuyu
    # legacy two-letter codes some models still emit
    "iw": "he",
    "in": "id",
    "ji": "yi",
    "jw": "jv",
    "mo": "ro",
    "sh": "sr",
}
#: Labels that are not a language at all ("zxx": no linguistic content) or only a historic one.
_NOT_A_LANGUAGE = frozenset({"zxx", "und", "hbo", "grc"})

_IDENTIFIER: LanguageIdentifier | None = None
_LOCK = threading.Lock()


def _identifier() -> LanguageIdentifier:
    """The py3langid model, loaded once per process (about 0.8 s), shared by all threads."""
    global _IDENTIFIER
    if _IDENTIFIER is None:
        with _LOCK:
            if _IDENTIFIER is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def to_iso639_1(label: str) -> str | None:
    """Map a py3langid label to ISO 639-1 where one exists; None for non-languages."""
    label = label.strip().lower()
    if not label or label in _NOT_A_LANGUAGE:
        return None
    return _TO_ISO_639_1.get(label, label)


def _has_letters(text: str, n: int) -> bool:
    """At least ``n`` letters in ``text`` (stops counting once there are enough)."""
    for ch in text:
        if ch.isalpha():
            n -= 1
            if n <= 0:
                return True
    return False


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code of ``text`` and the model's confidence in it (0..1).

    Returns ``(None, confidence)`` when the text has fewer than :data:`MIN_LETTERS` letters or
    the best language scores below :data:`MIN_CONFIDENCE`: a wrong language is worse than none,
    because it selects the wrong cue words and entity models downstream.
    """
    if not text:
        return None, 0.0
    sample = text[:MAX_CHARS]
    if not _has_letters(sample, MIN_LETTERS):
        return None, 0.0
    label, confidence = _identifier().classify(sample)
    confidence = round(float(confidence), 4)
    code = to_iso639_1(label)
    if code is None or confidence < MIN_CONFIDENCE:
        return None, confidence
    return code, confidence


__all__ = ["MIN_CONFIDENCE", "MIN_LETTERS", "detect_language", "to_iso639_1"]
