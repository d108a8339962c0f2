"""The readers: every format, every encoding, and every bad input a user can hand us.

All inputs are generated here in ``tmp_path``; bad inputs must come back as one-line
``ReadFailure`` messages, never as exceptions.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.errors import InputError, UnsupportedInput
from storyline.model import Document, ReadFailure
from storyline.read import DEFAULT_MAX_BYTES, discover, read_bytes, read_paths

GERMAN = (
    "Hochwasser in Köln: „Die Lage ist ernst“\n"
    "Die Stadt sperrt die Uferstraße, sagte Oberbürgermeisterin Müller am Dienstag.\n"
    "«Wir rechnen mit einem weiteren Anstieg», heißt es – Grüße aus dem Rathaus."
)
# The same text without the characters latin-1 cannot encode („ “ –).
GERMAN_LATIN1 = (
    "Hochwasser in Köln: «Die Lage ist ernst»\n"
    "Die Stadt sperrt die Uferstraße, sagte Oberbürgermeisterin Müller am Dienstag.\n"
    "Äußerst ärgerlich, heißt es - Grüße aus dem Rathaus. Öl, Übung, ÿ."
)
PAGE = (
    "<!DOCTYPE html><html><head><title>Hochwasser in Köln</title></head>"
    "<body><article><h1>Hochwasser in Köln</h1><p>Die Stadt sperrt die Uferstraße.</p>"
    "</article></body></html>"
)
TOO_BIG = "file is 200.0 MB, over the 20.0 MB limit for one document (raise it with --max-bytes)"


def read_all(*paths: str | Path, **kwargs: object) -> list[Document | ReadFailure]:
    return list(read_paths(paths, **kwargs))  # type: ignore[arg-type]


def documents(items: Iterable[Document | ReadFailure]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def failures(items: Iterable[Document | ReadFailure]) -> list[ReadFailure]:
    return [item for item in items if isinstance(item, ReadFailure)]


def one_document(path: Path, **kwargs: object) -> Document:
    items = read_all(path, **kwargs)
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def one_failure(path: str | Path, **kwargs: object) -> ReadFailure:
    items = read_all(path, **kwargs)
    assert len(items) == 1 and isinstance(items[0], ReadFailure), items
    return items[0]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- plain text and encodings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text", "data"),
    [
        ("utf-8", GERMAN, GERMAN.encode("utf-8")),
        ("utf-8-sig", GERMAN, GERMAN.encode("utf-8-sig")),
        ("utf-16-le", GERMAN, GERMAN.encode("utf-16")),  # with BOM (little-endian here)
        ("utf-16-be", GERMAN, b"\xfe\xff" + GERMAN.encode("utf-16-be")),
        ("utf-16-le", GERMAN, GERMAN.encode("utf-16-le")),  # no BOM: found by the NUL pattern
        ("utf-16-be", GERMAN, GERMAN.encode("utf-16-be")),
        ("utf-32-le", GERMAN, GERMAN.encode("utf-32")),
        ("cp1252", GERMAN, GERMAN.encode("cp1252")),
        ("cp1252", GERMAN_LATIN1, GERMAN_LATIN1.encode("latin-1")),  # latin-1 is read as cp1252
    ],
)
@pytest.mark.parametrize("name", ["article.txt", "article"])
def test_text_encodings_decode_exactly(
    tmp_path: Path, encoding: str, text: str, data: bytes, name: str
) -> None:
    doc = one_document(write(tmp_path / name, data))
    assert doc.content == text
    assert doc.kind == "text"
    assert doc.metadata == {"format": "text", "encoding": encoding}
    assert doc.source_uri == str(tmp_path / name)


def test_short_cp1252_word_is_not_mistaken_for_another_encoding(tmp_path: Path) -> None:
    # charset-normalizer alone calls this EBCDIC; the Western check must win.
    assert one_document(write(tmp_path / "a.txt", "Größe".encode("cp1252"))).content == "Größe"


def test_newlines_are_normalised_and_padding_nuls_dropped(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path / "a.txt", b"Zeile eins\r\nZeile zwei\rZeile drei\n\x00\x00"))
    assert doc.content == "Zeile eins\nZeile zwei\nZeile drei\n"


def test_utf8_with_a_stray_cp1252_byte_keeps_both(tmp_path: Path) -> None:
    data = "Grüße aus Köln, schön hier – ".encode() + b"Preis: 5 \x80 "
    data += "für Müller".encode()
    doc = one_document(write(tmp_path / "a.txt", data))
    assert doc.content == "Grüße aus Köln, schön hier – Preis: 5 € für Müller"
    assert doc.metadata["encoding"] == "utf-8+cp1252"


def test_markdown_is_text(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path / "a.md", b"# Titel\n\nText."))
    assert (doc.kind, doc.content) == ("text", "# Titel\n\nText.")


# --- HTML ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta",
    [
        b'<meta charset="windows-1252">',
        b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>",
        b'<meta http-equiv="content-type" content="text/html; charset=ISO-8859-1" />',
    ],
)
def test_html_meta_charset_windows_1252(tmp_path: Path, meta: bytes) -> None:
    body = f"<p>{GERMAN}</p>".encode("cp1252")
    data = b"<html><head>" + meta + b"<title>T</title></head><body>" + body + b"</body></html>"
    doc = one_document(write(tmp_path / "page.html", data))
    assert doc.kind == "html"
    assert GERMAN in doc.content
    assert doc.metadata == {"format": "html", "encoding": "cp1252"}


def test_html_declaring_latin1_but_sending_utf8_is_read_as_utf8(tmp_path: Path) -> None:
    data = f'<html><head><meta charset="iso-8859-1"></head><body><p>{GERMAN}</p></body></html>'
    doc = one_document(write(tmp_path / "page.htm", data.encode()))
    assert GERMAN in doc.content
    assert doc.metadata["encoding"] == "utf-8"


def test_html_utf16_with_bom(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path / "page.html", PAGE.encode("utf-16")))
    assert doc.content == PAGE


@pytest.mark.parametrize("name", ["page", "page.txt", "page.dat"])
def test_html_is_sniffed_without_extension(tmp_path: Path, name: str) -> None:
    doc = one_document(write(tmp_path / name, b"\n  " + PAGE.encode()))
    assert doc.kind == "html"
    assert doc.metadata["format"] == "html"


def test_html_fragment_is_sniffed_but_txt_with_tags_stays_text(tmp_path: Path) -> None:
    fragment = b"<p>Die Stadt sperrt die Uferstrasse.</p>"
    assert one_document(write(tmp_path / "fragment", fragment)).kind == "html"
    assert one_document(write(tmp_path / "fragment.txt", fragment)).kind == "text"


def test_broken_html_is_passed_on(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path / "broken.html", b"<html><body><p>Text <b>ohne Ende"))
    assert doc.content == "<html><body><p>Text <b>ohne Ende"


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head></head><body></body></html>",
        b"<html><body><script>var x = 'Text';</script><style>p {}</style>&nbsp;</body></html>",
        b"<html><body><!-- nur ein Kommentar --><div><img src='a.png'></div></body></html>",
    ],
)
def test_html_without_text_fails(tmp_path: Path, page: bytes) -> None:
    failure = one_failure(write(tmp_path / "empty.html", page))
    assert failure.message == "HTML has no text"


def test_html_self_closing_svg_does_not_hide_the_text(tmp_path: Path) -> None:
    page = b"<html><body><svg class='icon'/><p>Text nach dem Icon</p></body></html>"
    assert one_document(write(tmp_path / "icon.html", page)).kind == "html"


# --- gzip ------------------------------------------------------------------------------------


def test_gzip_text_and_html(tmp_path: Path) -> None:
    text = one_document(write(tmp_path / "a.txt.gz", gzip.compress(GERMAN.encode("cp1252"))))
    assert (text.kind, text.content, text.metadata["encoding"]) == ("text", GERMAN, "cp1252")
    page = one_document(write(tmp_path / "b.html.gz", gzip.compress(PAGE.encode())))
    assert (page.kind, page.content) == ("html", PAGE)
    # gzip magic without a .gz name
    sniffed = one_document(write(tmp_path / "c.bin.data", gzip.compress(PAGE.encode())))
    assert sniffed.kind == "html"


def test_gzip_bomb_is_stopped_at_the_limit(tmp_path: Path) -> None:
    bomb = write(tmp_path / "bomb.txt.gz", gzip.compress(b"A" * 5_000_000, compresslevel=9))
    assert bomb.stat().st_size < 100_000
    failure = one_failure(bomb, max_bytes=1_000_000)
    assert failure.message == (
        "decompressed content is over the 976.6 KB limit for one document "
        "(raise it with --max-bytes)"
    )


def test_truncated_and_corrupt_gzip(tmp_path: Path) -> None:
    data = gzip.compress(GERMAN.encode() * 200)
    failure = one_failure(write(tmp_path / "cut.txt.gz", data[: len(data) // 2]))
    assert failure.message == "truncated gzip data (the file ends early)"
    corrupt = data[:20] + bytes(b ^ 0x55 for b in data[20:60]) + data[60:]
    assert one_failure(write(tmp_path / "bad.txt.gz", corrupt)).message == "corrupt gzip data"


def test_empty_gzip(tmp_path: Path) -> None:
    assert one_failure(write(tmp_path / "e.txt.gz", gzip.compress(b""))).message == "empty file"


# --- JSONL -----------------------------------------------------------------------------------

JSONL_GOOD_AND_BAD = "\n".join(
    [
        '{"text": "Erster Artikel über Köln.", "url": "https://example.de/1", "title": "Köln",'
        ' "published": "2026-03-01", "source": "Example", "lang": "de", "id": 17}',
        "",
        "das ist kein JSON",
        '["eine", "Liste"]',
        '{"url": "https://example.de/ohne-text"}',
        '{"html": "<html><body><p>Zweiter Artikel</p></body></html>", "language": "de"}',
        '{"text": 42}',
        '{"text": "   ", "html": ""}',
        "   ",
        '{"text": "Text wird ignoriert", "html": "<p>HTML gewinnt</p>"}',
    ]
)


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "dump.jsonl", JSONL_GOOD_AND_BAD.encode())
    items = read_all(path)
    uris = [item.source_uri for item in items]
    assert uris == [f"{path}#L{n}" for n in (1, 3, 4, 5, 6, 7, 8, 10)]
    first, html, both = documents(items)
    assert first.kind == "text" and first.content == "Erster Artikel über Köln."
    assert first.metadata == {
        "url": "https://example.de/1",
        "title": "Köln",
        "published": "2026-03-01",
        "source": "Example",
        "language": "de",
        "id": "17",
        "encoding": "utf-8",
        "format": "jsonl",
    }
    assert html.kind == "html" and html.metadata["language"] == "de"
    assert both.kind == "html" and both.content == "<p>HTML gewinnt</p>"
    messages = {f.source_uri.rsplit("#", 1)[1]: f.message for f in failures(items)}
    assert messages == {
        "L3": "not valid JSON (Expecting value at column 1)",
        "L4": "not a JSON object (found an array)",
        "L5": "object has neither 'text' nor 'html'",
        "L7": "field 'text' is a number, not a string",
        "L8": "empty article ('text' and 'html' are blank)",
    }


def test_jsonl_cli_declared_values_win_over_the_container(tmp_path: Path) -> None:
    line = b'{"text": "Artikel", "published": "2020-01-01", "language": "en"}\n'
    path = write(tmp_path / "a.ndjson", line)
    doc = one_document(path, declared={"published": "2026-03-01", "language": None})
    assert doc.metadata["published"] == "2026-03-01"  # the flag wins
    assert doc.metadata["language"] == "en"  # an unset flag does not erase the container's value


def test_jsonl_sniffed_gzipped_and_utf16(tmp_path: Path) -> None:
    lines = '{"text": "Grüße"}\r\n{"text": "Straße"}\n'
    for name, data in [
        ("sniffed", lines.encode()),
        ("dump.jsonl.gz", gzip.compress(lines.encode())),
        ("powershell.jsonl", lines.encode("utf-16")),
        ("bom.jsonl", lines.encode("utf-8-sig")),
    ]:
        items = read_all(write(tmp_path / name, data))
        assert [d.content for d in documents(items)] == ["Grüße", "Straße"], name
        assert not failures(items), name


def test_jsonl_line_over_the_limit_is_skipped_alone(tmp_path: Path) -> None:
    big = '{"text": "' + "x" * 5000 + '"}'
    path = write(
        tmp_path / "big.jsonl", f'{{"text": "klein"}}\n{big}\n{{"text": "auch"}}\n'.encode()
    )
    items = read_all(path, max_bytes=1000)
    assert [getattr(i, "content", None) for i in items] == ["klein", None, "auch"]
    assert items[1] == ReadFailure(
        f"{path}#L2",
        "line is over the 1000 bytes limit for one document (raise it with --max-bytes)",
    )


def test_jsonl_that_is_not_jsonl_gives_up(tmp_path: Path) -> None:
    path = write(tmp_path / "table.jsonl", b"a,b,c\n" * 1000)
    items = read_all(path)
    assert len(items) == 11
    assert items[-1] == ReadFailure(
        str(path), "not JSON Lines: the first 10 lines are not article objects, giving up"
    )


def test_pretty_printed_json_is_explained(tmp_path: Path) -> None:
    failure = one_failure(write(tmp_path / "a.json", b'[\n  {"text": "x"}\n]\n'))
    assert failure.message.startswith("JSON file that is not JSON Lines")


# --- WARC ------------------------------------------------------------------------------------


def warc_bytes(records: list[tuple[str, str, str, bytes]], *, gz: bool = False) -> bytes:
    """(record type, target URI, content type, payload) -> a WARC file."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for rec_type, uri, content_type, payload in records:
        if rec_type == "response":
            status = "301 Moved Permanently" if uri.endswith("/redirect") else "200 OK"
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), http_headers=http
            )
        else:
            record = writer.create_warc_record(
                uri,
                rec_type,
                payload=io.BytesIO(payload),
                warc_content_type=content_type,
                warc_headers_dict={"WARC-Date": "2026-03-01T12:00:00Z"},
            )
        writer.write_record(record)
    return buffer.getvalue()


def page(title: str, body: str) -> bytes:
    return f"<html><head><title>{title}</title></head><body><p>{body}</p></body></html>".encode()


CRAWL = [
    ("response", "https://example.de/a", "text/html; charset=utf-8", page("A", "Grüße " * 400)),
    ("request", "https://example.de/a", "application/http; msgtype=request", b"GET /a\r\n\r\n"),
    ("response", "https://example.de/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50),
    ("response", "https://example.de/redirect", "text/html", page("R", "Moved")),
    (
        "response",
        "https://example.de/b",
        "text/html; charset=windows-1252",
        page("B", "Straße in Köln " * 400).decode().encode("cp1252"),
    ),
    ("resource", "https://example.de/c.txt", "text/plain", "Schön.".encode()),
    ("response", "https://example.de/empty", "text/html", b""),
]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz", "crawl-without-extension"])
def test_warc_html_records(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, warc_bytes(CRAWL, gz=name.endswith(".gz")))
    items = read_all(path)
    assert [i.source_uri for i in items] == [
        "https://example.de/a",
        "https://example.de/b",
        "https://example.de/c.txt",
        "https://example.de/empty",
    ]
    a, b, c = documents(items)
    assert a.kind == "html" and "Grüße" in a.content
    assert b.kind == "html" and "Straße in Köln" in b.content
    assert b.metadata["encoding"] == "cp1252"
    assert c.kind == "text" and c.content == "Schön."
    assert c.metadata == {
        "container": str(path),
        "url": "https://example.de/c.txt",
        "fetched": "2026-03-01T12:00:00Z",
        "encoding": "utf-8",
        "format": "warc",
    }
    assert a.metadata["url"] == "https://example.de/a" and a.metadata["fetched"]
    assert failures(items) == [ReadFailure("https://example.de/empty", "empty record")]


def test_warc_without_html_records(tmp_path: Path) -> None:
    path = write(tmp_path / "images.warc", warc_bytes(CRAWL[1:3]))
    assert one_failure(path) == ReadFailure(str(path), "no HTML response records in WARC file")


def test_truncated_warc_keeps_what_was_read(tmp_path: Path) -> None:
    data = warc_bytes(CRAWL[:5])
    path = write(tmp_path / "cut.warc", data[: len(data) - 500])
    items = read_all(path)
    assert [d.source_uri for d in documents(items)] == ["https://example.de/a"]
    assert failures(items) == [
        ReadFailure(str(path), "WARC file is truncated (record 5 ends early)")
    ]


def test_truncated_warc_gz_keeps_what_was_read(tmp_path: Path) -> None:
    data = warc_bytes(CRAWL[:5], gz=True)
    path = write(tmp_path / "cut.warc.gz", data[: len(data) - 200])
    items = read_all(path)
    assert [d.source_uri for d in documents(items)] == ["https://example.de/a"]
    assert failures(items) == [ReadFailure(str(path), "truncated gzip data (the file ends early)")]


def test_warc_cut_inside_headers_and_not_a_warc(tmp_path: Path) -> None:
    data = warc_bytes(CRAWL[:1])
    cut = write(tmp_path / "cut.warc", data + data[:60])
    items = read_all(cut)
    assert len(documents(items)) == 1
    assert failures(items) == [
        ReadFailure(str(cut), "invalid or truncated WARC data after record 1")
    ]
    bogus = one_failure(write(tmp_path / "bogus.warc", b"hello, not a warc\n"))
    assert bogus.message.startswith("not a valid WARC file (")


def test_warc_record_over_the_limit(tmp_path: Path) -> None:
    path = write(tmp_path / "big.warc", warc_bytes(CRAWL[:1] + CRAWL[4:5]))
    items = read_all(path, max_bytes=5000)
    assert [type(i).__name__ for i in items] == ["Document", "ReadFailure"]
    assert items[1] == ReadFailure(
        "https://example.de/b",
        "record is over the 4.9 KB limit for one document (raise it with --max-bytes)",
    )


# --- stdin -----------------------------------------------------------------------------------


def test_stdin_text_html_and_jsonl() -> None:
    doc = read_all("-", stdin=io.BytesIO(GERMAN.encode("utf-16")))
    assert doc == [Document("stdin", GERMAN, "text", {"encoding": "utf-16-le", "format": "text"})]
    html = documents(read_all("-", stdin=io.BytesIO(gzip.compress(PAGE.encode()))))
    assert html[0].kind == "html" and html[0].source_uri == "stdin"
    lines = io.BytesIO(b'{"text": "eins"}\n\n{"text": "drei"}\n')
    assert [d.source_uri for d in documents(read_all("-", stdin=lines))] == ["stdin#L1", "stdin#L3"]
    crawl = io.BytesIO(warc_bytes(CRAWL[:1], gz=True))
    declared = {"language": "de", "format": "pdf", "encoding": "ascii"}  # reader keys stay
    (warc,) = read_all("-", stdin=crawl, declared=declared)
    assert isinstance(warc, Document) and warc.source_uri == "https://example.de/a"
    assert (warc.metadata["language"], warc.metadata["format"]) == ("de", "warc")
    assert warc.metadata["container"] == "stdin" and warc.metadata["encoding"] == "utf-8"


def test_stdin_empty_and_over_the_limit() -> None:
    assert one_failure("-", stdin=io.BytesIO(b"")) == ReadFailure("stdin", "empty file")
    failure = one_failure("-", stdin=io.BytesIO(b"x" * 2000), max_bytes=1000)
    assert failure.message == (
        "input is over the 1000 bytes limit for one document (raise it with --max-bytes)"
    )


def test_stdin_defaults_to_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO(b"Text von stdin")

    monkeypatch.setattr("sys.stdin", FakeStdin())
    assert documents(read_all("-"))[0].content == "Text von stdin"


# --- folders ---------------------------------------------------------------------------------


def test_folder_recursion_order_and_skips(tmp_path: Path) -> None:
    root = tmp_path / "news"
    for name in [
        "b.txt",
        "a.html",
        "sub/z.txt",
        "sub/deeper/y.jsonl",
        "c",
        ".hidden.txt",
        ".git/HEAD",
        "logo.png",
        "paper.pdf",
        "script.py",
        "store.db",
        "truth.json",
        "backup.txt~",
        "archive.tar.gz",
    ]:
        write(root / name, b'{"text": "x"}' if name.endswith(".jsonl") else b"Text")
    (root / "empty-sub").mkdir()
    expected = [root / "a.html", root / "b.txt", root / "c", root / "sub/deeper/y.jsonl"]
    expected.append(root / "sub/z.txt")
    assert list(discover([str(root) + "/"])) == [str(p) for p in expected]
    items = read_all(root)
    assert [i.source_uri for i in items] == [
        str(root / "a.html"),
        str(root / "b.txt"),
        str(root / "c"),
        f"{root / 'sub/deeper/y.jsonl'}#L1",
        str(root / "sub/z.txt"),
    ]
    assert not failures(items)


def test_explicitly_named_files_are_always_tried(tmp_path: Path) -> None:
    path = write(tmp_path / ".hidden.png", b"Eigentlich Text")
    assert one_document(path).content == "Eigentlich Text"
    assert list(discover(["-", tmp_path / "missing.txt"])) == ["-", str(tmp_path / "missing.txt")]


def test_folder_without_news_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert one_failure(empty) == ReadFailure(str(empty), "no news files found")
    write(tmp_path / "pictures/a.jpg", b"\xff\xd8\xff")
    assert one_failure(tmp_path / "pictures").message == "no news files found"


# --- bad inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "described"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP archive or Office document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00\x01\x00", "GIF image"),
        (b"\x7fELF\x02\x01\x01\x00", "ELF executable"),
        (b"SQLite format 3\x00\x10\x00", "SQLite database"),
        (b"Text mit \x00 mitten drin und mehr Text", "contains NUL bytes"),
    ],
)
@pytest.mark.parametrize("name", ["input.txt", "input.html", "input.jsonl", "input"])
def test_binary_files(tmp_path: Path, data: bytes, described: str, name: str) -> None:
    failure = one_failure(write(tmp_path / name, data))
    assert failure.message == f"binary file ({described}), not text or HTML"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", "\n".encode("utf-16")])
@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.jsonl", "a"])
def test_empty_files(tmp_path: Path, data: bytes, name: str) -> None:
    assert one_failure(write(tmp_path / name, data)).message == "empty file"


def test_200_mb_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    for name in ("huge.txt", "huge.html"):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.write(b"Text " * 10)
            handle.truncate(200 * 1024 * 1024)  # sparse: no disk, no time
        started = time.perf_counter()
        failure = one_failure(path)
        assert time.perf_counter() - started < 1.0
        assert failure == ReadFailure(str(path), TOO_BIG)
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    # Without an extension the first bytes are sniffed first; text over the limit still fails.
    unnamed = write(tmp_path / "huge", b"Text " * 300)
    assert one_failure(unnamed, max_bytes=1000).message == (
        "file is 1.5 KB, over the 1000 bytes limit for one document (raise it with --max-bytes)"
    )


def test_undecodable_bytes(tmp_path: Path) -> None:
    rng = random.Random(7)
    data = bytes(
        rng.choice([*range(1, 9), *range(14, 32), *range(0x80, 0x100)]) for _ in range(4000)
    )
    failure = one_failure(write(tmp_path / "garbage.txt", data))
    assert failure.message == "cannot decode text (not UTF-8, UTF-16 or a Western 8-bit encoding)"


def test_missing_path_and_broken_link(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert one_failure(missing) == ReadFailure(str(missing), "no such file or folder")
    link = tmp_path / "link.txt"
    link.symlink_to(missing)
    assert one_failure(link).message == "broken symbolic link"


def test_permission_denied_file_and_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated, because tests may run as root, for whom chmod 000 denies nothing.
    secret = write(tmp_path / "secret.txt", b"Text")
    locked = tmp_path / "locked"
    locked.mkdir()
    real_open, real_scandir = open, os.scandir

    def deny_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(secret):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def deny_scandir(path: object = ".") -> object:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    assert one_failure(secret) == ReadFailure(str(secret), "permission denied")
    assert one_failure(locked) == ReadFailure(str(locked), "permission denied")


def test_unsupported_text_formats(tmp_path: Path) -> None:
    feed = b'<?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>'
    assert one_failure(write(tmp_path / "feed", feed)).message.startswith("RSS/Atom feed")
    rtf = write(tmp_path / "a.rtf", b"{\\rtf1\\ansi Text}")
    assert one_failure(rtf).message.startswith("RTF document")


def test_a_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path / "1.txt", b"eins")
    write(tmp_path / "2.txt", b"%PDF-1.4")
    write(tmp_path / "3.txt", b"")
    write(tmp_path / "4.txt", b"vier")
    items = read_all(tmp_path, tmp_path / "missing", tmp_path / "1.txt")
    assert [type(i).__name__[0] for i in items] == ["D", "R", "R", "D", "R", "D"]


# --- read_bytes ------------------------------------------------------------------------------


def test_read_bytes_sniffs_and_honours_kind() -> None:
    assert read_bytes(PAGE.encode(), "upload")[0].kind == "html"
    assert read_bytes(PAGE.encode(), "upload", kind="text")[0].kind == "text"
    docs = read_bytes(b'{"text": "a"}\n{"text": "b"}\n', "dump.jsonl")
    assert [d.source_uri for d in docs] == ["dump.jsonl#L1", "dump.jsonl#L2"]
    assert read_bytes(warc_bytes(CRAWL[:1], gz=True), "x", kind="warc")[0].kind == "html"


def test_read_bytes_raises_input_errors_naming_the_source() -> None:
    with pytest.raises(UnsupportedInput, match=r"^upload\.pdf: binary file \(PDF document\)"):
        read_bytes(b"%PDF-1.4", "upload.pdf")
    with pytest.raises(InputError, match=r"^up: empty file$"):
        read_bytes(b"  ", "up")
    with pytest.raises(InputError, match=r"^d\.jsonl#L2: not valid JSON"):
        read_bytes(b'{"text": "a"}\nkaputt\n', "d.jsonl")
    with pytest.raises(InputError, match="over the 10 bytes limit"):
        read_bytes(b"x" * 11, "up", max_bytes=10)
    with pytest.raises(ValueError, match="kind must be one of"):
        read_bytes(b"x", "up", kind="pdf")
