"""Reading IAM-style policy documents: who a statement lets in, and on what condition."""

from __future__ import annotations

import json
from typing import Any

# Condition keys that pin an open principal to a known account, org, source or network.
RESTRICTING_CONDITION_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalaccount",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:principalarn",
        "aws:userid",
        "aws:resourceorgid",
        "kms:calleraccount",
        "kms:viaservice",
        "s3:dataaccesspointaccount",
    }
)


def parse_policy(text: str | dict[str, Any] | None) -> dict[str, Any] | None:
    if text is None:
        return None
    if isinstance(text, dict):
        return text
    try:
        doc = json.loads(text)
    except (TypeError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def statements(policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not policy:
        return []
    stmts = policy.get("Statement", [])
    if isinstance(stmts, dict):
        stmts = [stmts]
    return [s for s in stmts if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def principals(stmt: dict[str, Any]) -> list[str]:
    """Every principal value of a statement ("*" for an anonymous principal)."""
    principal = stmt.get("Principal")
    if principal is None:
        return []
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        out: list[str] = []
        for value in principal.values():
            out.extend(str(v) for v in as_list(value))
        return out
    return [str(p) for p in as_list(principal)]


def is_restricted_by_condition(stmt: dict[str, Any]) -> bool:
    for conditions in (stmt.get("Condition") or {}).values():
        if not isinstance(conditions, dict):
            continue
        for key in conditions:
            if key.lower() in RESTRICTING_CONDITION_KEYS:
                return True
    return False


def public_statements(policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Allow statements open to any principal ("*" or "AWS": "*") with no restricting condition."""
    found = []
    for stmt in statements(policy):
        if stmt.get("Effect") != "Allow":
            continue
        anyone = any(p in ("*", "arn:aws:iam::*:root") for p in principals(stmt))
        if anyone and not is_restricted_by_condition(stmt):
            found.append(stmt)
    return found


def actions(stmt: dict[str, Any]) -> list[str]:
    return [str(a) for a in as_list(stmt.get("Action"))]
