"""Evaluate Terraform expression trees (from :mod:`.hcl`) against a scope.

Unknown inputs give unknown outputs (:class:`UnknownValue`), never guesses. Evaluation errors
(wrong types, missing keys) become unknowns with the error as the reason, so one odd
expression never stops a scan. Work is bounded: collections built by ``range``, ``for`` and
friends are capped at :data:`MAX_COLLECTION` elements and the evaluator counts steps.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from demarcate.sources.iac.limits import MAX_COLLECTION, MAX_FILE_BYTES
from demarcate.sources.terraform.hcl import HclError, Node, parse_template
from demarcate.sources.terraform.values import (
    ResourceObject,
    UnknownValue,
    first_unknown,
    unknown_from,
)

MAX_STEPS = 2_000_000  # expression nodes evaluated per scan before giving up


class EvalError(Exception):
    """An expression that cannot be evaluated (type error, missing key, bad call)."""


class Budget:
    def __init__(self, steps: int = MAX_STEPS) -> None:
        self.left = steps

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise EvalError("evaluation step budget exceeded")


class Scope:
    """Name lookup for expressions: root names (var, local, resource types …) are resolved by
    ``resolve``; ``for`` variables and ``each``/``count`` sit in ``frames``."""

    def __init__(
        self,
        resolve: Callable[[str], Any],
        budget: Budget,
        base_dir: Path | None = None,
        root_dir: Path | None = None,
        frames: list[dict[str, Any]] | None = None,
    ) -> None:
        self._resolve = resolve
        self.budget = budget
        self.base_dir = base_dir
        self.root_dir = root_dir
        self.frames = frames or []

    def child(self, frame: dict[str, Any]) -> Scope:
        return Scope(
            self._resolve, self.budget, self.base_dir, self.root_dir, [*self.frames, frame]
        )

    def lookup(self, name: str) -> Any:
        for frame in reversed(self.frames):
            if name in frame:
                return frame[name]
        return self._resolve(name)


def evaluate(node: Node, scope: Scope) -> Any:
    """The value of ``node``; evaluation errors become :class:`UnknownValue`."""
    try:
        return _eval(node, scope)
    except EvalError as exc:
        return UnknownValue(f"cannot evaluate: {exc}")
    except RecursionError:
        return UnknownValue("cannot evaluate: expression nested too deeply")
    except Exception as exc:  # a type error deep in a function: unknown, never a crash
        return UnknownValue(f"cannot evaluate: {type(exc).__name__}: {exc}")


def _eval(node: Node, scope: Scope) -> Any:
    scope.budget.spend()
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "var":
        return scope.lookup(node[1])
    if kind == "tmpl":
        return _template(node[1], scope)
    if kind == "attr":
        return get_attr(_eval(node[1], scope), node[2])
    if kind == "index":
        return get_index(_eval(node[1], scope), _eval(node[2], scope))
    if kind == "splat":
        return _splat(_eval(node[1], scope), node[2], scope)
    if kind == "tuple":
        return [_eval(item, scope) for item in node[1]]
    if kind == "object":
        out: dict[str, Any] = {}
        for key_node, value_node in node[1]:
            key = _eval(key_node, scope)
            if isinstance(key, UnknownValue):
                return key
            out[_to_key(key)] = _eval(value_node, scope)
        return out
    if kind == "cond":
        cond = _eval(node[1], scope)
        if isinstance(cond, UnknownValue):
            a, b = _eval(node[2], scope), _eval(node[3], scope)
            if not isinstance(a, UnknownValue) and not isinstance(b, UnknownValue) and a == b:
                return a
            return cond
        return _eval(node[2] if to_bool(cond) else node[3], scope)
    if kind == "binop":
        return _binop(node[1], node[2], node[3], scope)
    if kind == "unop":
        value = _eval(node[2], scope)
        if isinstance(value, UnknownValue):
            return value
        if node[1] == "!":
            return not to_bool(value)
        return -to_number(value)
    if kind == "call":
        return _call(node[1], node[2], node[3], scope)
    if kind == "for_tuple":
        return _for_tuple(node, scope)
    if kind == "for_object":
        return _for_object(node, scope)
    raise EvalError(f"unknown node {kind}")


# ---- access ---------------------------------------------------------------------------------


def get_attr(obj: Any, name: str) -> Any:
    if isinstance(obj, UnknownValue):
        return obj
    if isinstance(obj, ResourceObject):
        return obj.attribute(name)
    if isinstance(obj, Namespace):
        return obj.get(name)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        raise EvalError(f"object has no attribute {name!r}")
    if isinstance(obj, list):
        raise EvalError(f"cannot read .{name} of a list (use an index or [*])")
    raise EvalError(f"cannot read .{name} of {type(obj).__name__}")


def get_index(obj: Any, key: Any) -> Any:
    if isinstance(obj, UnknownValue):
        return obj
    if isinstance(key, UnknownValue):
        return key
    if isinstance(obj, Namespace):
        return obj.get(_to_key(key))
    if isinstance(obj, dict):
        text = _to_key(key)
        if text in obj:
            return obj[text]
        if isinstance(obj, ResourceObject):
            return obj.attribute(text)
        raise EvalError(f"no key {text!r}")
    if isinstance(obj, (list, tuple)):
        index = int(to_number(key))
        if -len(obj) <= index < len(obj) and index >= 0:
            return obj[index]
        raise EvalError(f"index {index} out of range")
    if isinstance(obj, str):
        raise EvalError("cannot index a string")
    raise EvalError(f"cannot index {type(obj).__name__}")


def _splat(obj: Any, ops: list[tuple[str, Any]], scope: Scope) -> Any:
    if isinstance(obj, UnknownValue):
        return obj
    if isinstance(obj, Namespace):
        obj = obj.all()
    if obj is None:
        items: list[Any] = []
    elif isinstance(obj, dict) and not isinstance(obj, ResourceObject):
        items = (
            list(obj.values())
            if all(isinstance(v, ResourceObject) for v in obj.values())
            else [obj]
        )
    elif isinstance(obj, list):
        items = obj
    else:
        items = [obj]
    out = []
    for item in items:
        value = item
        for op, arg in ops:
            value = get_attr(value, arg) if op == "attr" else get_index(value, _eval(arg, scope))
        out.append(value)
    return out


class Namespace:
    """A lazily resolved name space (``var``, ``local``, ``module.x``, ``aws_s3_bucket`` …)."""

    def __init__(
        self, getter: Callable[[str], Any], label: str, listing: Callable[[], Any] | None = None
    ):
        self._getter = getter
        self.label = label
        self._listing = listing

    def get(self, name: str) -> Any:
        return self._getter(name)

    def all(self) -> Any:
        if self._listing is None:
            raise EvalError(f"cannot list {self.label}")
        return self._listing()


# ---- conversions ----------------------------------------------------------------------------


def _to_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    raise EvalError(f"cannot use {type(value).__name__} as a key")


def to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if value is None:
        raise EvalError("null value in a string template")
    raise EvalError(f"cannot turn a {type(value).__name__} into a string")


def to_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise EvalError("a bool is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError as exc:
            raise EvalError(f"{value!r} is not a number") from exc
        return int(number) if number.is_integer() and "." not in value else number
    raise EvalError(f"{type(value).__name__} is not a number")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise EvalError(f"{value!r} is not a bool")


# ---- templates ------------------------------------------------------------------------------


def _template(parts: list[Any], scope: Scope) -> Any:
    if len(parts) == 1 and isinstance(parts[0], tuple) and parts[0][0] == "interp":
        return _eval(parts[0][1], scope)  # "${x}" is x itself, whatever its type
    out: list[str] = []
    unknown = _render(parts, scope, out)
    return unknown if unknown is not None else "".join(out)


def _render(parts: list[Any], scope: Scope, out: list[str]) -> UnknownValue | None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        kind = part[0]
        if kind == "interp":
            value = _eval(part[1], scope)
            if isinstance(value, UnknownValue):
                return value
            out.append(to_string(value))
        elif kind == "if":
            cond = _eval(part[1], scope)
            if isinstance(cond, UnknownValue):
                return cond
            unknown = _render(part[2] if to_bool(cond) else part[3], scope, out)
            if unknown is not None:
                return unknown
        elif kind == "for":
            _, k, v, coll_node, body = part
            coll = _eval(coll_node, scope)
            if isinstance(coll, UnknownValue):
                return coll
            for key, value in _pairs(coll):
                frame = {v: value}
                if k:
                    frame[k] = key
                unknown = _render(body, scope.child(frame), out)
                if unknown is not None:
                    return unknown
    return None


# ---- operators ------------------------------------------------------------------------------


def _binop(op: str, left_node: Node, right_node: Node, scope: Scope) -> Any:
    left = _eval(left_node, scope)
    if op in ("&&", "||") and not isinstance(left, UnknownValue):
        if op == "&&" and not to_bool(left):
            return False
        if op == "||" and to_bool(left):
            return True
        right = _eval(right_node, scope)
        return right if isinstance(right, UnknownValue) else to_bool(right)
    right = _eval(right_node, scope)
    unknown = unknown_from(left, right)
    if unknown is not None:
        if op == "&&" and right is False:
            return False
        if op == "||" and right is True:
            return True
        return unknown
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op in ("&&", "||"):
        return to_bool(right)
    a, b = to_number(left), to_number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise EvalError("division by zero")
        result = a / b
        return int(result) if float(result).is_integer() else result
    if op == "%":
        if b == 0:
            raise EvalError("modulo by zero")
        return a % b
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == ">=":
        return a >= b
    raise EvalError(f"unknown operator {op}")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return bool(a == b)


# ---- for expressions -----------------------------------------------------------------------


def _pairs(coll: Any) -> list[tuple[Any, Any]]:
    if isinstance(coll, dict):
        items = sorted(coll.items())
    elif isinstance(coll, (list, tuple)):
        items = list(enumerate(coll))
    elif isinstance(coll, Namespace):
        return _pairs(coll.all())
    else:
        raise EvalError(f"cannot iterate over {type(coll).__name__}")
    if len(items) > MAX_COLLECTION:
        raise EvalError(f"collection of {len(items)} elements is over the limit")
    return items


def _for_tuple(node: Node, scope: Scope) -> Any:
    _, k, v, coll_node, body, cond = node
    coll = _eval(coll_node, scope)
    if isinstance(coll, UnknownValue):
        return coll
    out = []
    for key, value in _pairs(coll):
        frame = {v: value}
        if k:
            frame[k] = key
        inner = scope.child(frame)
        if cond is not None:
            keep = _eval(cond, inner)
            if isinstance(keep, UnknownValue):
                return keep
            if not to_bool(keep):
                continue
        out.append(_eval(body, inner))
    return out


def _for_object(node: Node, scope: Scope) -> Any:
    _, k, v, coll_node, key_node, value_node, group, cond = node
    coll = _eval(coll_node, scope)
    if isinstance(coll, UnknownValue):
        return coll
    out: dict[str, Any] = {}
    for key, value in _pairs(coll):
        frame = {v: value}
        if k:
            frame[k] = key
        inner = scope.child(frame)
        if cond is not None:
            keep = _eval(cond, inner)
            if isinstance(keep, UnknownValue):
                return keep
            if not to_bool(keep):
                continue
        out_key = _eval(key_node, inner)
        if isinstance(out_key, UnknownValue):
            return out_key
        text = _to_key(out_key)
        item = _eval(value_node, inner)
        if group:
            out.setdefault(text, []).append(item)
        else:
            if text in out:
                raise EvalError(f"duplicate key {text!r} in for expression")
            out[text] = item
    return out


# ---- functions ------------------------------------------------------------------------------

FUNCTIONS: dict[str, Callable[..., Any]] = {}
# Functions whose result depends on time, randomness or the machine: always unknown.
UNKNOWABLE = frozenset(
    {"timestamp", "uuid", "bcrypt", "plantimestamp", "uuidv5", "filebase64", "filesha256"}
)
# Functions that take unknown arguments themselves.
LAZY = frozenset({"try", "can", "coalesce", "length", "concat", "merge", "keys", "tolist"})


def fn(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        FUNCTIONS[name] = func
        return func

    return wrap


def _call(name: str, arg_nodes: list[Node], expand: bool, scope: Scope) -> Any:
    short = name.rsplit("::", 1)[-1]
    if short in ("try", "can"):
        return _try(short, arg_nodes, scope)
    if short in ("file", "templatefile"):
        args = [_eval(a, scope) for a in arg_nodes]
        unknown = unknown_from(*args)
        if unknown is not None:
            return unknown
        return _file(short, args, scope)
    args = [_eval(a, scope) for a in arg_nodes]
    if expand and args:
        last = args.pop()
        if isinstance(last, UnknownValue):
            return last
        if not isinstance(last, (list, tuple)):
            raise EvalError("... expects a list")
        args.extend(last)
    if short in UNKNOWABLE:
        return UnknownValue(f"{short}() is decided when Terraform runs")
    func = FUNCTIONS.get(short)
    if func is None:
        return UnknownValue(f"function {short}() is not evaluated by demarcate")
    if short not in LAZY:
        unknown = next((u for u in (first_unknown(a) for a in args) if u is not None), None)
        if unknown is not None:
            return unknown
    try:
        return func(*args)
    except EvalError:
        raise
    except RecursionError:
        raise
    except Exception as exc:
        raise EvalError(f"{short}(): {exc}") from exc


def _try(name: str, arg_nodes: list[Node], scope: Scope) -> Any:
    for node in arg_nodes:
        try:
            value = _eval(node, scope)
        except EvalError:
            if name == "can":
                return False
            continue
        if name == "can":
            return True if not isinstance(value, UnknownValue) else value
        return value
    if name == "can":
        return False
    raise EvalError("no argument of try() could be evaluated")


def _file(name: str, args: list[Any], scope: Scope) -> Any:
    if scope.base_dir is None:
        return UnknownValue(f"{name}() needs the module directory")
    path = (scope.base_dir / to_string(args[0])).resolve()
    root = (scope.root_dir or scope.base_dir).resolve()
    if root not in path.parents and path != root:
        return UnknownValue(f"{name}({args[0]!r}) reads outside the scanned directory")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return UnknownValue(f"{name}({args[0]!r}): file too large")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return UnknownValue(f"{name}({args[0]!r}): {exc.strerror or exc}")
    if name == "file":
        return text
    variables = args[1] if len(args) > 1 else {}
    if not isinstance(variables, dict):
        raise EvalError("templatefile() expects a map of variables")
    try:
        node = parse_template(text)
    except HclError as exc:
        return UnknownValue(f"templatefile({args[0]!r}): {exc}")
    inner = Scope(lambda n: _no_name(n), scope.budget, path.parent, scope.root_dir, [variables])
    return _eval(node, inner)


def _no_name(name: str) -> Any:
    raise EvalError(f"unknown name {name!r} in template")


@fn("lower")
def _lower(s: Any) -> str:
    return to_string(s).lower()


@fn("upper")
def _upper(s: Any) -> str:
    return to_string(s).upper()


@fn("title")
def _title(s: Any) -> str:
    return re.sub(r"\b[a-z]", lambda m: m.group(0).upper(), to_string(s))


@fn("tostring")
def _tostring(v: Any) -> Any:
    return None if v is None else to_string(v)


@fn("tonumber")
def _tonumber(v: Any) -> Any:
    return None if v is None else to_number(v)


@fn("tobool")
def _tobool(v: Any) -> Any:
    return None if v is None else to_bool(v)


@fn("tolist")
def _tolist(v: Any) -> Any:
    if isinstance(v, UnknownValue):
        return v
    return list(v)


@fn("toset")
def _toset(v: Any) -> list[Any]:
    out: list[Any] = []
    for item in v:
        if item not in out:
            out.append(item)
    return sorted(out, key=lambda x: (str(type(x)), str(x)))


@fn("tomap")
def _tomap(v: Any) -> dict[str, Any]:
    return dict(v)


@fn("jsonencode")
def _jsonencode(v: Any) -> str:
    return json.dumps(v, separators=(",", ":"))


@fn("jsondecode")
def _jsondecode(v: Any) -> Any:
    return json.loads(to_string(v))


@fn("yamlencode")
def _yamlencode(v: Any) -> str:
    import yaml

    return yaml.safe_dump(v, sort_keys=False)


@fn("yamldecode")
def _yamldecode(v: Any) -> Any:
    import yaml

    text = to_string(v)
    if len(text) > MAX_FILE_BYTES:
        raise EvalError("yaml too large")
    return yaml.safe_load(text)


@fn("base64encode")
def _b64e(v: Any) -> str:
    return base64.b64encode(to_string(v).encode()).decode()


@fn("base64decode")
def _b64d(v: Any) -> str:
    return base64.b64decode(to_string(v)).decode()


@fn("sha256")
def _sha256(v: Any) -> str:
    return hashlib.sha256(to_string(v).encode()).hexdigest()


@fn("md5")
def _md5(v: Any) -> str:
    return hashlib.md5(to_string(v).encode(), usedforsecurity=False).hexdigest()


@fn("format")
def _format(spec: Any, *args: Any) -> str:
    return go_format(to_string(spec), list(args))


@fn("formatlist")
def _formatlist(spec: Any, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise EvalError("formatlist() lists differ in length")
    n = lengths.pop() if lengths else 1
    return [
        go_format(to_string(spec), [a[i] if isinstance(a, list) else a for a in args])
        for i in range(n)
    ]


def go_format(spec: str, args: list[Any]) -> str:
    out: list[str] = []
    i = 0
    arg = 0
    while i < len(spec):
        ch = spec[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        match = re.match(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])", spec[i:])
        if not match:
            raise EvalError(f"bad format verb in {spec!r}")
        flags, width, precision, verb = match.groups()
        i += match.end()
        if verb == "%":
            out.append("%")
            continue
        if arg >= len(args):
            raise EvalError("not enough arguments for format()")
        value = args[arg]
        arg += 1
        if verb in ("s", "v"):
            text = (
                value
                if isinstance(value, str)
                else _jsonencode(value)
                if isinstance(value, (list, dict))
                else to_string(value)
            )
        elif verb == "q":
            text = json.dumps(to_string(value))
        elif verb == "d":
            text = str(int(to_number(value)))
        elif verb in ("f", "F"):
            text = f"{float(to_number(value)):.{int(precision) if precision else 6}f}"
        elif verb == "t":
            text = "true" if to_bool(value) else "false"
        elif verb == "x":
            text = (
                format(int(to_number(value)), "x")
                if not isinstance(value, str)
                else value.encode().hex()
            )
        else:
            raise EvalError(f"format verb %{verb} not supported")
        if width:
            text = (
                text.ljust(int(width))
                if "-" in flags
                else text.rjust(int(width), "0" if "0" in flags else " ")
            )
        out.append(text)
    return "".join(out)


@fn("join")
def _join(sep: Any, *lists: Any) -> str:
    items = [to_string(x) for lst in lists for x in lst]
    return to_string(sep).join(items)


@fn("split")
def _split(sep: Any, s: Any) -> list[str]:
    text = to_string(s)
    return [] if text == "" else text.split(to_string(sep))


@fn("concat")
def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for lst in lists:
        if isinstance(lst, UnknownValue):
            return lst
        out.extend(lst)
    return out


@fn("merge")
def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        if isinstance(m, UnknownValue):
            return m
        if not isinstance(m, dict):
            raise EvalError("merge() expects maps")
        out.update(m)
    return out


@fn("lookup")
def _lookup(m: Any, key: Any, *default: Any) -> Any:
    text = _to_key(key)
    if isinstance(m, dict) and text in m:
        return m[text]
    if default:
        return default[0]
    raise EvalError(f"lookup(): no key {text!r}")


@fn("element")
def _element(lst: Any, index: Any) -> Any:
    if not lst:
        raise EvalError("element() of an empty list")
    return lst[int(to_number(index)) % len(lst)]


@fn("index")
def _index_fn(lst: Any, value: Any) -> int:
    return list(lst).index(value)


@fn("coalesce")
def _coalesce(*args: Any) -> Any:
    for value in args:
        if isinstance(value, UnknownValue):
            return value  # an earlier unknown might have been the answer
        if value is not None and value != "":
            return value
    raise EvalError("coalesce(): every argument is null or empty")


@fn("coalescelist")
def _coalescelist(*args: Any) -> Any:
    for value in args:
        if value:
            return value
    return []


@fn("length")
def _length(v: Any) -> Any:
    if isinstance(v, UnknownValue):
        return v
    if isinstance(v, Namespace):
        v = v.all()
    if isinstance(v, str):
        return len(v)
    if isinstance(v, (list, dict)):
        return len(v)
    raise EvalError(f"length() of {type(v).__name__}")


@fn("keys")
def _keys(m: Any) -> Any:
    if isinstance(m, UnknownValue):
        return m
    return sorted(m.keys())


@fn("values")
def _values(m: Any) -> list[Any]:
    return [m[k] for k in sorted(m.keys())]


@fn("contains")
def _contains(lst: Any, value: Any) -> bool:
    return any(_equal(x, value) for x in lst)


@fn("distinct")
def _distinct(lst: Any) -> list[Any]:
    out: list[Any] = []
    for item in lst:
        if item not in out:
            out.append(item)
    return out


@fn("flatten")
def _flatten(lst: Any) -> list[Any]:
    out: list[Any] = []
    for item in lst:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


@fn("compact")
def _compact(lst: Any) -> list[Any]:
    return [x for x in lst if x not in (None, "")]


@fn("reverse")
def _reverse(lst: Any) -> list[Any]:
    return list(reversed(lst))


@fn("sort")
def _sort(lst: Any) -> list[str]:
    return sorted(to_string(x) for x in lst)


@fn("slice")
def _slice(lst: Any, start: Any, end: Any) -> list[Any]:
    return list(lst)[int(to_number(start)) : int(to_number(end))]


@fn("zipmap")
def _zipmap(keys: Any, values: Any) -> dict[str, Any]:
    return {_to_key(k): v for k, v in zip(keys, values, strict=False)}


@fn("one")
def _one(lst: Any) -> Any:
    if len(lst) > 1:
        raise EvalError("one() of a list with several elements")
    return lst[0] if lst else None


@fn("range")
def _range(*args: Any) -> list[int | float]:
    nums = [to_number(a) for a in args]
    start: int | float
    stop: int | float
    step: int | float
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1
    else:
        start, stop, step = nums
    if step == 0:
        raise EvalError("range() step 0")
    count = math.ceil((stop - start) / step)
    if count > MAX_COLLECTION:
        raise EvalError(f"range() of {count} elements is over the limit")
    return [start + i * step for i in range(max(0, count))]


@fn("replace")
def _replace(s: Any, old: Any, new: Any) -> str:
    text, pattern, repl = to_string(s), to_string(old), to_string(new)
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        repl = re.sub(r"\$\{?(\d+)\}?", r"\\\1", repl)
        return re.sub(pattern[1:-1], repl, text)
    return text.replace(pattern, repl)


@fn("regex")
def _regex(pattern: Any, s: Any) -> Any:
    match = re.search(to_string(pattern), to_string(s))
    if not match:
        raise EvalError("regex() found no match")
    if match.groupdict():
        return match.groupdict()
    if match.groups():
        return list(match.groups())
    return match.group(0)


@fn("substr")
def _substr(s: Any, offset: Any, length: Any) -> str:
    text = to_string(s)
    start = int(to_number(offset))
    n = int(to_number(length))
    return text[start:] if n < 0 else text[start : start + n]


@fn("trimspace")
def _trimspace(s: Any) -> str:
    return to_string(s).strip()


@fn("trim")
def _trim(s: Any, chars: Any) -> str:
    return to_string(s).strip(to_string(chars))


@fn("trimprefix")
def _trimprefix(s: Any, prefix: Any) -> str:
    return to_string(s).removeprefix(to_string(prefix))


@fn("trimsuffix")
def _trimsuffix(s: Any, suffix: Any) -> str:
    return to_string(s).removesuffix(to_string(suffix))


@fn("startswith")
def _startswith(s: Any, prefix: Any) -> bool:
    return to_string(s).startswith(to_string(prefix))


@fn("endswith")
def _endswith(s: Any, suffix: Any) -> bool:
    return to_string(s).endswith(to_string(suffix))


@fn("strcontains")
def _strcontains(s: Any, sub: Any) -> bool:
    return to_string(sub) in to_string(s)


@fn("max")
def _max(*nums: Any) -> Any:
    return max(to_number(n) for n in nums)


@fn("min")
def _min(*nums: Any) -> Any:
    return min(to_number(n) for n in nums)


@fn("abs")
def _abs(n: Any) -> Any:
    return abs(to_number(n))


@fn("ceil")
def _ceil(n: Any) -> int:
    return math.ceil(to_number(n))


@fn("floor")
def _floor(n: Any) -> int:
    return math.floor(to_number(n))


@fn("list")
def _list(*items: Any) -> list[Any]:
    return list(items)


@fn("map")
def _map(*items: Any) -> dict[str, Any]:
    return {_to_key(items[i]): items[i + 1] for i in range(0, len(items) - 1, 2)}


@fn("sum")
def _sum(lst: Any) -> Any:
    return sum(to_number(x) for x in lst)


@fn("alltrue")
def _alltrue(lst: Any) -> bool:
    return all(to_bool(x) for x in lst)


@fn("anytrue")
def _anytrue(lst: Any) -> bool:
    return any(to_bool(x) for x in lst)


@fn("setunion")
def _setunion(*sets: Any) -> list[Any]:
    return _toset([x for s in sets for x in s])


@fn("setintersection")
def _setintersection(first: Any, *rest: Any) -> list[Any]:
    return _toset([x for x in first if all(x in r for r in rest)])


@fn("setsubtract")
def _setsubtract(a: Any, b: Any) -> list[Any]:
    return _toset([x for x in a if x not in b])


@fn("chunklist")
def _chunklist(lst: Any, size: Any) -> list[list[Any]]:
    n = int(to_number(size))
    items = list(lst)
    if n <= 0:
        return [items]
    return [items[i : i + n] for i in range(0, len(items), n)]


@fn("abspath")
def _abspath(p: Any) -> str:
    return to_string(p)


@fn("basename")
def _basename(p: Any) -> str:
    return to_string(p).rstrip("/").rsplit("/", 1)[-1]


@fn("dirname")
def _dirname(p: Any) -> str:
    text = to_string(p)
    return text.rsplit("/", 1)[0] if "/" in text else "."


@fn("sensitive")
def _sensitive(v: Any) -> Any:
    return v


@fn("nonsensitive")
def _nonsensitive(v: Any) -> Any:
    return v


@fn("type")
def _type(v: Any) -> str:
    return type(v).__name__
