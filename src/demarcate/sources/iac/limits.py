"""Guards against huge or hostile IaC input: file size, nesting depth and time.

Every IaC parser reads files through :func:`read_text` (size cap, UTF-8) and checks
:func:`max_nesting` before handing text to a recursive parser, so a 5 MB file of ``[[[[`` or
a YAML alias bomb fails in milliseconds with a clear message instead of exhausting the stack,
memory or the CPU. :class:`Deadline` bounds the wall time of a whole scan.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024  # per file
MAX_NESTING = 64  # brackets/braces deep; real Terraform/CloudFormation stays far below
MAX_COLLECTION = 10_000  # elements a count/for_each/range may produce
SCAN_SECONDS = 300.0  # wall-clock budget of one IaC scan
_NESTING_TOKENS = re.compile(r'\\[^\n]|[\n"()\[\]{}]')


class InputRejected(Exception):
    """The input breaks a limit; the message says which (for the parse error report)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's text; :class:`InputRejected` when it is too big or not UTF-8."""
    size = path.stat().st_size
    if size > limit:
        raise InputRejected(f"file is {size} bytes, over the {limit}-byte limit")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputRejected(f"not UTF-8 text: {exc}") from exc


def max_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Raise :class:`InputRejected` when ``([{`` nest deeper than ``limit``.

    Quoted strings are skipped (HCL/JSON double quotes, YAML single quotes are rare enough to
    over-count harmlessly). Unbalanced text is left to the real parser to report.
    """
    depth = 0
    line = 1
    in_string = False
    # Only the characters that matter, found by the regex engine (a char-by-char Python loop
    # cost more than parsing). A backslash takes the next character with it.
    for match in _NESTING_TOKENS.finditer(text):
        tok = match.group(0)
        if tok == "\n":
            line += 1
            in_string = False  # strings do not span lines in HCL/JSON; recover
            continue
        if in_string:
            if tok == '"':
                in_string = False
            continue
        ch = tok[-1]  # outside strings a backslash escapes nothing
        if ch == '"':
            in_string = True
        elif ch in "([{":
            depth += 1
            if depth > limit:
                raise InputRejected(f"nesting deeper than {limit} levels", line)
        elif ch in ")]}":
            depth = max(0, depth - 1)


class Deadline:
    """A wall-clock budget; ``expired`` says when the rest of the work must be skipped."""

    def __init__(self, seconds: float = SCAN_SECONDS) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() > self.end

    def check(self) -> None:
        if self.expired:
            raise InputRejected(f"scan time budget of {self.seconds:.0f}s exceeded")
