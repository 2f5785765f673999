"""AWS IAM: the account's root user and password policy, users, groups, roles, customer-managed
policies, and IAM Access Analyzer status per region.

Conventions beyond the base rule (None = unknown, reason in ``unknown``):

* Dates from the credential report that AWS reports as "N/A"/"no_information" (never used)
  are ``None`` *when the owning record is known* — e.g. ``IamUser.password_last_used`` is None
  for a password never used; whether the report was read at all shows in ``password_enabled``
  (None only when the report could not be read).
* ``IamAccount.root_last_used`` maps each root credential ("password", "access key 1", …) to
  its last use; ``{}`` means the root user's credentials were never used.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from demarcate.policies import as_list, statements
from demarcate.resources.base import Resource

if TYPE_CHECKING:
    from demarcate.resources.base import Inventory

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
SUPPORT_POLICY_ARN = "arn:aws:iam::aws:policy/AWSSupportAccess"
AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"


class AccessKey(BaseModel):
    """One access key of a user (or of the root user)."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    id: str | None = None  # AKIA…; None when only the credential report was read
    slot: int | None = None  # 1 or 2: the credential report's access_key_<n> columns
    active: bool | None = None
    created: datetime | None = None  # = the report's access_key_<n>_last_rotated
    last_used: datetime | None = None  # None: never used (when the key is known)
    last_used_service: str | None = None

    @property
    def label(self) -> str:
        return self.id or f"access key {self.slot}"


class IamAccount(Resource):
    """Account-wide IAM settings (one per account, region "global")."""

    TYPE: ClassVar[str] = "iam.account"
    SERVICE: ClassVar[str] = "iam"

    # GetAccountSummary
    root_mfa_enabled: bool | None = None
    root_access_keys_present: bool | None = None
    # GetAccountPasswordPolicy; password_policy_present False = no policy (AWS defaults apply)
    password_policy_present: bool | None = None
    min_password_length: int | None = None
    require_symbols: bool | None = None
    require_numbers: bool | None = None
    require_uppercase: bool | None = None
    require_lowercase: bool | None = None
    allow_users_to_change_password: bool | None = None
    expire_passwords: bool | None = None
    max_password_age: int | None = None  # days; 0 = passwords never expire
    password_reuse_prevention: int | None = None  # remembered passwords; 0 = not set
    hard_expiry: bool | None = None
    # Credential report, row <root_account>
    root_last_used: dict[str, datetime] | None = None
    root_access_keys: list[AccessKey] | None = None
    # Roles with the AWSSupportAccess managed policy attached
    support_roles: list[str] | None = None


class AccessAnalyzerStatus(Resource):
    """IAM Access Analyzer in one region (id ``access-analyzer:<region>``)."""

    TYPE: ClassVar[str] = "iam.access_analyzer"
    SERVICE: ClassVar[str] = "iam"

    # Names of ACTIVE external-access analyzers (type ACCOUNT or ORGANIZATION); [] = none
    active_analyzers: list[str] | None = None
    # Every analyzer seen, name -> "<type>/<status>", for evidence
    analyzers: dict[str, str] | None = None


class IamUser(Resource):
    TYPE: ClassVar[str] = "iam.user"
    SERVICE: ClassVar[str] = "iam"

    path: str | None = None
    create_date: datetime | None = None
    # Credential report
    password_enabled: bool | None = None
    password_last_used: datetime | None = None  # None: never (when password_enabled is known)
    password_last_changed: datetime | None = None
    mfa_active: bool | None = None
    access_keys: list[AccessKey] | None = None  # every key, active or not
    # Authorization details
    attached_policy_arns: list[str] | None = None
    inline_policies: dict[str, dict[str, Any]] | None = None  # name -> document
    groups: list[str] | None = None

    @property
    def inline_policy_names(self) -> list[str] | None:
        return None if self.inline_policies is None else sorted(self.inline_policies)

    @property
    def active_keys(self) -> list[AccessKey] | None:
        return None if self.access_keys is None else [k for k in self.access_keys if k.active]


class IamGroup(Resource):
    TYPE: ClassVar[str] = "iam.group"
    SERVICE: ClassVar[str] = "iam"

    path: str | None = None
    attached_policy_arns: list[str] | None = None
    inline_policies: dict[str, dict[str, Any]] | None = None


class IamRole(Resource):
    TYPE: ClassVar[str] = "iam.role"
    SERVICE: ClassVar[str] = "iam"

    path: str | None = None
    create_date: datetime | None = None
    trust_policy: dict[str, Any] | None = None
    attached_policy_arns: list[str] | None = None
    inline_policies: dict[str, dict[str, Any]] | None = None  # name -> document
    last_used: datetime | None = None  # None: never used or not reported

    @property
    def service_linked(self) -> bool:
        return (self.path or "").startswith("/aws-service-role/")


class IamPolicy(Resource):
    """A customer-managed policy (AWS-managed policies are not collected)."""

    TYPE: ClassVar[str] = "iam.policy"
    SERVICE: ClassVar[str] = "iam"

    path: str | None = None
    document: dict[str, Any] | None = None  # the default version
    default_version_id: str | None = None
    attachment_count: int | None = None


def grants_full_admin(doc: dict[str, Any] | None) -> bool:
    """True when an Allow statement grants Action "*" (or "*:*") on Resource "*"."""
    for stmt in statements(doc):
        if stmt.get("Effect") != "Allow":
            continue
        acts = [str(a) for a in as_list(stmt.get("Action"))]
        res = [str(r) for r in as_list(stmt.get("Resource"))]
        if any(a in ("*", "*:*") for a in acts) and "*" in res:
            return True
    return False


def full_admin_sources(
    attached_policy_arns: list[str] | None,
    inline_policies: dict[str, dict[str, Any]] | None,
    inv: Inventory,
) -> tuple[list[str], list[str]]:
    """(policies granting full admin, attached customer policies whose document is unknown)."""
    found: list[str] = []
    unknown: list[str] = []
    for arn in attached_policy_arns or []:
        if arn == ADMIN_POLICY_ARN:
            found.append("AdministratorAccess")
        elif arn.startswith(AWS_MANAGED_PREFIX):
            continue  # other AWS-managed policies are not "*" on "*"
        else:
            pol = inv.find(IamPolicy, arn)
            if pol is None or pol.document is None:
                unknown.append(arn)
            elif grants_full_admin(pol.document):
                found.append(pol.label)
    for name, doc in (inline_policies or {}).items():
        if grants_full_admin(doc):
            found.append(f"inline:{name}")
    return found, unknown


def role_is_admin(role: IamRole, inv: Inventory) -> bool | None:
    """True if the role has full administrator access; None when its policies are not known."""
    found, unknown = full_admin_sources(role.attached_policy_arns, role.inline_policies, inv)
    if found:
        return True
    if role.attached_policy_arns is None or role.inline_policies is None or unknown:
        return None
    return False
