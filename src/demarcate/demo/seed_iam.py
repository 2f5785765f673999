"""Demo IAM: a compliant user (group permissions, MFA), a console user without MFA, a CI user
with two keys (one aged past 90 days) and a policy attached directly; least-privilege and
admin Lambda roles, a role open to any principal, a partner role without and one with an
external id, a support role; a "*:*" customer policy and a weak password policy.

Not expressible on moto (the checks show UNKNOWN or one side only):
- IAM Access Analyzer: moto has no accessanalyzer API, so no analyzer can be planted in
  regions[1] (nor proven missing in regions[0]).
- Root user: moto's credential report has no <root_account> row (root use is UNKNOWN) and
  AccountMFAEnabled is always 0 (root MFA fails), root access keys always absent (passes).
- The password policy is an account singleton: only its weak side is planted.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 5
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
SUPPORT = "arn:aws:iam::aws:policy/AWSSupportAccess"
PARTNER_ACCOUNT = "999988887777"


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(principal: Any, condition: dict[str, Any] | None = None) -> str:
    stmt: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = condition
    return _doc(stmt)


def _age_access_key(user_name: str, key_id: str, days: int) -> None:
    """Backdate a key's creation in moto's in-process backend (no API can); no-op elsewhere."""
    try:
        from moto.iam.models import iam_backends

        backend = iam_backends[DEMO_ACCOUNT]["aws"]
        for key in backend.users[user_name].access_keys:
            if key.access_key_id == key_id:
                key.create_date = key.create_date - timedelta(days=days)
    except Exception:  # not moto in-process, or its internals changed: leave the key young
        return


def seed(session: boto3.Session, regions: list[str]) -> None:
    iam = session.client("iam")
    iam.update_account_password_policy(
        MinimumPasswordLength=8,
        RequireSymbols=False,
        RequireNumbers=True,
        RequireUppercaseCharacters=False,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
        PasswordReusePrevention=5,
    )

    # Customer-managed policies
    dev_policy = iam.create_policy(
        PolicyName="demo-developer-access",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket", "logs:GetLogEvents"],
                "Resource": "*",
            }
        ),
    )["Policy"]["Arn"]
    deploy_policy = iam.create_policy(
        PolicyName="demo-ci-deploy",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": ["s3:*", "cloudformation:*"], "Resource": "*"}
        ),
    )["Policy"]["Arn"]
    iam.create_policy(
        PolicyName="demo-full-admin",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )

    # Compliant user: permissions via a group, console password protected by MFA
    iam.create_group(GroupName="demo-developers")
    iam.attach_group_policy(GroupName="demo-developers", PolicyArn=dev_policy)
    iam.create_user(UserName="demo-alice")
    iam.add_user_to_group(GroupName="demo-developers", UserName="demo-alice")
    iam.create_login_profile(UserName="demo-alice", Password="Demo-Passw0rd!-long-enough")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="demo-alice")["VirtualMFADevice"][
        "SerialNumber"
    ]
    iam.enable_mfa_device(
        UserName="demo-alice",
        SerialNumber=serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    iam.create_access_key(UserName="demo-alice")

    # Console user without MFA
    iam.create_user(UserName="demo-admin-console")
    iam.create_login_profile(UserName="demo-admin-console", Password="Demo-Passw0rd!-long-enough")
    iam.add_user_to_group(GroupName="demo-developers", UserName="demo-admin-console")

    # CI user: two active keys (one 120 days old, never used), policy attached directly
    iam.create_user(UserName="demo-ci-deployer")
    old_key = iam.create_access_key(UserName="demo-ci-deployer")["AccessKey"]["AccessKeyId"]
    iam.create_access_key(UserName="demo-ci-deployer")
    iam.attach_user_policy(UserName="demo-ci-deployer", PolicyArn=deploy_policy)
    _age_access_key("demo-ci-deployer", old_key, days=120)

    # Roles
    lambda_trust = _trust({"Service": "lambda.amazonaws.com"})
    iam.create_role(RoleName="demo-lambda-exec", AssumeRolePolicyDocument=lambda_trust)
    iam.put_role_policy(
        RoleName="demo-lambda-exec",
        PolicyName="write-own-logs",
        PolicyDocument=_doc(
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"arn:aws:logs:*:{DEMO_ACCOUNT}:log-group:/aws/lambda/demo-*",
            }
        ),
    )
    iam.create_role(RoleName="demo-lambda-admin", AssumeRolePolicyDocument=lambda_trust)
    iam.attach_role_policy(RoleName="demo-lambda-admin", PolicyArn=ADMIN)
    iam.create_role(
        RoleName="demo-cross-account-wildcard", AssumeRolePolicyDocument=_trust({"AWS": "*"})
    )
    iam.create_role(
        RoleName="demo-partner-access",
        AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"}),
    )
    iam.create_role(
        RoleName="demo-partner-audit",
        AssumeRolePolicyDocument=_trust(
            {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
            {"StringEquals": {"sts:ExternalId": "demo-audit-7f3a"}},
        ),
    )
    iam.create_role(
        RoleName="demo-support",
        AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:root"}),
    )
    iam.attach_role_policy(RoleName="demo-support", PolicyArn=SUPPORT)
