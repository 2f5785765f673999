"""Registry of report formats. Each renders the JSON result (a dict) to text.

A format module in ``demarcate.outputs`` registers itself:

    @output_format("csv", extension="csv", description="one row per finding")
    def render_csv(report: dict) -> str: ...

Every format renders from the saved JSON result, so `demarcate report RESULT.json --format X`
needs no rescan and all formats agree on the counts.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Renderer = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class OutputFormat:
    name: str
    extension: str
    description: str
    render: Renderer


FORMATS: dict[str, OutputFormat] = {}


def output_format(name: str, *, extension: str, description: str) -> Callable[[Renderer], Renderer]:
    def wrap(fn: Renderer) -> Renderer:
        if name in FORMATS:
            raise ValueError(f"output format {name} registered twice")
        FORMATS[name] = OutputFormat(name, extension, description, fn)
        return fn

    return wrap


def load_formats() -> dict[str, OutputFormat]:
    import demarcate.outputs as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name not in ("formats", "atomic", "terminal"):
            importlib.import_module(f"{pkg.__name__}.{mod.name}")
    return FORMATS
