"""Collect Lambda functions: runtime, role, environment, KMS key, VPC, URL auth, resource policy.

ListFunctions returns the configuration (environment variables included) in one paginated
call. Per function: ListFunctionUrlConfigs (every qualifier at once; where an endpoint does
not support it, GetFunctionUrlConfig for the unqualified function) and GetPolicy.
"""

from __future__ import annotations

from typing import Any

from demarcate.policies import parse_policy
from demarcate.resources.base import Inventory
from demarcate.resources.lambda_ import LambdaFunction
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import DENIED_CODES, THROTTLE_CODES, AwsContext

NOT_FOUND = ("ResourceNotFoundException",)


def _function(raw: dict[str, Any], region: str) -> LambdaFunction:
    fn = LambdaFunction(
        id=raw["FunctionName"],
        name=raw["FunctionName"],
        arn=raw.get("FunctionArn"),
        region=region,
        package_type=raw.get("PackageType") or "Zip",
        runtime=raw.get("Runtime") or "",
        role_arn=raw.get("Role"),
        kms_key_arn=raw.get("KMSKeyArn") or "",
        vpc_subnet_ids=list((raw.get("VpcConfig") or {}).get("SubnetIds") or []),
        vpc_security_group_ids=list((raw.get("VpcConfig") or {}).get("SecurityGroupIds") or []),
        last_modified=raw.get("LastModified"),
    )
    env = raw.get("Environment") or {}
    if env.get("Error"):  # the variables could not be decrypted for the caller
        err = env["Error"]
        fn.mark_unknown(
            f"environment variables unreadable ({err.get('ErrorCode', 'error')}): "
            f"{err.get('Message', '')}".strip(),
            "env_vars",
        )
    else:
        fn.env_vars = {str(k): str(v) for k, v in (env.get("Variables") or {}).items()}
    return fn


def _least_strict(auth_types: list[str]) -> str:
    if not auth_types:
        return ""
    return "NONE" if "NONE" in auth_types else sorted(auth_types)[0]


@collector(
    service="lambda",
    scope="regional",
    resource_types=(LambdaFunction.TYPE,),
    actions=(
        "lambda:ListFunctions",
        "lambda:ListFunctionUrlConfigs",
        "lambda:GetFunctionUrlConfig",
        "lambda:GetPolicy",
    ),
)
def functions(ctx: AwsContext, region: str, inv: Inventory) -> None:
    lam = ctx.client("lambda", region)
    listed = ctx.paginate(lam, "list_functions", "Functions")
    if not listed.ok:
        inv.add_error(
            LambdaFunction.TYPE, region, "lambda:ListFunctions", listed.error or "no answer"
        )
        return

    def detail(raw: dict[str, Any]) -> None:
        fn = _function(raw, region)
        name = fn.id
        urls = ctx.paginate(
            lam, "list_function_url_configs", "FunctionUrlConfigs", FunctionName=name
        )
        if urls.ok:
            fn.url_auth_type = _least_strict([str(u.get("AuthType")) for u in urls.value])
        elif urls.code in DENIED_CODES or urls.code in THROTTLE_CODES:
            fn.mark_unknown(urls.error or "", "url_auth_type")
        else:  # e.g. an emulator without ListFunctionUrlConfigs: read the unqualified URL
            one = ctx.call(lam, "get_function_url_config", absent=NOT_FOUND, FunctionName=name)
            if one.absent:
                fn.url_auth_type = ""
            elif one.ok:
                fn.url_auth_type = str(one.value.get("AuthType"))
            else:
                fn.mark_unknown(one.error or "", "url_auth_type")
        pol = ctx.call(lam, "get_policy", absent=NOT_FOUND, FunctionName=name)
        if pol.absent:
            fn.resource_policy = {}
        elif pol.ok:
            parsed = parse_policy(pol.value.get("Policy"))
            if parsed is None:
                fn.mark_unknown("lambda:GetPolicy returned an unreadable policy", "resource_policy")
            else:
                fn.resource_policy = parsed
        else:
            fn.mark_unknown(pol.error or "", "resource_policy")
        inv.add(fn)

    ctx.map(detail, listed.value)
