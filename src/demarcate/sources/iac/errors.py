"""Errors shared by the Infrastructure-as-Code sources (Terraform, CloudFormation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IacParseError:
    """A file (or part of one) that could not be read: where, and the parser's message."""

    path: str
    line: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
