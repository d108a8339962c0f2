"""The plain-text cleaner: a browser copy of a news page -> a structured :class:`Article`.

Two layers. The learned line classifier (:mod:`storyline.clean.classifier`) scores how likely
each line belongs to the article; this module turns those scores and the language pack's cue
words into structure: it finds the article's region (title to the first related-articles
block), then gives every line a role — title, byline, agency, dateline, lead, key point,
paragraph, subheading, caption, credit — or drops it with a reason. Rules decide *what* a line
is; the classifier decides *whether* an unrecognised line is article text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal, Protocol

from storyline.clean import cues
from storyline.lang import get_pack
from storyline.lang.base import LanguagePack
from storyline.model import Article, Block, RemovedLine, article_id, compose_text

#: P(article) at or above which an unrecognised line is kept as article text.
KEEP = 0.5
#: A prose line (sentences, function words) inside the article region needs only this much.
KEEP_PROSE = 0.25

#: Tabs and non-breaking or thin spaces: a run of them and of spaces folds into one space.
_SPACES = ("\t", "\u00a0", "\u2009", "\u202f")
# A line that is only a place followed by a comma: "Weissrussland,"
_DATELINE_LINE = re.compile(r"^(?P<place>[A-ZÄÖÜ][\w.'’ /-]{1,40}?)\s*,$")


class Scorer(Protocol):
    def predict_proba(self, lines: list[str], language: str | None = None) -> Sequence[float]: ...


@dataclass(slots=True)
class _Line:
    idx: int
    text: str
    p: float
    blank_before: bool
    #: the line's folded forms, made for all lines of a page at once by :func:`split_lines`
    forms: cues.Folded = field(repr=False)
    role: str | None = None  # set once the line is placed
    #: :func:`cues.drop_reason` and :func:`cues.credit_of` of the line, whether the byline
    #: pattern matches it and whether it holds a caption marker: set for all lines of a page at
    #: once (:func:`_annotate`) before the structurer reads them
    drop: str | None = field(default=None, repr=False)
    credit: str | None = field(default=None, repr=False)
    byline_match: bool = field(default=False, repr=False)
    caption_marker: bool = field(default=False, repr=False)
    #: cue results computed on first use (None: not yet; a caption or byline that is not
    #: there is cached as False): the structurer asks the same question of a line from several
    #: places (its own turn, look-ahead from earlier lines, the title search)
    _words: list[str] | None = field(default=None, repr=False)
    _prose: bool | None = field(default=None, repr=False)
    _tag: bool | None = field(default=None, repr=False)
    _caption: tuple[str, str | None] | Literal[False] | None = field(default=None, repr=False)
    _byline: cues.Byline | Literal[False] | None = field(default=None, repr=False)

    @property
    def norm(self) -> str:
        """:func:`cues.norm` of the line."""
        return self.forms.norm

    def words(self) -> list[str]:
        """:func:`cues.words` of the line, computed once: several rules count them."""
        ws = self._words
        if ws is None:
            ws = self._words = cues.words(self.text)
        return ws

    def prose(self, pack: LanguagePack) -> bool:
        """:func:`cues.is_sentence` of the line, computed once (a long line's words are read
        only as far as the answer needs)."""
        found = self._prose
        if found is None:
            text = self.text
            if not cues.ends_sentence(text):
                found = False
            elif len(text) < cues.LONG_LINE:
                found = cues.sentence_words(self.words(), pack)
            else:
                found = cues.is_sentence(text, pack)
            self._prose = found
        return found

    def tag(self, pack: LanguagePack) -> bool:
        """:func:`cues.is_tag_line` of the (stripped) line, computed once."""
        found = self._tag
        if found is None:
            found = self._tag = cues.may_be_tag_line(self.text) and cues.tag_line_words(
                self.words(), pack
            )
        return found

    def byline(self, pack: LanguagePack) -> cues.Byline | None:
        """:func:`cues.parse_byline` of the line, computed once, from its folded form."""
        if not self.byline_match:
            return None
        found = self._byline
        if found is None:
            found = self._byline = cues.folded_parse_byline(self.forms.raw, pack) or False
        return found or None

    def caption(self, pack: LanguagePack) -> tuple[str, str | None] | None:
        """:func:`cues.split_caption` of the line, computed once, from its folded forms."""
        found = self._caption
        if found is None:
            found = cues.folded_split_caption(self.forms, pack, self.caption_marker)
            self._caption = found if found is not None else False
        return found or None


def _annotate(lines: list[_Line], pack: LanguagePack, probs: Sequence[float]) -> None:
    """Set each line's score and the cue results every line is asked for, for the whole page
    at once: a few list comprehensions and page-wide substring searches instead of a method
    call per line."""
    texts = [ln.text for ln in lines]
    forms = [ln.forms for ln in lines]
    for ln, p, drop, credit, byline, marker in zip(
        lines,
        probs,
        cues.drop_reasons(forms, pack),
        cues.credits_of(texts, forms, pack),
        cues.byline_matches(forms, pack),
        cues.caption_marked(forms, pack),
        strict=True,
    ):
        ln.p = float(p)
        ln.drop = drop
        ln.credit = credit
        ln.byline_match = byline
        ln.caption_marker = bool(marker)


@dataclass
class _Draft:
    title: str | None = None
    byline: str | None = None
    source: str | None = None
    agencies: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_date: str | None = None
    page_date: str | None = None
    key_points: list[str] = field(default_factory=list)
    paragraphs: list[Block] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)

    def add_agencies(self, names: list[str]) -> None:
        for n in names:
            if n not in self.agencies:
                self.agencies.append(n)

    def add_credit(self, credit: str | None) -> None:
        if credit and credit not in self.credits:
            self.credits.append(credit)


def split_lines(text: str) -> list[_Line]:
    """Non-blank lines with whitespace folded, remembering paragraph breaks.

    Hard-wrapped text (e-mail, ``fold``, some text exports) is unwrapped first, so that a
    paragraph is one line again: the classifier and the rules work on paragraphs, not on
    fragments of 72 characters.
    """
    text = _fold_spaces(text.replace("\r\n", "\n").replace("\r", "\n"))
    raw_lines = [r.strip() for r in text.split("\n")]
    width = _wrap_width(raw_lines)
    if width:
        texts, blanks = _unwrap(raw_lines, width)
    else:  # a line follows a blank line when the raw line before it is empty (or missing)
        texts = [x for x in raw_lines if x]
        blanks = [
            not before for before, x in zip(["", *raw_lines[:-1]], raw_lines, strict=True) if x
        ]
    # Lines are stripped and the page has no run of spaces: they are folded unless the page
    # holds some other whitespace (an em space, a vertical tab).
    forms = cues.fold_lines(texts, folded=not cues.has_other_space(text))
    return [
        _Line(i, t, 0.0, b, f) for i, (t, b, f) in enumerate(zip(texts, blanks, forms, strict=True))
    ]


def _unwrap(raw_lines: list[str], width: int) -> tuple[list[str], list[bool]]:
    """The non-blank lines of a text hard-wrapped at ``width``, each paragraph joined into one
    line, and for each whether a blank line comes before it."""
    texts: list[str] = []
    blanks: list[bool] = []
    blank = True
    for line in raw_lines:
        if not line:
            blank = True
            continue
        if not blank:
            prev = texts[-1]
            if (
                len(prev) >= 0.6 * width
                and cues.strip_bullet(line) is None
                and not prev.endswith(":")
            ):
                texts[-1] = prev + " " + line
                continue
        texts.append(line)
        blanks.append(blank)
        blank = False
    return texts, blanks


def _fold_spaces(text: str) -> str:
    r"""``re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", text)``, by plain replacements.

    On a whole page that is several times faster than the regex (which also "replaces" every
    single space between two words), and it never touches a line break.
    """
    for space in _SPACES:
        text = text.replace(space, " ")
    while "  " in text:  # halves every run of spaces
        text = text.replace("  ", " ")
    return text


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped text is wrapped at, or None when lines are not wrapped.

    A wrapped text has no line longer than ~100 characters and many long lines that run on into
    the next line without a blank in between.
    """
    lengths = [len(x) for x in lines if x]
    if len(lengths) < 4 or max(lengths) > 100:
        return None
    width = max(lengths)
    if width < 40:
        return None
    runs = sum(
        1
        for a, b in pairwise(lines)
        if len(a) >= 0.6 * width and b and cues.strip_bullet(b) is None
    )
    long_lines = sum(1 for n in lengths if n >= 0.6 * width)
    return width if long_lines and runs / long_lines >= 0.5 else None


def _headline_like(line: _Line) -> bool:
    """A title or subheading: 2-25 words, capitalised, not ending like a sentence."""
    text = line.text
    if len(text) > 200 or not 2 <= len(line.words()) <= 25:  # the cheap test first
        return False
    if text.rstrip().endswith((".", ",", ";")) and not text.rstrip().endswith("..."):
        return False
    return text[:1].isupper() or text[:1].isdigit() or text[:1] in "«»„\"'‹›“"


def _is_prose(line: _Line, pack: LanguagePack) -> bool:
    return line.prose(pack)


class TextCleaner:
    """Structures one plain-text page. Stateless apart from its scorer; safe to reuse."""

    def __init__(self, scorer: Scorer | None = None) -> None:
        if scorer is None:
            from storyline.clean.classifier import default_classifier

            scorer = default_classifier()
        self.scorer = scorer

    # -- the one public method ------------------------------------------------------------
    def clean(
        self,
        text: str,
        *,
        source_uri: str = "",
        language: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Article:
        metadata = dict(metadata or {})
        lines = split_lines(text)
        language = language or metadata.get("language") or _detect(lines)
        pack = get_pack(language)
        probs = self.scorer.predict_proba([ln.text for ln in lines], language) if lines else []
        _annotate(lines, pack, probs)
        draft = _Draft()
        self._structure(lines, pack, draft, declared_title=metadata.get("title"))
        title = metadata.get("title") or draft.title
        lead, body = _split_lead(draft.paragraphs)
        lead, draft = _dateline_from_lead(lead, draft)
        body_text = compose_text(title, lead, draft.key_points, body)
        meta = {k: v for k, v in metadata.items() if k not in {"title", "language"}}
        if draft.dateline_date:
            meta["dateline_date"] = draft.dateline_date
        return Article(
            id=article_id(body_text),
            source_uri=source_uri,
            text=body_text,
            language=language,
            title=title,
            byline=draft.byline,
            source=metadata.get("source") or draft.source,
            agencies=draft.agencies,
            dateline=draft.dateline,
            published=metadata.get("published") or draft.page_date,
            lead=lead,
            body=body,
            key_points=draft.key_points,
            captions=draft.captions,
            credits=draft.credits,
            removed=draft.removed,
            url=metadata.get("url"),
            metadata=meta,
        )

    # -- structure --------------------------------------------------------------------------
    def _structure(
        self, lines: list[_Line], pack: LanguagePack, d: _Draft, declared_title: str | None
    ) -> None:
        first = _first_body_line(lines, pack)
        title_idx = _find_title(lines, first, pack, declared_title)
        if title_idx is not None:
            d.title = lines[title_idx].text
            lines[title_idx].role = "title"
        start = title_idx if title_idx is not None else (first if first is not None else 0)
        seen: set[str] = set()
        in_related = False
        in_key_points = False
        for i, ln in enumerate(lines):
            if ln.role == "title":
                seen.add(ln.norm)
                continue
            n = ln.norm
            before = i < start
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if in_related:
                if _resumes_article(lines, i, pack):
                    in_related = False
                else:
                    d.removed.append(RemovedLine(ln.text, ln.drop or "related"))
                    continue
            if not d.paragraphs and d.page_date is None:
                iso = page_date(ln.text)
                if iso:  # a date alone on a line in the page header: the publication date
                    d.page_date = iso
                    d.removed.append(RemovedLine(ln.text, "date"))
                    continue
            reason = ln.drop
            # Repeated line (a caption printed twice, a headline repeated in a teaser)
            if not reason and (n in seen or (nxt is not None and _is_prefix_of(n, nxt.norm))):
                d.removed.append(RemovedLine(ln.text, "duplicate"))
                continue
            seen.add(n)
            if reason and not (reason in {"share", "legal", "navigation"} and _is_prose(ln, pack)):
                if reason == "related" and not before:
                    in_related = True
                d.removed.append(RemovedLine(ln.text, reason))
                in_key_points = False
                continue
            if cues.is_key_point_norm(n, pack):
                in_key_points = True
                d.removed.append(RemovedLine(ln.text, "navigation"))
                continue
            item = cues.strip_bullet(ln.text)
            if item is not None and (in_key_points or (not d.paragraphs and not before)):
                d.key_points.append(item)
                continue
            in_key_points = False
            if self._meta_line(ln, pack, d, before):
                continue
            if before:
                d.removed.append(RemovedLine(ln.text, "navigation"))
                continue
            if ln.tag(pack) and (ln.text[:1].islower() or _next_is_caption(lines, i, pack)):
                d.removed.append(RemovedLine(ln.text, "tag"))
                continue
            if _is_prose(ln, pack) and (ln.p >= KEEP_PROSE or _between_prose(lines, i, pack)):
                d.paragraphs.append(Block(ln.text))
                continue
            headline = _headline_like(ln)
            if ln.p >= KEEP and not headline:
                d.paragraphs.append(Block(ln.text))
            elif headline and d.paragraphs and _next_prose(lines, i, pack):
                d.paragraphs.append(Block(ln.text, "subheading"))
            elif ln.p >= KEEP:
                d.paragraphs.append(Block(ln.text))
            else:
                d.removed.append(RemovedLine(ln.text, "boilerplate"))
        # A trailing subheading with nothing under it is a teaser, not part of the article.
        while d.paragraphs and d.paragraphs[-1].kind == "subheading":
            d.removed.append(RemovedLine(d.paragraphs.pop().text, "related"))

    def _meta_line(self, ln: _Line, pack: LanguagePack, d: _Draft, before: bool) -> bool:
        """Bylines, agency lines, datelines, credits and captions: moved into their fields."""
        text = ln.text
        agency = cues.agency_only_norm(ln.norm)
        if agency:
            d.add_agencies([agency])
            d.byline = d.byline or text
            return True
        by = ln.byline(pack)
        if by is not None and not d.paragraphs:
            d.byline = by.text
            d.source = d.source or by.source
            d.add_agencies(by.agencies)
            return True
        if not d.paragraphs and d.dateline is None:
            m = _DATELINE_LINE.match(text)
            if m and len(m.group("place").split()) <= 3:
                d.dateline = m.group("place").strip()
                return True
        credit = ln.credit
        if credit:
            d.add_credit(credit)
            return True
        if before:
            return False
        cap = ln.caption(pack)
        if cap is not None and len(ln.words()) <= 45:
            caption, credit = cap
            if caption:
                d.captions.append(caption)
            d.add_credit(credit)
            return True
        return False


#: Characters of prose the language identifier reads: enough for a confident answer on news.
_LANGUAGE_SAMPLE = 2500


def _detect(lines: list[_Line]) -> str | None:
    """The page's language, read from its longest lines (prose, not menus), at most
    :data:`_LANGUAGE_SAMPLE` characters: the identifier's cost grows with its input, and a
    page's navigation is often in another language than its article."""
    from storyline.analyse.language import detect_language

    sample: list[str] = []
    size = 0
    for ln in sorted(lines, key=lambda x: -len(x.text)):
        if size >= _LANGUAGE_SAMPLE:
            break
        sample.append(ln.text)
        size += len(ln.text)
    return detect_language("\n".join(sample))[0]


def _is_prefix_of(a: str, b: str) -> bool:
    """``a`` repeated at the start of a longer ``b`` (a caption shown again with its credit)."""
    return len(a) >= 30 and len(b) > len(a) and b.startswith(a)


def _first_body_line(lines: list[_Line], pack: LanguagePack) -> int | None:
    """Index of the first prose line the classifier accepts: the article starts near it."""
    for ln in lines:
        if ln.p >= KEEP and _is_prose(ln, pack) and ln.caption(pack) is None:
            return ln.idx
    for ln in lines:
        if ln.p >= KEEP:
            return ln.idx
    return None


def _find_title(
    lines: list[_Line], first: int | None, pack: LanguagePack, declared: str | None
) -> int | None:
    """The headline: walk back from the first body line past bylines, captions and widgets."""
    if declared:
        want = cues.norm(declared)
        for ln in lines[: (first or 0) + 1]:
            if ln.norm == want:
                return ln.idx
    if first is None:
        return None
    candidates: list[int] = []
    for ln in reversed(lines[max(0, first - 15) : first]):
        t = ln.text
        if (
            ln.drop
            or cues.agency_only_norm(ln.norm)
            or ln.byline(pack)
            or ln.credit
            or ln.caption(pack)
            or _DATELINE_LINE.match(t)
            or cues.strip_bullet(t) is not None
            or cues.is_key_point_norm(ln.norm, pack)
            or _TIMESTAMP.search(t)
        ):
            continue
        if _headline_like(ln) and not ln.tag(pack):
            candidates.append(ln.idx)
    # Among headlines of four or more words, the one the classifier likes best (the nearest on a
    # tie); a two-word line next to the lead is more often the outlet's name or a section label.
    long = [i for i in candidates if len(lines[i].words()) >= 4]
    if long:
        return max(long, key=lambda i: (round(lines[i].p, 1), -abs(first - i)))
    return candidates[0] if candidates else None


# Dates, times and reading times mark metadata lines ("Aktualisiert: 19.07.2026, 13:40 Uhr",
# "Artikel anhören (3 Min.)"), which are never the headline.
_TIMESTAMP = re.compile(
    r"\b\d{1,2}\.? [^\W\d_]{3,9}\.? \d{4}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}\b|\(\d+\s*min\.?\)|\d+\s*min\.? read",
    re.IGNORECASE,
)


def _next_content(lines: list[_Line], i: int, pack: LanguagePack) -> _Line | None:
    """The next line that is not a caption, credit or widget."""
    for ln in lines[i + 1 : i + 6]:
        if ln.drop or ln.caption(pack):
            continue
        if ln.credit or ln.tag(pack):
            continue
        return ln
    return None


def _next_prose(lines: list[_Line], i: int, pack: LanguagePack) -> bool:
    nxt = _next_content(lines, i, pack)
    return nxt is not None and _is_prose(nxt, pack) and nxt.p >= KEEP_PROSE


def _between_prose(lines: list[_Line], i: int, pack: LanguagePack) -> bool:
    """Prose between two accepted prose lines is article text even if scored low."""
    prev = next((ln for ln in reversed(lines[max(0, i - 3) : i]) if _is_prose(ln, pack)), None)
    return prev is not None and prev.p >= KEEP and _next_prose(lines, i, pack)


def _next_is_caption(lines: list[_Line], i: int, pack: LanguagePack) -> bool:
    return i + 1 < len(lines) and lines[i + 1].caption(pack) is not None


def _resumes_article(lines: list[_Line], i: int, pack: LanguagePack) -> bool:
    """After a related-links header, two confident prose lines in a row mean the article goes on
    (an inline "Lesen Sie auch" box); anything less is still the link list."""
    run = lines[i : i + 2]
    return len(run) == 2 and all(ln.p >= KEEP and _is_prose(ln, pack) for ln in run)


_CLOCK = re.compile(r"[,|·–-]?\s*\d{1,2}[:.]\d{2}(?:\s*(?:Uhr|h|am|pm|a\.m\.|p\.m\.))?\s*$", re.I)


def page_date(line: str) -> str | None:
    """ISO date of a line that is nothing but a date (and maybe a clock time), else None.

    Pages copied as text keep the publication date as a line of its own under the title
    ("13.03.2025", "Donnerstag, 13. März 2025, 14:32 Uhr", "March 20, 2026"). Only such a
    line in the page header (before the first paragraph) counts: a date inside a teaser or a
    sentence is never taken for the publication date.
    """
    text = line.strip()
    if len(text) > 48 or not any(map(str.isdigit, text)):
        return None
    from storyline.clean.dates import parse_date

    return parse_date(_CLOCK.sub("", text).strip(" ,|·") or None)


def _split_lead(paragraphs: list[Block]) -> tuple[str | None, list[Block]]:
    """The lead is the first paragraph when it comes before any subheading."""
    if paragraphs and paragraphs[0].kind == "paragraph":
        return paragraphs[0].text, paragraphs[1:]
    return None, paragraphs


def _dateline_from_lead(lead: str | None, d: _Draft) -> tuple[str | None, _Draft]:
    """Move a "Berlin (dpa) –" prefix out of the lead into dateline and agencies."""
    found = cues.split_dateline(lead) if lead else None
    if found is None:
        return lead, d
    d.dateline = d.dateline or found.place
    d.add_agencies(found.agencies)
    d.dateline_date = found.date
    return found.rest, d


_DEFAULT: TextCleaner | None = None


def clean_text(
    text: str,
    *,
    source_uri: str = "",
    language: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Article:
    """Clean one plain-text page with the shipped classifier (loaded once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = TextCleaner()
    return _DEFAULT.clean(text, source_uri=source_uri, language=language, metadata=metadata)
