"""The German tagger on ONNX Runtime: same tags as torch, the export cache, and the fallbacks.

The cache tests use a tiny randomly initialised ``Tagger`` (exports in well under a second); the
equality test uses the shipped model on sentences written for this file. Tests that need
onnxruntime/onnx skip when they are not installed (torch is then the only backend anyway).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from storyline.analyse import ner, ner_onnx
from storyline.analyse.ner_tagger import TransformerTagger, _batches
from storyline.analyse.ner_text import sentences

SENTENCES = (
    "Bundeskanzler Olaf Scholz traf am Montag in Warschau den polnischen Präsidenten Andrzej Duda. "
    "Die Deutsche Bahn und die Gewerkschaft GDL verhandeln in Frankfurt am Main weiter.\n\n"
    "Nach Angaben der Vereinten Nationen flohen Tausende aus dem Sudan in den Tschad. "
    "Der FC Bayern München gewann gegen Borussia Dortmund mit 2:1, Thomas Müller traf doppelt. "
    "Kurz"
)


def needs_onnx() -> None:
    for mod in ("onnxruntime", "onnx"):
        if importlib.util.find_spec(mod) is None:
            pytest.skip(f"{mod} is not installed")


def needs_german() -> None:
    if not ner.german_available():
        pytest.skip(f"German NER model not installed in {ner.GERMAN_DIR}")


def tiny_tagger() -> object:
    """A 1-layer ``Tagger`` with random weights: the real architecture, exported in a blink."""
    import torch

    from storyline.analyse.ner_encoder import Tagger

    torch.manual_seed(0)
    return Tagger(vocab=40, n_tags=5, hidden=32, layers=1, heads=2, ff=64, max_pos=64).eval()


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """Stand-in model files: only their bytes matter, for the cache key."""
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "tagger.json").write_text("{}", encoding="utf-8")
    (folder / "tagger.npz").write_bytes(b"weights")
    return folder


def tiny_inputs() -> tuple[np.ndarray, np.ndarray]:
    ids = np.array([[0, 7, 9, 11, 13, 2], [0, 5, 2, 1, 1, 1]], dtype=np.int64)
    return ids, np.array([6, 3], dtype=np.int64)


def test_export_is_cached_and_reused(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_onnx()
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path / "cache"))
    first = ner_onnx.onnx_model(model_dir, tiny_tagger)
    assert isinstance(first, str) and Path(first).is_file()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [Path(first).name]  # no temp left

    def no_build() -> object:
        raise AssertionError("a warm cache must not export again")

    assert ner_onnx.onnx_model(model_dir, no_build) == first
    (model_dir / "tagger.npz").write_bytes(b"other weights")  # a new model: a new file
    second = ner_onnx.onnx_model(model_dir, tiny_tagger)
    assert second != first and not Path(first).exists()  # the stale graph is removed


def test_unwritable_cache_exports_into_memory(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_onnx()
    import torch

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")  # even root cannot mkdir below it
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(blocker / "cache"))
    model = tiny_tagger()
    graph = ner_onnx.onnx_model(model_dir, lambda: model)
    assert isinstance(graph, bytes)
    run = ner_onnx.OrtRunner(ner_onnx.session(graph, threads=1))
    ids, lens = tiny_inputs()
    with torch.inference_mode():
        ref = model(torch.from_numpy(ids), torch.from_numpy(lens)).numpy()
    got = run(ids, lens)
    assert got.shape == ref.shape
    assert np.allclose(got[0], ref[0], atol=1e-4) and np.allclose(got[1, :3], ref[1, :3], atol=1e-4)


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYLINE_CACHE_DIR", "/x/own")
    assert ner_onnx.cache_dir() == Path("/x/own")
    monkeypatch.delenv("STORYLINE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/x/xdg")
    assert ner_onnx.cache_dir() == Path("/x/xdg/storyline")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert ner_onnx.cache_dir() == Path.home() / ".cache" / "storyline"


@pytest.fixture(scope="module")
def torch_tagger() -> TransformerTagger:
    """The shipped model forced onto torch in fp32 (what ONNX Runtime runs); ONNX Runtime
    must not even be tried."""
    needs_german()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STORYLINE_NER_BACKEND", "torch")
        mp.setenv("STORYLINE_NER_PRECISION", "fp32")
        mp.setattr(ner_onnx, "load", _must_not_load)
        return TransformerTagger(ner.GERMAN_DIR)


def _must_not_load(*_args: object) -> object:
    raise AssertionError("STORYLINE_NER_BACKEND=torch must not touch ONNX Runtime")


def test_backend_env_forces_torch(torch_tagger: TransformerTagger) -> None:
    assert torch_tagger.backend == "torch"
    assert torch_tagger.model is not None


def test_onnx_gives_the_same_tags_as_torch(
    torch_tagger: TransformerTagger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    needs_onnx()
    monkeypatch.setenv("STORYLINE_NER_BACKEND", "onnx")
    monkeypatch.setenv("STORYLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(TransformerTagger, "torch_model", lambda _self: torch_tagger.model)
    ort_tagger = TransformerTagger(ner.GERMAN_DIR)
    assert ort_tagger.backend == "onnx"
    sents = sentences(SENTENCES)
    want = torch_tagger.tag(sents)
    assert ort_tagger.tag(sents) == want
    assert sum(t != "O" for tags in want for t in tags) >= 10  # the sentences do have entities


def test_failed_export_falls_back_to_torch(
    torch_tagger: TransformerTagger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("exporter exploded")

    monkeypatch.setenv("STORYLINE_NER_BACKEND", "onnx")
    monkeypatch.setattr(ner_onnx, "load", broken)
    monkeypatch.setattr(TransformerTagger, "torch_model", lambda _self: torch_tagger.model)
    tagger = TransformerTagger(ner.GERMAN_DIR)
    assert tagger.backend == "torch"
    sents = sentences(SENTENCES)
    assert tagger.tag(sents) == torch_tagger.tag(sents)


def test_batches_keep_order_count_and_piece_budget() -> None:
    units = [(i, 0, [0] * n, []) for i, n in enumerate([3, 3, 4, 10, 10, 30, 200])]
    batches = _batches(units, most=3, max_tokens=30)
    assert [u for b in batches for u in b] == units  # every unit once, in the given order
    assert all(len(b) <= 3 for b in batches)
    assert all(len(b) * len(b[-1][2]) <= 30 for b in batches if len(b) > 1)
    assert batches[-1] == [units[-1]]  # longer than the budget alone: a batch of its own
    assert _batches(units, most=32, max_tokens=0) == [units]  # 0: count limit only
