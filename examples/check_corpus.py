"""Sanity checks for the bundled example corpus (``examples/``).

Run from anywhere with the project's virtualenv (needs ``lxml``, a dependency of trafilatura)::

    .venv/bin/python examples/check_corpus.py

It checks that ``truth.json`` and the files agree: every path exists and every file is listed,
encodings decode as declared, every JSONL line parses, titles / outlets / dates match the page,
wire copies are near-duplicates (word 5-shingle Jaccard of bodies > 0.8), translations point to
an article of the same event in the other language, and the corpus has the promised shape
(languages, formats, events, storylines). Body extraction here is deliberately crude — it only
has to be good enough to measure these fixtures, it is not the project's cleaner.
Exit status 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"  # the articles; truth.json paths are relative to it
WIRE_THRESHOLD = 0.8
BODY_WORDS = (120, 350)

errors: list[str] = []


def fail(msg: str) -> None:
    errors.append(msg)


# --- reading -------------------------------------------------------------------------------------

BOMS = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16": (b"\xff\xfe", b"\xfe\xff")}


def read_text_file(rel: str, encoding: str) -> str:
    raw = (CORPUS / rel).read_bytes()
    if encoding == "utf-8":
        if raw.startswith(b"\xef\xbb\xbf"):
            fail(f"{rel}: declared plain utf-8 but has a BOM")
        return raw.decode("utf-8")
    if encoding == "utf-8-sig":
        if not raw.startswith(BOMS["utf-8-sig"]):
            fail(f"{rel}: expected a UTF-8 BOM")
        return raw.decode("utf-8-sig")
    if encoding == "utf-16":
        if not raw.startswith(BOMS["utf-16"]):
            fail(f"{rel}: expected a UTF-16 BOM")
        return raw.decode("utf-16")
    if encoding == "cp1252":
        try:
            raw.decode("utf-8")
            fail(f"{rel}: declared cp1252 but is also valid UTF-8 (no non-ASCII bytes?)")
        except UnicodeDecodeError:
            pass
        text = raw.decode("cp1252")
        if text != raw.decode("latin-1"):
            fail(f"{rel}: cp1252 file uses characters outside latin-1")
        return text
    raise ValueError(encoding)


def jsonl_line(rel: str) -> dict:
    file, _, line = rel.partition("#L")
    lines = (CORPUS / file).read_text(encoding="utf-8").splitlines()
    return json.loads(lines[int(line) - 1])


# --- crude body extraction -----------------------------------------------------------------------

SENTENCE_END = tuple(".!?“”\"»«’'")
TXT_NOISE = re.compile(r"cookie|newsletter|©|\(c\)|copyright|by signing up", re.I)
SKIP_TOKEN = re.compile(
    r"cookie|consent|cmp|footer|sidebar|related|newsletter|share|anzeige|byline|^meta$|credit"
    r"|kicker|translation|comments|source|topbar|summary|keypoints|(^|[-_])ads?([-_]|$)",
    re.I,
)


def is_body_paragraph(line: str) -> bool:
    line = line.strip()
    return (
        len(line.split()) >= 12
        and not line.startswith(("•", "-", "*"))
        and line.endswith(SENTENCE_END)
        and not TXT_NOISE.search(line)
    )


def body_from_txt(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if is_body_paragraph(ln)]


def body_from_html(html: str) -> tuple[list[str], lxml.html.HtmlElement]:
    doc = lxml.html.document_fromstring(html)
    paras = []
    for el in doc.iter("p"):
        skip = False
        for anc in [el, *el.iterancestors()]:
            tokens = (anc.get("class") or "").split() + (anc.get("id") or "").split()
            if any(SKIP_TOKEN.search(t) for t in tokens):
                skip = True
                break
        text = " ".join(el.text_content().split())
        if not skip and is_body_paragraph(text):
            paras.append(text)
    return paras, doc


def body_from_plain(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if is_body_paragraph(p)]


def shingles(paras: list[str], k: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", " ".join(paras).casefold())
    return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


# --- checks --------------------------------------------------------------------------------------


def main() -> int:
    truth = json.loads((ROOT / "truth.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in truth}
    if len(by_path) != len(truth):
        fail("duplicate paths in truth.json")

    required = {
        "path",
        "language",
        "outlet",
        "published",
        "event",
        "storyline",
        "title",
        "agency",
        "wire_copy_of",
        "translation_of",
        "event_date",
    }
    bodies: dict[str, list[str]] = {}

    # every file / JSONL line is listed
    listed_files = {r["path"].partition("#")[0] for r in truth}
    for sub, pattern in (("text", "*.txt"), ("html", "*.html"), ("jsonl", "*.jsonl")):
        for f in sorted((CORPUS / sub).glob(pattern)):
            rel = f.relative_to(CORPUS).as_posix()
            if rel not in listed_files:
                fail(f"{rel}: file not listed in truth.json")
            if sub == "jsonl":
                n = len(f.read_text(encoding="utf-8").splitlines())
                for i in range(1, n + 1):
                    if f"{rel}#L{i}" not in by_path:
                        fail(f"{rel}#L{i}: JSONL line not listed in truth.json")

    for r in truth:
        rel = r["path"]
        missing = required - r.keys()
        if missing:
            fail(f"{rel}: truth entry lacks {sorted(missing)}")
        if r["language"] not in ("de", "en"):
            fail(f"{rel}: bad language {r['language']}")
        for key in ("published", "event_date"):
            if not re.fullmatch(r"2026-\d\d-\d\d", r[key] or ""):
                fail(f"{rel}: {key} {r[key]!r} is not a 2026 ISO date")
        if r["published"] < r["event_date"]:
            fail(f"{rel}: published before the event happened")

        file = rel.partition("#")[0]
        if not (CORPUS / file).is_file():
            fail(f"{rel}: file does not exist")
            continue

        if rel.startswith("text/"):
            text = read_text_file(rel, r.get("encoding", "utf-8"))
            if r["title"] not in [ln.strip() for ln in text.splitlines()]:
                fail(f"{rel}: title not found as a line of the page")
            bodies[rel] = body_from_txt(text)
        elif rel.startswith("html/"):
            html = read_text_file(rel, "utf-8")
            bodies[rel], doc = body_from_html(html)
            check_html_meta(rel, r, doc)
        elif rel.startswith("jsonl/"):
            try:
                obj = jsonl_line(rel)
            except (json.JSONDecodeError, IndexError) as e:
                fail(f"{rel}: does not parse ({e})")
                continue
            for key in ("url", "title", "published", "source"):
                if not obj.get(key):
                    fail(f"{rel}: JSONL line lacks {key}")
            if ("text" in obj) == ("html" in obj):
                fail(f"{rel}: JSONL line needs exactly one of text / html")
            if obj.get("title") != r["title"]:
                fail(f"{rel}: JSONL title differs from truth")
            if obj.get("published") != r["published"]:
                fail(f"{rel}: JSONL published differs from truth")
            if obj.get("source") != r["outlet"]:
                fail(f"{rel}: JSONL source differs from truth outlet")
            if "html" in obj:
                bodies[rel], doc = body_from_html(obj["html"])
                check_html_meta(rel, r, doc)
            else:
                bodies[rel] = body_from_plain(obj["text"])
        else:
            fail(f"{rel}: unknown format folder")

    # body length
    for rel, paras in bodies.items():
        n = sum(len(p.split()) for p in paras)
        if not BODY_WORDS[0] <= n <= BODY_WORDS[1]:
            fail(f"{rel}: body has {n} words, expected {BODY_WORDS[0]}-{BODY_WORDS[1]}")

    # wire copies and translations
    wire_report = []
    for r in truth:
        rel = r["path"]
        if r["wire_copy_of"]:
            orig = by_path.get(r["wire_copy_of"])
            if not orig:
                fail(f"{rel}: wire_copy_of points to unknown {r['wire_copy_of']}")
                continue
            j = jaccard(shingles(bodies.get(rel, [])), shingles(bodies.get(orig["path"], [])))
            wire_report.append((rel, orig["path"], j))
            if j <= WIRE_THRESHOLD:
                fail(f"{rel}: Jaccard with {orig['path']} is {j:.2f} (<= {WIRE_THRESHOLD})")
            if orig["event"] != r["event"] or orig["agency"] != r["agency"]:
                fail(f"{rel}: wire copy differs from original in event or agency")
            if orig["outlet"] == r["outlet"]:
                fail(f"{rel}: wire copy from the same outlet as the original")
        if r["translation_of"]:
            orig = by_path.get(r["translation_of"])
            if not orig:
                fail(f"{rel}: translation_of points to unknown {r['translation_of']}")
            elif orig["language"] == r["language"] or orig["event"] != r["event"]:
                fail(f"{rel}: translation must share the event and differ in language")

    # near-duplicates that are NOT declared as wire copies would confuse the fixtures
    paths = list(bodies)
    sh = {p: shingles(bodies[p]) for p in paths}
    declared = {(r["path"], r["wire_copy_of"]) for r in truth if r["wire_copy_of"]}
    declared |= {(b, a) for a, b in declared}
    declared |= {
        (a["path"], b["path"])
        for a in truth
        for b in truth
        if a["wire_copy_of"] and a["wire_copy_of"] == b["wire_copy_of"]
    }
    for i, a in enumerate(paths):
        for b in paths[i + 1 :]:
            j = jaccard(sh[a], sh[b])
            if j > 0.5 and (a, b) not in declared:
                fail(f"undeclared near-duplicate: {a} ~ {b} (Jaccard {j:.2f})")

    # shape of the corpus
    langs = Counter(r["language"] for r in truth)
    formats = Counter(r["path"].split("/")[0] for r in truth)
    events = defaultdict(list)
    for r in truth:
        events[r["event"]].append(r)
    storylines = defaultdict(set)
    for r in truth:
        if r["storyline"]:
            storylines[r["storyline"]].add(r["event"])
    for ev, rows in events.items():
        if len({(x["storyline"], x["event_date"]) for x in rows}) != 1:
            fail(f"{ev}: articles disagree on storyline or event_date")
    bilingual = [ev for ev, rows in events.items() if len({x["language"] for x in rows}) == 2]

    if len(truth) < 34:
        fail(f"only {len(truth)} articles")
    if not 0.55 <= langs["de"] / len(truth) <= 0.7:
        fail(f"German share {langs['de'] / len(truth):.0%} outside 55-70 %")
    if len(events) < 7:
        fail(f"only {len(events)} events")
    if len(bilingual) < 3:
        fail(f"only {len(bilingual)} events reported in both languages")
    if sorted(len(v) for v in storylines.values()) < [2, 3]:
        fail("need one storyline with >= 3 events and another with >= 2")
    agencies_with_copies = {r["agency"] for r in truth if r["wire_copy_of"]}
    if len(agencies_with_copies) < 2:
        fail("need wire copies of at least two agencies")

    # report
    print(f"articles: {len(truth)}   languages: {dict(langs)}   formats: {dict(formats)}")
    encodings = Counter(r.get("encoding", "utf-8") for r in truth if r["path"].startswith("text/"))
    print(f"text encodings: {dict(encodings)}")
    print(f"events: {len(events)} ({len(bilingual)} bilingual)   storylines: {len(storylines)}")
    for sl, evs in sorted(storylines.items()):
        print(f"  storyline {sl}:")
        for ev in sorted(evs, key=lambda e: events[e][0]["event_date"]):
            print(f"    {events[ev][0]['event_date']}  {ev}  ({len(events[ev])} articles)")
    print("  stand-alone:")
    for ev, rows in sorted(events.items(), key=lambda kv: kv[1][0]["event_date"]):
        if not rows[0]["storyline"]:
            print(f"    {rows[0]['event_date']}  {ev}  ({len(rows)} articles)")
    print("wire copies (word 5-shingle Jaccard of bodies):")
    for rel, orig, j in wire_report:
        print(f"  {j:.2f}  {rel}  <-  {orig}")
    words = sorted(sum(len(p.split()) for p in b) for b in bodies.values())
    print(
        f"body words (crude extraction): min {words[0]}, median {words[len(words) // 2]}, "
        f"max {words[-1]}"
    )

    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  - " + e)
        return 1
    print("\nOK")
    return 0


def check_html_meta(rel: str, r: dict, doc: lxml.html.HtmlElement) -> None:
    def meta(prop: str) -> str | None:
        found = doc.xpath(f'//meta[@property="{prop}" or @name="{prop}"]/@content')
        return found[0] if found else None

    published = meta("article:published_time")
    if not published or published[:10] != r["published"]:
        fail(f"{rel}: article:published_time {published!r} != {r['published']}")
    if meta("og:site_name") != r["outlet"]:
        fail(f"{rel}: og:site_name {meta('og:site_name')!r} != {r['outlet']!r}")
    h1 = doc.xpath("//h1")
    if not h1 or " ".join(h1[0].text_content().split()) != r["title"]:
        fail(f"{rel}: <h1> does not match the truth title")
    lang = (doc.get("lang") or "")[:2]
    if lang != r["language"]:
        fail(f"{rel}: <html lang={lang!r}> but truth says {r['language']}")


if __name__ == "__main__":
    sys.exit(main())
