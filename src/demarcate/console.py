"""The CLI's two consoles, created on first use.

Importing rich costs a noticeable share of a small IaC scan, and a ``--quiet`` run writing a
file never needs it; plain one-line notes go straight to stderr through :func:`note`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """A rich Console built at the first attribute access (then it is just that Console)."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            if self._stderr:
                self._console = Console(stderr=True)
            else:
                self._console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


out = LazyConsole()
err = LazyConsole(stderr=True)


def escape(text: str) -> str:
    """Escape rich markup in ``text`` (resource names and paths are untrusted)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def note(message: str) -> None:
    """A plain line on stderr, e.g. which file was written."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
