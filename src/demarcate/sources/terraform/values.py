"""Values of evaluated Terraform expressions.

Known values are plain Python (str, int, float, bool, None, list, dict). A value that cannot
be known from the code (a variable without value, an attribute computed by AWS at apply time,
a function we do not evaluate) is an :class:`UnknownValue` carrying the reason; it flows
through expressions and ends as ``None`` + ``Resource.unknown[attr]`` in the normalized
resource, so checks say UNKNOWN, never a guessed PASS or FAIL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

V = TypeVar("V")
W = TypeVar("W")

# Stands for the account id in ARNs built from the code when the account is not known
# (no ``allowed_account_ids`` in the provider): keeps ARNs comparable between resources
# without inventing an account. Not 12 digits, so no check mistakes it for a real account.
ACCOUNT_PLACEHOLDER = "<account-id>"


class UnknownValue:
    """A value the code does not determine; ``reason`` says why."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"UnknownValue({self.reason!r})"

    def __bool__(self) -> NoReturn:  # never silently truthy or falsy in a condition
        raise TypeError("an unknown value has no truth value")

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return id(self)


class ResourceObject(dict):
    """The attributes of one resource (or data source) instance, as an expression sees them.

    Attributes neither set in the code nor derivable (ids, ARNs we can build) are unknown
    until apply.
    """

    def __init__(self, address: str, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.address = address

    def attribute(self, name: str) -> Any:
        if name in self:
            return self[name]
        return UnknownValue(f"{self.address}.{name} is known only after apply")


def is_unknown(value: Any) -> bool:
    return isinstance(value, UnknownValue)


def unknown_or(value: V, build: Callable[[V], W]) -> UnknownValue | W:
    """``build(value)`` when ``value`` is fully known, else the first unknown inside it.

    (``first_unknown(x) or build(x)`` would not do: an UnknownValue refuses truth tests.)
    """
    found = first_unknown(value)
    return found if found is not None else build(value)


def first_unknown(value: Any, depth: int = 0) -> UnknownValue | None:
    """The first unknown found anywhere inside ``value`` (None when fully known)."""
    if isinstance(value, UnknownValue):
        return value
    if depth > 40:
        return None
    if isinstance(value, dict):
        for item in value.values():
            found = first_unknown(item, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, (list, tuple)):
        for item in value:
            found = first_unknown(item, depth + 1)
            if found is not None:
                return found
    return None


def unknown_from(*values: Any) -> UnknownValue | None:
    for value in values:
        if isinstance(value, UnknownValue):
            return value
    return None


def partition_of(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
