"""Terraform plan JSON (``terraform show -json plan.out``) as a scan source.

``planned_values`` (root and child modules) give each resource instance's values; values the
plan marks in ``resource_changes[].change.after_unknown`` become "known after apply" unknowns.
Where such an unknown value is a reference to another resource's identity (``bucket =
aws_s3_bucket.logs.id``), the ``configuration`` section's ``references`` turn it into the same
identity token the HCL front-end produces, so folding (versioning into its bucket, rules into
their security group …) works the same way. Region and account come from the AWS provider
configuration. The result feeds the one mapping shared with the HCL front-end.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from demarcate.sources.iac.errors import IacParseError
from demarcate.sources.iac.limits import InputRejected, max_nesting, read_text
from demarcate.sources.terraform.derive import derive
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import UnknownValue

AFTER_APPLY = "known after apply"
_REF = re.compile(
    r"^(?P<base>(?:module\.[A-Za-z0-9_-]+\.)*(?:data\.)?[A-Za-z0-9_]+\.[A-Za-z0-9_-]+)"
    r"(?P<index>\[[^\]]+\])?(?:\.(?P<attr>[A-Za-z0-9_]+))?"
)


class PlanError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


_NO_CONFIG = object()  # the plan has no configuration for this part: keep unknowns


def _apply_unknown(values: Any, unknown: Any, expr: Any = _NO_CONFIG) -> Any:
    """``values`` with every leaf ``unknown`` marks as true replaced by an unknown value.

    An argument the configuration does not set is only "unknown" because the provider
    computes it (``acl``, ``policy`` … of ``aws_s3_bucket`` since v4, ``kms_key_id`` of an
    unencrypted database): it is dropped, so the provider default applies, as in HCL.
    """
    if unknown is True:
        if expr is None:
            return None
        return UnknownValue(AFTER_APPLY)
    if isinstance(unknown, dict):
        out = dict(values) if isinstance(values, dict) else {}
        for key, mark in unknown.items():
            sub = (
                expr.get(key)
                if isinstance(expr, dict)
                else _NO_CONFIG
                if expr is _NO_CONFIG
                else None
            )
            value = _apply_unknown(out.get(key), mark, sub)
            if value is None and mark is True and sub is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out
    if isinstance(unknown, list):
        items = list(values) if isinstance(values, list) else []
        while len(items) < len(unknown):
            items.append(None)
        out_list = []
        for i, mark in enumerate(unknown):
            if isinstance(expr, list):
                sub = expr[i] if i < len(expr) else expr[-1] if expr else None
            else:
                sub = _NO_CONFIG if expr is _NO_CONFIG else None
            out_list.append(_apply_unknown(items[i], mark, sub))
        return out_list
    return values


def _line_of(text: str, address: str) -> int | None:
    pos = text.find(f'"address": {json.dumps(address)}')
    if pos < 0:
        pos = text.find(f'"address":{json.dumps(address)}')
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


class _Config:
    """The ``configuration`` section: expressions (for references) and provider settings."""

    def __init__(self, doc: dict[str, Any]) -> None:
        config = doc.get("configuration") or {}
        self.variables = {
            k: (v or {}).get("value") for k, v in (doc.get("variables") or {}).items()
        }
        self.providers: dict[str, dict[str, Any]] = {}
        for key, prov in (config.get("provider_config") or {}).items():
            if (prov or {}).get("name") == "aws":
                self.providers[key] = prov.get("expressions") or {}
        self.resources: dict[str, dict[str, Any]] = {}
        self._walk(config.get("root_module") or {}, "")

    def _walk(self, module: dict[str, Any], prefix: str) -> None:
        for res in module.get("resources") or []:
            address = f"{prefix}{res.get('address')}"
            self.resources[address] = res
        for name, call in (module.get("module_calls") or {}).items():
            self._walk(call.get("module") or {}, f"{prefix}module.{name}.")

    def _value(self, expr: Any) -> Any:
        if not isinstance(expr, dict):
            return None
        if "constant_value" in expr:
            return expr["constant_value"]
        for ref in expr.get("references") or []:
            if ref.startswith("var."):
                return self.variables.get(ref[4:].split(".")[0])
        return None

    def provider(self, key: str | None) -> tuple[Any, str | None]:
        """(region, account) of a provider config key (``aws``, ``aws.west``, ``module.x:aws``)."""
        exprs = self.providers.get(key or "aws")
        if exprs is None and key and ":" in key:
            exprs = self.providers.get(key.split(":", 1)[1])
        if exprs is None:
            exprs = self.providers.get("aws") or (
                next(iter(self.providers.values())) if len(self.providers) == 1 else None
            )
        if exprs is None:
            return None, None
        region = self._value(exprs.get("region"))
        if region is None and "region" in exprs:
            region = UnknownValue("the provider region depends on values the plan does not show")
        ids = self._value(exprs.get("allowed_account_ids"))
        account = ids[0] if isinstance(ids, list) and len(ids) == 1 else None
        return region, account


def _module_of(address: str) -> str | None:
    match = re.match(r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)+)", address)
    return match.group(1).rstrip(".") if match else None


def _config_address(address: str) -> str:
    """``module.a["x"].aws_s3_bucket.b[0]`` -> ``module.a.aws_s3_bucket.b``."""
    return re.sub(r"\[[^\]]*\]", "", address)


def load_plan(
    path: Path, scan_root: Path | None = None
) -> tuple[list[RawResource], str | None, list[IacParseError]]:
    """(resource instances, account, parse errors) of one plan JSON file."""
    rel = path.as_posix()
    if scan_root is not None:
        with contextlib.suppress(ValueError):
            rel = path.resolve().relative_to(scan_root.resolve()).as_posix()
    try:
        text = read_text(path)
        max_nesting(text)
        doc = json.loads(text)
    except InputRejected as exc:
        return [], None, [IacParseError(rel, exc.line, str(exc))]
    except json.JSONDecodeError as exc:
        return [], None, [IacParseError(rel, exc.lineno, exc.msg)]
    except (OSError, RecursionError) as exc:
        return [], None, [IacParseError(rel, None, f"cannot read plan: {exc}")]
    if not isinstance(doc, dict) or "planned_values" not in doc:
        return [], None, [IacParseError(rel, 1, "not a Terraform plan (no planned_values)")]
    config = _Config(doc)
    changes = {
        rc.get("address"): (rc.get("change") or {})
        for rc in doc.get("resource_changes") or []
        if isinstance(rc, dict)
    }
    raws: list[RawResource] = []
    accounts: set[str] = set()

    def walk(module: dict[str, Any]) -> None:
        for res in module.get("resources") or []:
            if not isinstance(res, dict):
                continue
            address = str(res.get("address"))
            change = changes.get(address, {})
            actions = change.get("actions") or []
            if actions == ["delete"]:
                continue
            conf = config.resources.get(_config_address(address), {})
            exprs = conf.get("expressions") if conf else _NO_CONFIG
            values = _apply_unknown(
                res.get("values") or {},
                change.get("after_unknown") or {},
                exprs if exprs is not None else {},
            )
            region, account = config.provider(conf.get("provider_config_key"))
            if account:
                accounts.add(account)
            module_addr = _module_of(address)
            raws.append(
                RawResource(
                    type=str(res.get("type")),
                    name=str(res.get("name")),
                    address=address,
                    attrs=values,
                    module=module_addr,
                    file=rel,
                    line=_line_of(text, address),
                    region=region,
                    account=account,
                    mode=str(res.get("mode") or "managed"),
                    index=res.get("index"),
                    config_refs=_references(conf.get("expressions") or {}),
                )
            )
        for child in module.get("child_modules") or []:
            if isinstance(child, dict):
                walk(child)

    walk((doc.get("planned_values") or {}).get("root_module") or {})
    account = accounts.pop() if len(accounts) == 1 else None
    _resolve_tokens(raws, account)
    return raws, account, []


def _references(expressions: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """attribute path ("bucket", "rule.0.apply…") -> references of its expression."""
    out: dict[str, list[str]] = {}
    for key, expr in expressions.items():
        path = f"{prefix}{key}"
        if isinstance(expr, dict):
            if "references" in expr:
                out[path] = [str(r) for r in expr["references"]]
            elif "constant_value" not in expr:
                out.update(_references(expr, f"{path}."))
        elif isinstance(expr, list):
            for i, item in enumerate(expr):
                if isinstance(item, dict):
                    out.update(_references(item, f"{path}.{i}."))
    return out


def _resolve_tokens(raws: list[RawResource], account: str | None) -> None:
    """Replace unknown reference values by the identity token of the resource they name."""
    by_base: dict[str, list[RawResource]] = {}
    for raw in raws:
        base = re.sub(r"\[[^\]]*\]$", "", raw.address)
        by_base.setdefault(base, []).append(raw)
    identities: dict[str, dict[str, Any]] = {}

    def identity(raw: RawResource) -> dict[str, Any]:
        if raw.address not in identities:
            known = {k: v for k, v in raw.attrs.items() if not isinstance(v, UnknownValue)}
            identities[raw.address] = derive(
                raw.type, known, raw.address, raw.region, raw.account or account
            )
        return identities[raw.address]

    for raw in raws:
        module_prefix = f"{raw.module}." if raw.module else ""
        for path, refs in raw.config_refs.items():
            parts = path.split(".")
            container: Any = raw.attrs
            for part in parts[:-1]:
                if isinstance(container, dict):
                    container = container.get(part)
                elif isinstance(container, list) and part.isdigit() and int(part) < len(container):
                    container = container[int(part)]
                else:
                    container = None
                    break
            last = parts[-1]
            if not isinstance(container, dict) or not isinstance(container.get(last), UnknownValue):
                continue
            token = _token(refs, module_prefix, raw, by_base, identity)
            if token is not None:
                container[last] = token


def _token(
    refs: list[str],
    module_prefix: str,
    raw: RawResource,
    by_base: dict[str, list[RawResource]],
    identity: Any,
) -> Any:
    for ref in refs:
        match = _REF.match(ref)
        if (
            not match
            or not match.group("attr")
            or ref.startswith(("var.", "local.", "each.", "count."))
        ):
            continue
        base = module_prefix + match.group("base")
        targets = by_base.get(base, [])
        if match.group("index"):
            targets = [t for t in targets if t.address == base + match.group("index")]
        elif len(targets) > 1:
            same = [t for t in targets if t.index == raw.index]
            targets = same if len(same) == 1 else []
        if len(targets) != 1:
            continue
        value = identity(targets[0]).get(match.group("attr"))
        if isinstance(value, str):
            return value
    return None


__all__ = ["PlanError", "load_plan"]
