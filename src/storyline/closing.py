"""``with`` support for the objects that hold a resource: stores, fetchers, Dask runners.

Each of them has its own ``close()`` (safe to call twice); ``with obj:`` must call it however the
block ends, including Ctrl-C. Written once here instead of three identical pairs of methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Closing(ABC):
    """Base: ``with x:`` returns ``x`` and calls ``x.close()`` at the end of the block."""

    @abstractmethod
    def close(self) -> None:
        """Release what the object holds. Safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
