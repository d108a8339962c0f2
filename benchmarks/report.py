"""Where every benchmark writes its table: its own section of ``docs/benchmarks.md``.

One function for all ``bench_*.py`` scripts, so that running one benchmark replaces exactly its
section (from its ``## `` heading to the next one) and leaves the others as they were.
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(heading: str, body: str, path: Path = DOC) -> None:
    """Replace (or append) the section ``heading`` of ``path`` with ``body``.

    ``body`` may start with the heading itself (scripts that print heading and table together);
    it is not written twice.
    """
    body = body.strip()
    if body.startswith(heading):
        body = body[len(heading) :].strip()
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{heading}\n\n{body}\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
