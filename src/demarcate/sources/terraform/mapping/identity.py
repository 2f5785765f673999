"""IAM (roles, users, groups, customer policies, password policy, Access Analyzer), KMS keys
and Lambda functions.

Defaults: a role/user path is "/"; ``aws_iam_account_password_policy`` arguments absent take
the API defaults (minimum length 6, no character classes required, no reuse prevention, no
expiry); a KMS key without ``policy`` gets the default key policy (the account root may use
the key), ``enable_key_rotation`` absent = off, ``is_enabled`` absent = on; a Lambda function
without ``aws_lambda_function_url`` has no URL and without ``aws_lambda_permission`` no
resource policy; ``kms_key_arn`` absent = the AWS managed key.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from demarcate.resources.iam import (
    SUPPORT_POLICY_ARN,
    AccessAnalyzerStatus,
    IamAccount,
    IamGroup,
    IamPolicy,
    IamRole,
    IamUser,
)
from demarcate.resources.kms import KmsKey
from demarcate.resources.lambda_ import LambdaFunction
from demarcate.sources.terraform.mapping.base import (
    Builder,
    as_bool,
    as_int,
    as_list,
    as_policy,
    as_str,
    as_strs,
    block,
    blocks,
    get,
    mapper,
)
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import (
    ACCOUNT_PLACEHOLDER,
    UnknownValue,
    first_unknown,
    unknown_or,
)


def _inline(entries: list[tuple[str, Any]]) -> Any:
    out: dict[str, Any] = {}
    for name, policy in entries:
        doc = as_policy(policy)
        if isinstance(doc, UnknownValue):
            return doc
        if isinstance(name, UnknownValue):
            return name
        out[str(name)] = doc
    return out


def _attachments(b: Builder, kind: str, single: str, plural: str) -> dict[str, list[Any]]:
    """principal address -> attached policy ARNs (as keys IamPolicy answers to)."""
    principal_types = {"role": "aws_iam_role", "user": "aws_iam_user", "group": "aws_iam_group"}
    ptype = principal_types[kind]
    out: dict[str, list[Any]] = defaultdict(list)
    for raw in b.of(f"aws_iam_{kind}_policy_attachment"):
        target = b.find(raw.attrs.get(single), ptype)
        if target is not None:
            out[target.address].append(raw.attrs.get("policy_arn"))
        elif isinstance(raw.attrs.get(single), UnknownValue):
            for principal in b.of(ptype):
                out[principal.address].append(
                    UnknownValue(f"{raw.address} attaches to an unknown {kind}")
                )
    for raw in b.of("aws_iam_policy_attachment"):
        names = as_list(raw.attrs.get(plural))
        if isinstance(names, UnknownValue):
            continue
        for name in names:
            target = b.find(name, ptype)
            if target is not None:
                out[target.address].append(raw.attrs.get("policy_arn"))
    for raw in b.of(f"aws_iam_{kind}_policy_attachments_exclusive"):
        target = b.find(raw.attrs.get(f"{kind}_name"), ptype)
        if target is not None:
            arns = as_list(raw.attrs.get("policy_arns"))
            out[target.address].extend([arns] if isinstance(arns, UnknownValue) else arns)
    return out


def _policy_keys(b: Builder, arns: list[Any]) -> Any:
    unknown = first_unknown(arns)
    if unknown is not None:
        return unknown
    out = []
    for arn in arns:
        key = b.key_of(arn, "aws_iam_policy")
        out.append(str(key))
    return sorted(set(out), key=out.index)


def _inline_for(b: Builder, kind: str, principal: RawResource, ptype: str) -> list[tuple[str, Any]]:
    entries: list[tuple[str, Any]] = []
    inline = blocks(principal.attrs, "inline_policy")
    if isinstance(inline, list):
        entries += [(str(p.get("name")), p.get("policy")) for p in inline if p.get("name")]
    for raw in b.of(f"aws_iam_{kind}_policy"):
        if b.find(raw.attrs.get(kind), ptype) is principal:
            entries.append((raw.attrs.get("name") or raw.address, raw.attrs.get("policy")))
    return entries


@mapper(order=5)
def map_iam(b: Builder) -> None:
    role_policies = _attachments(b, "role", "role", "roles")
    user_policies = _attachments(b, "user", "user", "users")
    group_policies = _attachments(b, "group", "group", "groups")
    # customer-managed policies first, so attachments can point at them
    counts: dict[str, int] = defaultdict(int)
    for table in (role_policies, user_policies, group_policies):
        for arns in table.values():
            for arn in arns:
                target = b.find(arn, "aws_iam_policy")
                if target is not None:
                    counts[target.address] += 1
    for raw in b.of("aws_iam_policy"):
        name = b.ident(raw, "name")
        b.new(
            IamPolicy,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            regional=False,
            path=as_str(raw.attrs.get("path"), "/"),
            document=as_policy(raw.attrs.get("policy")),
            default_version_id="v1",
            attachment_count=counts.get(raw.address, 0),
        )
    support_roles: list[str] = []
    for raw in b.of("aws_iam_role"):
        name = b.ident(raw, "name")
        managed = as_list(raw.attrs.get("managed_policy_arns"))
        arns = role_policies.get(raw.address, []) + (
            [managed] if isinstance(managed, UnknownValue) else managed
        )
        attached = _policy_keys(b, arns)
        role = b.new(
            IamRole,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            regional=False,
            path=as_str(raw.attrs.get("path"), "/"),
            trust_policy=as_policy(raw.attrs.get("assume_role_policy")),
            attached_policy_arns=attached,
            inline_policies=_inline(_inline_for(b, "role", raw, "aws_iam_role")),
        )
        role.unknown["last_used"] = "role use is known only in a live account"
        if isinstance(attached, list) and SUPPORT_POLICY_ARN in attached:
            support_roles.append(str(name))
    memberships: dict[str, list[Any]] = defaultdict(list)
    for raw in b.of("aws_iam_user_group_membership"):
        user = b.find(raw.attrs.get("user"), "aws_iam_user")
        if user is not None:
            groups = as_list(raw.attrs.get("groups"))
            memberships[user.address].extend(
                [groups] if isinstance(groups, UnknownValue) else groups
            )
    for raw in b.of("aws_iam_group_membership"):
        users = as_list(raw.attrs.get("users"))
        for user_name in users if isinstance(users, list) else []:
            user = b.find(user_name, "aws_iam_user")
            if user is not None:
                memberships[user.address].append(raw.attrs.get("group"))
    for raw in b.of("aws_iam_group"):
        name = b.ident(raw, "name")
        b.new(
            IamGroup,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            regional=False,
            path=as_str(raw.attrs.get("path"), "/"),
            attached_policy_arns=_policy_keys(b, group_policies.get(raw.address, [])),
            inline_policies=_inline(_inline_for(b, "group", raw, "aws_iam_group")),
        )
    profiles = {
        b.find(r.attrs.get("user"), "aws_iam_user") for r in b.of("aws_iam_user_login_profile")
    }
    for raw in b.of("aws_iam_user"):
        name = b.ident(raw, "name")
        groups = memberships.get(raw.address, [])
        iam_user = b.new(
            IamUser,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            regional=False,
            path=as_str(raw.attrs.get("path"), "/"),
            attached_policy_arns=_policy_keys(b, user_policies.get(raw.address, [])),
            inline_policies=_inline(_inline_for(b, "user", raw, "aws_iam_user")),
            groups=unknown_or(groups, lambda v: [str(g) for g in v]),
            password_enabled=raw in profiles,
        )
        for f in ("mfa_active", "access_keys", "password_last_used", "create_date"):
            iam_user.unknown[f] = (
                "credential use is known only in a live account (credential report)"
            )
    for raw in b.of("aws_iam_account_password_policy"):
        a = raw.attrs
        account = raw.account or b.account
        acct = account or ACCOUNT_PLACEHOLDER
        iam = b.new(
            IamAccount,
            raw,
            f"iam-account:{acct}",
            name=f"account {acct}",
            regional=False,
            password_policy_present=True,
            min_password_length=as_int(a.get("minimum_password_length"), 6),
            require_symbols=as_bool(a.get("require_symbols"), False),
            require_numbers=as_bool(a.get("require_numbers"), False),
            require_uppercase=as_bool(a.get("require_uppercase_characters"), False),
            require_lowercase=as_bool(a.get("require_lowercase_characters"), False),
            allow_users_to_change_password=as_bool(a.get("allow_users_to_change_password"), True),
            expire_passwords=as_int(a.get("max_password_age"), 0) not in (0, None),
            max_password_age=as_int(a.get("max_password_age"), 0),
            password_reuse_prevention=as_int(a.get("password_reuse_prevention"), 0),
            hard_expiry=as_bool(a.get("hard_expiry"), False),
            support_roles=sorted(support_roles),
        )
        for f in (
            "root_mfa_enabled",
            "root_access_keys_present",
            "root_last_used",
            "root_access_keys",
        ):
            iam.unknown[f] = "the root user's credentials are known only in a live account"
    analyzers: dict[str | None, list[RawResource]] = defaultdict(list)
    for raw in b.of("aws_accessanalyzer_analyzer"):
        analyzers[raw.region if isinstance(raw.region, str) else None].append(raw)
    for region, raws in analyzers.items():
        names: dict[str, str] = {}
        active: list[str] = []
        for raw in raws:
            name = as_str(raw.attrs.get("analyzer_name"), raw.address)
            kind = as_str(raw.attrs.get("type"), "ACCOUNT")
            if isinstance(name, str) and isinstance(kind, str):
                names[name] = f"{kind}/ACTIVE"
                if kind in ("ACCOUNT", "ORGANIZATION"):
                    active.append(name)
        b.new(
            AccessAnalyzerStatus,
            raws[0],
            f"access-analyzer:{region}",
            name=f"IAM Access Analyzer in {region}",
            active_analyzers=sorted(active),
            analyzers=names,
        )


def _default_key_policy(account: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


@mapper(order=10)
def map_kms(b: Builder) -> None:
    policies: dict[str, Any] = {}
    for raw in b.of("aws_kms_key_policy"):
        target = b.find(raw.attrs.get("key_id"), "aws_kms_key")
        if target is not None:
            policies[target.address] = raw.attrs.get("policy")
    for raw in b.of("aws_kms_key", "aws_kms_external_key"):
        a = raw.attrs
        policy = policies.get(raw.address, a.get("policy"))
        account = raw.account or b.account or ACCOUNT_PLACEHOLDER
        spec = as_str(get(a, "customer_master_key_spec", get(a, "key_spec")), "SYMMETRIC_DEFAULT")
        enabled = as_bool(a.get("is_enabled", a.get("enabled")), True)
        b.new(
            KmsKey,
            raw,
            raw.address,
            name=as_str(a.get("description")) or raw.address,
            key_manager="CUSTOMER",
            key_state=enabled
            if isinstance(enabled, UnknownValue)
            else ("Enabled" if enabled else "Disabled"),
            key_spec=spec,
            origin="EXTERNAL" if raw.type == "aws_kms_external_key" else "AWS_KMS",
            rotation_enabled=as_bool(a.get("enable_key_rotation"), False),
            policy=_default_key_policy(account) if policy is None else as_policy(policy),
        )


def _principal(value: Any) -> Any:
    text = str(value)
    if text == "*":
        return "*"
    if text.endswith(".amazonaws.com") or text.endswith(".amazonaws.com.cn"):
        return {"Service": text}
    if text.isdigit():
        return {"AWS": f"arn:aws:iam::{text}:root"}
    return {"AWS": text}


def _permission_statement(raw: RawResource, function_arn: str) -> Any:
    a = raw.attrs
    unknown = first_unknown(
        {
            k: a.get(k)
            for k in (
                "principal",
                "action",
                "source_arn",
                "source_account",
                "principal_org_id",
                "function_url_auth_type",
            )
        }
    )
    if unknown is not None:
        return unknown
    stmt: dict[str, Any] = {
        "Sid": a.get("statement_id") or raw.address,
        "Effect": "Allow",
        "Principal": _principal(a.get("principal")),
        "Action": a.get("action"),
        "Resource": function_arn,
    }
    condition: dict[str, dict[str, Any]] = {}
    if a.get("source_arn"):
        condition.setdefault("ArnLike", {})["AWS:SourceArn"] = a["source_arn"]
    if a.get("source_account"):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = a["source_account"]
    if a.get("principal_org_id"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = a["principal_org_id"]
    if a.get("function_url_auth_type"):
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = a[
            "function_url_auth_type"
        ]
    if a.get("event_source_token"):
        condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = a[
            "event_source_token"
        ]
    if condition:
        stmt["Condition"] = condition
    return stmt


@mapper(order=30)
def map_lambda(b: Builder) -> None:
    urls: dict[str, list[Any]] = defaultdict(list)
    for raw in b.of("aws_lambda_function_url"):
        target = b.find(raw.attrs.get("function_name"), "aws_lambda_function")
        if target is not None:
            urls[target.address].append(raw.attrs.get("authorization_type"))
    perms: dict[str, list[RawResource]] = defaultdict(list)
    for raw in b.of("aws_lambda_permission"):
        target = b.find(raw.attrs.get("function_name"), "aws_lambda_function")
        if target is not None:
            perms[target.address].append(raw)
    for raw in b.of("aws_lambda_function"):
        a = raw.attrs
        name = b.ident(raw, "function_name")
        package = as_str(a.get("package_type"), "Zip")
        env = block(a, "environment")
        variables: Any = env if isinstance(env, UnknownValue) else get(env, "variables", {})
        if isinstance(variables, dict):
            unknown = first_unknown(variables)
            variables = (
                unknown if unknown is not None else {str(k): str(v) for k, v in variables.items()}
            )
        vpc = block(a, "vpc_config")
        auth = urls.get(raw.address, [])
        auth_unknown = first_unknown(auth)
        statements = [
            _permission_statement(p, str(b.ident(raw, "arn"))) for p in perms.get(raw.address, [])
        ]
        stmt_unknown = first_unknown(statements)
        fn = b.new(
            LambdaFunction,
            raw,
            str(name),
            name=name,
            arn=b.known_arn(raw),
            package_type=package,
            runtime=as_str(a.get("runtime"), ""),
            role_arn=b.key_of(a.get("role"), "aws_iam_role"),
            env_vars=variables,
            kms_key_arn=as_str(a.get("kms_key_arn"), ""),
            vpc_subnet_ids=vpc
            if isinstance(vpc, UnknownValue)
            else as_strs(get(vpc, "subnet_ids", [])),
            vpc_security_group_ids=vpc
            if isinstance(vpc, UnknownValue)
            else as_strs(get(vpc, "security_group_ids", [])),
            url_auth_type=auth_unknown
            or ("" if not auth else "NONE" if "NONE" in auth else sorted(str(x) for x in auth)[0]),
            resource_policy=stmt_unknown
            or ({"Version": "2012-10-17", "Statement": statements} if statements else {}),
        )
        fn.last_modified = None
