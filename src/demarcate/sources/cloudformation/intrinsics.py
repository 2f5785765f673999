"""Evaluate CloudFormation intrinsic functions offline.

Values come out as plain Python data, with two markers:

* :class:`Unresolved` — the value cannot be known without deploying (a parameter with no
  default, an attribute AWS generates, an unknown condition …). It carries the reason, which
  ends up in ``resource.unknown`` so checks report UNKNOWN, never a guessed verdict.
* :class:`ResRef` — a ``str`` naming another resource of the template (``Ref`` / ``GetAtt``):
  its text is the physical name or ARN when the template fixes it, otherwise a stable token;
  ``logical`` and ``attr`` say what it points at, so folded resources (bucket policies,
  security group rules, listeners …) find their target. A ResRef whose text is only a stable
  token for a value the template does not determine (``!GetAtt Custom.Cidr``, an attribute AWS
  generates) carries the reason in ``generated``: it still identifies what it points at, but
  read as a *setting* (a CIDR, a status, a flag …) it is unknown — see :func:`generated_reason`.
  Text composed from one (``!Sub``, ``!Join``, ``!Split``) is a :class:`GeneratedText`.

Pseudo parameters the template cannot know (``AWS::AccountId``, ``AWS::Region``,
``AWS::StackName``, ``AWS::StackId``) read as the placeholders in :data:`PLACEHOLDERS` unless
the caller passes their value as a parameter (``{"AWS::Region": "eu-west-1"}``): inside a
string (``arn:aws:iam::<account-id>:root``) a placeholder keeps "this stack's own account"
legible without inventing one. Resource fields that need the concrete value (the owning
account) stay None.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable
from itertools import islice
from typing import Any

PLACEHOLDERS = {
    "AWS::AccountId": "<account-id>",
    "AWS::Region": "<region>",
    "AWS::StackName": "<stack-name>",
    "AWS::StackId": "<stack-id>",
}
MAX_CIDR_COUNT = 256


class Unresolved:
    """A value that cannot be known from the template alone."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unresolved({self.reason!r})"

    def __bool__(self) -> bool:  # never silently truthy
        raise TypeError(f"unresolved value used as a condition: {self.reason}")


class ResRef(str):
    """A string that refers to a resource of the same template.

    ``generated``: None when the text is the value itself (a fixed name, an ARN built from
    it); else the reason the value is not known (the text is a placeholder like
    ``<Custom.Cidr>``). ``identifier``: the placeholder stands for an identifier of an AWS
    resource (its ARN, id, name …), never for an arbitrary value such as ``*``; False for the
    outputs of custom resources and for attributes that are not identifiers.
    """

    logical: str
    attr: str | None
    generated: str | None
    identifier: bool

    def __new__(
        cls,
        value: str,
        logical: str,
        attr: str | None = None,
        generated: str | None = None,
        identifier: bool = True,
    ) -> ResRef:
        obj = super().__new__(cls, value)
        obj.logical = logical
        obj.attr = attr
        obj.generated = generated
        obj.identifier = identifier
        return obj


class GeneratedText(str):
    """Text composed from a generated placeholder (``!Sub "${Custom.Cidr}"``): not a
    reference, and not known either (``generated`` holds the reason)."""

    generated: str
    identifier: bool

    def __new__(cls, value: str, generated: str, identifier: bool = False) -> GeneratedText:
        obj = super().__new__(cls, value)
        obj.generated = generated
        obj.identifier = identifier
        return obj


def generated_reason(value: Any) -> str | None:
    """Why ``value`` is only a placeholder for a value the template does not determine (a
    generated :class:`ResRef` or :class:`GeneratedText`); None for any other value."""
    return getattr(value, "generated", None) if isinstance(value, str) else None


def first_unknown(value: Any, identifiers_known: bool = False) -> Unresolved | None:
    """Like :func:`first_unresolved`, and a generated placeholder anywhere inside ``value``
    counts as unknown too (for values read as settings, not as references). With
    ``identifiers_known``, a placeholder for an AWS resource's identifier (``identifier``)
    still counts as known: it names that resource."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            return item
        why = generated_reason(item)
        if why is not None and not (identifiers_known and getattr(item, "identifier", False)):
            return Unresolved(why)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return None


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NOVALUE = _NoValue()


def first_unresolved(value: Any) -> Unresolved | None:
    """The first :class:`Unresolved` anywhere inside ``value`` (None when fully known)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            return item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return None


def as_text(value: Any) -> str:
    """How CloudFormation turns a scalar into text (booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


class Evaluator:
    """Resolves intrinsics against parameters, mappings, conditions and the template's
    resources (through the ``ref`` and ``getatt`` callbacks the stack provides)."""

    def __init__(
        self,
        parameters: dict[str, Any],
        pseudo: dict[str, Any],
        mappings: dict[str, Any],
        conditions: dict[str, Any],
        ref: Callable[[str], Any],
        getatt: Callable[[str, str], Any],
    ) -> None:
        self.parameters = parameters
        self.pseudo = pseudo
        self.mappings = mappings if isinstance(mappings, dict) else {}
        self.conditions = conditions if isinstance(conditions, dict) else {}
        self._ref_resource = ref
        self._getatt_resource = getatt
        self._condition_memo: dict[str, bool | None] = {}
        self._condition_why: dict[str, str] = {}
        self._evaluating: set[str] = set()

    # ---- conditions ----------------------------------------------------------------------

    def condition(self, name: Any) -> bool | None:
        """True/False, or None when the condition depends on something unknown."""
        if not isinstance(name, str):
            return None
        if name in self._condition_memo:
            return self._condition_memo[name]
        if name not in self.conditions:
            self._condition_why[name] = f"condition {name} is not defined"
            return None
        if name in self._evaluating:
            self._condition_why[name] = f"condition {name} refers to itself"
            return None
        self._evaluating.add(name)
        try:
            value = self._cond_expr(self.conditions[name], name)
        finally:
            self._evaluating.discard(name)
        self._condition_memo[name] = value
        return value

    def condition_reason(self, name: str) -> str:
        return self._condition_why.get(name) or f"condition {name} cannot be evaluated offline"

    def _cond_expr(self, expr: Any, owner: str) -> bool | None:
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str) and expr.lower() in ("true", "false"):
            return expr.lower() == "true"
        if not isinstance(expr, dict) or len(expr) != 1:
            self._condition_why.setdefault(owner, f"condition {owner} is not a valid expression")
            return None
        ((fn, args),) = expr.items()
        if fn == "Condition":
            value = self.condition(args)
            if value is None and isinstance(args, str):
                self._condition_why.setdefault(owner, self.condition_reason(args))
            return value
        if fn == "Fn::Equals":
            if not isinstance(args, list) or len(args) != 2:
                self._condition_why.setdefault(owner, "Fn::Equals needs two values")
                return None
            left, right = self.resolve(args[0]), self.resolve(args[1])
            for side in (left, right):
                bad = first_unresolved(side)
                if bad is not None:
                    self._condition_why.setdefault(owner, f"condition {owner}: {bad.reason}")
                    return None
            return _same(left, right)
        if fn in ("Fn::And", "Fn::Or"):
            if not isinstance(args, list) or not args:
                return None
            values = [self._cond_expr(a, owner) for a in args]
            if fn == "Fn::And":
                if any(v is False for v in values):
                    return False
                return True if all(v is True for v in values) else None
            if any(v is True for v in values):
                return True
            return False if all(v is False for v in values) else None
        if fn == "Fn::Not":
            inner = args[0] if isinstance(args, list) and len(args) == 1 else args
            value = self._cond_expr(inner, owner)
            return None if value is None else not value
        self._condition_why.setdefault(owner, f"{fn} is not a condition function")
        return None

    # ---- values --------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, args),) = value.items()
                if key == "Ref":
                    return self.ref(args)
                if isinstance(key, str) and key.startswith("Fn::"):
                    return self._function(key, args)
            out: dict[str, Any] = {}
            for key, item in value.items():
                resolved = self.resolve(item)
                if resolved is not NOVALUE:
                    out[str(key)] = resolved
            return out
        if isinstance(value, list):
            items = [self.resolve(item) for item in value]
            return [item for item in items if item is not NOVALUE]
        return value

    def ref(self, name: Any) -> Any:
        name = self.resolve(name) if isinstance(name, dict) else name
        if not isinstance(name, str):
            return Unresolved(f"Ref to {name!r}, which is not a name")
        if name == "AWS::NoValue":
            return NOVALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name.startswith("AWS::"):
            return Unresolved(f"pseudo parameter {name} is not known offline")
        if name in self.parameters:
            return self.parameters[name]
        return self._ref_resource(name)

    def getatt(self, logical: Any, attr: Any) -> Any:
        attr = self.resolve(attr)
        if not isinstance(logical, str) or not isinstance(attr, str):
            return Unresolved(f"Fn::GetAtt on {logical!r}.{attr!r} cannot be resolved")
        return self._getatt_resource(logical, attr)

    def _function(self, fn: str, args: Any) -> Any:
        handler = _FUNCTIONS.get(fn)
        if handler is None:
            return Unresolved(f"{fn} is not evaluated offline")
        try:
            return handler(self, args)
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            return Unresolved(f"{fn} could not be evaluated: {exc}")

    # ---- functions -----------------------------------------------------------------------

    def _fn_getatt(self, args: Any) -> Any:
        if isinstance(args, str):
            logical, _, attr = args.partition(".")
            return self.getatt(logical, attr)
        if isinstance(args, list) and len(args) == 2:
            return self.getatt(args[0], args[1])
        return Unresolved(f"Fn::GetAtt has a malformed argument {args!r}")

    def _fn_sub(self, args: Any) -> Any:
        variables: dict[str, Any] = {}
        if isinstance(args, list):
            if len(args) != 2 or not isinstance(args[1], dict):
                return Unresolved("Fn::Sub needs [template, {variables}]")
            template, variables = args[0], args[1]
        else:
            template = args
        template = self.resolve(template)
        if isinstance(template, Unresolved):
            return template
        if not isinstance(template, str):
            return Unresolved("Fn::Sub needs a string template")
        problem: list[Unresolved] = []
        placeholders: list[tuple[str, bool]] = []

        def replace(match: re.Match[str]) -> str:
            body = match.group(1)
            if body.startswith("!"):
                return "${" + body[1:] + "}"
            name = body.strip()
            if name in variables:
                value = self.resolve(variables[name])
            elif "." in name and not name.startswith("AWS::"):
                logical, _, attr = name.partition(".")
                value = self.getatt(logical, attr)
            else:
                value = self.ref(name)
            if isinstance(value, Unresolved):
                problem.append(value)
                return ""
            if value is NOVALUE or isinstance(value, (dict, list)):
                problem.append(Unresolved(f"Fn::Sub variable {name} is not a string"))
                return ""
            why = generated_reason(value)
            if why is not None:
                placeholders.append((why, bool(getattr(value, "identifier", False))))
            return as_text(value)

        text = _SUB_VAR.sub(replace, template)
        if problem:
            return Unresolved(problem[0].reason)
        if placeholders:
            return GeneratedText(text, placeholders[0][0], all(i for _, i in placeholders))
        return text

    def _fn_join(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 2:
            return Unresolved("Fn::Join needs [delimiter, [values]]")
        delimiter = self.resolve(args[0])
        values = self.resolve(args[1])
        for part in (delimiter, values):
            if isinstance(part, Unresolved):
                return part
        if not isinstance(values, list):
            return Unresolved("Fn::Join needs a list of values")
        bad = first_unresolved(values)
        if bad is not None:
            return bad
        if any(isinstance(v, (dict, list)) for v in values):
            return Unresolved("Fn::Join needs a list of strings")
        text = as_text(delimiter).join(as_text(v) for v in values)
        marked = [v for v in values if generated_reason(v) is not None]
        if marked:
            identifier = all(getattr(v, "identifier", False) for v in marked)
            return GeneratedText(text, str(generated_reason(marked[0])), identifier)
        return text

    def _fn_select(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 2:
            return Unresolved("Fn::Select needs [index, [values]]")
        index = self.resolve(args[0])
        values = self.resolve(args[1])
        for part in (index, values):
            if isinstance(part, Unresolved):
                return part
        if not isinstance(values, list):
            return Unresolved("Fn::Select needs a list")
        i = int(index)
        if not 0 <= i < len(values):
            return Unresolved(f"Fn::Select index {i} is outside the list of {len(values)}")
        return values[i]

    def _fn_split(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 2:
            return Unresolved("Fn::Split needs [delimiter, string]")
        delimiter, source = self.resolve(args[0]), self.resolve(args[1])
        for part in (delimiter, source):
            if isinstance(part, Unresolved):
                return part
        pieces = as_text(source).split(as_text(delimiter))
        why = generated_reason(source)
        if why is None:
            return pieces
        identifier = bool(getattr(source, "identifier", False))
        return [GeneratedText(piece, why, identifier) for piece in pieces]

    def _fn_find_in_map(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) not in (3, 4):
            return Unresolved("Fn::FindInMap needs [map, top key, second key]")
        keys = [self.resolve(a) for a in args[:3]]
        for key in keys:
            if isinstance(key, Unresolved):
                return key
        default: Any = None
        if len(args) == 4 and isinstance(args[3], dict) and "DefaultValue" in args[3]:
            default = args[3]["DefaultValue"]
        table = self.mappings.get(as_text(keys[0]))
        top = table.get(as_text(keys[1])) if isinstance(table, dict) else None
        if isinstance(top, dict) and as_text(keys[2]) in top:
            return self.resolve(top[as_text(keys[2])])
        if default is not None:
            return self.resolve(default)
        return Unresolved(
            f"Fn::FindInMap: {as_text(keys[0])}/{as_text(keys[1])}/{as_text(keys[2])} "
            "is not in the template's Mappings"
        )

    def _fn_if(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 3:
            return Unresolved("Fn::If needs [condition, value if true, value if false]")
        state = self.condition(args[0])
        if state is True:
            return self.resolve(args[1])
        if state is False:
            return self.resolve(args[2])
        when_true, when_false = self.resolve(args[1]), self.resolve(args[2])
        if first_unresolved([when_true, when_false]) is None and _same(when_true, when_false):
            return when_true
        return Unresolved(self.condition_reason(str(args[0])))

    def _fn_condition_value(self, fn: str, args: Any) -> Any:
        value = self._cond_expr({fn: args}, "(inline)")
        if value is None:
            return Unresolved(self._condition_why.pop("(inline)", "condition cannot be evaluated"))
        return value

    def _fn_base64(self, args: Any) -> Any:
        value = self.resolve(args)
        if isinstance(value, Unresolved):
            return value
        return base64.b64encode(as_text(value).encode()).decode()

    def _fn_cidr(self, args: Any) -> Any:
        if not isinstance(args, list) or len(args) != 3:
            return Unresolved("Fn::Cidr needs [ipBlock, count, cidrBits]")
        block, count, bits = (self.resolve(a) for a in args)
        for part in (block, count, bits):
            if isinstance(part, Unresolved):
                return part
        network = ipaddress.ip_network(as_text(block), strict=False)
        count_i = min(int(count), MAX_CIDR_COUNT)
        prefix = network.max_prefixlen - int(bits)
        if prefix < network.prefixlen:
            return Unresolved("Fn::Cidr: cidrBits is larger than the block")
        return [str(n) for n in islice(network.subnets(new_prefix=prefix), count_i)]

    def _fn_length(self, args: Any) -> Any:
        value = self.resolve(args)
        if isinstance(value, Unresolved):
            return value
        if not isinstance(value, list):
            return Unresolved("Fn::Length needs a list")
        return len(value)

    def _fn_to_json(self, args: Any) -> Any:
        value = self.resolve(args)
        bad = first_unresolved(value)
        if bad is not None:
            return bad
        return json.dumps(value, separators=(",", ":"))


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) or isinstance(right, dict):
        return left == right
    return as_text(left) == as_text(right)


_FUNCTIONS: dict[str, Callable[[Evaluator, Any], Any]] = {
    "Fn::GetAtt": Evaluator._fn_getatt,
    "Fn::Sub": Evaluator._fn_sub,
    "Fn::Join": Evaluator._fn_join,
    "Fn::Select": Evaluator._fn_select,
    "Fn::Split": Evaluator._fn_split,
    "Fn::FindInMap": Evaluator._fn_find_in_map,
    "Fn::If": Evaluator._fn_if,
    "Fn::Equals": lambda ev, args: ev._fn_condition_value("Fn::Equals", args),
    "Fn::And": lambda ev, args: ev._fn_condition_value("Fn::And", args),
    "Fn::Or": lambda ev, args: ev._fn_condition_value("Fn::Or", args),
    "Fn::Not": lambda ev, args: ev._fn_condition_value("Fn::Not", args),
    "Fn::Base64": Evaluator._fn_base64,
    "Fn::Cidr": Evaluator._fn_cidr,
    "Fn::GetAZs": lambda ev, args: Unresolved(
        "Fn::GetAZs: the region's Availability Zones are not known offline"
    ),
    "Fn::ImportValue": lambda ev, args: Unresolved(
        "Fn::ImportValue: the value is exported by another stack"
    ),
    "Fn::Transform": lambda ev, args: Unresolved("Fn::Transform: macros are not run offline"),
    "Fn::Length": Evaluator._fn_length,
    "Fn::ToJsonString": Evaluator._fn_to_json,
}
