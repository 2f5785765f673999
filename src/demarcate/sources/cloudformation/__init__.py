"""CloudFormation templates (YAML or JSON, SAM functions included) as normalized resources.

``load_template(path, parameters)`` parses the template safely (see :mod:`.parse`), evaluates
its parameters, conditions and intrinsic functions (:mod:`.intrinsics`) and maps every
supported resource type onto the same resource model the live AWS scan fills, so the same
checks judge both. Problems come back as :class:`IacParseError` (path, line, message); a
template that cannot be read yields no resources and one error, a resource that cannot be
mapped yields one error and the rest of the template still counts.

``parameters`` overrides parameter defaults; the pseudo parameters ``AWS::Region``,
``AWS::AccountId``, ``AWS::Partition`` and ``AWS::StackName`` may be given the same way.
"""

from __future__ import annotations

from pathlib import Path

from demarcate.resources.base import Resource
from demarcate.sources.cloudformation import (  # noqa: F401  (register the mappers)
    map_compute,
    map_data,
    map_edge,
    map_identity,
    map_monitoring,
    map_network,
    map_s3,
    sam,
)
from demarcate.sources.cloudformation.parse import TemplateError, read_template
from demarcate.sources.cloudformation.stack import FINISHERS, FOLDERS, PRIMARY, Stack
from demarcate.sources.iac.errors import IacParseError

__all__ = ["SUPPORTED_TYPES", "load_template"]

SUPPORTED_TYPES: frozenset[str] = (
    frozenset(PRIMARY)
    | frozenset(FOLDERS)
    | {
        "AWS::Serverless::SimpleTable",
        "AWS::EC2::LaunchTemplate",
        "AWS::IAM::InstanceProfile",
        "AWS::Config::DeliveryChannel",
    }
)


def load_template(
    path: Path, parameters: dict[str, str] | None = None
) -> tuple[list[Resource], list[IacParseError]]:
    """Normalized resources of the template at ``path`` and the problems met reading it."""
    path = Path(path)
    where = str(path)
    try:
        parsed = read_template(path)
    except TemplateError as exc:
        return [], [IacParseError(where, exc.line, exc.message)]
    body = parsed.body
    if not isinstance(body.get("Resources"), dict):
        return [], [IacParseError(where, 1, "not a CloudFormation template: no Resources mapping")]
    transform = body.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if any(isinstance(t, str) and t.startswith("AWS::Serverless") for t in transforms) or any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::Serverless::")
        for r in body["Resources"].values()
    ):
        sam.expand(body, parsed.resource_lines)
    stack = Stack(where, body, parsed.resource_lines, dict(parameters or {}))
    for lr in list(stack.logical.values()):
        fn = PRIMARY.get(lr.type)
        if fn is None:
            continue
        try:
            made = fn(stack, lr, stack.props(lr))
        except Exception as exc:  # one bad resource must not sink the template
            stack.error(
                lr.line,
                f"resource {lr.logical_id} ({lr.type}) could not be read: "
                f"{type(exc).__name__}: {exc}",
            )
            continue
        for res in made if isinstance(made, list) else [made] if made is not None else []:
            stack.add(res, lr)
    for lr in list(stack.logical.values()):
        fold = FOLDERS.get(lr.type)
        if fold is None:
            continue
        try:
            fold(stack, lr, stack.props(lr))
        except Exception as exc:
            stack.error(
                lr.line,
                f"resource {lr.logical_id} ({lr.type}) could not be read: "
                f"{type(exc).__name__}: {exc}",
            )
    for finish in FINISHERS:
        try:
            finish(stack)
        except Exception as exc:
            stack.error(None, f"{finish.__name__}: {type(exc).__name__}: {exc}")
    return stack.out, stack.errors
