"""Dask for the per-document stages: ``storyline ingest --workers N`` / ``--cluster URL``.

Workers clean, analyse and embed (:mod:`.tasks`); the client reads the inputs, skips what is
stored, and writes every result in input order (:mod:`.ingest`, through the ordered window of
:mod:`.ordered`), then links as a local run does. :mod:`.cluster` starts or connects the cluster.
See ``docs/scale.md``. Importing this package does not import Dask; starting a runner does.
"""

from __future__ import annotations

from storyline.parallel.cluster import DaskRunner
from storyline.parallel.ingest import analyse_pending_distributed, ingest_distributed
from storyline.parallel.ordered import ClusterLost, TaskFailed, ordered_map

__all__ = [
    "ClusterLost",
    "DaskRunner",
    "TaskFailed",
    "analyse_pending_distributed",
    "ingest_distributed",
    "ordered_map",
]
