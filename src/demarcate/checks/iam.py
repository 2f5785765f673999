"""IAM checks: the root user, password policy, user credentials, admin policies, role trust
and IAM Access Analyzer (CIS AWS Foundations v7 section 2, FSBP IAM.x)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from demarcate.checks.registry import Remediation, Result, Unknown, check, failed, need, passed
from demarcate.policies import as_list, public_statements, statements
from demarcate.resources.base import Inventory
from demarcate.resources.iam import (
    AccessAnalyzerStatus,
    AccessKey,
    IamAccount,
    IamPolicy,
    IamRole,
    IamUser,
    grants_full_admin,
)

ROOT_RECENT_DAYS = 90  # root credentials used more recently than this -> FAIL
KEY_MAX_AGE_DAYS = 90  # CIS 2.12 / FSBP IAM.3
UNUSED_DAYS = 45  # CIS 2.11
MIN_PASSWORD_LENGTH = 14  # CIS 2.8
MIN_REUSE_PREVENTION = 24  # CIS 2.9
_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):")


def _now() -> datetime:
    return datetime.now(UTC)


def _days_since(when: datetime) -> int:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, (_now() - when).days)


def _day(when: datetime) -> str:
    return when.strftime("%Y-%m-%d")


def _no_policy(acct: IamAccount) -> Result | None:
    if need(acct, "password_policy_present"):
        return None
    return failed(f"{acct.label}: no IAM password policy is set (AWS defaults apply)")


# --- root user ---------------------------------------------------------------------------


@check(
    id="iam-root-mfa-enabled",
    title="The root user signs in with multi-factor authentication",
    duty="iam.mfa",
    severity="critical",
    resource_type=IamAccount,
    rationale="The root user can do anything in the account, including closing it; a password "
    "alone is one phishing e-mail away from losing the account.",
    cis=("2.5",),
    securityhub=("IAM.9",),
    live_only=True,
    remediation=Remediation(
        console="Sign in as the root user > account menu > Security credentials > Multi-factor "
        "authentication (MFA) > Assign MFA device (prefer a hardware or passkey device).",
        cli="Root MFA cannot be assigned with credentials other than the root user's; use the "
        "console. Verify: aws iam get-account-summary --query SummaryMap.AccountMFAEnabled",
        terraform="# Not manageable in Terraform: assign the root MFA device in the console.\n"
        "# Guard it instead: an SCP or a Config rule root-account-mfa-enabled.",
    ),
)
def root_mfa(acct: IamAccount, inv: Inventory) -> Result | None:
    if need(acct, "root_mfa_enabled"):
        return passed(f"{acct.label}: the root user has an MFA device (AccountMFAEnabled = 1)")
    return failed(f"{acct.label}: the root user has no MFA device (AccountMFAEnabled = 0)")


@check(
    id="iam-root-no-access-keys",
    title="The root user has no access keys",
    duty="iam.user-management",
    severity="critical",
    resource_type=IamAccount,
    rationale="A root access key is a permanent, unrestrictable credential for the whole account.",
    cis=("2.4",),
    fsbp=("IAM.4",),
    live_only=True,
    remediation=Remediation(
        console="Sign in as the root user > Security credentials > Access keys > Deactivate, "
        "then Delete each key (move any automation to an IAM role first).",
        cli="As the root user: aws iam list-access-keys && aws iam delete-access-key "
        "--access-key-id <AKIA...>",
        terraform="# Root keys are never managed in Terraform; delete them in the console and\n"
        "# give automation an IAM role (aws_iam_role) instead.",
    ),
)
def root_no_keys(acct: IamAccount, inv: Inventory) -> Result | None:
    if not need(acct, "root_access_keys_present"):
        return passed(
            f"{acct.label}: the root user has no access keys (AccountAccessKeysPresent = 0)"
        )
    keys = acct.root_access_keys or []
    detail = (
        ", ".join(f"{k.label} {'active' if k.active else 'inactive'}" for k in keys)
        or "AccountAccessKeysPresent = 1"
    )
    return failed(f"{acct.label}: the root user has access keys ({detail})")


@check(
    id="iam-root-not-used-recently",
    title="The root user is not used for everyday tasks",
    duty="iam.user-management",
    severity="high",
    resource_type=IamAccount,
    rationale="Root should only be used for the few tasks that require it; recent use suggests "
    "it is a working account, or that someone else is using it.",
    cis=("2.7",),
    securityhub=("IAM.20",),
    live_only=True,
    remediation=Remediation(
        console="Create IAM Identity Center users or IAM roles for administration; lock the root "
        "password and MFA device away, delete root access keys, and alarm on root sign-in "
        "(CloudWatch metric filter on userIdentity.type = Root).",
        cli="aws iam generate-credential-report && aws iam get-credential-report --query Content "
        "--output text | base64 -d | grep '<root_account>'",
        terraform='resource "aws_cloudwatch_log_metric_filter" "root_usage" {\n'
        '  pattern = "{ $.userIdentity.type = \\"Root\\" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType != \\"AwsServiceEvent\\" }"\n  # + an aws_cloudwatch_metric_alarm on it\n}',
    ),
)
def root_not_used(acct: IamAccount, inv: Inventory) -> Result | None:
    used: dict[str, datetime] = need(acct, "root_last_used")
    if not used:
        return passed(
            f"{acct.label}: the credential report shows no use of the root user's credentials"
        )
    recent = {cred: when for cred, when in used.items() if _days_since(when) <= ROOT_RECENT_DAYS}
    if recent:
        what = ", ".join(
            f"{cred} last used {_day(when)} ({_days_since(when)} days ago)"
            for cred, when in sorted(recent.items(), key=lambda kv: kv[1], reverse=True)
        )
        return failed(
            f"{acct.label}: root user active within the last {ROOT_RECENT_DAYS} days: {what}"
        )
    last_cred, last = max(used.items(), key=lambda kv: kv[1])
    return passed(
        f"{acct.label}: root user not used in the last {ROOT_RECENT_DAYS} days "
        f"(latest: {last_cred} on {_day(last)})"
    )


# --- password policy ---------------------------------------------------------------------

_PWD_CONSOLE = "IAM > Account settings > Password policy > Edit > Custom"


@check(
    id="iam-password-policy-min-length",
    title="The IAM password policy requires at least 14 characters",
    duty="iam.user-management",
    severity="medium",
    resource_type=IamAccount,
    rationale="Length is the strongest single defence of a password against guessing.",
    cis=("2.8",),
    securityhub=("IAM.15",),
    remediation=Remediation(
        console=f"{_PWD_CONSOLE}: Password minimum length = 14 (or more).",
        cli="aws iam update-account-password-policy --minimum-password-length 14 "
        "--password-reuse-prevention 24 --require-symbols --require-numbers "
        "--require-uppercase-characters --require-lowercase-characters "
        "--allow-users-to-change-password  # update replaces the whole policy",
        terraform='resource "aws_iam_account_password_policy" "this" {\n'
        "  minimum_password_length = 14\n}",
    ),
)
def password_min_length(acct: IamAccount, inv: Inventory) -> Result | None:
    if (res := _no_policy(acct)) is not None:
        return res
    length = need(acct, "min_password_length")
    if length >= MIN_PASSWORD_LENGTH:
        return passed(
            f"{acct.label}: password policy requires {length} characters (>= {MIN_PASSWORD_LENGTH})"
        )
    return failed(
        f"{acct.label}: password policy requires only {length} characters (CIS: >= {MIN_PASSWORD_LENGTH})"
    )


@check(
    id="iam-password-policy-reuse-prevention",
    title="The IAM password policy prevents reuse of the last 24 passwords",
    duty="iam.user-management",
    severity="medium",
    resource_type=IamAccount,
    rationale="Without reuse prevention a forced change can be undone by setting the old, "
    "possibly leaked password again.",
    cis=("2.9",),
    securityhub=("IAM.16",),
    remediation=Remediation(
        console=f"{_PWD_CONSOLE}: Prevent password reuse, remember 24 passwords.",
        cli="aws iam update-account-password-policy --password-reuse-prevention 24 "
        "--minimum-password-length 14  # plus your other settings: update replaces the policy",
        terraform='resource "aws_iam_account_password_policy" "this" {\n'
        "  password_reuse_prevention = 24\n}",
    ),
)
def password_reuse(acct: IamAccount, inv: Inventory) -> Result | None:
    if (res := _no_policy(acct)) is not None:
        return res
    remembered = need(acct, "password_reuse_prevention")
    if remembered >= MIN_REUSE_PREVENTION:
        return passed(f"{acct.label}: password policy remembers {remembered} previous passwords")
    if remembered == 0:
        return failed(f"{acct.label}: password policy does not prevent password reuse (CIS: 24)")
    return failed(
        f"{acct.label}: password policy remembers only {remembered} previous passwords "
        f"(CIS: {MIN_REUSE_PREVENTION})"
    )


@check(
    id="iam-password-policy-complexity",
    title="The IAM password policy requires upper- and lower-case letters, numbers and symbols",
    duty="iam.user-management",
    severity="medium",
    resource_type=IamAccount,
    rationale="Character-class requirements stop the shortest dictionary passwords.",
    fsbp=("IAM.7",),
    securityhub=("IAM.11", "IAM.12", "IAM.13", "IAM.14"),
    remediation=Remediation(
        console=f"{_PWD_CONSOLE}: tick require uppercase, lowercase, numbers and "
        "non-alphanumeric characters.",
        cli="aws iam update-account-password-policy --require-uppercase-characters "
        "--require-lowercase-characters --require-numbers --require-symbols "
        "--minimum-password-length 14 --password-reuse-prevention 24",
        terraform='resource "aws_iam_account_password_policy" "this" {\n'
        "  require_uppercase_characters = true\n  require_lowercase_characters = true\n"
        "  require_numbers              = true\n  require_symbols              = true\n}",
    ),
)
def password_complexity(acct: IamAccount, inv: Inventory) -> Result | None:
    if (res := _no_policy(acct)) is not None:
        return res
    rules = {
        "uppercase letters": "require_uppercase",
        "lowercase letters": "require_lowercase",
        "numbers": "require_numbers",
        "symbols": "require_symbols",
    }
    missing = [label for label, attr in rules.items() if not need(acct, attr)]
    if missing:
        return failed(f"{acct.label}: password policy does not require {', '.join(missing)}")
    return passed(
        f"{acct.label}: password policy requires uppercase, lowercase, numbers and symbols"
    )


# --- support role, Access Analyzer -------------------------------------------------------


@check(
    id="iam-support-role-exists",
    title="A role with AWSSupportAccess exists for handling incidents with AWS Support",
    duty="iam.role-policy-definition",
    severity="low",
    resource_type=IamAccount,
    rationale="Incident responders need a least-privilege way to open and track AWS Support "
    "cases without using the root user or broad administrator rights.",
    cis=("2.15",),
    securityhub=("IAM.18",),
    remediation=Remediation(
        console="IAM > Roles > Create role > trusted entity: your account (or your IdP) > "
        "attach AWSSupportAccess > name it e.g. aws-support.",
        cli="aws iam create-role --role-name aws-support --assume-role-policy-document "
        "file://trust.json && aws iam attach-role-policy --role-name aws-support "
        "--policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
        terraform='resource "aws_iam_role_policy_attachment" "support" {\n'
        "  role       = aws_iam_role.support.name\n"
        '  policy_arn = "arn:aws:iam::aws:policy/AWSSupportAccess"\n}',
    ),
)
def support_role(acct: IamAccount, inv: Inventory) -> Result | None:
    roles = need(acct, "support_roles")
    if roles:
        return passed(f"{acct.label}: AWSSupportAccess is attached to role(s) {', '.join(roles)}")
    return failed(f"{acct.label}: no role has the AWSSupportAccess policy attached")


@check(
    id="iam-access-analyzer-enabled",
    title="IAM Access Analyzer (external access) is active in every region",
    duty="iam.cross-account-access",
    severity="medium",
    resource_type=AccessAnalyzerStatus,
    rationale="Access Analyzer finds buckets, keys, roles, queues and secrets shared outside the "
    "account or organization; it only sees the region it runs in.",
    cis=("2.18",),
    live_only=True,
    remediation=Remediation(
        console="IAM > Access analyzer > Analyzer settings > Create analyzer (type: external "
        "access, zone of trust: account or organization) — in each region.",
        cli="aws accessanalyzer create-analyzer --analyzer-name external-access --type ACCOUNT "
        "--region <region>",
        terraform='resource "aws_accessanalyzer_analyzer" "external" {\n'
        '  analyzer_name = "external-access"\n  type          = "ACCOUNT"  # one per region (provider alias)\n}',
    ),
)
def access_analyzer(status: AccessAnalyzerStatus, inv: Inventory) -> Result | None:
    active = need(status, "active_analyzers")
    if active:
        return passed(f"{status.label}: active external-access analyzer(s) {', '.join(active)}")
    others = status.analyzers or {}
    if others:
        seen = ", ".join(f"{name} ({state})" for name, state in sorted(others.items()))
        return failed(f"{status.label}: no active external-access analyzer (found: {seen})")
    return failed(f"{status.label}: no analyzer exists in {status.region}")


# --- users -------------------------------------------------------------------------------


@check(
    id="iam-user-console-mfa",
    title="IAM users with a console password have MFA enabled",
    duty="iam.mfa",
    severity="high",
    resource_type=IamUser,
    rationale="A console password without MFA is the commonest way into an AWS account.",
    cis=("2.10",),
    fsbp=("IAM.5",),
    live_only=True,
    remediation=Remediation(
        console="IAM > Users > user > Security credentials > Multi-factor authentication (MFA) "
        "> Assign MFA device; or enforce MFA with a policy denying all but MFA setup when "
        "aws:MultiFactorAuthPresent is false.",
        cli="aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png "
        "--bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name <user> "
        "--serial-number <arn> --authentication-code1 <code> --authentication-code2 <code>",
        terraform='resource "aws_iam_virtual_mfa_device" "user" {\n'
        '  virtual_mfa_device_name = "<user>"\n}\n'
        "# then enable it for the user (aws iam enable-mfa-device), or move the user to\n"
        "# IAM Identity Center with MFA required",
    ),
)
def user_console_mfa(user: IamUser, inv: Inventory) -> Result | None:
    if not need(user, "password_enabled"):
        return None  # no console access
    if need(user, "mfa_active"):
        return passed(f"user {user.label}: console password protected by an active MFA device")
    return failed(f"user {user.label}: console password enabled and no MFA device active")


def _active_keys(user: IamUser) -> list[AccessKey]:
    keys: list[AccessKey] = need(user, "access_keys")
    return [k for k in keys if k.active]


@check(
    id="iam-user-access-key-rotated",
    title="Active access keys are rotated within 90 days",
    duty="iam.access-key-rotation",
    severity="medium",
    resource_type=IamUser,
    rationale="The longer a key lives, the more places it may have leaked to (laptops, CI "
    "logs, repositories).",
    cis=("2.12",),
    fsbp=("IAM.3",),
    live_only=True,
    remediation=Remediation(
        console="IAM > Users > user > Security credentials > Create access key, deploy it, then "
        "Deactivate and Delete the old key. Better: replace long-lived keys with roles.",
        cli="aws iam create-access-key --user-name <user> && aws iam update-access-key "
        "--user-name <user> --access-key-id <old> --status Inactive && aws iam delete-access-key "
        "--user-name <user> --access-key-id <old>",
        terraform='resource "aws_iam_access_key" "this" {\n'
        "  user = aws_iam_user.this.name\n"
        "  # rotate by replacing: terraform apply -replace=aws_iam_access_key.this\n}",
    ),
)
def user_key_rotated(user: IamUser, inv: Inventory) -> Result | None:
    active = _active_keys(user)
    if not active:
        return None
    old = []
    for key in active:
        if key.created is None:
            raise Unknown(f"user {user.label}: creation date of {key.label} is not known")
        age = _days_since(key.created)
        if age > KEY_MAX_AGE_DAYS:
            old.append(f"{key.label} is {age} days old (created {_day(key.created)})")
    if old:
        return failed(
            f"user {user.label}: {'; '.join(old)} — rotate within {KEY_MAX_AGE_DAYS} days"
        )
    ages = ", ".join(f"{k.label} {_days_since(k.created)} days" for k in active if k.created)
    return passed(f"user {user.label}: active keys younger than {KEY_MAX_AGE_DAYS} days ({ages})")


@check(
    id="iam-user-unused-credentials",
    title="Credentials unused for 45 days or more are disabled",
    duty="iam.user-management",
    severity="medium",
    resource_type=IamUser,
    rationale="Dormant passwords and keys belong to people or jobs that no longer need them and "
    "are rarely watched.",
    cis=("2.11",),
    fsbp=("IAM.8",),
    securityhub=("IAM.22",),
    live_only=True,
    remediation=Remediation(
        console="IAM > Users > user > Security credentials: Manage console access > Disable; "
        "Access keys > Deactivate (then Delete) each unused key.",
        cli="aws iam delete-login-profile --user-name <user>; aws iam update-access-key "
        "--user-name <user> --access-key-id <AKIA...> --status Inactive",
        terraform="# Remove the aws_iam_user_login_profile / aws_iam_access_key resources of the\n"
        "# dormant credential (or the whole aws_iam_user) and apply.",
    ),
)
def user_unused_credentials(user: IamUser, inv: Inventory) -> Result | None:
    stale: list[str] = []
    judged = 0
    if need(user, "password_enabled"):
        judged += 1
        if user.password_last_used is not None:
            idle = _days_since(user.password_last_used)
            if idle > UNUSED_DAYS:
                stale.append(f"password unused for {idle} days")
        else:
            since = user.password_last_changed or user.create_date
            if since is None:
                raise Unknown(f"user {user.label}: when the password was set is not known")
            if _days_since(since) > UNUSED_DAYS:
                stale.append(f"password never used since {_day(since)}")
    for key in _active_keys(user):
        judged += 1
        if key.last_used is not None:
            idle = _days_since(key.last_used)
            if idle > UNUSED_DAYS:
                stale.append(f"{key.label} unused for {idle} days")
        elif key.created is not None and _days_since(key.created) > UNUSED_DAYS:
            stale.append(f"{key.label} never used since {_day(key.created)}")
        elif key.created is None:
            raise Unknown(f"user {user.label}: creation date of {key.label} is not known")
    if not judged:
        return None  # no active credential
    if stale:
        return failed(f"user {user.label}: {'; '.join(stale)} (limit {UNUSED_DAYS} days)")
    return passed(
        f"user {user.label}: every active credential was used or issued in the last {UNUSED_DAYS} days"
    )


@check(
    id="iam-user-single-active-key",
    title="IAM users hold at most one active access key",
    duty="iam.access-key-rotation",
    severity="low",
    resource_type=IamUser,
    rationale="Two active keys are only needed during a rotation; a second permanent key "
    "doubles what can leak and hides which one is really in use.",
    live_only=True,
    remediation=Remediation(
        console="IAM > Users > user > Security credentials > Access keys: deactivate and delete "
        "the key that is not in use (see Last used).",
        cli="aws iam list-access-keys --user-name <user> && aws iam update-access-key "
        "--user-name <user> --access-key-id <AKIA...> --status Inactive",
        terraform="# Keep a single aws_iam_access_key per aws_iam_user; remove the extra one.",
    ),
)
def user_single_key(user: IamUser, inv: Inventory) -> Result | None:
    active = _active_keys(user)
    if len(active) > 1:
        return failed(
            f"user {user.label}: {len(active)} active access keys ({', '.join(k.label for k in active)})"
        )
    return passed(f"user {user.label}: {len(active)} active access key(s)")


@check(
    id="iam-user-no-attached-policies",
    title="IAM users receive permissions only through groups or roles",
    duty="iam.user-management",
    severity="low",
    resource_type=IamUser,
    rationale="Permissions attached to individual users drift and are hard to review; groups "
    "and roles keep them in a few reviewable places.",
    cis=("2.13",),
    fsbp=("IAM.2",),
    remediation=Remediation(
        console="IAM > Users > user > Permissions: remove each directly attached or inline "
        "policy, and add the user to a group that carries those permissions.",
        cli="aws iam add-user-to-group --user-name <user> --group-name <group> && aws iam "
        "detach-user-policy --user-name <user> --policy-arn <arn>; aws iam delete-user-policy "
        "--user-name <user> --policy-name <name>",
        terraform='resource "aws_iam_group_policy_attachment" "this" {\n'
        "  group      = aws_iam_group.team.name\n  policy_arn = aws_iam_policy.team.arn\n}\n"
        "# and no aws_iam_user_policy / aws_iam_user_policy_attachment",
    ),
)
def user_no_policies(user: IamUser, inv: Inventory) -> Result | None:
    attached: list[str] = need(user, "attached_policy_arns")
    inline: dict[str, Any] = need(user, "inline_policies")
    if attached or inline:
        parts = [f"managed {arn.rsplit('/', 1)[-1]}" for arn in attached]
        parts += [f"inline {name}" for name in sorted(inline)]
        return failed(f"user {user.label}: policies attached directly: {', '.join(parts)}")
    groups = user.groups or []
    via = f" (groups: {', '.join(groups)})" if groups else ""
    return passed(f"user {user.label}: no policies attached directly{via}")


# --- customer-managed policies -----------------------------------------------------------


@check(
    id="iam-policy-no-full-admin",
    title='Customer-managed policies do not grant full "*:*" administrator access',
    duty="iam.role-policy-definition",
    severity="high",
    resource_type=IamPolicy,
    rationale="A home-made '*' on '*' policy is administrator access that escapes reviews "
    "looking for AdministratorAccess, and violates least privilege wherever it is attached.",
    cis=("2.14",),
    fsbp=("IAM.1",),
    remediation=Remediation(
        console='IAM > Policies > policy > Edit: replace Action "*" with the actions the '
        "workload needs (use Access Advisor / last-accessed data), or detach and delete it.",
        cli="aws iam create-policy-version --policy-arn <arn> --policy-document file://scoped.json "
        "--set-as-default",
        terraform='data "aws_iam_policy_document" "scoped" {\n  statement {\n'
        '    actions   = ["s3:GetObject"]          # not "*"\n'
        '    resources = ["arn:aws:s3:::bucket/*"]  # not "*"\n  }\n}',
    ),
)
def policy_no_full_admin(policy: IamPolicy, inv: Inventory) -> Result | None:
    doc = need(policy, "document")
    if grants_full_admin(doc):
        count = policy.attachment_count
        where = (
            f" (attached to {count} entit{'y' if count == 1 else 'ies'})"
            if count is not None
            else ""
        )
        return failed(f'policy {policy.label}: allows Action "*" on Resource "*"{where}')
    return passed(f'policy {policy.label}: no statement allows "*" on "*"')


@check(
    id="iam-policy-no-service-wildcard",
    title="Customer-managed policies do not allow every action of a service (service:*)",
    duty="iam.role-policy-definition",
    severity="low",
    resource_type=IamPolicy,
    rationale='"s3:*" or "iam:*" grants destructive and privilege-escalating actions nobody '
    "meant to give; list the actions the workload uses.",
    fsbp=("IAM.21",),
    remediation=Remediation(
        console='IAM > Policies > policy > Edit: replace each "<service>:*" with the specific '
        "actions needed (IAM > Access Advisor shows which are used).",
        cli="aws iam create-policy-version --policy-arn <arn> --policy-document file://scoped.json "
        "--set-as-default",
        terraform='data "aws_iam_policy_document" "scoped" {\n  statement {\n'
        '    actions = ["s3:GetObject", "s3:PutObject"]  # not "s3:*"\n  }\n}',
    ),
)
def policy_no_service_wildcard(policy: IamPolicy, inv: Inventory) -> Result | None:
    doc = need(policy, "document")
    wild: list[str] = []
    for stmt in statements(doc):
        if stmt.get("Effect") != "Allow":
            continue
        for action in as_list(stmt.get("Action")):
            text = str(action)
            if text.endswith(":*") and text != "*:*" and text not in wild:
                wild.append(text)
    if wild:
        return failed(
            f"policy {policy.label}: allows service-wide wildcard action(s) {', '.join(wild)}"
        )
    return passed(f"policy {policy.label}: no service-wide wildcard actions")


# --- role trust --------------------------------------------------------------------------


def _aws_principals(stmt: dict[str, Any]) -> list[str]:
    principal = stmt.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, dict):
        return [str(p) for p in as_list(principal.get("AWS"))]
    return []


def _account_of(principal: str) -> str | None:
    if re.fullmatch(r"\d{12}", principal):
        return principal
    match = _ACCOUNT_IN_ARN.match(principal)
    return match.group(1) if match else None


@check(
    id="iam-role-trust-not-public",
    title="Role trust policies do not let any AWS principal assume the role",
    duty="iam.cross-account-access",
    severity="high",
    resource_type=IamRole,
    rationale='A trust policy with Principal "*" and no restricting condition lets anyone with '
    "an AWS account assume the role.",
    remediation=Remediation(
        console="IAM > Roles > role > Trust relationships > Edit trust policy: name the trusted "
        'account or role ARNs instead of "*", or add an aws:PrincipalOrgID condition.',
        cli="aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
        terraform='data "aws_iam_policy_document" "trust" {\n  statement {\n'
        '    actions = ["sts:AssumeRole"]\n    principals {\n      type        = "AWS"\n'
        '      identifiers = ["arn:aws:iam::<account>:root"]  # not "*"\n    }\n  }\n}',
    ),
)
def role_trust_not_public(role: IamRole, inv: Inventory) -> Result | None:
    if role.service_linked:
        return None
    trust = need(role, "trust_policy")
    open_stmts = public_statements(trust)
    if open_stmts:
        sids = ", ".join(str(s.get("Sid") or "(no Sid)") for s in open_stmts)
        return failed(
            f"role {role.label}: trust policy lets any AWS principal assume it with no restricting "
            f"condition (statement {sids})"
        )
    return passed(f"role {role.label}: trust policy names its principals")


@check(
    id="iam-role-trust-foreign-accounts",
    title="Roles trusted by other AWS accounts require a condition (external id or organization)",
    duty="iam.cross-account-access",
    severity="medium",
    resource_type=IamRole,
    rationale="A role another account can assume hands your data to whoever controls that "
    "account; without an external-id or organization condition it is also open to the "
    "confused-deputy problem.",
    remediation=Remediation(
        console="IAM > Roles > role > Trust relationships: confirm each external account is a "
        "known partner and add a Condition (sts:ExternalId or aws:PrincipalOrgID); remove any "
        "account you do not recognise.",
        cli="aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
        terraform='data "aws_iam_policy_document" "trust" {\n  statement {\n'
        '    actions = ["sts:AssumeRole"]\n'
        '    principals {\n      type        = "AWS"\n'
        '      identifiers = ["arn:aws:iam::<partner>:root"]\n    }\n'
        '    condition {\n      test     = "StringEquals"\n      variable = "sts:ExternalId"\n'
        '      values   = ["<shared-secret-id>"]\n    }\n  }\n}',
    ),
)
def role_trust_foreign(role: IamRole, inv: Inventory) -> Result | None:
    if role.service_linked:
        return None
    trust = need(role, "trust_policy")
    own = inv.account or role.account
    if own is None:
        raise Unknown(f"role {role.label}: the scanned account id is not known")
    bare: set[str] = set()
    conditioned: set[str] = set()
    for stmt in statements(trust):
        if stmt.get("Effect") != "Allow":
            continue
        for principal in _aws_principals(stmt):
            acct = _account_of(principal)
            if acct is None or acct == own:
                continue
            (conditioned if stmt.get("Condition") else bare).add(acct)
    if bare:
        return failed(
            f"role {role.label}: trusted by other account(s) {', '.join(sorted(bare))} "
            "without any condition"
        )
    if conditioned:
        return passed(
            f"role {role.label}: trusted by other account(s) {', '.join(sorted(conditioned))}, "
            "only under a condition"
        )
    return passed(f"role {role.label}: trusts no other AWS account")
