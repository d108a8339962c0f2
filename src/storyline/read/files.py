"""Which files to read: expand folders, deterministically, skipping what is obviously not news.

Order matters (ingest reports and reruns must be reproducible), so every folder is walked in
sorted name order, depth first. Hidden files and folders (``.git``, ``.DS_Store``) and files
whose extension says they cannot be news (images, PDFs, archives, code, databases) are skipped
inside folders, but a file the user names explicitly is always tried: then a PDF gets a clear
"binary file (PDF document)" message instead of silently vanishing. Symbolic links to files
are followed; symbolic links to folders inside a folder are not, so a link loop cannot hang.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

STDIN = "-"

SKIPPED_EXTENSIONS = frozenset(
    {
        # images, audio, video, fonts
        *(".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".ico", ".svg"),
        *(".heic", ".avif", ".psd", ".mp3", ".wav", ".ogg", ".flac", ".m4a", ".mp4", ".m4v"),
        *(".mov", ".avi", ".mkv", ".webm", ".woff", ".woff2", ".ttf", ".otf", ".eot"),
        # documents and archives we do not read
        *(".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp"),
        *(".rtf", ".epub", ".zip", ".tar", ".tgz", ".bz2", ".xz", ".zst", ".7z", ".rar"),
        # data and databases
        *(".db", ".sqlite", ".sqlite3", ".db-wal", ".db-shm", ".parquet", ".arrow", ".feather"),
        *(".pkl", ".pickle", ".npy", ".npz", ".h5", ".hdf5", ".bin", ".csv", ".tsv", ".xml"),
        # .json: in a folder of news it is metadata or config (dumps are .jsonl); named, it is read
        *(".json", ".rss", ".atom", ".log", ".lock"),
        # code, configuration, build output
        *(".py", ".pyc", ".pyo", ".pyi", ".ipynb", ".js", ".mjs", ".ts", ".css", ".map"),
        *(".sh", ".bat", ".ps1", ".c", ".h", ".cpp", ".java", ".go", ".rs", ".rb", ".php"),
        *(".so", ".o", ".a", ".dll", ".exe", ".class", ".jar", ".wasm"),
        *(".toml", ".yaml", ".yml", ".ini", ".cfg", ".conf"),
    }
)


def is_skipped(name: str) -> bool:
    """True for hidden files and extensions that cannot be news (``.gz`` looked through)."""
    lowered = name.lower()
    if lowered.startswith(".") or lowered.endswith("~"):
        return True
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    return os.path.splitext(lowered)[1] in SKIPPED_EXTENSIONS


def discover(paths: Iterable[str | Path]) -> Iterator[str]:
    """Every input to read, in order: files as given, folders expanded, ``-`` (stdin) as is.

    A path that does not exist is yielded unchanged so that ``read_paths`` reports it, and so is
    a folder that yields nothing (``read_paths`` then says "no news files found" or "permission
    denied"): a user who names a folder must hear about it, never get silence.
    """
    for path in paths:
        source = str(path)
        if source == STDIN or not os.path.isdir(source):
            yield source
            continue
        found = False
        for found_path in _walk(os.path.normpath(source)):
            found = True
            yield found_path
        if not found:
            yield source


def _walk(folder: str) -> Iterator[str]:
    """Files under ``folder`` in sorted depth-first order; an unreadable sub-folder is yielded."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        yield folder
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path)
            elif entry.is_file() and not is_skipped(entry.name):
                yield entry.path
        except OSError:
            continue  # vanished while walking
