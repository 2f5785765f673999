"""The part of the AWS SAM transform (``AWS::Serverless-2016-10-31``) the checks need.

``AWS::Serverless::Function`` becomes the resources SAM generates for it:

* the function itself (Globals.Function merged in: maps merged, lists appended, scalars
  overridden by the function), typed ``AWS::Lambda::Function`` in the mapped body; its
  logical id, and so ``!Ref``/``!GetAtt``, stay the same;
* without ``Role``: the execution role ``<Function>Role`` SAM creates, trusted by Lambda, with
  AWSLambdaBasicExecutionRole (plus AWSLambdaVPCAccessExecutionRole with ``VpcConfig``) and
  every entry of ``Policies``: managed policy names/ARNs, inline policy documents, and SAM
  policy templates (each a scoped template, never an administrator grant);
* ``FunctionUrlConfig``: the function URL ``<Function>Url`` and, with ``AuthType: NONE``, the
  public invoke permission ``<Function>UrlPublicPermissions`` SAM adds.

``AWS::Serverless::SimpleTable`` becomes an ``AWS::DynamoDB::Table``. Event sources, APIs and
other SAM resources are not expanded.
"""

from __future__ import annotations

import copy
from typing import Any

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
VPC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com"]},
            "Action": ["sts:AssumeRole"],
        }
    ],
}
# Function properties that map one to one onto AWS::Lambda::Function.
_PASS_THROUGH = (
    "FunctionName",
    "Runtime",
    "Handler",
    "Role",
    "Environment",
    "KmsKeyArn",
    "PackageType",
    "VpcConfig",
    "MemorySize",
    "Timeout",
    "Architectures",
    "Layers",
    "Tags",
    "ReservedConcurrentExecutions",
    "ImageConfig",
    "TracingConfig",
    "DeadLetterConfig",
)


def _merge(base: Any, override: Any) -> Any:
    # An intrinsic is merged like a scalar (as SAM does): the function's value wins whole, so
    # an unknown value stays one instead of being merged key by key into the global map.
    if _is_intrinsic(base) or _is_intrinsic(override):
        return override
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(override, list):
        return base + override
    return override


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


def _policies(policies: Any) -> tuple[list[Any], list[dict[str, Any]]]:
    """SAM ``Policies`` -> (managed policy ARNs, inline policies)."""
    managed: list[Any] = []
    inline: list[dict[str, Any]] = []
    items = policies if isinstance(policies, list) else [policies]
    for index, item in enumerate(items):
        if item is None:
            continue
        if isinstance(item, str):
            managed.append(item if item.startswith("arn:") else f"arn:aws:iam::aws:policy/{item}")
        elif _is_intrinsic(item):
            managed.append(item)
        elif isinstance(item, dict) and "Statement" in item:
            inline.append({"PolicyName": f"SAMInlinePolicy{index}", "PolicyDocument": item})
        elif isinstance(item, dict) and len(item) == 1:
            template = next(iter(item))
            inline.append(
                {
                    "PolicyName": f"SAMPolicyTemplate{template}",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": [f"(SAM policy template {template})"],
                                "Resource": [f"(resources scoped by {template})"],
                            }
                        ],
                    },
                }
            )
    return managed, inline


def expand(body: dict[str, Any], lines: dict[str, int]) -> None:
    resources = body.get("Resources")
    if not isinstance(resources, dict):
        return
    globals_fn = (
        ((body.get("Globals") or {}).get("Function") or {})
        if isinstance(body.get("Globals"), dict)
        else {}
    )
    out: dict[str, Any] = {}
    for logical, res in resources.items():
        if not isinstance(res, dict):
            out[logical] = res
            continue
        kind = res.get("Type")
        if kind == "AWS::Serverless::Function":
            out.update(_function(str(logical), res, globals_fn, lines))
        elif kind == "AWS::Serverless::SimpleTable":
            out[logical] = _simple_table(res)
        else:
            out[logical] = res
    body["Resources"] = out


def _function(
    logical: str, res: dict[str, Any], globals_fn: Any, lines: dict[str, int]
) -> dict[str, Any]:
    own = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
    props = _merge(copy.deepcopy(globals_fn) if isinstance(globals_fn, dict) else {}, own)
    fn_props: dict[str, Any] = {k: props[k] for k in _PASS_THROUGH if k in props}
    if "KmsKeyArn" in fn_props:
        fn_props["KmsKeyArn"] = props["KmsKeyArn"]
    if "ImageUri" in props:
        fn_props["PackageType"] = "Image"
        fn_props["Code"] = {"ImageUri": props["ImageUri"]}
    elif "InlineCode" in props:
        fn_props["Code"] = {"ZipFile": props["InlineCode"]}
    elif "CodeUri" in props:
        fn_props["Code"] = {"S3Uri": props["CodeUri"]}
    extra: dict[str, Any] = {}
    condition = {"Condition": res["Condition"]} if "Condition" in res else {}
    line = lines.get(logical)
    if "Role" not in props:
        managed, inline = _policies(props.get("Policies"))
        arns: list[Any] = [BASIC_EXECUTION]
        if "VpcConfig" in props:
            arns.append(VPC_EXECUTION)
        role_id = f"{logical}Role"
        extra[role_id] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": LAMBDA_TRUST,
                "ManagedPolicyArns": arns + managed,
                "Policies": inline,
                **(
                    {"PermissionsBoundary": props["PermissionsBoundary"]}
                    if "PermissionsBoundary" in props
                    else {}
                ),
            },
            **condition,
        }
        fn_props["Role"] = {"Fn::GetAtt": [role_id, "Arn"]}
    url = props.get("FunctionUrlConfig")
    if isinstance(url, dict):
        auth = url.get("AuthType")
        extra[f"{logical}Url"] = {
            "Type": "AWS::Lambda::Url",
            "Properties": {"TargetFunctionArn": {"Ref": logical}, "AuthType": auth},
            **condition,
        }
        if auth == "NONE":
            extra[f"{logical}UrlPublicPermissions"] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": {"Ref": logical},
                    "Action": "lambda:InvokeFunctionUrl",
                    "Principal": "*",
                    "FunctionUrlAuthType": "NONE",
                },
                **condition,
            }
    for key in extra:
        if line is not None:
            lines.setdefault(key, line)
    mapped = {
        "Type": "AWS::Serverless::Function",
        "Properties": fn_props,
        "Metadata": {"SamExpanded": True},
        **condition,
    }
    return {logical: mapped, **extra}


def _simple_table(res: dict[str, Any]) -> dict[str, Any]:
    raw = res.get("Properties")
    own: dict[str, Any] = raw if isinstance(raw, dict) else {}
    props: dict[str, Any] = {}
    for key in ("TableName", "SSESpecification", "Tags", "ProvisionedThroughput"):
        if key in own:
            props[key] = own[key]
    props["BillingMode"] = "PROVISIONED" if "ProvisionedThroughput" in own else "PAY_PER_REQUEST"
    out: dict[str, Any] = {"Type": "AWS::DynamoDB::Table", "Properties": props}
    if "Condition" in res:
        out["Condition"] = res["Condition"]
    return out
