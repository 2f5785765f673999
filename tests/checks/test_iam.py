"""IAM checks, proven both ways on moto.

moto gaps worked around here:
- Key ages, key/password last-used dates and the root MFA / root-key flags cannot be set
  through the API: the tests set them on moto's in-process backend objects, and the
  credential report / account summary then reflect them.
- moto's credential report has no ``<root_account>`` row: root-usage tests add one to the
  GetCredentialReport answer (that call only).
- moto has no IAM Access Analyzer API: those tests attach a botocore Stubber with the real
  ListAnalyzers response shape to ``ctx.client("accessanalyzer", region)``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.client
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from demarcate.checks.registry import Status
from demarcate.resources.iam import IamRole, grants_full_admin, role_is_admin

ACCOUNT = "123456789012"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
SUPPORT = "arn:aws:iam::aws:policy/AWSSupportAccess"
ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["iam"]
FMT = "%Y-%m-%dT%H:%M:%S+00:00"


# --- helpers -----------------------------------------------------------------------------


def _doc(*stmts: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def _trust(principal: Any, condition: dict[str, Any] | None = None) -> str:
    stmt: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return _doc(stmt)


def _backend():
    from moto.iam.models import iam_backends

    return iam_backends[ACCOUNT]["aws"]


def _ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def _key(user: str, key_id: str):
    return next(k for k in _backend().users[user].access_keys if k.access_key_id == key_id)


def _age_key(user: str, key_id: str, days: int) -> None:
    key = _key(user, key_id)
    key.create_date = key.create_date - timedelta(days=days)


def _key_used(user: str, key_id: str, days_ago: int) -> None:
    from moto.iam.models import AccessKeyLastUsed

    _key(user, key_id).last_used = AccessKeyLastUsed(_ago(days_ago), "s3", "us-east-1")


def _user(aws, name: str, *, password: bool = False, keys: int = 0) -> list[str]:
    iam = aws.client("iam")
    iam.create_user(UserName=name)
    if password:
        iam.create_login_profile(UserName=name, Password="Long-Enough-Passw0rd!")
    return [iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"] for _ in range(keys)]


def _deny(monkeypatch, operation: str) -> None:
    def deny(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDenied", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)


def _root_row(
    monkeypatch,
    password_last_used: str = "no_information",
    key1: tuple[str, str, str] | None = None,
) -> None:
    """Add the <root_account> row AWS puts in every credential report (moto omits it)."""
    active, rotated, used = key1 or ("false", "N/A", "N/A")
    row = (
        f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,"
        f"{password_last_used},not_supported,not_supported,true,{active},{rotated},{used},"
        "N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    )

    def with_root(self, operation_name, api_params):
        answer = ORIGINAL(self, operation_name, api_params)
        if operation_name == "GetCredentialReport":
            header, _, rest = answer["Content"].decode().partition("\n")
            answer["Content"] = f"{header}\n{row}{rest}".encode()
        return answer

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", with_root)


# --- root user ---------------------------------------------------------------------------


def test_root_mfa_fails_without_and_passes_with(aws, scan):
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-root-mfa-enabled", f"iam-account:{ACCOUNT}")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence
        == f"account {ACCOUNT}: the root user has no MFA device (AccountMFAEnabled = 0)"
    )
    assert bad.duty_id == "iam.mfa"

    _backend().account_summary._account_mfa_enabled = 1
    ok = scan(aws, services=SERVICES).one("iam-root-mfa-enabled", f"iam-account:{ACCOUNT}")
    assert ok.status is Status.PASS
    assert "has an MFA device" in ok.evidence


def test_root_access_keys(aws, scan, monkeypatch):
    ok = scan(aws, services=SERVICES).one("iam-root-no-access-keys", f"iam-account:{ACCOUNT}")
    assert ok.status is Status.PASS
    assert "AccountAccessKeysPresent = 0" in ok.evidence

    _backend().account_summary._account_access_keys_present = 1
    _root_row(monkeypatch, key1=("true", "2024-01-01T00:00:00+00:00", "N/A"))
    bad = scan(aws, services=SERVICES).one("iam-root-no-access-keys", f"iam-account:{ACCOUNT}")
    assert bad.status is Status.FAIL
    assert bad.evidence == f"account {ACCOUNT}: the root user has access keys (access key 1 active)"


def test_root_recent_use_fails(aws, scan, monkeypatch):
    _root_row(monkeypatch, password_last_used=_ago(10).strftime(FMT))
    bad = scan(aws, services=SERVICES).one("iam-root-not-used-recently", ACCOUNT)
    assert bad.status is Status.FAIL
    assert "root user active within the last 90 days: password last used" in bad.evidence
    assert "(10 days ago)" in bad.evidence


def test_root_old_use_and_never_used_pass(aws, scan, monkeypatch):
    _root_row(
        monkeypatch,
        password_last_used=_ago(200).strftime(FMT),
        key1=("false", "2020-01-01T00:00:00+00:00", _ago(150).strftime(FMT)),
    )
    ok = scan(aws, services=SERVICES).one("iam-root-not-used-recently", ACCOUNT)
    assert ok.status is Status.PASS
    assert "not used in the last 90 days (latest: access key 1 on" in ok.evidence

    _root_row(monkeypatch)
    never = scan(aws, services=SERVICES).one("iam-root-not-used-recently", ACCOUNT)
    assert never.status is Status.PASS
    assert "no use of the root user's credentials" in never.evidence


def test_root_use_unknown_without_root_row(aws, scan):
    """moto's own report lacks the root row: UNKNOWN, never PASS."""
    finding = scan(aws, services=SERVICES).one("iam-root-not-used-recently", ACCOUNT)
    assert finding.status is Status.UNKNOWN
    assert "no <root_account> row" in finding.evidence


# --- password policy ---------------------------------------------------------------------

PWD_CHECKS = (
    "iam-password-policy-min-length",
    "iam-password-policy-reuse-prevention",
    "iam-password-policy-complexity",
)


def test_missing_password_policy_fails_every_aspect(aws, scan):
    result = scan(aws, services=SERVICES)
    for check_id in PWD_CHECKS:
        finding = result.one(check_id, ACCOUNT)
        assert finding.status is Status.FAIL, check_id
        assert (
            finding.evidence
            == f"account {ACCOUNT}: no IAM password policy is set (AWS defaults apply)"
        )


def test_weak_password_policy_fails(aws, scan):
    aws.client("iam").update_account_password_policy(
        MinimumPasswordLength=8,
        PasswordReusePrevention=5,
        RequireLowercaseCharacters=True,
        RequireNumbers=True,
    )
    result = scan(aws, services=SERVICES)
    length = result.one("iam-password-policy-min-length", ACCOUNT)
    assert length.status is Status.FAIL
    assert "requires only 8 characters (CIS: >= 14)" in length.evidence
    reuse = result.one("iam-password-policy-reuse-prevention", ACCOUNT)
    assert reuse.status is Status.FAIL
    assert "remembers only 5 previous passwords" in reuse.evidence
    complexity = result.one("iam-password-policy-complexity", ACCOUNT)
    assert complexity.status is Status.FAIL
    assert complexity.evidence.endswith("does not require uppercase letters, symbols")


def test_strong_password_policy_passes(aws, scan):
    aws.client("iam").update_account_password_policy(
        MinimumPasswordLength=16,
        PasswordReusePrevention=24,
        RequireLowercaseCharacters=True,
        RequireUppercaseCharacters=True,
        RequireNumbers=True,
        RequireSymbols=True,
    )
    result = scan(aws, services=SERVICES)
    for check_id in PWD_CHECKS:
        assert result.one(check_id, ACCOUNT).status is Status.PASS, check_id
    assert "requires 16 characters" in result.one(PWD_CHECKS[0], ACCOUNT).evidence


def test_password_policy_denied_is_unknown(aws, scan, monkeypatch):
    _deny(monkeypatch, "GetAccountPasswordPolicy")
    finding = scan(aws, services=SERVICES).one("iam-password-policy-min-length", ACCOUNT)
    assert finding.status is Status.UNKNOWN
    assert "iam:GetAccountPasswordPolicy denied" in finding.evidence


# --- support role, Access Analyzer -------------------------------------------------------


def test_support_role(aws, scan):
    bad = scan(aws, services=SERVICES).one("iam-support-role-exists", ACCOUNT)
    assert bad.status is Status.FAIL
    assert "no role has the AWSSupportAccess policy attached" in bad.evidence

    iam = aws.client("iam")
    iam.create_role(RoleName="support", AssumeRolePolicyDocument=_trust({"AWS": ACCOUNT}))
    iam.attach_role_policy(RoleName="support", PolicyArn=SUPPORT)
    ok = scan(aws, services=SERVICES).one("iam-support-role-exists", ACCOUNT)
    assert ok.status is Status.PASS
    assert ok.evidence == f"account {ACCOUNT}: AWSSupportAccess is attached to role(s) support"


def _analyzers(aws, scan, per_region: dict[str, list[dict[str, Any]]]):
    def prepare(ctx):
        for region, analyzers in per_region.items():
            stub = Stubber(ctx.client("accessanalyzer", region))
            stub.add_response("list_analyzers", {"analyzers": analyzers}, None)
            stub.activate()

    return scan(aws, services=SERVICES, regions=list(per_region), prepare=prepare)


def _analyzer(name: str, kind: str = "ACCOUNT", status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "arn": f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/{name}",
        "name": name,
        "type": kind,
        "createdAt": datetime(2025, 1, 1, tzinfo=UTC),
        "status": status,
    }


def test_access_analyzer_per_region(aws, scan):
    """moto has no Access Analyzer API: ListAnalyzers is stubbed (real response shape)."""
    result = _analyzers(
        aws,
        scan,
        {
            "us-east-1": [_analyzer("external")],
            "eu-west-1": [_analyzer("unused", kind="ACCOUNT_UNUSED_ACCESS")],
            "eu-central-1": [],
        },
    )
    ok = result.one("iam-access-analyzer-enabled", "access-analyzer:us-east-1")
    assert ok.status is Status.PASS
    assert "active external-access analyzer(s) external" in ok.evidence
    only_unused = result.one("iam-access-analyzer-enabled", "access-analyzer:eu-west-1")
    assert only_unused.status is Status.FAIL
    assert "found: unused (ACCOUNT_UNUSED_ACCESS/ACTIVE)" in only_unused.evidence
    none = result.one("iam-access-analyzer-enabled", "access-analyzer:eu-central-1")
    assert none.status is Status.FAIL
    assert (
        none.evidence == "IAM Access Analyzer in eu-central-1: no analyzer exists in eu-central-1"
    )
    assert none.duty_id == "iam.cross-account-access"


def test_access_analyzer_unsupported_is_unknown(aws, scan):
    finding = scan(aws, services=SERVICES).one(
        "iam-access-analyzer-enabled", "access-analyzer:us-east-1"
    )
    assert finding.status is Status.UNKNOWN
    assert "access-analyzer:ListAnalyzers is not supported by this endpoint" in finding.evidence


def test_access_analyzer_denied_is_unknown(aws, scan, monkeypatch):
    _deny(monkeypatch, "ListAnalyzers")
    finding = scan(aws, services=SERVICES).one(
        "iam-access-analyzer-enabled", "access-analyzer:us-east-1"
    )
    assert finding.status is Status.UNKNOWN
    assert "access-analyzer:ListAnalyzers denied (AccessDenied)" in finding.evidence


# --- users -------------------------------------------------------------------------------


def test_console_mfa(aws, scan):
    _user(aws, "no-mfa", password=True)
    _user(aws, "with-mfa", password=True)
    _user(aws, "api-only", keys=1)
    iam = aws.client("iam")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="with-mfa")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="with-mfa",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-user-console-mfa", "no-mfa")
    assert bad.status is Status.FAIL
    assert bad.evidence == "user no-mfa: console password enabled and no MFA device active"
    assert result.one("iam-user-console-mfa", "with-mfa").status is Status.PASS
    assert not [
        f for f in result.for_check("iam-user-console-mfa") if f.resource_name == "api-only"
    ]


def test_access_key_rotation(aws, scan):
    (old,) = _user(aws, "stale-keys", keys=1)
    _user(aws, "fresh-keys", keys=1)
    _age_key("stale-keys", old, 100)
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-user-access-key-rotated", "stale-keys")
    assert bad.status is Status.FAIL
    assert f"{old} is 100 days old" in bad.evidence
    assert bad.duty_id == "iam.access-key-rotation"
    ok = result.one("iam-user-access-key-rotated", "fresh-keys")
    assert ok.status is Status.PASS
    assert "younger than 90 days" in ok.evidence


def test_inactive_old_key_is_not_judged_for_rotation(aws, scan):
    (old,) = _user(aws, "retired-key", keys=1)
    _age_key("retired-key", old, 300)
    aws.client("iam").update_access_key(UserName="retired-key", AccessKeyId=old, Status="Inactive")
    result = scan(aws, services=SERVICES)
    assert not [
        f
        for f in result.for_check("iam-user-access-key-rotated")
        if f.resource_name == "retired-key"
    ]


def test_unused_credentials(aws, scan):
    _user(aws, "dormant-console", password=True)
    _backend().users["dormant-console"].password_last_used = _ago(60)
    (idle,) = _user(aws, "dormant-key", keys=1)
    _key_used("dormant-key", idle, 50)
    (never,) = _user(aws, "never-used-key", keys=1)
    _age_key("never-used-key", never, 100)
    (busy,) = _user(aws, "busy", password=True, keys=1)
    _backend().users["busy"].password_last_used = _ago(1)
    _key_used("busy", busy, 2)
    result = scan(aws, services=SERVICES)
    console = result.one("iam-user-unused-credentials", "dormant-console")
    assert console.status is Status.FAIL
    assert console.evidence == "user dormant-console: password unused for 60 days (limit 45 days)"
    key = result.one("iam-user-unused-credentials", "dormant-key")
    assert key.status is Status.FAIL
    assert f"{idle} unused for 50 days" in key.evidence
    fresh_never = result.one("iam-user-unused-credentials", "never-used-key")
    assert fresh_never.status is Status.FAIL
    assert f"{never} never used since" in fresh_never.evidence
    ok = result.one("iam-user-unused-credentials", "busy")
    assert ok.status is Status.PASS


def test_single_active_key(aws, scan):
    _user(aws, "two-keys", keys=2)
    first, _second = _user(aws, "rotating", keys=2)
    aws.client("iam").update_access_key(UserName="rotating", AccessKeyId=first, Status="Inactive")
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-user-single-active-key", "two-keys")
    assert bad.status is Status.FAIL
    assert "2 active access keys (AKIA" in bad.evidence
    ok = result.one("iam-user-single-active-key", "rotating")
    assert ok.status is Status.PASS
    assert ok.evidence == "user rotating: 1 active access key(s)"


def test_policies_attached_to_users(aws, scan):
    iam = aws.client("iam")
    _user(aws, "direct")
    iam.attach_user_policy(UserName="direct", PolicyArn=ADMIN)
    iam.put_user_policy(
        UserName="direct",
        PolicyName="extra",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
    )
    _user(aws, "grouped")
    iam.create_group(GroupName="team")
    iam.attach_group_policy(GroupName="team", PolicyArn=ADMIN)
    iam.add_user_to_group(GroupName="team", UserName="grouped")
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-user-no-attached-policies", "direct")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence
        == "user direct: policies attached directly: managed AdministratorAccess, inline extra"
    )
    ok = result.one("iam-user-no-attached-policies", "grouped")
    assert ok.status is Status.PASS
    assert "(groups: team)" in ok.evidence


def test_credential_report_denied_is_unknown(aws, scan, monkeypatch):
    _user(aws, "someone", password=True, keys=1)
    _deny(monkeypatch, "GetCredentialReport")
    result = scan(aws, services=SERVICES)
    for check_id in (
        "iam-user-console-mfa",
        "iam-user-access-key-rotated",
        "iam-user-unused-credentials",
    ):
        finding = result.one(check_id, "someone")
        assert finding.status is Status.UNKNOWN, check_id
        assert "iam:GetCredentialReport denied" in finding.evidence
    root = result.one("iam-root-not-used-recently", ACCOUNT)
    assert root.status is Status.UNKNOWN
    # data from the other calls is still judged
    assert result.one("iam-user-no-attached-policies", "someone").status is Status.PASS


def test_authorization_details_denied_is_unknown(aws, scan, monkeypatch):
    _user(aws, "someone", password=True)
    aws.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=_trust({"AWS": "*"}))
    _deny(monkeypatch, "GetAccountAuthorizationDetails")
    result = scan(aws, services=SERVICES)
    user = result.one("iam-user-no-attached-policies", "someone")
    assert user.status is Status.UNKNOWN
    assert "iam:GetAccountAuthorizationDetails denied" in user.evidence
    roles = result.for_check("iam-role-trust-not-public")
    assert [f.status for f in roles] == [Status.UNKNOWN]
    assert "could not list IamRole resources" in roles[0].evidence
    support = result.one("iam-support-role-exists", ACCOUNT)
    assert support.status is Status.UNKNOWN
    # the credential report still answers for the user
    assert result.one("iam-user-console-mfa", "someone").status is Status.FAIL


# --- customer-managed policies -----------------------------------------------------------


def test_full_admin_policy(aws, scan):
    iam = aws.client("iam")
    admin = iam.create_policy(
        PolicyName="homemade-admin",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "*:*", "Resource": "*"}),
    )["Policy"]["Arn"]
    iam.create_policy(
        PolicyName="scoped",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
        ),
    )
    iam.create_group(GroupName="g")
    iam.attach_group_policy(GroupName="g", PolicyArn=admin)
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-policy-no-full-admin", "homemade-admin")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence
        == 'policy homemade-admin: allows Action "*" on Resource "*" (attached to 1 entity)'
    )
    assert result.one("iam-policy-no-full-admin", "scoped").status is Status.PASS


def test_service_wildcard_policy(aws, scan):
    iam = aws.client("iam")
    iam.create_policy(
        PolicyName="broad",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": ["iam:*", "s3:GetObject"], "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
        ),
    )
    iam.create_policy(
        PolicyName="narrow",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}),
    )
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-policy-no-service-wildcard", "broad")
    assert bad.status is Status.FAIL
    assert bad.evidence == "policy broad: allows service-wide wildcard action(s) iam:*"
    assert result.one("iam-policy-no-service-wildcard", "narrow").status is Status.PASS


# --- role trust --------------------------------------------------------------------------


def test_wildcard_trust(aws, scan):
    iam = aws.client("iam")
    iam.create_role(RoleName="open", AssumeRolePolicyDocument=_trust({"AWS": "*"}))
    iam.create_role(
        RoleName="org-only",
        AssumeRolePolicyDocument=_trust(
            {"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
        ),
    )
    iam.create_role(
        RoleName="svc", AssumeRolePolicyDocument=_trust({"Service": "ec2.amazonaws.com"})
    )
    iam.create_role(
        RoleName="AWSServiceRoleForX",
        Path="/aws-service-role/x.amazonaws.com/",
        AssumeRolePolicyDocument=_trust({"AWS": "*"}),
    )
    result = scan(aws, services=SERVICES)
    assert not [
        f
        for f in result.for_check("iam-role-trust-not-public")
        if f.resource_name == "AWSServiceRoleForX"
    ]
    bad = result.one("iam-role-trust-not-public", "open")
    assert bad.status is Status.FAIL
    assert "lets any AWS principal assume it" in bad.evidence
    assert bad.severity == "high"
    assert result.one("iam-role-trust-not-public", "org-only").status is Status.PASS
    assert result.one("iam-role-trust-not-public", "svc").status is Status.PASS


def test_foreign_account_trust(aws, scan):
    iam = aws.client("iam")
    iam.create_role(
        RoleName="partners",
        AssumeRolePolicyDocument=_trust(
            {
                "AWS": [
                    "arn:aws:iam::999988887777:root",
                    "111122223333",
                    f"arn:aws:iam::{ACCOUNT}:role/x",
                ]
            }
        ),
    )
    iam.create_role(
        RoleName="vendor-with-external-id",
        AssumeRolePolicyDocument=_trust(
            {"AWS": "arn:aws:iam::999988887777:role/auditor"},
            {"StringEquals": {"sts:ExternalId": "abc"}},
        ),
    )
    iam.create_role(
        RoleName="internal",
        AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
    )
    result = scan(aws, services=SERVICES)
    bad = result.one("iam-role-trust-foreign-accounts", "partners")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence
        == "role partners: trusted by other account(s) 111122223333, 999988887777 without any condition"
    )
    assert bad.severity == "medium"
    cond = result.one("iam-role-trust-foreign-accounts", "vendor-with-external-id")
    assert cond.status is Status.PASS
    assert "999988887777, only under a condition" in cond.evidence
    own = result.one("iam-role-trust-foreign-accounts", "internal")
    assert own.status is Status.PASS
    assert own.evidence == "role internal: trusts no other AWS account"


# --- contract for other services: role_is_admin / grants_full_admin ----------------------


def test_role_is_admin(aws, scan):
    iam = aws.client("iam")
    trust = _trust({"Service": "lambda.amazonaws.com"})
    for name in ("managed-admin", "custom-admin", "inline-admin", "least"):
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="managed-admin", PolicyArn=ADMIN)
    custom = iam.create_policy(
        PolicyName="custom-star",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "*", "Resource": ["*"]}),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="custom-admin", PolicyArn=custom)
    iam.put_role_policy(
        RoleName="inline-admin",
        PolicyName="all",
        PolicyDocument=_doc({"Effect": "Allow", "Action": ["*"], "Resource": "*"}),
    )
    iam.put_role_policy(
        RoleName="least",
        PolicyName="logs",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}),
    )
    iam.attach_role_policy(RoleName="least", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    inv = scan(aws, services=SERVICES).inv
    verdict = {r.name: role_is_admin(r, inv) for r in inv.of(IamRole)}
    assert verdict == {
        "managed-admin": True,
        "custom-admin": True,
        "inline-admin": True,
        "least": False,
    }

    unknown = IamRole(
        id="x",
        attached_policy_arns=[f"arn:aws:iam::{ACCOUNT}:policy/not-collected"],
        inline_policies={},
    )
    assert role_is_admin(unknown, inv) is None
    assert role_is_admin(IamRole(id="y"), inv) is None


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, True),
        ({"Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": ["arn:x", "*"]}]}, True),
        ({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, False),
        ({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]}, False),
        ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, False),
        (None, False),
    ],
)
def test_grants_full_admin(doc, expected):
    assert grants_full_admin(doc) is expected


# --- collection ----------------------------------------------------------------------------


def test_empty_account_and_call_budget(aws, scan):
    """Per-user calls only for key holders; one authorization-details call for everything."""
    result = scan(aws, services=SERVICES)
    assert result.inv.types() == ["iam.access_analyzer", "iam.account"]

    _user(aws, "a", password=True)
    _user(aws, "b", password=True)
    _user(aws, "c", keys=1)
    result = scan(aws, services=SERVICES)
    calls = result.meta.calls_by_action
    assert calls["iam:GetAccountAuthorizationDetails"] == 1
    assert calls["iam:ListAccessKeys"] == 1
    assert calls["iam:GetCredentialReport"] == 1
    assert not {
        a for a in calls if a.startswith("iam:ListAttached") or a.startswith("iam:ListUser")
    }
