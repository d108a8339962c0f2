"""End to end: ingest through the CLI and the Python API, including every kind of bad input."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.errors import StorylineError

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"

ARTICLE_DE = """Neue Brücke über die Aare in Bern eröffnet

Bern (sda) - Nach drei Jahren Bauzeit ist in Bern die neue Fussgängerbrücke über die Aare für den
Verkehr freigegeben worden. Stadtpräsidentin Helene Aebischer durchschnitt am Samstag das Band.

Die Brücke verbindet das Marzili-Quartier mit dem gegenüberliegenden Ufer und soll vor allem
Pendlerinnen und Pendlern auf dem Velo den Weg in die Innenstadt verkürzen.

WERBUNG

Die Baukosten lagen mit 14 Millionen Franken leicht über dem Budget, wie die Stadt mitteilte.
Grund seien höhere Preise für Stahl gewesen.

Anwohnerinnen und Anwohner hatten sich während der Bauzeit über Lärm und gesperrte Wege beklagt.
Die Stadt versprach, die Uferwege bis zum Sommer wieder vollständig zu öffnen und neue Bäume zu
pflanzen, wo für die Baustelle gerodet worden war.

Im kommenden Jahr soll eine zweite Brücke weiter flussabwärts folgen. Dafür hat der Gemeinderat
bereits einen Kredit von neun Millionen Franken bewilligt, über den die Bevölkerung im Herbst
abstimmen wird.

Diesen Artikel teilen
"""

ARTICLE_EN = """Library in Leeds reopens after two-year renovation

LEEDS (PA) - The central library in Leeds reopened its doors on Saturday after a renovation that
took two years and restored the Victorian reading room to its original colours.

Hundreds of visitors queued before the opening, and the city council said the building would now
stay open late on weekdays for the first time.

Share this article
"""


SENTENCES = [
    "Der Gemeinderat hat am Dienstag einem neuen Budget für den Ausbau der Schulen zugestimmt.",
    "Die Polizei sperrte die Hauptstrasse wegen eines Unfalls für mehrere Stunden.",
    "Nach Angaben der Feuerwehr wurde bei dem Brand in der Altstadt niemand verletzt.",
    "Die Bauarbeiten am Bahnhof sollen im Frühling des kommenden Jahres abgeschlossen sein.",
    "Der Verein feierte sein hundertjähriges Bestehen mit einem Fest auf dem Marktplatz.",
    "Die Stadtverwaltung kündigte an, die Gebühren für Parkplätze zu erhöhen.",
    "Mehrere Anwohner hatten sich über den Lärm der nächtlichen Baustelle beschwert.",
    "Das Museum zeigt ab Samstag eine Ausstellung über die Geschichte der Region.",
    "Die Wetterdienste warnen für das Wochenende vor starkem Regen und Gewittern.",
    "Der neue Bus verkehrt künftig im Viertelstundentakt zwischen Zentrum und Spital.",
    "Die Bibliothek verlängert ihre Öffnungszeiten während der Prüfungswochen.",
    "Ein Sprecher des Kantons sagte, die Gespräche mit den Gemeinden seien konstruktiv gewesen.",
    "Die Preise für Wohnungen sind im vergangenen Jahr erneut deutlich gestiegen.",
    "Der Landwirt zeigte den Besuchern, wie auf seinem Hof Käse hergestellt wird.",
    "Die Schule erhielt einen Preis für ihr Projekt zur Förderung der Mehrsprachigkeit.",
    "Im Hallenbad wird ab Montag das Dach saniert, das Becken bleibt geschlossen.",
    "Die Gewerkschaft fordert für das Pflegepersonal höhere Löhne und mehr Personal.",
    "Auf dem See wurde ein Segelboot von der Seepolizei in Sicherheit gebracht.",
    "Die Stadt will bis zum Jahr 2030 alle Strassenlampen auf sparsame Leuchten umstellen.",
    "Der Fussballklub verpflichtete einen jungen Stürmer aus der eigenen Nachwuchsabteilung.",
    "Die Organisatoren des Festivals rechnen mit mehr als zwanzigtausend Besuchern.",
    "Ein Gutachten soll klären, ob die alte Brücke noch sicher befahren werden kann.",
    "Die Kirche im Dorfzentrum wird nach der Renovation wieder für Konzerte geöffnet.",
    "Das Spital eröffnet eine neue Abteilung für Kinder und Jugendliche.",
]


def make_folder(root: Path, n: int = 3) -> Path:
    """A folder of small distinct articles: each a different mix of sentences, so none are
    near-duplicates of another."""
    import random

    folder = root / "news"
    folder.mkdir(parents=True)
    for i in range(n):
        rnd = random.Random(i)
        picked = rnd.sample(SENTENCES, 8)
        paras = [" ".join(picked[j : j + 2]) for j in range(0, 8, 2)]
        text = f"Neues aus der Gemeinde Nummer {i}\n\n" + "\n\n".join(paras) + "\n\nWERBUNG\n"
        (folder / f"a{i:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_twice_is_idempotent(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    db = str(tmp_path / "s.db")
    code, out, _ = run("ingest", str(folder), "--db", db, "--json")
    assert code == 0, out
    first = json.loads(out)
    assert first["new"] == 3 and first["failed"] == 0
    code, out, _ = run("ingest", str(folder), "--db", db, "--json")
    second = json.loads(out)
    assert code == 0 and second["new"] == 0 and second["already_stored"] == 3
    rows = json.loads(run("articles", "--db", db, "--json")[1])
    assert len(rows) == 3


def test_bad_files_are_named_and_good_ones_stored(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 2)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    (folder / "broken.html").write_text(
        "<html><body><article><h1>Stau am Gotthard nach Unfall<p>Ein Unfall im Gotthard-"
        "Strassentunnel hat am Sonntag zu einem kilometerlangen Stau geführt, wie die Polizei "
        "mitteilte. Der Tunnel war während zwei Stunden gesperrt.<p>Verletzt wurde niemand, "
        "teilte die Polizei am Abend weiter mit.",
        encoding="utf-8",
    )
    (folder / "lines.jsonl").write_text(
        json.dumps({"text": ARTICLE_EN, "url": "https://example.org/leeds"}) + "\n{not json\n",
        encoding="utf-8",
    )
    missing = str(tmp_path / "does-not-exist.txt")
    db = str(tmp_path / "s.db")
    code, out, err = run("ingest", str(folder), missing, "--db", db, "--json")
    report = json.loads(out)
    assert code == 0
    assert report["new"] == 4  # 2 txt + broken html + 1 good jsonl line
    failed = {Path(f["source_uri"]).name: f["message"] for f in report["failures"]}
    assert "empty" in failed["empty.txt"]
    assert "binary" in failed["binary.txt"]
    assert "lines.jsonl:2" in " ".join(f["source_uri"] for f in report["failures"]) or any(
        "#L2" in f["source_uri"] for f in report["failures"]
    )
    assert "no such file" in failed["does-not-exist.txt"]
    assert "Traceback" not in err


def test_nothing_storable_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    code, _, err = run("ingest", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "s.db"))
    assert code == 2
    assert "empty" in err and "Traceback" not in err


def test_show_file_and_stored(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(ARTICLE_DE, encoding="utf-8")
    code, out, _ = run("show", str(page), "--json", "--published", "2026-03-14")
    data = json.loads(out)
    assert code == 0
    assert data["title"] == "Neue Brücke über die Aare in Bern eröffnet"
    assert data["dateline"] == "Bern" and data["agencies"] == ["Keystone-SDA"]
    assert data["published"] == "2026-03-14"
    assert "WERBUNG" not in data["text"]
    db = str(tmp_path / "s.db")
    run("ingest", str(page), "--db", db)
    code, out, _ = run("show", data["id"][:8], "--db", db, "--json")
    assert code == 0 and json.loads(out)["id"] == data["id"]
    code, _, err = run("show", "ffffffffffff", "--db", db)
    assert code == 2 and "Traceback" not in err


def test_search_and_export(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 3)
    db = str(tmp_path / "s.db")
    run("ingest", str(folder), "--db", db)
    hits = json.loads(run("search", "Nummer 2", "--db", db, "--json")[1])
    assert len(hits) == 1 and hits[0]["title"].endswith("Nummer 2")
    assert run("search", '"foo AND (', "--db", db)[0] in (0, 2)
    out_jsonl = tmp_path / "a.jsonl"
    assert run("export", "--format", "jsonl", "--out", str(out_jsonl), "--db", db)[0] == 0
    assert len(out_jsonl.read_text(encoding="utf-8").splitlines()) == 3
    code, out, _ = run("export", "--format", "csv", "--db", db)
    assert code == 0 and out.splitlines()[0].startswith("id,")
    pytest.importorskip("pyarrow")
    out_pq = tmp_path / "a.parquet"
    assert run("export", "--format", "parquet", "--out", str(out_pq), "--db", db)[0] == 0
    import pyarrow.parquet as pq

    assert pq.read_table(out_pq).num_rows == 3


def test_wire_copies_and_exact_copies(tmp_path: Path) -> None:
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "outlet1.txt").write_text("Startseite\n\n" + ARTICLE_DE, encoding="utf-8")
    (folder / "outlet2.txt").write_text(ARTICLE_DE + "\nMehr zum Thema\n", encoding="utf-8")
    trimmed = ARTICLE_DE.replace("Grund seien höhere Preise für Stahl gewesen.", "")
    (folder / "outlet3.txt").write_text(trimmed, encoding="utf-8")
    report = storyline.ingest([folder], db=tmp_path / "s.db")
    assert report.counts["new"] == 1
    assert report.counts["copy"] == 1  # identical cleaned text from another source
    assert report.counts["near_duplicate"] == 1  # one sentence trimmed


def test_stdin(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ingest", "-", "--db", str(tmp_path / "s.db"), "--json"], input=ARTICLE_EN
    )
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["new"] == 1


def test_gzip_and_encodings(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(ARTICLE_DE.encode("utf-8")))
    (tmp_path / "b.txt").write_bytes(ARTICLE_DE.replace("Bern", "Köln").encode("cp1252"))
    (tmp_path / "c.txt").write_bytes(ARTICLE_DE.replace("Bern", "Genf").encode("utf-16"))
    report = storyline.ingest([tmp_path], db=tmp_path / "s.db")
    assert report.counts["failed"] == 0, report.failures
    # one town name changed: the three are one text in three variants (near-duplicates)
    assert report.counts["new"] + report.counts["near_duplicate"] == 3
    titles = {a["title"] for a in storyline.articles(db=tmp_path / "s.db")}
    assert "Neue Brücke über die Aare in Köln eröffnet" in titles


def test_read_only_database(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 1)
    db = tmp_path / "s.db"
    storyline.ingest([folder], db=db)
    os.chmod(db, 0o444)
    os.chmod(tmp_path, 0o555)
    try:
        if os.access(db, os.W_OK):
            pytest.skip("running as root: file permissions are not enforced")
        code, _, err = run("ingest", str(make_folder(tmp_path / "x", 1)), "--db", str(db))
        assert code == 2 and "read-only" in err and "Traceback" not in err
        assert json.loads(run("articles", "--db", str(db), "--json")[1])
    finally:
        os.chmod(tmp_path, 0o755)
        os.chmod(db, 0o644)


def test_interrupted_ingest_resumes(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 8)
    db = tmp_path / "s.db"
    seen: list[str] = []

    def stop_after_three(source: str, status: str) -> None:
        seen.append(source)
        if len(seen) == 3:
            raise KeyboardInterrupt

    report = storyline.ingest([folder], db=db, on_item=stop_after_three)
    assert report.interrupted and report.counts["new"] == 3
    again = storyline.ingest([folder], db=db)
    assert again.counts["exists"] == 3 and again.counts["new"] == 5
    assert len(storyline.articles(db=db)) == 8


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline.cli", *args]


def test_sigint_in_a_real_process_keeps_what_was_stored(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 150)
    db = tmp_path / "s.db"
    proc = subprocess.Popen(
        _cli("ingest", str(folder), "--db", str(db), "-q"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        try:
            if db.exists() and storyline.stats(db=db).get("articles", 0) >= 5:
                break
        except StorylineError:  # the writer has created the file but not the schema yet
            pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    stored = storyline.stats(db=db)["articles"]
    report = storyline.ingest([folder], db=db)
    assert report.counts["failed"] == 0
    assert storyline.stats(db=db)["articles"] == 150
    assert report.counts["new"] == 150 - stored


def test_two_processes_ingest_the_same_store(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, 40)
    db = tmp_path / "s.db"
    procs = [
        subprocess.Popen(
            _cli("ingest", str(folder), "--db", str(db), "-q", "--json"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    assert storyline.stats(db=db)["articles"] == 40
    assert len(storyline.articles(db=db, limit=1000)) == 40


def test_examples_corpus_ingests_cleanly(tmp_path: Path) -> None:
    if not any(EXAMPLES.rglob("*.*")):
        pytest.skip("examples/ is empty")
    report = storyline.ingest([EXAMPLES], db=tmp_path / "s.db")
    assert report.counts["failed"] == 0, report.failures
    assert report.stored >= 30
