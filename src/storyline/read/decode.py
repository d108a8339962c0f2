"""Bytes -> text: find the encoding of a news page instead of assuming one.

Scraped German news arrives in UTF-8, UTF-8 with a BOM, UTF-16 from Windows tools (with or
without a BOM), windows-1252 / latin-1 from older CMSs, and UTF-8 pages with a stray windows-1252
byte pasted in. The order of the checks below is the order of their reliability:

1. a byte-order mark is unambiguous;
2. UTF-16 without a BOM shows itself by NUL bytes in every other position;
3. strict UTF-8: bytes that happen to be valid UTF-8 but were meant as an 8-bit encoding are so
   rare in real text that a valid UTF-8 decoding beats even a *declared* charset (pages that
   declare iso-8859-1 and send UTF-8 are common; the reverse coincidence is not);
4. UTF-8 with a few invalid bytes (mixed sources): the invalid bytes are read as windows-1252;
5. the declared charset (HTTP header, ``<meta charset>``), when it decodes cleanly;
6. windows-1252 when the result looks like Western text: charset-normalizer is unreliable on
   short Western texts (it calls "Größe" EBCDIC), and German/English come first here;
7. charset-normalizer for everything else (Cyrillic, Greek, CJK ...);
8. windows-1252 as the last resort, accepted only if the result is mostly real characters.

Labels follow the WHATWG encoding standard: "iso-8859-1" and "ascii" mean windows-1252, which
is what every browser does and what the pages were written for.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

from storyline.errors import InputError

UNDECODABLE = "cannot decode text (not UTF-8, UTF-16 or a Western 8-bit encoding)"

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 little-endian one.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)

# Invalid UTF-8 bytes under "surrogateescape" become U+DC80..U+DCFF.
_SURROGATE = re.compile("[\udc80-\udcff]")

# Statistics (mixed UTF-8, bad characters, charset-normalizer) look at this much of a big
# input: it decides as well as the whole and keeps a 20 MB page fast.
_SAMPLE = 1_000_000

# Characters that are not text: C0/C1 controls (except tab, newlines, form feed), DEL, U+FFFD.
_BAD_CHAR = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_MAX_BAD_RATIO = 0.1

# looks_western() loops in Python, so it gets a smaller sample.
_WESTERN_SAMPLE = 200_000

# Non-letters that Western European text legitimately contains above ASCII.
_WESTERN_SYMBOLS = frozenset("„“”‚‘’–—…«»‹›€£¥¢§°·×÷©®™¡¿•†‡‰¦¬±²³´µ¶¹º¼½¾¨¯¸\xa0\xad")

# Labels browsers treat as something else (WHATWG), keyed by Python's canonical codec name.
_LABEL_ALIASES = {
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "euc_kr": "cp949",
}


def decode_bytes(data: bytes, declared: Iterable[str | None] = ()) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``. Raises :class:`InputError` when hopeless.

    ``declared`` holds charset labels in priority order (HTTP header first, then ``<meta>``);
    unknown labels are ignored. NUL bytes must have been ruled out by the caller unless the
    data is UTF-16/32 (see :func:`utf16_without_bom`).
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return _checked(data[len(bom) :].decode(codec, "replace")), name
    wide = utf16_without_bom(data)
    if wide:
        return _checked(data.decode(wide, "replace")), wide
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data[:_SAMPLE]):
        return data.decode("utf-8", "storyline.cp1252"), "utf-8+cp1252"
    for label in declared:
        codec = codec_for_label(label)
        if codec is not None:
            decoded = _try_decode(data, codec)
            if decoded is not None:
                return decoded, codec
    western = decode_cp1252(data)
    if looks_western(western):
        return western, "cp1252"
    guess = _charset_normalizer(data)
    if guess is not None and _bad_ratio(guess[0]) <= _MAX_BAD_RATIO:
        return guess
    return _checked(western), "cp1252"


def decode_cp1252(data: bytes) -> str:
    """windows-1252 as browsers decode it (WHATWG): never fails.

    Python's cp1252 leaves five bytes undefined; browsers map them to latin-1's C1 controls.
    """
    return data.decode("cp1252", "storyline.c1")


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    """Error handler for cp1252: an undefined byte becomes the latin-1 character (a C1 control)."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


def _as_cp1252(error: UnicodeError) -> tuple[str, int]:
    """Error handler for UTF-8: an invalid byte is read as windows-1252 (mixed-source pages)."""
    assert isinstance(error, UnicodeDecodeError)
    return decode_cp1252(error.object[error.start : error.end]), error.end


codecs.register_error("storyline.c1", _c1_controls)
codecs.register_error("storyline.cp1252", _as_cp1252)


def _mostly_utf8(sample: bytes) -> bool:
    """Valid UTF-8 multi-byte characters clearly outnumber invalid bytes: a UTF-8 page with a
    few windows-1252 bytes pasted in. A real 8-bit text almost never forms valid sequences."""
    text = sample.decode("utf-8", "surrogateescape")
    invalid = len(_SURROGATE.findall(text))
    valid_non_ascii = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return valid_non_ascii > 0 and valid_non_ascii >= 3 * invalid


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` / ``"utf-16-be"`` when NUL bytes sit in every other position, else None.

    Latin text in UTF-16 has a zero high byte for almost every character, so one parity of
    positions is mostly NUL and the other almost never is; binary data shows no such pattern.
    """
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0) / pairs
    odd = sample[1 : pairs * 2 : 2].count(0) / pairs
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def codec_for_label(label: str | None) -> str | None:
    """Python codec for a declared charset label, WHATWG-adjusted; None when unknown or unusable.

    A declared UTF-16/32 in a byte stream we already know is not UTF-16 is a lie (WHATWG says
    to ignore it), so it is dropped like an unknown label.
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None
    return _LABEL_ALIASES.get(name, name)


def looks_western(text: str) -> bool:
    """True when ``text`` reads like German/English/French...: few, ordinary non-ASCII characters.

    Cyrillic or Greek mis-read as windows-1252 also yields Latin letters, but nearly *every*
    letter is then non-ASCII; in Western languages at most a few percent are.
    """
    letters = non_ascii_letters = odd = 0
    for ch in text[:_WESTERN_SAMPLE]:
        if ch.isalpha():
            letters += 1
            if ch > "\x7f":
                non_ascii_letters += 1
        elif ch > "\x7f" and ch not in _WESTERN_SYMBOLS:
            odd += 1
    if not letters:
        return False
    non_ascii = non_ascii_letters + odd
    return non_ascii_letters <= max(0.3 * letters, 2) and odd <= 0.05 * max(non_ascii, 1)


def _try_decode(data: bytes, codec: str) -> str | None:
    if codec == "cp1252":
        return decode_cp1252(data)
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _charset_normalizer(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # do not cut a multi-byte character
    best = from_bytes(sample).best()
    if best is None:
        return None
    if len(sample) == len(data):
        return str(best), best.encoding
    return data.decode(best.encoding, "replace"), best.encoding


def _bad_ratio(text: str) -> float:
    sample = text[:_SAMPLE]
    return len(_BAD_CHAR.findall(sample)) / max(len(sample), 1)


def _checked(text: str) -> str:
    if _bad_ratio(text) > _MAX_BAD_RATIO:
        raise InputError(UNDECODABLE)
    return text
