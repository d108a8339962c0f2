"""The learned line classifier: shipped model, probabilities, persistence, determinism.

The example page below is written for this test (no third-party text): an article about a
fictional town festival wrapped in the kind of furniture a browser copy of a news page carries.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from storyline.clean.classifier import LineClassifier, ObliviousForest, default_classifier
from storyline.clean.features import FEATURE_NAMES, page_features

PAGE = """Startseite
Lokales
Sport
Kultur
Suche
Anmelden

Stadtfest in Neuburg: Tausende feiern trotz Regen

Von Erika Beispiel

Artikel teilen
Auf Facebook teilen
Link kopieren

Trotz Dauerregen sind am Wochenende mehr als zwölftausend Menschen zum Stadtfest nach Neuburg gekommen, wie die Veranstalter am Sonntagabend mitteilten.

WERBUNG

Auf dem Marktplatz spielten zwölf Bands aus der Region, und die Vereine hatten an ihren Ständen bis spät in die Nacht zu tun. Die Bürgermeisterin sprach von einem Fest, das die Stadt zusammenbringe.

Besonders gefragt war das neue Kinderprogramm am Flussufer, bei dem Familien Boote aus Holz bauen und auf dem Wasser ausprobieren konnten. Die Schlangen waren dort am Nachmittag so lang wie noch nie.

Die Polizei meldete einen ruhigen Verlauf. Es habe nur wenige Einsätze gegeben, sagte ein Sprecher, vor allem wegen falsch geparkter Autos in den Wohnstraßen rund um die Altstadt.

Im kommenden Jahr soll das Fest erstmals an drei Tagen stattfinden, wenn der Gemeinderat im Herbst zustimmt.

Diesen Artikel teilen
12 Kommentare

Mehr zum Thema

Neuburg plant neue Brücke
3 Interaktionen
Marktplatz wird umgebaut
7 Interaktionen
Stadtrat beschließt Haushalt

Impressum
Datenschutz
Kontakt
"""

ARTICLE_MARKERS = ("Trotz Dauerregen", "Auf dem Marktplatz", "Besonders gefragt", "Die Polizei")
WIDGET_LINES = (
    "Startseite",
    "Suche",
    "Artikel teilen",
    "Link kopieren",
    "WERBUNG",
    "12 Kommentare",
    "3 Interaktionen",
    "Impressum",
    "Datenschutz",
)


def _tiny_training_set() -> tuple[list[list[str]], list[list[int | None]]]:
    """Synthetic pages: prose lines are article text, short menu lines are not."""
    rng = np.random.default_rng(0)
    words = [
        "der",
        "die",
        "das",
        "und",
        "ist",
        "hat",
        "mit",
        "auf",
        "für",
        "Stadt",
        "Fest",
        "Jahr",
        "Menschen",
        "Rat",
        "neue",
    ]
    pages, labels = [], []
    for _ in range(12):
        lines: list[str] = []
        lab: list[int | None] = []
        for _ in range(int(rng.integers(3, 6))):
            lines.append(str(rng.choice(["Home", "Suche", "Sport", "Mehr", "Login"])))
            lab.append(0)
        for _ in range(int(rng.integers(3, 7))):
            n = int(rng.integers(10, 25))
            lines.append(" ".join(rng.choice(words, n)).capitalize() + ".")
            lab.append(1)
            lines.append("")
            lab.append(None)
        lines.append(f"{int(rng.integers(1, 99))} Kommentare")
        lab.append(0)
        pages.append(lines)
        labels.append(lab)
    return pages, labels


@pytest.fixture(scope="module")
def tiny_model() -> LineClassifier:
    pages, labels = _tiny_training_set()
    return LineClassifier(n_trees=15, depth=3, context_trees=5, stacking_folds=3).fit(
        pages, labels, ["de"] * len(pages)
    )


def test_shipped_model_loads() -> None:
    clf = default_classifier()
    assert clf is default_classifier()  # loaded once per process
    assert clf.feature_names_ == list(FEATURE_NAMES)
    assert clf.lines_.features_.shape[1] == clf.depth


def test_probabilities_one_per_line_in_unit_interval() -> None:
    lines = PAGE.split("\n")
    p = default_classifier().predict_proba(lines, "de")
    assert p.shape == (len(lines),)
    assert np.all((p >= 0.0) & (p <= 1.0))
    assert all(p[i] == 0.0 for i, line in enumerate(lines) if not line.strip())


def test_empty_input() -> None:
    clf = default_classifier()
    assert clf.predict_proba([], "de").shape == (0,)
    assert clf.predict_proba(["", "  "], None).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("blank_lines", [True, False], ids=["as-copied", "no-blank-lines"])
def test_article_lines_high_widgets_low(blank_lines: bool) -> None:
    lines = PAGE.split("\n")
    if not blank_lines:  # how the text structurer calls it: non-blank lines only
        lines = [x for x in lines if x.strip()]
    p = default_classifier().predict_proba(lines, "de")
    score = {line: float(q) for line, q in zip(lines, p, strict=True)}
    for marker in ARTICLE_MARKERS:
        line = next(x for x in lines if x.startswith(marker))
        assert score[line] >= 0.5, (line, score[line])
    for line in WIDGET_LINES:
        assert score[line] < 0.5, (line, score[line])


def test_unknown_language_uses_union_pack() -> None:
    lines = PAGE.split("\n")
    p = default_classifier().predict_proba(lines, "xx")
    assert p.shape == (len(lines),)


def test_fit_save_load_round_trip(tiny_model: LineClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    tiny_model.save(path)
    loaded = LineClassifier.load(path)
    lines = PAGE.split("\n")
    assert np.array_equal(tiny_model.predict_proba(lines, "de"), loaded.predict_proba(lines, "de"))
    assert loaded.get_params() == tiny_model.get_params()


def test_shipped_model_round_trip(tmp_path: Path) -> None:
    clf = default_classifier()
    path = tmp_path / "cleaner.json"
    clf.save(path)
    lines = PAGE.split("\n")
    again = LineClassifier.load(path)
    assert np.array_equal(clf.predict_proba(lines, "de"), again.predict_proba(lines, "de"))


def test_deterministic(tiny_model: LineClassifier) -> None:
    pages, labels = _tiny_training_set()
    other = LineClassifier(n_trees=15, depth=3, context_trees=5, stacking_folds=3).fit(
        pages, labels, ["de"] * len(pages)
    )
    lines = PAGE.split("\n")
    a = tiny_model.predict_proba(lines, "de")
    assert np.array_equal(a, other.predict_proba(lines, "de"))
    assert np.array_equal(a, tiny_model.predict_proba(lines, "de"))
    clf = default_classifier()
    assert np.array_equal(clf.predict_proba(lines, "de"), clf.predict_proba(lines, "de"))


def test_tiny_model_learns_the_obvious(tiny_model: LineClassifier) -> None:
    pages, labels = _tiny_training_set()
    p = tiny_model.predict_proba(pages[0], "de")
    for q, y in zip(p, labels[0], strict=True):
        if y is not None:
            assert (q >= 0.5) == bool(y)


def test_rejects_features_it_was_not_trained_on(tiny_model: LineClassifier) -> None:
    d = tiny_model.to_dict()
    d["feature_names"] = d["feature_names"][:-1]
    with pytest.raises(ValueError, match="other line features"):
        LineClassifier.from_dict(d)


def test_oblivious_forest_fits_a_threshold() -> None:
    rng = np.random.default_rng(1)
    X = rng.random((400, 3))
    y = (X[:, 1] > 0.6).astype(float)
    f = ObliviousForest(n_trees=20, depth=2, subsample=1.0).fit(X, y)
    assert ((f.predict_proba(X)[:, 1] >= 0.5) == (y > 0)).mean() > 0.97


def test_features_finite_and_shaped() -> None:
    X, index = page_features(PAGE.split("\n"), "de")
    assert X.shape == (len(index), len(FEATURE_NAMES))
    assert np.isfinite(X).all()


def test_seed_pages_counters_low_prose_high(seeds: dict[str, Path]) -> None:
    """On the real browser copies: counter lines score low, the longest paragraph high."""
    counter = re.compile(r"^\d+ Interaktionen$")
    for path in seeds.values():
        lines = path.read_text(encoding="utf-8").split("\n")
        p = default_classifier().predict_proba(lines, "de")
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        assert p[longest] >= 0.5
        for i, line in enumerate(lines):
            if counter.match(line.strip()):
                assert p[i] < 0.5, line
