"""pair_features_batch must give exactly the rows pair_features gives, pair by pair.

Why these cases: the batch version re-implements every feature with array operations, so each
feature's corner cases are checked against the reference: (a) bundles from a real analysis of
short texts written here (people, places, dates, a near-duplicate, a text without entities);
(b) hand-built bundles for what analysis rarely produces (no places, no MinHash, e5 vectors,
unresolvable dates, vectors shared between bundles, float64 or non-contiguous vectors); (c)
3,000 random pairs of the real cached training bundles, skipped without ../shared.
"""

from __future__ import annotations

import pickle
import random
import zlib
from itertools import product
from pathlib import Path

import numpy as np
import pytest

from storyline.clean.dedup import signature
from storyline.compare import bundles as make_bundles
from storyline.compare import text_article
from storyline.compare.batch import pair_features_batch
from storyline.compare.features import (
    FEATURE_NAMES,
    FEATURE_NAMES_E5,
    Bundle,
    name_keys,
    pair_features,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CACHE = Path("training") / ".cache" / "bundles-use-f1-a1.pkl"

#: Features computed from coordinates: equal within rounding. All others (cosines, 0/1 flags,
#: arithmetic on set sizes, counts and day gaps) must be equal, bit for bit.
APPROXIMATE = frozenset({"place_min_km", "place_meanmin_km", "event_km"})

DE_SCHOLZ = (
    "Scholz trifft Macron in Paris\n\n"
    "Bundeskanzler Olaf Scholz ist am 6. März 2023 in Paris mit dem französischen Präsidenten "
    "Emmanuel Macron zusammengetroffen. Die beiden sprachen im Élysée-Palast über die "
    "Energiepreise und die Hilfe für die Ukraine. Scholz sagte, Deutschland und Frankreich "
    "stünden eng zusammen. Am Dienstag reist er weiter nach Brüssel."
)
# the same wire text under another headline, last sentence cut: a near-duplicate
DE_SCHOLZ_COPY = (
    "Kanzler in Paris: Treffen mit Macron\n\n"
    "Bundeskanzler Olaf Scholz ist am 6. März 2023 in Paris mit dem französischen Präsidenten "
    "Emmanuel Macron zusammengetroffen. Die beiden sprachen im Élysée-Palast über die "
    "Energiepreise und die Hilfe für die Ukraine. Scholz sagte, Deutschland und Frankreich "
    "stünden eng zusammen."
)
EN_SCHOLZ = (
    "Chancellor meets president in Paris\n\n"
    "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on "
    "6 March 2023. The two discussed energy prices and aid for Ukraine at the Élysée Palace. "
    "After the meeting Scholz said that Germany and France stood closely together."
)
DE_FLOOD = (
    "Hochwasser in Passau: Altstadt gesperrt\n\n"
    "Die Donau hat am 3. Juni 2024 in Passau die Marke von neun Metern überschritten. Die Stadt "
    "sperrte die Altstadt, Feuerwehr und Technisches Hilfswerk sind mit 2.000 Sandsäcken im "
    "Einsatz. Bürgermeister Jürgen Dupper rechnet mit dem Scheitel am Mittwoch."
)
EN_STRIKE = (
    "Rail strike halts trains in London\n\n"
    "A strike by rail workers halted most trains in London and Manchester on Friday, "
    "12 May 2023. The RMT union said 20,000 members walked out over pay. Network Rail advised "
    "passengers to travel only if necessary."
)
# lower case, no names, no places, no dates: nothing for NER, places or times to find
DE_NOTHING = (
    "heute wird es wärmer\n\n"
    "am nachmittag ziehen von westen her wolken auf, und in der nacht kann es etwas regnen. "
    "am wochenende bleibt es mild und meist trocken, dazu weht ein schwacher wind."
)


def _assert_same(pairs: list[tuple[Bundle, Bundle]]) -> np.ndarray:
    """Batch rows against pair_features rows; returns the reference for further checks."""
    expected = np.stack([pair_features(a, b) for a, b in pairs])
    got = pair_features_batch(pairs)
    assert got.shape == expected.shape
    assert got.dtype == np.float64
    names = FEATURE_NAMES_E5 if got.shape[1] == len(FEATURE_NAMES_E5) else FEATURE_NAMES
    for c, name in enumerate(names):
        if name in APPROXIMATE:
            assert np.allclose(got[:, c], expected[:, c], rtol=0, atol=1e-9), name
        else:
            assert np.array_equal(got[:, c], expected[:, c]), name
    return expected


@pytest.fixture(scope="module")
def analysed() -> list[Bundle]:
    """Bundles of the texts above, through the real analysis (about a second per text)."""
    return make_bundles(
        [
            text_article(DE_SCHOLZ, language="de", published="2023-03-06"),
            text_article(DE_SCHOLZ_COPY, language="de", published="2023-03-06"),
            text_article(EN_SCHOLZ, language="en", published="2023-03-07"),
            text_article(DE_FLOOD, language="de"),
            text_article(EN_STRIKE, language="en", published="2023-05-12"),
            text_article(DE_NOTHING, language="de"),
        ]
    )


def test_analysed_bundles_every_pair_including_self_pairs(analysed: list[Bundle]) -> None:
    pairs = list(product(analysed, repeat=2))
    expected = _assert_same(pairs)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    # the texts exercise what they are meant to (else this test would prove little)
    assert expected[1, col["minhash"]] > 0.5  # the wire copy
    assert expected[2, col["ent_PER"]] > 0  # Scholz and Macron, across languages
    assert expected[:, col["place_known"]].any() and expected[:, col["date_known"]].any()
    assert not expected[:, col["place_known"]].all()
    nothing = analysed[5]
    assert not any(nothing.entities.values()) and not nothing.places


def test_batches_reuse_the_bundle_cache_in_any_order(analysed: list[Bundle]) -> None:
    pairs = list(product(analysed, repeat=2))
    first = pair_features_batch(pairs)
    order = list(range(len(pairs)))
    random.Random(7).shuffle(order)
    again = pair_features_batch([pairs[i] for i in order])
    assert np.array_equal(again, first[order])
    one = pair_features_batch(pairs[3:4])
    assert np.array_equal(one, first[3:4])
    # a pickled bundle keeps its cache, and the cache stays valid in the copy
    copies = pickle.loads(pickle.dumps(analysed))
    assert np.array_equal(pair_features_batch(list(product(copies, repeat=2))), first)


def _vectors(seed: int, dtype: type = np.float32) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((2, 512))
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(dtype)


def _e5(seed: int) -> np.ndarray:
    v = np.random.default_rng(1000 + seed).standard_normal(384)
    return (v / np.linalg.norm(v)).astype(np.float32)


def _ents(*names: str, label: str = "PER") -> dict[str, list[list[object]]]:
    return {label: [[n, len(names) - i, name_keys(n)] for i, n in enumerate(names)]}


def _words(text: str) -> list[int]:
    return sorted({zlib.crc32(w.encode()) for w in text.casefold().split() if len(w) >= 4})


def _hand_built() -> list[Bundle]:
    """Bundles covering what real analysis seldom yields; vectors deliberately varied."""
    text = "Der Kanzler traf den Präsidenten in Berlin und sprach über Energie und Frieden"
    many = [[f"Ort {i}", "DE", 47.0 + i * 0.7, 6.0 + i * 0.9, "city"] for i in range(9)]
    shared_vectors = _vectors(99)
    return [
        Bundle(  # the works: entities, places, event, dates, minhash
            "a",
            "de",
            "use",
            _vectors(1),
            entities={**_ents("Olaf Scholz", "Emmanuel Macron"), **_ents("SPD", label="ORG")},
            caps=["slts", "mkrn", "brln"],
            nums=["2023", "12"],
            words=_words(text),
            places=[
                ["Berlin", "DE", 52.52, 13.405, "city"],
                ["Paris", "FR", 48.8566, 2.3522, "city"],
                ["Nirgendwo", None, None, None, "other"],
            ],
            event_type="meeting",
            event_where=["Berlin", "DE", 52.52, 13.405, "city"],
            event_when="2023-03-06",
            dates=["2023-03-06", "2023-03-08"],
            months=["2023-03"],
            published="2023-03-06",
            minhash=signature(text).to_bytes().hex(),
            n_words=len(text.split()),
        ),
        Bundle(  # no places, no MinHash, unresolvable dates, event place without coordinates
            "b",
            "en",
            "use",
            _vectors(2),
            entities=_ents("Olaf Scholz"),
            caps=["slts"],
            nums=["12"],
            words=_words(text + " peace"),
            event_type="meeting",
            event_where=["Paris", "FR", None, None, "other"],
            event_when="XXXX-03-06",
            dates=["2023-02-30", "2023-03"],
            months=["2023-03", "2023-04"],
            published="2023-03-07T10:00:00",
            n_words=0,
        ),
        Bundle(  # many places (nearest-place means), the other event place named by "a"
            "c",
            "fr",
            "use",
            _vectors(3),
            places=[*many, ["Paris", "FR", 48.8566, 2.3522, "city"]],
            event_type="meeting",
            event_where=["Paris", "FR", 48.8566, 2.3522, "city"],
            event_when="2023-03-09",
            dates=["2023-01-01", "2024-12-31", "2023-03-01"],
            minhash=signature(text + " und mehr").to_bytes().hex(),
            n_words=3000,
        ),
        Bundle("d", None, "use", _vectors(4)),  # nothing at all
        Bundle(  # event type "other"; shares its vector array with "f" (numpy's syrk case)
            "e",
            "de",
            "use",
            shared_vectors,
            event_type="other",
            event_where=["Berlin", "DE", 52.52, 13.405, "city"],
            places=[["Berlin", "DE", 52.52, 13.405, "city"]],
            n_words=5,
        ),
        Bundle("f", "de", "use", shared_vectors, event_type="other", n_words=7),
        Bundle("g", "de", "use", np.array(shared_vectors)),  # equal values, own memory
    ]


def test_hand_built_bundles_every_pair() -> None:
    bundles = _hand_built()
    expected = _assert_same(list(product(bundles, repeat=2)))
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    # each rare branch is taken at least once, and not always
    for name in (
        "event_place_shared",
        "event_far",
        "event_same_country",
        "event_type_same",
        "event_km_known",
        "place_known",
        "date_known",
        "event_gap_known",
        "pub_known",
    ):
        assert 0 < expected[:, col[name]].sum() < len(expected), name


def test_float64_and_non_contiguous_vectors_take_the_reference_path() -> None:
    bundles = _hand_built()
    bundles[1].vectors = bundles[1].vectors.astype(np.float64)
    bundles[2].vectors = np.asfortranarray(bundles[2].vectors)
    bundles[3].vectors = np.vstack([bundles[3].vectors, _vectors(5)])  # a third row
    _assert_same(list(product(bundles, repeat=2)))
    everything64 = _hand_built()
    for b in everything64:
        b.vectors = b.vectors.astype(np.float64)
    _assert_same(list(product(everything64, repeat=2)))


def test_e5_column_only_when_every_pair_has_e5() -> None:
    bundles = _hand_built()
    for i, b in enumerate(bundles):
        b.e5 = _e5(i)
    bundles[6].e5 = np.asfortranarray(np.stack([_e5(6), _e5(7)]))[0]  # a strided view
    got = _assert_same(list(product(bundles, repeat=2)))
    assert got.shape[1] == len(FEATURE_NAMES_E5)

    without = _hand_built()
    without[0].e5 = _e5(0)
    pairs = [(without[0], without[1]), (without[1], without[2])]  # e5 on one side only
    assert pair_features_batch(pairs).shape == (2, len(FEATURE_NAMES))
    _assert_same(pairs)

    mixed = [(bundles[0], bundles[1]), (bundles[0], without[1])]
    with pytest.raises(ValueError, match="e5"):
        pair_features_batch(mixed)


def test_empty_input() -> None:
    got = pair_features_batch([])
    assert got.shape == (0, len(FEATURE_NAMES)) and got.dtype == np.float64


def test_cached_training_bundles_random_pairs() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    path = next((p for p in (ROOT / CACHE, SHARED / CACHE) if p.is_file()), None)
    if path is None:
        pytest.skip(f"{CACHE} is not present (training/train_compare.py writes it)")
    with path.open("rb") as f:
        cached = list(pickle.load(f).values())
    rng = random.Random(0)
    pairs = [(rng.choice(cached), rng.choice(cached)) for _ in range(3000)]
    pairs += [(b, b) for b in cached[:20]]
    _assert_same(pairs)
