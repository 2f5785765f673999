"""IAM roles, users, groups, customer managed policies (+ inline policies attached through
AWS::IAM::Policy / RolePolicy / UserPolicy / GroupPolicy, group memberships, access keys),
IAM Access Analyzer, KMS keys, Secrets Manager secrets (+ rotation schedules).

Defaults: IAM Path "/", no managed or inline policies; a KMS key is enabled, symmetric
(SYMMETRIC_DEFAULT), with AWS_KMS key material, rotation off, and — without KeyPolicy — the
default key policy (the account root may use the key: ``kms:*`` for ``arn:…:root``); a secret
uses the aws/secretsmanager key and does not rotate without an AWS::SecretsManager::
RotationSchedule.
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.iam import (
    AccessAnalyzerStatus,
    AccessKey,
    IamGroup,
    IamPolicy,
    IamRole,
    IamUser,
)
from demarcate.resources.kms import KmsKey
from demarcate.resources.secretsmanager import SecretsManagerSecret
from demarcate.sources.cloudformation.intrinsics import Unresolved, first_unresolved
from demarcate.sources.cloudformation.stack import (
    LogicalResource,
    Props,
    Stack,
    assign,
    finisher,
    folder,
    primary,
    tags_of,
    to_bool,
    to_int,
    to_policy,
    to_str,
    to_str_list,
    to_word,
)

_LIVE_ONLY = "credential-report data exists only for a deployed account"


def _inline(p: Props) -> Any:
    items = p.items("Policies")
    if isinstance(items, Unresolved):
        return items
    out: dict[str, Any] = {}
    for item in items:
        name = to_str(item.get("PolicyName"))
        doc = to_policy(item.get("PolicyDocument"))
        if isinstance(name, Unresolved):
            return name
        if isinstance(doc, Unresolved):
            return Unresolved(f"inline policy {name}: {doc.reason}")
        out[str(name)] = doc
    return out


def _identity(stack: Stack, lr: LogicalResource, p: Props, cls: type, kind: str) -> Any:
    key = stack.key_of(lr.logical_id)
    res = cls(id=key, name=key, region="global", tags=tags_of(p))
    res.arn = stack.arn("iam", f"{kind}{stack.iam_path(lr.logical_id)}{key}", region=False)
    res.path = stack.iam_path(lr.logical_id)
    assign(res, "attached_policy_arns", to_str_list(p.get("ManagedPolicyArns"), []))
    assign(res, "inline_policies", _inline(p))
    return res


@primary("AWS::IAM::Role")
def role(stack: Stack, lr: LogicalResource, p: Props) -> IamRole:
    res: IamRole = _identity(stack, lr, p, IamRole, "role")
    assign(res, "trust_policy", to_policy(p.get("AssumeRolePolicyDocument")))
    res.mark_unknown("last use is known only for a deployed role", "last_used")
    return res


@primary("AWS::IAM::User")
def user(stack: Stack, lr: LogicalResource, p: Props) -> IamUser:
    res: IamUser = _identity(stack, lr, p, IamUser, "user")
    assign(res, "groups", to_str_list(p.get("Groups"), []))
    login = p.presence("LoginProfile")
    if isinstance(login, Unresolved):
        res.mark_unknown(
            f"whether the user has a console password: {login.reason}", "password_enabled"
        )
    else:
        res.password_enabled = login
    res.access_keys = []
    res.mark_unknown(_LIVE_ONLY, "mfa_active", "password_last_used", "password_last_changed")
    return res


@primary("AWS::IAM::Group")
def group(stack: Stack, lr: LogicalResource, p: Props) -> IamGroup:
    res: IamGroup = _identity(stack, lr, p, IamGroup, "group")
    return res


@primary("AWS::IAM::ManagedPolicy")
def managed_policy(stack: Stack, lr: LogicalResource, p: Props) -> IamPolicy:
    key = stack.key_of(lr.logical_id)
    arn = stack.ref_arn(lr.type, lr.logical_id, key)
    res = IamPolicy(id=arn, name=key, arn=arn, region="global", tags=tags_of(p))
    res.path = stack.iam_path(lr.logical_id)
    assign(res, "document", to_policy(p.get("PolicyDocument")))
    res.default_version_id = "v1"
    stack.extra.setdefault("managed_policies", []).append((lr, res))
    return res


def _targets(stack: Stack, p: Props, prop: str, cls: type) -> list[Any] | Unresolved:
    names = to_str_list(p.get(prop), [])
    if isinstance(names, Unresolved):
        return names
    out: list[Any] = []
    for name in names:
        target = stack.target(name, cls)
        if target is not None and not isinstance(target, Unresolved):
            out.append(target)
    return out


@finisher
def attach_managed_policies(stack: Stack) -> None:
    identities = stack.built(IamRole) + stack.built(IamUser) + stack.built(IamGroup)
    for lr, policy in stack.extra.get("managed_policies", []):
        p = stack.props(lr)
        count = 0
        unknown_count: str | None = None
        for prop, cls in (("Roles", IamRole), ("Users", IamUser), ("Groups", IamGroup)):
            targets = _targets(stack, p, prop, cls)
            if isinstance(targets, Unresolved):
                why = f"attaches to an unknown {prop[:-1].lower()}: {targets.reason}"
                for res in stack.built(cls):
                    res.mark_unknown(f"managed policy {policy.label} {why}", "attached_policy_arns")
                unknown_count = unknown_count or why
                continue
            count += len(_names(p, prop))
            for target in targets:
                if target.attached_policy_arns is not None and policy.arn not in (
                    target.attached_policy_arns
                ):
                    target.attached_policy_arns.append(policy.arn)
        count += sum(
            1
            for res in identities
            if policy.arn in (res.attached_policy_arns or []) and not _listed_by(stack, lr, res)
        )
        if unknown_count is not None:
            policy.mark_unknown(unknown_count, "attachment_count")
        else:
            policy.attachment_count = count


def _names(p: Props, prop: str) -> list[Any]:
    names = to_str_list(p.get(prop), [])
    return names if isinstance(names, list) else []


def _listed_by(stack: Stack, lr: LogicalResource, res: Any) -> bool:
    p = stack.props(lr)
    for prop in ("Roles", "Users", "Groups"):
        names = to_str_list(p.get(prop), [])
        if isinstance(names, list) and res.id in names:
            return True
    return False


@folder("AWS::IAM::Policy")
def inline_policy(stack: Stack, lr: LogicalResource, p: Props) -> None:
    name = to_str(p.get("PolicyName"), lr.logical_id)
    doc = to_policy(p.get("PolicyDocument"))
    for prop, cls in (("Roles", IamRole), ("Users", IamUser), ("Groups", IamGroup)):
        targets = _targets(stack, p, prop, cls)
        if isinstance(targets, Unresolved):
            for res in stack.built(cls):
                res.mark_unknown(
                    f"policy {lr.logical_id} attaches to an unknown "
                    f"{prop[:-1].lower()}: {targets.reason}",
                    "inline_policies",
                )
            continue
        for target in targets:
            _add_inline(target, name, doc, lr)


@folder("AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy")
def single_inline_policy(stack: Stack, lr: LogicalResource, p: Props) -> None:
    kinds: dict[str, tuple[str, Any]] = {
        "AWS::IAM::RolePolicy": ("RoleName", IamRole),
        "AWS::IAM::UserPolicy": ("UserName", IamUser),
        "AWS::IAM::GroupPolicy": ("GroupName", IamGroup),
    }
    prop, cls = kinds[lr.type]
    target = stack.target(to_str(p.get(prop)), cls)
    name = to_str(p.get("PolicyName"), lr.logical_id)
    if isinstance(target, Unresolved):
        for res in stack.built(cls):
            res.mark_unknown(
                f"policy {lr.logical_id} attaches to an unknown identity: {target.reason}",
                "inline_policies",
            )
    elif target is not None:
        _add_inline(target, name, to_policy(p.get("PolicyDocument")), lr)


def _add_inline(target: Any, name: Any, doc: Any, lr: LogicalResource) -> None:
    if target.inline_policies is None:
        return
    bad = first_unresolved([name, doc])
    if bad is not None:
        target.mark_unknown(f"inline policy {lr.logical_id}: {bad.reason}", "inline_policies")
        return
    target.inline_policies[str(name)] = doc


@folder("AWS::IAM::UserToGroupAddition")
def group_membership(stack: Stack, lr: LogicalResource, p: Props) -> None:
    group_name = to_str(p.get("GroupName"))
    users = _targets(stack, p, "Users", IamUser)
    if isinstance(users, Unresolved):
        stack.mark_all(
            IamUser,
            f"group membership {lr.logical_id} adds users that are not known: {users.reason}",
            "groups",
        )
        return
    if isinstance(group_name, Unresolved):
        for u in users:
            u.mark_unknown(
                f"group membership {lr.logical_id}: the group is not known: {group_name.reason}",
                "groups",
            )
        return
    if not isinstance(group_name, str):
        return
    for u in users:
        if u.groups is not None and group_name not in u.groups:
            u.groups.append(group_name)


@folder("AWS::IAM::AccessKey")
def access_key(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = stack.target(to_str(p.get("UserName")), IamUser, "AWS::IAM::User")
    if isinstance(target, Unresolved):
        stack.mark_all(
            IamUser,
            f"access key {lr.logical_id} belongs to a user that is not known: {target.reason}",
            "access_keys",
        )
        return
    if not isinstance(target, IamUser) or target.access_keys is None:
        return
    status = to_word(p.get("Status"), "Active")
    key = AccessKey(slot=len(target.access_keys) + 1)
    if isinstance(status, str):
        key.active = status == "Active"
    target.access_keys.append(key)


@primary("AWS::AccessAnalyzer::Analyzer")
def analyzer(stack: Stack, lr: LogicalResource, p: Props) -> None:
    stack.extra.setdefault("analyzers", []).append((lr, p))


@finisher
def analyzer_status(stack: Stack) -> None:
    found = stack.extra.get("analyzers", [])
    if not found:
        return
    status = AccessAnalyzerStatus(
        id=f"access-analyzer:{stack.region}",
        name=f"IAM Access Analyzer in {stack.region}",
        region=stack.region,
        active_analyzers=[],
        analyzers={},
    )
    for lr, p in found:
        name = stack.key_of(lr.logical_id)
        kind = to_word(p.get("Type"))
        if not isinstance(kind, str):
            status.mark_unknown(
                f"the type of analyzer {name} is not known", "active_analyzers", "analyzers"
            )
            break
        assert status.analyzers is not None and status.active_analyzers is not None
        status.analyzers[name] = f"{kind}/ACTIVE"
        if kind in ("ACCOUNT", "ORGANIZATION"):
            status.active_analyzers.append(name)
    stack.add(status, found[0][0], primary_of=False)


# ---- KMS ------------------------------------------------------------------------------------------


def default_key_policy(stack: Stack) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{stack.partition}:iam::{stack.account_text}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


@primary("AWS::KMS::Key")
def kms_key(stack: Stack, lr: LogicalResource, p: Props) -> KmsKey:
    description = to_str(p.get("Description"))
    res = KmsKey(
        id=lr.logical_id,
        name=description if isinstance(description, str) and description else lr.logical_id,
        region=stack.region,
        tags=tags_of(p),
    )
    res.key_manager = "CUSTOMER"
    enabled = to_bool(p.get("Enabled"), True)
    assign(
        res,
        "key_state",
        ("Enabled" if enabled else "Disabled") if isinstance(enabled, bool) else enabled,
    )
    assign(res, "key_spec", to_word(p.get("KeySpec"), "SYMMETRIC_DEFAULT"))
    assign(res, "origin", to_word(p.get("Origin"), "AWS_KMS"))
    assign(res, "rotation_enabled", to_bool(p.get("EnableKeyRotation"), False))
    policy = p.get("KeyPolicy")
    assign(res, "policy", default_key_policy(stack) if policy is None else to_policy(policy))
    return res


# ---- Secrets Manager ------------------------------------------------------------------------------


@primary("AWS::SecretsManager::Secret")
def secret(stack: Stack, lr: LogicalResource, p: Props) -> SecretsManagerSecret:
    key = stack.key_of(lr.logical_id)
    res = SecretsManagerSecret(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.arn = stack.ref_arn(lr.type, lr.logical_id, key)
    assign(res, "description", to_str(p.get("Description")))
    kms = to_str(p.get("KmsKeyId"))
    if kms is not None:
        assign(res, "kms_key_id", kms)
    res.rotation_enabled = False
    res.scheduled_for_deletion = False
    res.mark_unknown(
        "rotation history exists only for a deployed secret",
        "created",
        "last_rotated",
        "last_changed",
        "last_accessed",
    )
    return res


@folder("AWS::SecretsManager::RotationSchedule")
def rotation_schedule(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = stack.target(p.get("SecretId"), SecretsManagerSecret, "AWS::SecretsManager::Secret")
    if isinstance(target, Unresolved):
        for res in stack.built(SecretsManagerSecret):
            if not res.rotation_enabled:
                res.mark_unknown(
                    f"rotation schedule {lr.logical_id} targets an unknown secret: {target.reason}",
                    "rotation_enabled",
                )
        return
    if target is None:
        return
    rules = p.sub("RotationRules")
    target.rotation_enabled = True
    target.unknown.pop("rotation_enabled", None)
    days = to_int(rules.get("AutomaticallyAfterDays"))
    if isinstance(days, int):
        target.rotation_interval_days = days
    schedule = to_str(rules.get("ScheduleExpression"))
    if isinstance(schedule, str):
        target.rotation_schedule = schedule
    lam = to_str(p.get("RotationLambdaARN"))
    if isinstance(lam, str):
        target.rotation_lambda_arn = lam
