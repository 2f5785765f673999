"""The fast HCL reader produces exactly the lark grammar's tree on every fixture (and on a
generated benchmark project), and never accepts a file the grammar rejects."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from demarcate.sources.terraform.fastparse import FastParseError, fast_expression, fast_parse
from demarcate.sources.terraform.hcl import Body, HclError, parse_hcl

from .helpers import FIXTURES, TERRAFORM

ROOT = Path(__file__).parent.parent.parent


def _norm(x: Any) -> Any:
    """Trees compare equal modulo how literal template text is split into pieces."""
    if isinstance(x, Body):
        return (
            {k: (_norm(a.expr), a.line) for k, a in x.attributes.items()},
            [(b.type, b.labels, _norm(b.body), b.line) for b in x.blocks],
        )
    if isinstance(x, tuple) and x and x[0] == "tmpl":
        parts: list[Any] = []
        for p in x[1]:
            p = _norm(p)
            if isinstance(p, str) and parts and isinstance(parts[-1], str):
                parts[-1] += p
            else:
                parts.append(p)
        return ("tmpl", parts)
    if isinstance(x, (list, tuple)):
        return type(x)(_norm(i) for i in x)
    return x


CORPUS = sorted(p for p in FIXTURES.rglob("*.tf") if p.parent.name != "broken") + sorted(
    FIXTURES.rglob("*.tfvars")
)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_same_tree_as_the_grammar(path: Path) -> None:
    text = path.read_text()
    assert _norm(fast_parse(text, "f")) == _norm(parse_hcl(text, "f", fast=False))


def test_same_tree_on_a_generated_project(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "gen_terraform", ROOT / "bench" / "gen_terraform.py"
    )
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.generate(tmp_path, 200) >= 200
    for path in sorted(tmp_path.glob("*.tf")):
        text = path.read_text()
        assert _norm(fast_parse(text, "f")) == _norm(parse_hcl(text, "f", fast=False)), path.name


def test_broken_file_is_left_to_the_grammar() -> None:
    text = (TERRAFORM / "broken" / "bad.tf").read_text()
    with pytest.raises(FastParseError):
        fast_parse(text)
    with pytest.raises(HclError) as err:
        parse_hcl(text)
    assert err.value.line == 7


@pytest.mark.parametrize(
    "text",
    ['a = "unterminated', "a = [1, 2", 'resource "x" {', "a = 1 +", "= 1", "a = (1"],
)
def test_rejects_what_the_grammar_rejects(text: str) -> None:
    with pytest.raises(FastParseError):
        fast_parse(text)
    with pytest.raises(HclError):
        parse_hcl(text, fast=False)


def test_expression_entry_point() -> None:
    assert fast_expression('merge({a = 1}, var.x)[ "a" ]') == (
        "index",
        (
            "call",
            "merge",
            [("object", [(("lit", "a"), ("lit", 1))]), ("attr", ("var", "var"), "x")],
            False,
        ),
        ("lit", "a"),
    )
    with pytest.raises(FastParseError):
        fast_expression("1 +")
