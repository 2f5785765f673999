"""Render ``data "aws_iam_policy_document"`` to the JSON Terraform produces, so policies
written that way are judged like literal ones. Unknown pieces make the document unknown."""

from __future__ import annotations

import json
from typing import Any

from demarcate.sources.terraform.values import UnknownValue, first_unknown


def _one_or_list(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _principals(blocks: Any) -> Any:
    out: dict[str, Any] = {}
    for block in blocks or []:
        kind = block.get("type")
        ids = block.get("identifiers") or []
        if kind == "*" and ids == ["*"]:
            return "*"
        existing = out.get(kind)
        merged = ([existing] if isinstance(existing, str) else existing or []) + list(ids)
        out[kind] = _one_or_list(merged)
    return out


def _statement(raw: dict[str, Any]) -> dict[str, Any]:
    stmt: dict[str, Any] = {}
    if raw.get("sid"):
        stmt["Sid"] = raw["sid"]
    stmt["Effect"] = raw.get("effect") or "Allow"
    for key, out_key in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        values = raw.get(key)
        if values:
            stmt[out_key] = _one_or_list(list(values))
    if raw.get("principals"):
        stmt["Principal"] = _principals(raw["principals"])
    if raw.get("not_principals"):
        stmt["NotPrincipal"] = _principals(raw["not_principals"])
    conditions: dict[str, dict[str, Any]] = {}
    for cond in raw.get("condition") or []:
        test, variable = cond.get("test"), cond.get("variable")
        values = list(cond.get("values") or [])
        conditions.setdefault(str(test), {})[str(variable)] = _one_or_list(values)
    if conditions:
        stmt["Condition"] = conditions
    return stmt


def render_policy_document(attrs: dict[str, Any]) -> Any:
    unknown = first_unknown(attrs)
    if unknown is not None:
        return UnknownValue(f"policy document has unknown parts: {unknown.reason}")
    try:
        statements: list[dict[str, Any]] = []
        for text in attrs.get("source_policy_documents") or []:
            doc = json.loads(text)
            found = doc.get("Statement") or []
            statements.extend(found if isinstance(found, list) else [found])
        own = [_statement(s) for s in attrs.get("statement") or []]
        for stmt in own:
            sid = stmt.get("Sid")
            if sid and any(s.get("Sid") == sid for s in statements):
                statements = [stmt if s.get("Sid") == sid else s for s in statements]
            else:
                statements.append(stmt)
        for text in attrs.get("override_policy_documents") or []:
            doc = json.loads(text)
            found = doc.get("Statement") or []
            for stmt in found if isinstance(found, list) else [found]:
                sid = stmt.get("Sid")
                if sid and any(s.get("Sid") == sid for s in statements):
                    statements = [stmt if s.get("Sid") == sid else s for s in statements]
                else:
                    statements.append(stmt)
    except (ValueError, AttributeError, TypeError) as exc:
        return UnknownValue(f"policy document cannot be rendered: {exc}")
    document: dict[str, Any] = {"Version": attrs.get("version") or "2012-10-17"}
    if attrs.get("policy_id"):
        document["Id"] = attrs["policy_id"]
    document["Statement"] = statements
    return json.dumps(document)
