"""Lambda checks: public invocation, secrets and encryption of environment variables,
deprecated runtimes, administrator execution roles.

Evidence never contains environment variable values, only their names.
"""

from __future__ import annotations

from typing import Any

from demarcate.checks.registry import (
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
)
from demarcate.policies import RESTRICTING_CONDITION_KEYS, principals, statements
from demarcate.resources.base import Inventory
from demarcate.resources.iam import IamRole, role_is_admin
from demarcate.resources.lambda_ import LambdaFunction, runtime_deprecation, today
from demarcate.secrets_scan import secret_findings

# lambda:FunctionUrlAuthType = NONE is how AWS writes the permission for a public URL; it
# narrows the action, not who may call, so it does not make an open principal safe.
NARROWING_KEYS = RESTRICTING_CONDITION_KEYS - {"lambda:functionurlauthtype"}


def _restricted(stmt: dict[str, Any]) -> bool:
    for conditions in (stmt.get("Condition") or {}).values():
        if isinstance(conditions, dict) and any(k.lower() in NARROWING_KEYS for k in conditions):
            return True
    return False


def open_statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """Allow statements that let any principal invoke or manage the function."""
    found = []
    for stmt in statements(policy):
        if stmt.get("Effect") != "Allow":
            continue
        anyone = any(p in ("*", "arn:aws:iam::*:root") for p in principals(stmt))
        if anyone and not _restricted(stmt):
            found.append(stmt)
    return found


@check(
    id="lambda-function-not-public",
    title="Lambda functions cannot be invoked by anyone on the internet",
    duty="lambda.execution-roles",
    severity="critical",
    resource_type=LambdaFunction,
    rationale=(
        "A function URL with AuthType NONE, or a resource policy granting '*' without a source "
        "condition, lets anyone run the function with its execution role's permissions."
    ),
    fsbp=("Lambda.1",),
    remediation=Remediation(
        console=(
            "Lambda > function > Configuration > Function URL > Edit > Auth type AWS_IAM; "
            "Configuration > Permissions > Resource-based policy: delete statements with "
            "Principal '*' or add aws:SourceArn / aws:SourceAccount conditions."
        ),
        cli=(
            "aws lambda update-function-url-config --function-name <fn> --auth-type AWS_IAM; "
            "aws lambda remove-permission --function-name <fn> --statement-id <sid>"
        ),
        terraform=(
            'resource "aws_lambda_function_url" "this" {\n  authorization_type = "AWS_IAM"\n}\n'
            'resource "aws_lambda_permission" "this" {\n'
            '  principal      = "s3.amazonaws.com"\n  source_arn     = aws_s3_bucket.src.arn\n'
            "  source_account = data.aws_caller_identity.this.account_id\n}"
        ),
    ),
)
def not_public(fn: LambdaFunction, inv: Inventory) -> Result | None:
    problems: list[str] = []
    if fn.url_auth_type == "NONE":
        problems.append("function URL has AuthType NONE (no authentication)")
    if fn.resource_policy is not None:
        opened = open_statements(fn.resource_policy)
        if opened:
            sids = ", ".join(str(s.get("Sid", "(no Sid)")) for s in opened)
            problems.append(f"resource policy allows any principal in statement(s) {sids}")
    if problems:
        return failed(f"function {fn.label}: " + "; ".join(problems))
    url = need(fn, "url_auth_type")
    need(fn, "resource_policy")
    url_text = "no function URL" if url == "" else f"function URL requires {url}"
    return passed(f"function {fn.label}: {url_text}; no resource policy statement open to '*'")


@check(
    id="lambda-function-no-secrets-in-env",
    title="Lambda environment variables hold no plaintext secrets",
    duty="lambda.environment-variables",
    severity="high",
    resource_type=LambdaFunction,
    rationale=(
        "Environment variables are shown to anyone with lambda:GetFunctionConfiguration and "
        "end up in deployment tooling; secrets belong in Secrets Manager or Parameter Store, "
        "referenced by ARN and read at run time."
    ),
    remediation=Remediation(
        console=(
            "Store the value in Secrets Manager, then Lambda > function > Configuration > "
            "Environment variables > Edit: replace the value with the secret's ARN and read it "
            "in code (or use the Parameters and Secrets extension)."
        ),
        cli=(
            "aws secretsmanager create-secret --name <name> --secret-string <value>; "
            "aws lambda update-function-configuration --function-name <fn> --environment "
            "'Variables={DB_SECRET_ARN=<secret-arn>}'"
        ),
        terraform=(
            'resource "aws_lambda_function" "this" {\n  environment {\n    variables = {\n'
            "      DB_SECRET_ARN = aws_secretsmanager_secret.db.arn\n    }\n  }\n}"
        ),
    ),
)
def no_secrets_in_env(fn: LambdaFunction, inv: Inventory) -> Result | None:
    env = need(fn, "env_vars")
    if not env:
        return None
    reasons = secret_findings(env)
    if reasons:
        return failed(f"function {fn.label}: " + "; ".join(reasons))
    return passed(
        f"function {fn.label}: none of {len(env)} environment variable(s) looks like a secret"
    )


@check(
    id="lambda-function-env-encrypted-cmk",
    title="Lambda environment variables are encrypted with a customer-managed KMS key",
    duty="lambda.environment-encryption",
    severity="low",
    resource_type=LambdaFunction,
    rationale=(
        "Lambda encrypts environment variables at rest with the AWS managed key by default; a "
        "customer-managed key lets the customer decide and audit who can decrypt them."
    ),
    remediation=Remediation(
        console="Lambda > function > Configuration > Environment variables > Edit > Encryption "
        "configuration > Use a customer master key > choose the KMS key.",
        cli="aws lambda update-function-configuration --function-name <fn> --kms-key-arn <key-arn>",
        terraform='resource "aws_lambda_function" "this" {\n  kms_key_arn = aws_kms_key.lambda.arn\n}',
    ),
)
def env_encrypted_cmk(fn: LambdaFunction, inv: Inventory) -> Result | None:
    key = need(fn, "kms_key_arn")
    if key:
        return passed(f"function {fn.label}: environment variables encrypted with {key}")
    env = need(fn, "env_vars")
    if not env:
        return None  # nothing to encrypt
    return failed(
        f"function {fn.label}: {len(env)} environment variable(s) encrypted only with the "
        "AWS managed key (no KMSKeyArn)"
    )


@check(
    id="lambda-function-runtime-supported",
    title="Lambda functions use a runtime AWS still supports",
    duty="lambda.runtime-configuration",
    severity="medium",
    resource_type=LambdaFunction,
    rationale=(
        "AWS patches a managed runtime only until its deprecation date; after it, the language "
        "runtime and OS get no security fixes and moving to a supported runtime is the customer's job."
    ),
    fsbp=("Lambda.2",),
    remediation=Remediation(
        console="Lambda > function > Code > Runtime settings > Edit > choose a supported runtime "
        "(test the code on it first).",
        cli="aws lambda update-function-configuration --function-name <fn> --runtime python3.13",
        terraform='resource "aws_lambda_function" "this" {\n  runtime = "python3.13"\n}',
    ),
)
def runtime_supported(fn: LambdaFunction, inv: Inventory) -> Result | None:
    if need(fn, "package_type") == "Image":
        return None  # the runtime is in the customer's container image
    runtime = need(fn, "runtime")
    if not runtime:
        return None
    deprecated = runtime_deprecation(runtime)
    now = today()
    if deprecated is not None and now >= deprecated:
        return failed(
            f"function {fn.label}: runtime {runtime} deprecated since {deprecated.isoformat()}"
        )
    if deprecated is not None:
        return passed(
            f"function {fn.label}: runtime {runtime} supported until {deprecated.isoformat()}"
        )
    return passed(f"function {fn.label}: runtime {runtime} has no announced deprecation date")


@check(
    id="lambda-function-role-not-admin",
    title="Lambda execution roles do not have administrator access",
    duty="lambda.execution-roles",
    severity="high",
    resource_type=LambdaFunction,
    rationale=(
        "Whoever can run code in the function (a bug, a dependency, an injected payload) gets "
        "the execution role's permissions; an administrator role turns that into account takeover."
    ),
    remediation=Remediation(
        console=(
            "IAM > Roles > the function's execution role > Permissions: detach "
            "AdministratorAccess / '*:*' policies and attach a policy granting only the actions "
            "and resources the function uses."
        ),
        cli=(
            "aws iam detach-role-policy --role-name <role> --policy-arn "
            "arn:aws:iam::aws:policy/AdministratorAccess; aws iam put-role-policy --role-name "
            "<role> --policy-name least-privilege --policy-document file://policy.json"
        ),
        terraform=(
            'resource "aws_iam_role_policy" "lambda" {\n  role   = aws_iam_role.lambda.id\n'
            '  policy = data.aws_iam_policy_document.least_privilege.json  # no "*" on "*"\n}'
        ),
    ),
)
def role_not_admin(fn: LambdaFunction, inv: Inventory) -> Result | None:
    role_arn = need(fn, "role_arn")
    role = inv.find(IamRole, role_arn)
    if role is None:
        errors = inv.errors_for(IamRole.TYPE)
        why = errors[0].reason if errors else "IAM roles were not collected (scan iam as well)"
        raise Unknown(f"{fn.label}: execution role {role_arn} unknown: {why}")
    admin = role_is_admin(role, inv)
    if admin is None:
        raise Unknown(f"{fn.label}: policies of execution role {role.label} are not fully known")
    if admin:
        return failed(
            f"function {fn.label}: execution role {role.label} has full administrator access"
        )
    return passed(f"function {fn.label}: execution role {role.label} is not an administrator")
