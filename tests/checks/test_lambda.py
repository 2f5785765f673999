"""Lambda checks, proven both ways on moto. Functions are created, never invoked."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.lambda_ import open_statements
from demarcate.checks.registry import CHECKS, Status
from demarcate.engine import evaluate
from demarcate.resources.base import Inventory
from demarcate.resources.lambda_ import LambdaFunction, runtime_deprecated

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
SECRET_VALUE = "Sup3rS3cretPassw0rd"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def _role(session, name: str, admin: bool) -> str:
    iam = session.client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    if admin:
        iam.attach_role_policy(RoleName=name, PolicyArn=ADMIN)
    else:
        iam.put_role_policy(
            RoleName=name,
            PolicyName="logs",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}
                    ],
                }
            ),
        )
    return arn


def _function(session, name: str, role: str, runtime: str = "python3.12", **extra) -> str:
    session.client("lambda").create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": _zip()},
        **extra,
    )
    return name


def _pair(aws):
    """A compliant and a misconfigured function (URL, env, key, runtime, role)."""
    key = aws.client("kms").create_key(Description="env", MultiRegion=False)["KeyMetadata"]["Arn"]
    good = _function(
        aws,
        "good-fn",
        _role(aws, "exec", admin=False),
        Environment={
            "Variables": {
                "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
                "LOG_LEVEL": "INFO",
            }
        },
        KMSKeyArn=key,
    )
    aws.client("lambda").create_function_url_config(FunctionName=good, AuthType="AWS_IAM")
    bad = _function(
        aws,
        "bad-fn",
        _role(aws, "admin", admin=True),
        runtime="nodejs14.x",
        Environment={"Variables": {"DB_PASSWORD": SECRET_VALUE}},
    )
    lam = aws.client("lambda")
    lam.create_function_url_config(FunctionName=bad, AuthType="NONE")
    lam.add_permission(
        FunctionName=bad,
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    return good, bad


def test_public_url_and_policy(aws, scan):
    good, bad = _pair(aws)
    role = _role(aws, "plain", admin=False)
    policy_only = _function(aws, "policy-open", role)
    aws.client("lambda").add_permission(
        FunctionName=policy_only,
        StatementId="AnyoneInvokes",
        Action="lambda:InvokeFunction",
        Principal="*",
    )
    scoped = _function(aws, "s3-triggered", role)
    aws.client("lambda").add_permission(
        FunctionName=scoped,
        StatementId="FromBucket",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::demo-bucket",
        SourceAccount="123456789012",
    )
    result = scan(aws, services=["lambda"])
    ok = result.one("lambda-function-not-public", good)
    assert ok.status is Status.PASS
    assert ok.evidence == (
        "function good-fn: function URL requires AWS_IAM; no resource policy statement open to '*'"
    )
    ko = result.one("lambda-function-not-public", bad)
    assert ko.status is Status.FAIL
    assert "function URL has AuthType NONE" in ko.evidence
    assert "FunctionURLAllowPublicAccess" in ko.evidence
    pol = result.one("lambda-function-not-public", policy_only)
    assert pol.status is Status.FAIL
    assert pol.evidence == (
        "function policy-open: resource policy allows any principal in statement(s) AnyoneInvokes"
    )
    assert result.one("lambda-function-not-public", scoped).status is Status.PASS
    assert ko.compliance["aws_fsbp"] == ["Lambda.1"]


def test_url_auth_condition_does_not_hide_an_open_principal():
    """AWS writes public-URL permissions with a lambda:FunctionUrlAuthType condition."""
    policy = {
        "Statement": [
            {
                "Sid": "FunctionURLAllowPublicAccess",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "lambda:InvokeFunctionUrl",
                "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}},
            },
            {
                "Sid": "OrgOnly",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "lambda:InvokeFunction",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            },
        ]
    }
    assert [s["Sid"] for s in open_statements(policy)] == ["FunctionURLAllowPublicAccess"]


def test_secrets_in_environment(aws, scan):
    good, bad = _pair(aws)
    role = _role(aws, "plain", admin=False)
    keyed = _function(
        aws, "keyed", role, Environment={"Variables": {"UPSTREAM": "AKIAABCDEFGHIJKLMNOP"}}
    )
    bare = _function(aws, "bare", role)
    result = scan(aws, services=["lambda"])
    ok = result.one("lambda-function-no-secrets-in-env", good)
    assert ok.status is Status.PASS
    assert ok.evidence == "function good-fn: none of 2 environment variable(s) looks like a secret"
    ko = result.one("lambda-function-no-secrets-in-env", bad)
    assert ko.status is Status.FAIL
    assert (
        ko.evidence == "function bad-fn: DB_PASSWORD looks like a secret and holds a literal value"
    )
    key = result.one("lambda-function-no-secrets-in-env", keyed)
    assert key.status is Status.FAIL
    assert "UPSTREAM holds an AWS access key id" in key.evidence
    assert not [
        f for f in result.for_check("lambda-function-no-secrets-in-env") if bare in f.resource_id
    ]
    for finding in result.findings:
        assert SECRET_VALUE not in finding.evidence
        assert "AKIAABCDEFGHIJKLMNOP" not in finding.evidence
    fn = result.inv.find(LambdaFunction, bad)
    assert fn is not None and SECRET_VALUE not in repr(fn)


def test_environment_cmk(aws, scan):
    good, bad = _pair(aws)
    bare = _function(aws, "bare", _role(aws, "plain", admin=False))
    result = scan(aws, services=["lambda"])
    ok = result.one("lambda-function-env-encrypted-cmk", good)
    assert ok.status is Status.PASS
    assert "environment variables encrypted with arn:aws:kms:us-east-1:" in ok.evidence
    ko = result.one("lambda-function-env-encrypted-cmk", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == (
        "function bad-fn: 1 environment variable(s) encrypted only with the AWS managed key "
        "(no KMSKeyArn)"
    )
    assert not [
        f for f in result.for_check("lambda-function-env-encrypted-cmk") if bare in f.resource_id
    ]


def test_runtime_deprecation(aws, scan):
    good, bad = _pair(aws)
    result = scan(aws, services=["lambda"])
    ok = result.one("lambda-function-runtime-supported", good)
    assert ok.status is Status.PASS
    assert ok.evidence == "function good-fn: runtime python3.12 supported until 2028-10-31"
    ko = result.one("lambda-function-runtime-supported", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "function bad-fn: runtime nodejs14.x deprecated since 2023-12-04"


def test_runtime_deprecation_depends_on_the_date():
    assert runtime_deprecated("nodejs22.x", on=date(2027, 4, 29)) is False
    assert runtime_deprecated("nodejs22.x", on=date(2027, 4, 30)) is True
    assert runtime_deprecated("python3.8", on=date(2024, 10, 13)) is False
    assert runtime_deprecated("go1.x", on=date(2024, 1, 8)) is True
    assert runtime_deprecated("python9.9", on=date(2030, 1, 1)) is False  # not announced
    assert runtime_deprecated(None) is None
    image = LambdaFunction(id="img", package_type="Image", runtime="")
    assert image.deprecated_runtime is False
    assert evaluate(CHECKS["lambda-function-runtime-supported"], image, Inventory()) is None
    assert LambdaFunction(id="old", package_type="Zip", runtime="java8").deprecated_runtime is True


def test_execution_role_admin(aws, scan):
    good, bad = _pair(aws)
    result = scan(aws, services=["lambda", "iam"])
    ok = result.one("lambda-function-role-not-admin", good)
    assert ok.status is Status.PASS
    assert ok.evidence == "function good-fn: execution role exec is not an administrator"
    ko = result.one("lambda-function-role-not-admin", bad)
    assert ko.status is Status.FAIL
    assert ko.evidence == "function bad-fn: execution role admin has full administrator access"
    assert ko.duty_id == "lambda.execution-roles"


def test_execution_role_unknown_without_iam(aws, scan):
    good, _ = _pair(aws)
    result = scan(aws, services=["lambda"])
    finding = result.one("lambda-function-role-not-admin", good)
    assert finding.status is Status.UNKNOWN
    assert "IAM roles were not collected" in finding.evidence


def _deny(monkeypatch, operation: str) -> None:
    original = botocore.client.BaseClient._make_api_call

    def deny(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)


def test_denied_policy_read_is_unknown_not_pass(aws, scan, monkeypatch):
    good, bad = _pair(aws)
    _deny(monkeypatch, "GetPolicy")
    result = scan(aws, services=["lambda"])
    finding = result.one("lambda-function-not-public", good)
    assert finding.status is Status.UNKNOWN
    assert "lambda:GetPolicy denied" in finding.evidence
    # The public URL alone is proof enough to fail.
    assert result.one("lambda-function-not-public", bad).status is Status.FAIL


def test_denied_url_listing_is_unknown(aws, scan, monkeypatch):
    good, _ = _pair(aws)
    _deny(monkeypatch, "ListFunctionUrlConfigs")
    result = scan(aws, services=["lambda"])
    finding = result.one("lambda-function-not-public", good)
    assert finding.status is Status.UNKNOWN
    assert "lambda:ListFunctionUrlConfigs denied" in finding.evidence


def test_denied_listing_is_unknown(aws, scan, monkeypatch):
    _pair(aws)
    _deny(monkeypatch, "ListFunctions")
    result = scan(aws, services=["lambda"])
    findings = result.for_check("lambda-function-runtime-supported")
    assert [f.status for f in findings] == [Status.UNKNOWN]
    assert "lambda:ListFunctions denied" in findings[0].evidence


def test_undecryptable_environment_is_unknown(aws, scan, monkeypatch):
    """Without kms:Decrypt on the CMK, ListFunctions returns Environment.Error, no variables."""
    good, bad = _pair(aws)
    original = botocore.client.BaseClient._make_api_call

    def undecryptable(self, operation_name, api_params):
        response = original(self, operation_name, api_params)
        if operation_name == "ListFunctions":
            for fn in response.get("Functions", []):
                if fn["FunctionName"] == bad:
                    fn["Environment"] = {
                        "Error": {
                            "ErrorCode": "AccessDeniedException",
                            "Message": "Lambda was unable to decrypt the environment variables",
                        }
                    }
        return response

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", undecryptable)
    result = scan(aws, services=["lambda"])
    finding = result.one("lambda-function-no-secrets-in-env", bad)
    assert finding.status is Status.UNKNOWN
    assert "environment variables unreadable (AccessDeniedException)" in finding.evidence
    assert result.one("lambda-function-env-encrypted-cmk", bad).status is Status.UNKNOWN
    assert result.one("lambda-function-no-secrets-in-env", good).status is Status.PASS
