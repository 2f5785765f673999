"""Load a Terraform configuration: the root directory, its local modules (recursively, with
their inputs), variables (defaults, ``terraform.tfvars``, ``*.auto.tfvars``, var files, -var
overrides), locals, providers (region, account) and every resource instance, evaluated.

Evaluation is lazy: a resource's attributes are evaluated when it is first needed (as a
result or through a reference), memoized, and reference cycles end as unknown values.
``count`` / ``for_each`` with known values expand to instances; unknown ones give a single
instance whose ``count.index`` / ``each.*`` are unknown (the configuration is judged as if it
were created).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demarcate.sources.iac.errors import IacParseError
from demarcate.sources.iac.limits import MAX_COLLECTION, Deadline, InputRejected, read_text
from demarcate.sources.terraform.derive import derive
from demarcate.sources.terraform.evaluate import (
    Budget,
    EvalError,
    Namespace,
    Scope,
    evaluate,
    to_bool,
    to_number,
)
from demarcate.sources.terraform.hcl import (
    Block,
    Body,
    HclError,
    parse_expression,
    parse_hcl,
    parse_tf_json,
    parse_tfvars_json,
)
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import ResourceObject, UnknownValue, first_unknown

MAX_MODULE_DEPTH = 12
META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle"})
SKIP_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "timeouts"})


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# ---- module sources (files of one directory) ------------------------------------------------


@dataclass
class ModuleSource:
    directory: Path
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)  # name -> Attribute
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    resource_types: set[str] = field(default_factory=set)


class Loader:
    """Parses directories once, records parse errors, hands out :class:`ModuleSource`."""

    def __init__(self, root: Path, deadline: Deadline | None = None) -> None:
        self.root = root
        self.deadline = deadline or Deadline()
        self.errors: list[IacParseError] = []
        self.warnings: list[str] = []
        self._cache: dict[Path, ModuleSource] = {}

    def rel(self, path: Path) -> str:
        return display_path(path, self.root)

    def error(self, path: Path, line: int | None, message: str) -> None:
        self.errors.append(IacParseError(self.rel(path), line, message))

    def files(self, directory: Path) -> list[Path]:
        try:
            found = [
                p
                for p in directory.iterdir()
                if p.is_file()
                and (p.name.endswith(".tf") or p.name.endswith(".tf.json"))
                and not p.name.startswith(".")
            ]
        except OSError as exc:
            self.error(directory, None, f"cannot list directory: {exc.strerror or exc}")
            return []
        return sorted(found)

    def load(self, directory: Path, only: list[Path] | None = None) -> ModuleSource:
        key = directory.resolve()
        if only is None and key in self._cache:
            return self._cache[key]
        source = ModuleSource(directory)
        for path in only if only is not None else self.files(directory):
            if self.deadline.expired:
                self.error(path, None, "skipped: scan time budget exceeded")
                continue
            try:
                text = read_text(path)
                body = (
                    parse_tf_json(text, self.rel(path))
                    if path.name.endswith(".json")
                    else parse_hcl(text, self.rel(path))
                )
            except InputRejected as exc:
                self.error(path, exc.line, str(exc))
                continue
            except HclError as exc:
                self.error(path, exc.line, str(exc))
                continue
            except OSError as exc:
                self.error(path, None, f"cannot read: {exc.strerror or exc}")
                continue
            for line, message in body.errors:
                self.error(path, line, message)
            self._collect(source, body)
        if only is None:
            self._cache[key] = source
        return source

    def _collect(self, source: ModuleSource, body: Body) -> None:
        for block in body.blocks:
            kind, labels = block.type, block.labels
            if kind == "resource" and len(labels) == 2:
                source.resources[(labels[0], labels[1])] = block
                source.resource_types.add(labels[0])
            elif kind == "data" and len(labels) == 2:
                source.data[(labels[0], labels[1])] = block
            elif kind == "variable" and labels:
                source.variables[labels[0]] = block
            elif kind == "locals":
                source.locals.update(block.body.attributes)
            elif kind == "module" and labels:
                source.modules[labels[0]] = block
            elif kind == "output" and labels:
                source.outputs[labels[0]] = block
            elif kind == "provider" and labels and labels[0] == "aws":
                source.providers.append(block)

    def tfvars(self, path: Path) -> dict[str, Any]:
        """Variable expressions from a .tfvars / .tfvars.json file (errors recorded)."""
        try:
            text = read_text(path)
            if path.name.endswith(".json"):
                return parse_tfvars_json(text)
            body = parse_hcl(text, self.rel(path))
        except (InputRejected, HclError) as exc:
            self.error(path, getattr(exc, "line", None), str(exc))
            return {}
        except (OSError, ValueError) as exc:
            self.error(path, None, f"cannot read variables: {exc}")
            return {}
        return {name: attr.expr for name, attr in body.attributes.items()}


# ---- providers ------------------------------------------------------------------------------


@dataclass
class Provider:
    region: Any = None  # str | UnknownValue | None
    account: str | None = None


def _provider_from(block: Block, scope: Scope) -> Provider:
    attrs = block.body.attributes
    region: Any = None
    if "region" in attrs:
        region = evaluate(attrs["region"].expr, scope)
        if region is not None and not isinstance(region, (str, UnknownValue)):
            region = UnknownValue("provider region is not a string")
    account: str | None = None
    if "allowed_account_ids" in attrs:
        ids = evaluate(attrs["allowed_account_ids"].expr, scope)
        if isinstance(ids, list) and len(ids) == 1 and isinstance(ids[0], str):
            account = ids[0]
    if account is None:
        for assume in block.body.blocks_of("assume_role"):
            if "role_arn" in assume.body.attributes:
                arn = evaluate(assume.body.attributes["role_arn"].expr, scope)
                parts = arn.split(":") if isinstance(arn, str) else []
                if len(parts) > 4 and parts[4].isdigit():
                    account = parts[4]
    return Provider(region, account)


# ---- module instances -----------------------------------------------------------------------


class ModuleInstance:
    def __init__(
        self,
        project: Project,
        source: ModuleSource,
        path: str,  # "" for the root, "module.a", "module.a[0].module.b" …
        inputs: dict[str, Any],
        providers: dict[str, Provider],
        depth: int = 0,
        chain: tuple[Path, ...] = (),
    ) -> None:
        self.project = project
        self.source = source
        self.path = path
        self.inputs = inputs
        self.depth = depth
        self.chain = (*chain, source.directory.resolve())
        self.scope = Scope(self._root_name, project.budget, source.directory, project.root)
        self._locals: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        self._vars: dict[str, Any] = {}
        self._resources: dict[tuple[str, str, str], Any] = {}
        self._instances: dict[  # or _IN_PROGRESS while being expanded
            tuple[str, str, str], list[tuple[Any, ResourceObject, RawResource]] | object
        ] = {}
        self._modules: dict[str, Any] = {}
        self.providers = dict(providers)
        for block in source.providers if path else []:  # a module's own (legacy) providers
            alias = block.body.attributes.get("alias")
            name = "aws"
            if alias is not None:
                value = evaluate(alias.expr, self.scope)
                name = f"aws.{value}" if isinstance(value, str) else "aws.?"
            self.providers[name] = _provider_from(block, self.scope)

    # -- names ----------------------------------------------------------------------------
    def prefix(self, address: str) -> str:
        return f"{self.path}.{address}" if self.path else address

    def _root_name(self, name: str) -> Any:
        if name == "var":
            return Namespace(self.variable, "var")
        if name == "local":
            return Namespace(self.local, "local")
        if name == "module":
            return Namespace(self.module_value, "module")
        if name == "data":
            return Namespace(
                lambda t: Namespace(lambda n: self.resource_value("data", t, n), f"data.{t}"),
                "data",
            )
        if name == "path":
            module_dir = self.project.rel(self.source.directory) or "."
            return {"module": module_dir, "root": ".", "cwd": "."}
        if name == "terraform":
            return {"workspace": "default"}
        if name in ("count", "each", "self"):
            raise EvalError(f"{name} is not available here")
        if name in self.source.resource_types:
            return Namespace(lambda n: self.resource_value("managed", name, n), name)
        raise EvalError(f"unknown name {name!r}")

    def variable(self, name: str) -> Any:
        if name in self._vars:
            return self._vars[name]
        block = self.source.variables.get(name)
        if block is None:
            raise EvalError(f"variable {name!r} is not declared")
        if name in self.inputs:
            value = self.inputs[name]
        elif "default" in block.body.attributes:
            value = evaluate(block.body.attributes["default"].expr, self.scope)
        else:
            value = UnknownValue(f"variable {name} has no value (no default, tfvars or -var)")
        value = _convert(value, block)
        self._vars[name] = value
        return value

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        attr = self.source.locals.get(name)
        if attr is None:
            raise EvalError(f"local {name!r} is not declared")
        if name in self._evaluating:
            return UnknownValue(f"local.{name} refers to itself")
        self._evaluating.add(name)
        try:
            value = evaluate(attr.expr, self.scope)
        finally:
            self._evaluating.discard(name)
        self._locals[name] = value
        return value

    # -- providers ------------------------------------------------------------------------
    def provider_for(self, block: Block) -> Provider:
        ref = block.body.attributes.get("provider")
        name = "aws"
        if ref is not None:
            node = ref.expr
            if node[0] == "attr" and node[1] == ("var", "aws"):
                name = f"aws.{node[2]}"
            elif node[0] == "var":
                name = node[1]
        provider = self.providers.get(name)
        if provider is None:
            if name.startswith("aws") and name != "aws":
                return Provider(UnknownValue(f"provider {name} is not configured in the code"))
            return self.providers.get("aws") or Provider()
        return provider

    # -- resources ------------------------------------------------------------------------
    def resource_value(self, mode: str, rtype: str, name: str) -> Any:
        key = (mode, rtype, name)
        if key in self._resources:
            cached = self._resources[key]
            if cached is _IN_PROGRESS:
                return UnknownValue(f"{rtype}.{name} refers to itself (reference cycle)")
            return cached
        table = self.source.resources if mode == "managed" else self.source.data
        block = table.get((rtype, name))
        if block is None:
            where = "data." if mode == "data" else ""
            raise EvalError(f"{where}{rtype}.{name} is not declared")
        self._resources[key] = _IN_PROGRESS
        try:
            instances = self.instances(mode, rtype, name)
            attrs = block.body.attributes
            if isinstance(instances, UnknownValue):
                value: Any = instances
            elif "count" in attrs:
                value = [obj for _, obj, _ in instances]
            elif "for_each" in attrs:
                value = {str(k): obj for k, obj, _ in instances}
            else:
                value = (
                    instances[0][1]
                    if instances
                    else UnknownValue(f"{rtype}.{name} has no instance")
                )
        finally:
            self._resources.pop(key, None)
        self._resources[key] = value
        return value

    def instances(self, mode: str, rtype: str, name: str) -> Any:
        key = (mode, rtype, name)
        if key in self._instances:
            cached = self._instances[key]
            if cached is _IN_PROGRESS:
                return UnknownValue(f"{rtype}.{name} refers to itself (reference cycle)")
            return cached
        table = self.source.resources if mode == "managed" else self.source.data
        block = table[(rtype, name)]
        self._instances[key] = _IN_PROGRESS
        base = f"{'data.' if mode == 'data' else ''}{rtype}.{name}"
        out: list[tuple[Any, ResourceObject, RawResource]] = []
        provider = self.provider_for(block)
        for index, frame in _expansions(block, self.scope):
            suffix = (
                ""
                if index is None
                else f"[{json.dumps(index) if isinstance(index, str) else index}]"
            )
            address = self.prefix(base + suffix)
            scope = self.scope.child(frame) if frame else self.scope
            attrs = evaluate_body(block.body, scope, META_ARGUMENTS)
            if mode == "data":
                obj = ResourceObject(
                    address, self.project.data_source(rtype, attrs, provider, address)
                )
            else:
                obj = ResourceObject(
                    address,
                    derive(
                        rtype,
                        attrs,
                        address,
                        provider.region,
                        provider.account or self.project.account,
                    ),
                )
            raw = RawResource(
                type=rtype,
                name=name,
                address=address,
                attrs=attrs,
                module=self.path or None,
                file=block.file,
                line=block.line,
                region=provider.region,
                account=provider.account or self.project.account,
                mode=mode,
                index=index,
            )
            out.append((index, obj, raw))
        self._instances[key] = out
        return out

    # -- modules --------------------------------------------------------------------------
    def module_value(self, name: str) -> Any:
        children = self.children(name)
        if isinstance(children, UnknownValue):
            return children
        block = self.source.modules[name]
        if "count" in block.body.attributes:
            return [child.outputs() for _, child in children]
        if "for_each" in block.body.attributes:
            return {str(k): child.outputs() for k, child in children}
        return (
            children[0][1].outputs() if children else UnknownValue(f"module.{name} has no instance")
        )

    def outputs(self) -> Any:
        def get(name: str) -> Any:
            block = self.source.outputs.get(name)
            if block is None:
                raise EvalError(f"module output {name!r} is not declared")
            value = block.body.attributes.get("value")
            return evaluate(value.expr, self.scope) if value else None

        return Namespace(get, f"{self.path} outputs")

    def children(self, name: str) -> Any:
        if name in self._modules:
            return self._modules[name]
        block = self.source.modules.get(name)
        if block is None:
            raise EvalError(f"module {name!r} is not declared")
        self._modules[name] = []
        result = self._load_children(name, block)
        self._modules[name] = result
        return result

    def _load_children(self, name: str, block: Block) -> Any:
        src_attr = block.body.attributes.get("source")
        source_text = evaluate(src_attr.expr, self.scope) if src_attr else None
        if not isinstance(source_text, str):
            return UnknownValue(f"module {name}: source is not a literal string")
        directory = self.project.module_dir(self, name, source_text)
        if directory is None:
            self.project.warn(
                f"{self.prefix('module.' + name)}: source {source_text!r} is not local and not "
                "installed under .terraform/modules; its resources are not scanned"
            )
            return UnknownValue(f"module {name} ({source_text}) is not available locally")
        if self.depth + 1 > MAX_MODULE_DEPTH or directory.resolve() in self.chain:
            self.project.warn(f"{self.prefix('module.' + name)}: module nesting too deep or cyclic")
            return UnknownValue(f"module {name} nests too deeply")
        source = self.project.loader.load(directory)
        providers = dict(self.providers)
        mapping = block.body.attributes.get("providers")
        if mapping is not None and mapping.expr[0] == "object":
            providers = {
                k: v for k, v in providers.items() if k != "aws" and not k.startswith("aws.")
            }
            for key_node, value_node in mapping.expr[1]:
                key = key_node[1] if key_node[0] in ("lit", "var") else None
                if key_node[0] == "attr" and key_node[1] == ("var", "aws"):
                    key = f"aws.{key_node[2]}"
                target = "aws"
                if value_node[0] == "attr" and value_node[1] == ("var", "aws"):
                    target = f"aws.{value_node[2]}"
                if isinstance(key, str) and key.startswith("aws"):
                    providers[key] = self.providers.get(target) or Provider(
                        UnknownValue(f"provider {target} is not configured")
                    )
            providers.setdefault("aws", self.providers.get("aws") or Provider())
        children = []
        for index, frame in _expansions(block, self.scope):
            scope = self.scope.child(frame) if frame else self.scope
            inputs = {
                key: evaluate(attr.expr, scope)
                for key, attr in block.body.attributes.items()
                if key not in ("source", "version", "providers", "count", "for_each", "depends_on")
            }
            suffix = (
                ""
                if index is None
                else f"[{json.dumps(index) if isinstance(index, str) else index}]"
            )
            path = self.prefix(f"module.{name}{suffix}")
            children.append(
                (
                    index,
                    ModuleInstance(
                        self.project, source, path, inputs, providers, self.depth + 1, self.chain
                    ),
                )
            )
        return children

    # -- collection -----------------------------------------------------------------------
    def collect(self, out: list[RawResource]) -> None:
        for rtype, name in self.source.resources:
            if self.project.deadline.expired:
                return
            instances = self.instances("managed", rtype, name)
            if not isinstance(instances, UnknownValue):
                out.extend(raw for _, _, raw in instances)
        for name in self.source.modules:
            children = self.children(name)
            if isinstance(children, UnknownValue):
                continue
            for _, child in children:
                child.collect(out)


_IN_PROGRESS = object()


def _expansions(block: Block, scope: Scope) -> list[tuple[Any, dict[str, Any]]]:
    """(index, frame) per instance of a counted / for_each block; [(None, {})] otherwise."""
    attrs = block.body.attributes
    if "count" in attrs:
        count = evaluate(attrs["count"].expr, scope)
        if isinstance(count, UnknownValue):
            return [(0, {"count": {"index": UnknownValue(f"count is not known: {count.reason}")}})]
        try:
            n = int(to_number(count))
        except EvalError:
            return [(0, {"count": {"index": UnknownValue("count is not a number")}})]
        n = max(0, min(n, MAX_COLLECTION))
        return [(i, {"count": {"index": i}}) for i in range(n)]
    if "for_each" in attrs:
        coll = evaluate(attrs["for_each"].expr, scope)
        unknown = coll if isinstance(coll, UnknownValue) else None
        if unknown is None and isinstance(coll, list) and first_unknown(coll) is not None:
            unknown = first_unknown(coll)
        if unknown is not None:
            each = {
                "key": UnknownValue(f"for_each is not known: {unknown.reason}"),
                "value": UnknownValue(f"for_each is not known: {unknown.reason}"),
            }
            return [("?", {"each": each})]
        if isinstance(coll, dict):
            items = sorted(coll.items())
        elif isinstance(coll, list):
            items = [(str(v), v) for v in coll]
        else:
            return []
        return [(str(k), {"each": {"key": str(k), "value": v}}) for k, v in items[:MAX_COLLECTION]]
    return [(None, {})]


def evaluate_body(body: Body, scope: Scope, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Attributes evaluated; nested blocks as lists of dicts; dynamic blocks expanded."""
    out: dict[str, Any] = {}
    for name, attr in body.attributes.items():
        if name in skip:
            continue
        out[name] = evaluate(attr.expr, scope)
    for block in body.blocks:
        if block.type in SKIP_BLOCKS:
            continue
        if block.type == "dynamic" and block.labels:
            _dynamic(block, scope, out)
            continue
        value = out.get(block.type)
        if isinstance(value, UnknownValue):
            continue
        if not isinstance(value, list):
            value = []
            out[block.type] = value
        value.append(evaluate_body(block.body, scope))
    return out


def _dynamic(block: Block, scope: Scope, out: dict[str, Any]) -> None:
    label = block.labels[0]
    attrs = block.body.attributes
    iterator = label
    if "iterator" in attrs and attrs["iterator"].expr[0] == "var":
        iterator = attrs["iterator"].expr[1]
    coll = evaluate(attrs["for_each"].expr, scope) if "for_each" in attrs else []
    if isinstance(coll, UnknownValue):
        out[label] = UnknownValue(f"dynamic {label} blocks depend on unknown values: {coll.reason}")
        return
    items = sorted(coll.items()) if isinstance(coll, dict) else list(enumerate(coll or []))
    target = out.get(label)
    if isinstance(target, UnknownValue):
        return
    if not isinstance(target, list):
        target = []
        out[label] = target
    for content in block.body.blocks_of("content"):
        for key, value in items[:MAX_COLLECTION]:
            inner = scope.child({iterator: {"key": key, "value": value}})
            target.append(evaluate_body(content.body, inner))


def _convert(value: Any, block: Block) -> Any:
    """Apply a variable's declared primitive type to its value (as Terraform converts)."""
    type_attr = block.body.attributes.get("type")
    if type_attr is None or isinstance(value, UnknownValue) or value is None:
        return value
    node = type_attr.expr
    kind = node[1] if node[0] == "var" else node[1] if node[0] == "call" else None
    try:
        if kind == "bool" and isinstance(value, str):
            return to_bool(value)
        if kind == "number" and isinstance(value, str):
            return to_number(value)
        if kind == "string" and isinstance(value, (bool, int, float)):
            return ("true" if value else "false") if isinstance(value, bool) else str(value)
    except EvalError:
        return UnknownValue(f"variable {block.labels[0]}: {value!r} is not a {kind}")
    return value


# ---- the project ----------------------------------------------------------------------------


class Project:
    """One Terraform root module and everything under it."""

    def __init__(
        self,
        root: Path,
        variables: dict[str, str] | None = None,
        var_files: list[Path] | None = None,
        deadline: Deadline | None = None,
        files: list[Path] | None = None,
        scan_root: Path | None = None,
    ) -> None:
        self.root = (scan_root or root).resolve()
        self.root_dir = root
        self.deadline = deadline or Deadline()
        self.loader = Loader(self.root, self.deadline)
        self.budget = Budget()
        self.account: str | None = None
        self._module_manifest: dict[str, Path] | None = None
        source = self.loader.load(root, only=files)
        # Root providers are evaluated in a root scope without them (they may use var.*).
        self.root_module = ModuleInstance(self, source, "", {}, {})
        self.root_module.inputs = self._root_inputs(source, variables or {}, var_files or [])
        providers: dict[str, Provider] = {}
        for block in source.providers:
            alias = block.body.attributes.get("alias")
            name = "aws"
            if alias is not None:
                value = evaluate(alias.expr, self.root_module.scope)
                name = f"aws.{value}" if isinstance(value, str) else "aws.?"
            providers[name] = _provider_from(block, self.root_module.scope)
        self.root_module.providers = providers
        accounts = {p.account for p in providers.values() if p.account}
        self.account = accounts.pop() if len(accounts) == 1 else None

    @property
    def errors(self) -> list[IacParseError]:
        return self.loader.errors

    @property
    def warnings(self) -> list[str]:
        return self.loader.warnings

    def warn(self, message: str) -> None:
        if message not in self.loader.warnings:
            self.loader.warnings.append(message)

    def rel(self, path: Path) -> str:
        text = display_path(path, self.root)
        return "" if text == "." else text

    def _root_inputs(
        self, source: ModuleSource, overrides: dict[str, str], var_files: list[Path]
    ) -> dict[str, Any]:
        scope = self.root_module.scope
        exprs: dict[str, Any] = {}
        auto = [self.root_dir / "terraform.tfvars", self.root_dir / "terraform.tfvars.json"]
        with contextlib.suppress(OSError):
            auto += sorted(
                p
                for p in self.root_dir.iterdir()
                if p.name.endswith((".auto.tfvars", ".auto.tfvars.json"))
            )
        for path in [*auto, *var_files]:
            if path.is_file():
                exprs.update(self.loader.tfvars(path))
            elif path in var_files:
                self.loader.error(path, None, "variable file not found")
        values = {name: evaluate(node, scope) for name, node in exprs.items()}
        for name, text in overrides.items():
            block = source.variables.get(name)
            values[name] = _cli_value(text, block)
        return values

    def module_dir(self, parent: ModuleInstance, name: str, source: str) -> Path | None:
        if source.startswith(("./", "../")):
            directory = (parent.source.directory / source).resolve()
            return directory if directory.is_dir() else None
        manifest = self._manifest()
        key = ".".join(
            part.split("[", 1)[0].removeprefix("module.")
            for part in (parent.path.split(".module.") if parent.path else [])
            if part
        )
        key = f"{key}.{name}" if key else name
        return manifest.get(key)

    def _manifest(self) -> dict[str, Path]:
        if self._module_manifest is None:
            self._module_manifest = {}
            path = self.root_dir / ".terraform" / "modules" / "modules.json"
            try:
                doc = json.loads(read_text(path))
                for item in doc.get("Modules") or []:
                    directory = (self.root_dir / str(item.get("Dir", ""))).resolve()
                    if item.get("Key") and directory.is_dir():
                        self._module_manifest[str(item["Key"])] = directory
            except (OSError, ValueError, InputRejected, AttributeError):
                pass
        return self._module_manifest

    def data_source(
        self, rtype: str, attrs: dict[str, Any], provider: Provider, address: str
    ) -> dict[str, Any]:
        """What a data source evaluates to (only those the code fully determines)."""
        region = provider.region
        account = provider.account or self.account
        if rtype == "aws_caller_identity":
            return {
                "account_id": account
                or UnknownValue(
                    "the account id is not in the code (set allowed_account_ids in the provider)"
                ),
                "id": account or UnknownValue("the account id is not in the code"),
            }
        if rtype == "aws_region":
            value = region if region is not None else UnknownValue("no provider region in the code")
            return {"name": value, "id": value, "region": value}
        if rtype == "aws_partition":
            from demarcate.sources.terraform.values import partition_of

            part = partition_of(region if isinstance(region, str) else None)
            return {"partition": part, "id": part, "dns_suffix": "amazonaws.com"}
        if rtype == "aws_iam_policy_document":
            from demarcate.sources.terraform.policydoc import render_policy_document

            return {
                **attrs,
                "json": render_policy_document(attrs),
                "minified_json": render_policy_document(attrs),
            }
        return dict(attrs)

    def raw_resources(self) -> list[RawResource]:
        out: list[RawResource] = []
        self.root_module.collect(out)
        return out


def _cli_value(text: str, block: Block | None) -> Any:
    """A -var value: a string unless the variable's type asks for something else."""
    if block is None:
        return text
    type_attr = block.body.attributes.get("type")
    if type_attr is None:
        return text
    node = type_attr.expr
    kind = node[1] if node[0] in ("var", "call") else None
    if kind == "string":
        return text
    if kind == "bool":
        try:
            return to_bool(text)
        except EvalError:
            return UnknownValue(f"-var {block.labels[0]}={text!r} is not a bool")
    if kind == "number":
        try:
            return to_number(text)
        except EvalError:
            return UnknownValue(f"-var {block.labels[0]}={text!r} is not a number")
    try:
        node = parse_expression(text)
    except Exception:
        return UnknownValue(f"-var {block.labels[0]} is not a valid expression")
    return evaluate(node, Scope(_no_names, Budget(10_000)))


def _no_names(name: str) -> Any:
    raise EvalError(f"-var values cannot refer to {name!r}")


def load_project(
    root: Path,
    variables: dict[str, str] | None = None,
    var_files: list[Path] | None = None,
    deadline: Deadline | None = None,
    files: list[Path] | None = None,
    scan_root: Path | None = None,
) -> tuple[list[RawResource], Project]:
    project = Project(root, variables, var_files, deadline, files, scan_root)
    return project.raw_resources(), project


__all__ = ["Project", "RawResource", "load_project", "to_bool"]
