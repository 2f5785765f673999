"""Collect IAM: account summary, password policy, credential report, authorization details
(users, groups, roles, customer-managed policies with their documents) and, per region,
IAM Access Analyzer.

Call budget for the global part, independent of the number of users and roles:
GetAccountSummary, GetAccountPasswordPolicy, GenerateCredentialReport (polled while the report
is being generated), GetCredentialReport, GetAccountAuthorizationDetails (one call per 1,000
entities). The only per-user call is ListAccessKeys, and only for users the credential report
shows holding a key (it adds the key ids the report lacks).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from demarcate.policies import parse_policy
from demarcate.resources.base import Inventory
from demarcate.resources.iam import (
    SUPPORT_POLICY_ARN,
    AccessAnalyzerStatus,
    AccessKey,
    IamAccount,
    IamGroup,
    IamPolicy,
    IamRole,
    IamUser,
)
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext, Outcome

ROOT_ROW = "<root_account>"
REPORT_WAIT_S = 30.0  # give up on a report still being generated after this long
AUTH_FILTER = ["User", "Role", "Group", "LocalManagedPolicy"]
REPORT_FIELDS = (
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_keys",
)
DETAIL_FIELDS = ("attached_policy_arns", "inline_policies", "groups")
ROOT_FIELDS = ("root_last_used", "root_access_keys")
POLICY_FIELDS = (
    "min_password_length",
    "require_symbols",
    "require_numbers",
    "require_uppercase",
    "require_lowercase",
    "allow_users_to_change_password",
    "expire_passwords",
    "max_password_age",
    "password_reuse_prevention",
    "hard_expiry",
)


# --- parsing helpers -------------------------------------------------------------------


def _date(value: str | None) -> datetime | None:
    """A credential-report timestamp; "N/A", "no_information", "not_supported" -> None."""
    if not value or value in ("N/A", "no_information", "not_supported"):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _document(value: Any) -> dict[str, Any] | None:
    """A policy document as boto3 returns it: a dict, or URL-encoded JSON text."""
    if isinstance(value, str):
        text = value
        if text.lstrip().startswith("%7B") or "%22" in text:
            text = unquote(text)
        try:
            return parse_policy(json.loads(text))
        except ValueError:
            return None
    return parse_policy(value)


def _tags(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in items or []}


def _inline(items: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items or []:
        out[str(item.get("PolicyName"))] = _document(item.get("PolicyDocument")) or {}
    return out


def _attached(items: list[dict[str, Any]] | None) -> list[str]:
    return [str(p["PolicyArn"]) for p in items or [] if p.get("PolicyArn")]


def _report_keys(row: dict[str, str]) -> list[AccessKey]:
    keys = []
    for slot in (1, 2):
        created = _date(row.get(f"access_key_{slot}_last_rotated"))
        active = _bool(row.get(f"access_key_{slot}_active"))
        if created is None and not active:
            continue  # no key in this slot
        service = row.get(f"access_key_{slot}_last_used_service")
        keys.append(
            AccessKey(
                slot=slot,
                active=active,
                created=created,
                last_used=_date(row.get(f"access_key_{slot}_last_used_date")),
                last_used_service=None
                if service in (None, "", "N/A", "not_supported")
                else service,
            )
        )
    return keys


def parse_credential_report(content: bytes | str) -> dict[str, dict[str, str]]:
    """Rows of the CSV credential report, keyed by user name (root: ``<root_account>``)."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return {row["user"]: row for row in csv.DictReader(io.StringIO(text)) if row.get("user")}


# --- the AWS reads ---------------------------------------------------------------------


def _credential_report(ctx: AwsContext, iam: Any) -> Outcome:
    """Generate (if needed) and fetch the credential report; value: parsed rows.

    GenerateCredentialReport is called once; GetCredentialReport is then polled (backing off)
    while it answers ReportInProgress, for at most ``REPORT_WAIT_S`` seconds.
    """
    deadline = time.monotonic() + REPORT_WAIT_S
    delay = 0.5
    gen = ctx.call(iam, "generate_credential_report")
    # If generation is denied, an existing report may still be readable.
    gen_error = None if gen.ok else gen.error
    waiting = ("ReportInProgress", "ReportNotPresent") if gen.ok else ("ReportInProgress",)
    while True:
        got = ctx.call(iam, "get_credential_report")
        if got.ok:
            return Outcome(value=parse_credential_report(got.value.get("Content", b"")))
        if got.code in waiting and time.monotonic() + delay < deadline:
            time.sleep(delay)
            delay = min(delay * 2, 4.0)
            continue
        reason = got.error or "no credential report"
        if gen_error:
            reason = f"{gen_error}; {reason}"
        return Outcome(error=reason, code=got.code)


def _authorization_details(ctx: AwsContext, iam: Any) -> Outcome:
    """Every user, group, role and customer-managed policy (all pages merged)."""
    merged: dict[str, list[Any]] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
    }
    marker: str | None = None
    while True:
        kwargs: dict[str, Any] = {"Filter": AUTH_FILTER, "MaxItems": 1000}
        if marker:
            kwargs["Marker"] = marker
        page = ctx.call(iam, "get_account_authorization_details", **kwargs)
        if not page.ok:
            return page
        for key, items in merged.items():
            items.extend(page.value.get(key) or [])
        marker = page.value.get("Marker")
        if not page.value.get("IsTruncated") or not marker:
            return Outcome(value=merged)


# --- building resources ----------------------------------------------------------------


def _account(
    inv: Inventory,
    summary: Outcome,
    pwd: Outcome,
    report: Outcome,
    details: Outcome,
) -> IamAccount:
    acct = IamAccount(
        id=f"iam-account:{inv.account}", name=f"account {inv.account}", region="global"
    )
    if summary.ok:
        smap = summary.value.get("SummaryMap") or {}
        acct.root_mfa_enabled = bool(smap.get("AccountMFAEnabled", 0))
        acct.root_access_keys_present = bool(smap.get("AccountAccessKeysPresent", 0))
    else:
        acct.mark_unknown(
            summary.error or "no answer", "root_mfa_enabled", "root_access_keys_present"
        )

    if pwd.absent:
        acct.password_policy_present = False
        acct.require_symbols = acct.require_numbers = False
        acct.require_uppercase = acct.require_lowercase = False
        acct.allow_users_to_change_password = acct.expire_passwords = acct.hard_expiry = False
        acct.max_password_age = 0
        acct.password_reuse_prevention = 0
        acct.unknown["min_password_length"] = (
            "no password policy is set (AWS default: 8 characters)"
        )
    elif pwd.ok:
        pol = pwd.value.get("PasswordPolicy") or {}
        acct.password_policy_present = True
        acct.min_password_length = int(pol.get("MinimumPasswordLength", 6))
        acct.require_symbols = bool(pol.get("RequireSymbols", False))
        acct.require_numbers = bool(pol.get("RequireNumbers", False))
        acct.require_uppercase = bool(pol.get("RequireUppercaseCharacters", False))
        acct.require_lowercase = bool(pol.get("RequireLowercaseCharacters", False))
        acct.allow_users_to_change_password = bool(pol.get("AllowUsersToChangePassword", False))
        acct.expire_passwords = bool(pol.get("ExpirePasswords", False))
        acct.max_password_age = int(pol.get("MaxPasswordAge") or 0)
        acct.password_reuse_prevention = int(pol.get("PasswordReusePrevention") or 0)
        acct.hard_expiry = bool(pol.get("HardExpiry", False))
    else:
        acct.mark_unknown(pwd.error or "no answer", "password_policy_present", *POLICY_FIELDS)

    if report.ok and ROOT_ROW in report.value:
        row = report.value[ROOT_ROW]
        keys = _report_keys(row)
        used: dict[str, datetime] = {}
        if (pw := _date(row.get("password_last_used"))) is not None:
            used["password"] = pw
        for key in keys:
            if key.last_used is not None:
                used[key.label] = key.last_used
        acct.root_last_used = used
        acct.root_access_keys = keys
    elif report.ok:
        acct.mark_unknown("the credential report has no <root_account> row", *ROOT_FIELDS)
    else:
        acct.mark_unknown(report.error or "no answer", *ROOT_FIELDS)

    if details.ok:
        acct.support_roles = sorted(
            str(r.get("RoleName"))
            for r in details.value["RoleDetailList"]
            if SUPPORT_POLICY_ARN in _attached(r.get("AttachedManagedPolicies"))
        )
    else:
        acct.mark_unknown(details.error or "no answer", "support_roles")
    return acct


def _users(inv: Inventory, report: Outcome, details: Outcome) -> dict[str, IamUser]:
    users: dict[str, IamUser] = {}
    if details.ok:
        for item in details.value["UserDetailList"]:
            name = str(item["UserName"])
            users[name] = IamUser(
                id=str(item.get("UserId") or name),
                name=name,
                arn=item.get("Arn"),
                path=item.get("Path"),
                create_date=item.get("CreateDate"),
                tags=_tags(item.get("Tags")),
                attached_policy_arns=_attached(item.get("AttachedManagedPolicies")),
                inline_policies=_inline(item.get("UserPolicyList")),
                groups=[str(g) for g in item.get("GroupList") or []],
            )
    rows = report.value if report.ok else {}
    for name, row in rows.items():
        if name == ROOT_ROW:
            continue
        user = users.get(name)
        if user is None:  # authorization details failed (or the user is brand new)
            user = IamUser(id=name, name=name, arn=row.get("arn") or None)
            user.create_date = _date(row.get("user_creation_time"))
            user.mark_unknown(details.error or "not in the authorization details", *DETAIL_FIELDS)
            users[name] = user
        user.password_enabled = _bool(row.get("password_enabled"))
        user.password_last_used = _date(row.get("password_last_used"))
        user.password_last_changed = _date(row.get("password_last_changed"))
        user.mfa_active = _bool(row.get("mfa_active"))
        user.access_keys = _report_keys(row)
    for name, user in users.items():
        if name not in rows:
            reason = report.error if not report.ok else "user is newer than the credential report"
            user.mark_unknown(reason or "no credential report", *REPORT_FIELDS)
    return users


def _add_key_ids(ctx: AwsContext, iam: Any, users: list[IamUser]) -> None:
    """Name the keys the report lists (ListAccessKeys, only for users holding keys)."""

    def fetch(user: IamUser) -> None:
        got = ctx.paginate(iam, "list_access_keys", "AccessKeyMetadata", UserName=user.name)
        if not got.ok or not user.access_keys:
            return  # the report alone still judges the keys; only their ids stay unnamed
        listed = list(got.value)
        for key in user.access_keys:
            match = next(
                (
                    k
                    for k in listed
                    if key.created
                    and k.get("CreateDate")
                    and abs((k["CreateDate"] - key.created).total_seconds()) < 2
                ),
                None,
            )
            if match is None and key.slot and len(listed) == len(user.access_keys):
                match = listed[key.slot - 1]
            if match is not None:
                key.id = match.get("AccessKeyId")
                listed.remove(match)

    ctx.map(fetch, [u for u in users if u.access_keys])


@collector(
    service="iam",
    scope="global",
    resource_types=(IamAccount.TYPE, IamUser.TYPE, IamGroup.TYPE, IamRole.TYPE, IamPolicy.TYPE),
    actions=(
        "iam:GetAccountSummary",
        "iam:GetAccountPasswordPolicy",
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:GetAccountAuthorizationDetails",
        "iam:ListAccessKeys",
    ),
)
def identities(ctx: AwsContext, region: str, inv: Inventory) -> None:
    iam = ctx.client("iam", region)
    reads: list[Callable[[], Outcome]] = [
        lambda: ctx.call(iam, "get_account_summary"),
        lambda: ctx.call(iam, "get_account_password_policy", absent=("NoSuchEntity",)),
        lambda: _credential_report(ctx, iam),
        lambda: _authorization_details(ctx, iam),
    ]
    summary, pwd, report, details = ctx.map(lambda read: read(), reads)

    inv.add(_account(inv, summary, pwd, report, details))

    users = _users(inv, report, details)
    if not users and not report.ok and not details.ok:
        inv.add_error(
            IamUser.TYPE, region, "iam:GetAccountAuthorizationDetails", details.error or "no answer"
        )
    _add_key_ids(ctx, iam, list(users.values()))
    for user in users.values():
        inv.add(user)

    if not details.ok:
        reason = details.error or "no answer"
        inv.add_error(
            (IamGroup.TYPE, IamRole.TYPE, IamPolicy.TYPE),
            region,
            "iam:GetAccountAuthorizationDetails",
            reason,
        )
        return
    for item in details.value["GroupDetailList"]:
        inv.add(
            IamGroup(
                id=str(item.get("GroupId") or item["GroupName"]),
                name=item["GroupName"],
                arn=item.get("Arn"),
                path=item.get("Path"),
                attached_policy_arns=_attached(item.get("AttachedManagedPolicies")),
                inline_policies=_inline(item.get("GroupPolicyList")),
            )
        )
    for item in details.value["RoleDetailList"]:
        role = IamRole(
            id=str(item.get("RoleId") or item["RoleName"]),
            name=item["RoleName"],
            arn=item.get("Arn"),
            path=item.get("Path"),
            create_date=item.get("CreateDate"),
            tags=_tags(item.get("Tags")),
            attached_policy_arns=_attached(item.get("AttachedManagedPolicies")),
            inline_policies=_inline(item.get("RolePolicyList")),
            last_used=(item.get("RoleLastUsed") or {}).get("LastUsedDate"),
        )
        trust = _document(item.get("AssumeRolePolicyDocument"))
        if trust is None:
            role.mark_unknown("the trust policy could not be parsed", "trust_policy")
        else:
            role.trust_policy = trust
        inv.add(role)
    for item in details.value["Policies"]:
        policy = IamPolicy(
            id=str(item.get("PolicyId") or item["Arn"]),
            name=item.get("PolicyName") or str(item["Arn"]).rsplit("/", 1)[-1],
            arn=item.get("Arn"),
            path=item.get("Path"),
            default_version_id=item.get("DefaultVersionId"),
            attachment_count=int(item.get("AttachmentCount") or 0),
        )
        default = next(
            (v for v in item.get("PolicyVersionList") or [] if v.get("IsDefaultVersion")), None
        )
        doc = _document(default.get("Document")) if default else None
        if doc is None:
            policy.mark_unknown("the default policy version was not returned", "document")
        else:
            policy.document = doc
        inv.add(policy)


def _unsupported_reason(out: Outcome, action: str = "access-analyzer:ListAnalyzers") -> str:
    """The error, shortened when an emulator without this API answered 404/500 (moto sends
    "Not yet implemented" in-process and a whole HTML error page as a server)."""
    reason = out.error or "no answer"
    lowered = reason.lower()
    if out.code in ("404", "500", "501") and ("implemented" in lowered or "<html" in lowered):
        return f"{action} is not supported by this endpoint (HTTP {out.code})"
    return reason


@collector(
    service="iam",
    scope="regional",
    resource_types=(AccessAnalyzerStatus.TYPE,),
    actions=("access-analyzer:ListAnalyzers",),
)
def access_analyzer(ctx: AwsContext, region: str, inv: Inventory) -> None:
    client = ctx.client("accessanalyzer", region)
    status = AccessAnalyzerStatus(
        id=f"access-analyzer:{region}", name=f"IAM Access Analyzer in {region}", region=region
    )
    listed = ctx.paginate(client, "list_analyzers", "analyzers")
    if not listed.ok:
        status.mark_unknown(_unsupported_reason(listed), "active_analyzers", "analyzers")
        inv.add(status)
        return
    status.analyzers = {
        str(a.get("name")): f"{a.get('type')}/{a.get('status')}" for a in listed.value
    }
    status.active_analyzers = sorted(
        str(a.get("name"))
        for a in listed.value
        if a.get("status") == "ACTIVE" and a.get("type") in ("ACCOUNT", "ORGANIZATION")
    )
    inv.add(status)
