"""A local news site for the fetch benchmarks: several hosts on loopback addresses, each with
an RSS feed and article pages rendered on request from a German news corpus.

Run as its own process (``python benchmarks/newsserver.py --hosts 4 --pages 2500``) so that the
measured process holds only the fetching side; it prints one JSON line with the hosts' base
URLs and serves until killed. Each page request waits ``--latency`` seconds first, standing in
for the network and server time of a real outlet (without it, one host on loopback answers
faster than any real site, and concurrency across hosts would show nothing).

The texts are the 10kGNAD articles (``../shared/data/10kgnad``, CC BY-NC-SA, read locally,
never copied into the repository). There are about 1,000 of them, so page ``i`` uses article
``i mod n`` with its sentences rotated by ``i // n`` and a numbered standfirst: every page is a
distinct text (as a real 10,000-page crawl would be), cleaned and stored as a new article.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "10kgnad" / "articles.csv"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")


def load_texts(path: Path = CORPUS) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[1] for row in csv.reader(handle, delimiter=";", quotechar="'") if len(row) > 1]


def page_html(texts: list[str], index: int) -> bytes:
    """A news page with boilerplate around article ``index`` (no date in the page)."""
    base = texts[index % len(texts)]
    sentences = _SENTENCE.split(base)
    shift = (index // len(texts)) % max(1, len(sentences))
    sentences = sentences[shift:] + sentences[:shift]
    title = sentences[0][:90]
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(1, len(sentences), 3)]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} | Lokalbote</title></head><body>"
        "<nav><a href='/'>Start</a> <a href='/politik'>Politik</a> "
        "<a href='/wirtschaft'>Wirtschaft</a> <a href='/sport'>Sport</a></nav>"
        f"<main><article><h1>{html.escape(title)}</h1>"
        f"<p class='lead'>Meldung {index}: {html.escape(sentences[0])}</p>{body}</article>"
        "<aside><h2>Mehr zum Thema</h2><ul><li><a href='/a/1.html'>Weitere Meldungen</a></li>"
        "</ul></aside></main><footer>© Lokalbote · Impressum · Datenschutz</footer>"
        "</body></html>"
    ).encode()


def feed_xml(base: str, indexes: range) -> bytes:
    items = "".join(
        f"<item><title>Meldung {i}</title><link>{base}/a/{i}.html</link><guid>m{i}</guid>"
        "<pubDate>Thu, 03 Dec 2026 08:00:00 +0100</pubDate></item>"
        for i in indexes
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Lokalbote</title><language>de</language>{items}</channel></rss>"
    ).encode()


def serve(address: str, texts: list[str], indexes: range, latency: float) -> ThreadingHTTPServer:
    """Start one host's server in a daemon thread; returns it (its port is server_address[1])."""
    feed_cache: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: with Nagle on, the second waits for the
        # client's delayed ACK (~40 ms), which would add a latency no real server has
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            base = f"http://{address}:{self.server.server_address[1]}"
            if self.path == "/robots.txt":
                self._send(b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif self.path == "/feed.xml":
                body = feed_cache.get(base) or feed_cache.setdefault(base, feed_xml(base, indexes))
                self._send(body, "application/rss+xml")
            elif (m := re.fullmatch(r"/a/(\d+)\.html", self.path)) and int(m[1]) in indexes:
                time.sleep(latency)
                self._send(page_html(texts, int(m[1])), "text/html; charset=utf-8")
            else:
                self._send(b"not found", "text/plain", 404)

        def _send(self, body: bytes, kind: str, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((address, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hosts", type=int, default=1)
    ap.add_argument("--pages", type=int, default=100, help="pages per host")
    ap.add_argument("--latency", type=float, default=0.05)
    args = ap.parse_args()
    texts = load_texts()
    bases = []
    for h in range(args.hosts):
        address = f"127.0.0.{h + 1}"
        indexes = range(h * args.pages, (h + 1) * args.pages)
        server = serve(address, texts, indexes, args.latency)
        bases.append(f"http://{address}:{server.server_address[1]}")
    print(json.dumps(bases), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
