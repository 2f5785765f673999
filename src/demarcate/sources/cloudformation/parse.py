"""Read a CloudFormation template (YAML or JSON) safely, remembering where each resource is.

YAML goes through :class:`TemplateLoader`, a ``yaml.SafeLoader`` subclass: no Python object
tags, the short intrinsic tags (``!Ref``, ``!GetAtt``, ``!Sub`` …) become the long
``{"Fn::…": …}`` / ``{"Ref": …}`` forms, and ``2012-10-17`` stays a string (CloudFormation has
no timestamps). Hostile input fails fast with :class:`TemplateError`:

* files over :data:`MAX_BYTES` are refused before parsing;
* nesting deeper than :data:`MAX_DEPTH` stops the composer at that depth;
* aliases are counted (:data:`MAX_ALIASES`) and the size of the document *with aliases
  expanded* is bounded (:data:`MAX_EXPANDED_NODES`), which stops "billion laughs" bombs
  before anything walks the expanded tree; recursive aliases are refused.

JSON is parsed with the standard library (depth checked the same way); the line of each
logical resource is found by a small scanner over the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 1_000
MAX_EXPANDED_NODES = 200_000


class TemplateError(Exception):
    """The template cannot be read; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class ParsedTemplate:
    body: dict[str, Any]
    resource_lines: dict[str, int] = field(default_factory=dict)
    fmt: str = "yaml"  # "yaml" | "json"


# ---- YAML ---------------------------------------------------------------------------------------

# Short tag -> long function name. !Ref and !Condition are not "Fn::".
_FN_TAGS = (
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Equals",
    "And",
    "Or",
    "Not",
    "Transform",
    "Length",
    "ToJsonString",
    "GetAtt",
)


class TemplateLoader(yaml.SafeLoader):
    """Safe YAML with CloudFormation's short intrinsic tags and resource limits."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise TemplateError(
                    f"more than {MAX_ALIASES} YAML aliases (possible alias bomb)",
                    event.start_mark.line + 1,
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise TemplateError(
                    f"nesting deeper than {MAX_DEPTH} levels", event.start_mark.line + 1
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# CloudFormation has no timestamp type: keep 2012-10-17 (policy versions) as text.
TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_any(loader: TemplateLoader, node: Node) -> Any:
    if isinstance(node, ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise TemplateError("unreadable YAML node", node.start_mark.line + 1)


def _ref(loader: TemplateLoader, node: Node) -> dict[str, Any]:
    return {"Ref": _construct_any(loader, node)}


def _condition(loader: TemplateLoader, node: Node) -> dict[str, Any]:
    return {"Condition": _construct_any(loader, node)}


def _getatt(loader: TemplateLoader, node: Node) -> dict[str, Any]:
    value = _construct_any(loader, node)
    if isinstance(value, str):
        logical, _, attr = value.partition(".")
        if not attr:
            raise TemplateError(
                f"!GetAtt {value!r} needs the form Resource.Attribute", node.start_mark.line + 1
            )
        return {"Fn::GetAtt": [logical, attr]}
    return {"Fn::GetAtt": value}


def _fn(name: str) -> Any:
    def construct(loader: TemplateLoader, node: Node) -> dict[str, Any]:
        return {f"Fn::{name}": _construct_any(loader, node)}

    return construct


TemplateLoader.add_constructor("!Ref", _ref)
TemplateLoader.add_constructor("!Condition", _condition)
TemplateLoader.add_constructor("!GetAtt", _getatt)
for _name in _FN_TAGS:
    if _name != "GetAtt":
        TemplateLoader.add_constructor(f"!{_name}", _fn(_name))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _unique_nodes(root: Node) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(_children(node))
    return len(seen)


def _expanded_size(root: Node) -> int:
    """Node count with every alias expanded (shared nodes counted once per use).

    Aliases may add at most :data:`MAX_EXPANDED_NODES` nodes to the document as written.
    """
    limit = _unique_nodes(root) + MAX_EXPANDED_NODES
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    # Iterative post-order walk: the alias graph can be deep in expanded form only.
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            in_progress.discard(key)
            total = 1 + sum(sizes[id(c)] for c in _children(node))
            if total > limit:
                raise TemplateError(
                    f"YAML aliases expand the document by more than {MAX_EXPANDED_NODES} "
                    "nodes (alias bomb)",
                    node.start_mark.line + 1,
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in in_progress:
            raise TemplateError("recursive YAML alias", node.start_mark.line + 1)
        in_progress.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in in_progress:
                raise TemplateError("recursive YAML alias", child.start_mark.line + 1)
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _yaml_resource_lines(root: Node) -> dict[str, int]:
    lines: dict[str, int] = {}
    if not isinstance(root, MappingNode):
        return lines
    for key, value in root.value:
        if (
            isinstance(key, ScalarNode)
            and key.value == "Resources"
            and isinstance(value, MappingNode)
        ):
            for res_key, _ in value.value:
                if isinstance(res_key, ScalarNode):
                    lines.setdefault(str(res_key.value), res_key.start_mark.line + 1)
    return lines


def parse_yaml(text: str) -> ParsedTemplate:
    loader = TemplateLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise TemplateError(
                f"YAML: {exc.problem or exc.context or exc}", mark.line + 1 if mark else None
            ) from None
        except yaml.YAMLError as exc:
            raise TemplateError(f"YAML: {exc}") from None
        except RecursionError:
            raise TemplateError("nesting too deep") from None
        if root is None:
            raise TemplateError("the file is empty", 1)
        _expanded_size(root)
        try:
            body = loader.construct_document(root)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise TemplateError(
                f"YAML: {exc.problem or exc.context or exc}", mark.line + 1 if mark else None
            ) from None
        except yaml.YAMLError as exc:
            raise TemplateError(f"YAML: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(body, dict):
        raise TemplateError("the template is not a mapping", root.start_mark.line + 1)
    return ParsedTemplate(body, _yaml_resource_lines(root), "yaml")


# ---- JSON ---------------------------------------------------------------------------------------


def _json_depth_ok(text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before json.loads recurses into it."""
    depth = 0
    in_string = False
    escape = False
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
            if depth > MAX_DEPTH:
                raise TemplateError(f"nesting deeper than {MAX_DEPTH} levels", line)
        elif ch in "}]":
            depth -= 1


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _json_resource_lines(text: str) -> dict[str, int]:
    """Line of each ``"LogicalId":`` key directly inside the top-level ``"Resources"`` object."""
    lines: dict[str, int] = {}
    depth = 0
    pos = 0
    line = 1
    resources_depth: int | None = None  # depth of the Resources object's members' container
    pending = False  # just saw the top-level "Resources" key: its value comes next
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == '"':
            m = _STRING.match(text, pos)
            if not m:
                break
            raw = m.group(0)
            rest = m.end()
            while rest < n and text[rest] in " \t\r\n":
                rest += 1
            if rest < n and text[rest] == ":":
                try:
                    key = json.loads(raw)
                except ValueError:
                    key = raw[1:-1]
                if depth == 1 and key == "Resources":
                    pending = True
                elif resources_depth is not None and depth == resources_depth:
                    lines.setdefault(str(key), line)
            else:
                pending = False
            line += raw.count("\n")
            pos = m.end()
            continue
        if ch == "\n":
            line += 1
        elif ch in "{[":
            depth += 1
            if pending and ch == "{":
                resources_depth = depth
            pending = False
        elif ch in "}]":
            if resources_depth is not None and depth == resources_depth:
                resources_depth = None
            depth -= 1
        elif not ch.isspace() and ch not in ":,":
            pending = False
        pos += 1
    return lines


def parse_json(text: str) -> ParsedTemplate:
    _json_depth_ok(text)
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TemplateError(f"JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise TemplateError("nesting too deep") from None
    if not isinstance(body, dict):
        raise TemplateError("the template is not a JSON object", 1)
    return ParsedTemplate(body, _json_resource_lines(text), "json")


# ---- entry point --------------------------------------------------------------------------------


def read_template(path: Path) -> ParsedTemplate:
    """Parse ``path`` as JSON (``.json``, or text starting with ``{``) or YAML."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise TemplateError(f"the file is {size} bytes, over the {MAX_BYTES}-byte limit")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise TemplateError(f"the file is over the {MAX_BYTES}-byte limit")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TemplateError(
            f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return parse_json(text)
        except TemplateError:
            if path.suffix.lower() == ".json":
                raise
    return parse_yaml(text)
