"""Errors a user can cause.

Every one carries a one-line message that names the input and the problem; the CLI prints it
without a traceback and exits non-zero. Anything that is *not* a ``StorylineError`` is a bug.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class: a problem with the user's input or environment, not with storyline."""

    def __init__(self, message: str, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


def without_source(message: str, source: str | None) -> str:
    """``message`` without the ``source: `` prefix :class:`StorylineError` puts in front, for
    reports that name the source in a field of their own."""
    prefix = f"{source}: "
    return message[len(prefix) :] if source and message.startswith(prefix) else message


class InputError(StorylineError):
    """An input file or stream cannot be read as news (binary, empty, undecodable, too big)."""


class UnsupportedInput(InputError):
    """The input's format is not one storyline reads."""


class StoreError(StorylineError):
    """The store cannot be opened or written (read-only, locked, corrupt, wrong schema)."""


class NotFound(StorylineError):
    """A requested article / event / entity id is not in the store."""


class LinkConflict(StoreError):
    """Another process linked the store while this one was linking: its result is stale."""
