"""Unlabelled German text for vocabulary/vectors (never shipped): 10kGNAD + SemEval-2022 de."""

from __future__ import annotations

import csv
import re
from pathlib import Path

SHARED = Path("/work/shared/data")


def german_texts(shared: Path = SHARED):
    csv.field_size_limit(10**9)
    p = shared / "10kgnad/articles.csv"
    if p.exists():
        with open(p, encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter=";", quotechar="'"):
                if len(row) >= 2:
                    yield row[1]
    p = shared / "semeval2022-task8/train_pairs.csv"
    if p.exists():
        with open(p, encoding="utf-8") as fh:
            r = csv.DictReader(fh)
            for row in r:
                if row.get("lang1") == "de":
                    yield row["text1"]
                if row.get("lang2") == "de":
                    yield row["text2"]


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ\"„])")


def sentences(text: str):
    for s in _SENT.split(text):
        s = s.strip()
        if 20 <= len(s) <= 400:
            yield s
