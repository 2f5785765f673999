"""Amazon S3: general purpose buckets and the account-level Block Public Access setting.

``S3Bucket.is_public(inv)`` tells whether a bucket is open to the world *in effect*: an ACL
grant to AllUsers / AuthenticatedUsers counts unless IgnorePublicAcls (bucket or account) or
disabled ACLs (BucketOwnerEnforced) neutralise it, and a policy statement open to any principal
counts unless RestrictPublicBuckets (bucket or account) does. It is ``None`` while any of the
data it needs is unknown. An IaC source without an ``S3AccountPublicAccessBlock`` is judged on
the bucket alone (the account setting is not in the code); a live inventory without one is
unknown.
"""

from __future__ import annotations

from typing import Any, ClassVar

from demarcate.policies import public_statements
from demarcate.resources.base import Inventory, Resource

ALL_USERS_URI = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS_URI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
PUBLIC_GRANTEES = {ALL_USERS_URI: "AllUsers", AUTHENTICATED_USERS_URI: "AuthenticatedUsers"}

# Attribute -> the name AWS shows in the console, API and CLI.
PAB_FLAGS: tuple[tuple[str, str], ...] = (
    ("block_public_acls", "BlockPublicAcls"),
    ("ignore_public_acls", "IgnorePublicAcls"),
    ("block_public_policy", "BlockPublicPolicy"),
    ("restrict_public_buckets", "RestrictPublicBuckets"),
)


class S3AccountPublicAccessBlock(Resource):
    """The account-wide S3 Block Public Access setting (one per account, region "global")."""

    TYPE: ClassVar[str] = "s3.account_public_access_block"
    SERVICE: ClassVar[str] = "s3"

    configured: bool | None = None  # False: no account-level configuration exists
    block_public_acls: bool | None = None
    ignore_public_acls: bool | None = None
    block_public_policy: bool | None = None
    restrict_public_buckets: bool | None = None


class S3Bucket(Resource):
    """A general purpose bucket. ``id`` is the bucket name, ``region`` its home region."""

    TYPE: ClassVar[str] = "s3.bucket"
    SERVICE: ClassVar[str] = "s3"

    # Bucket-level Block Public Access (all False when the bucket has no configuration).
    block_public_acls: bool | None = None
    ignore_public_acls: bool | None = None
    block_public_policy: bool | None = None
    restrict_public_buckets: bool | None = None
    # [{grantee_type, grantee_uri, grantee_id, permission}]
    acl_grants: list[dict[str, Any]] | None = None
    policy: dict[str, Any] | None = None  # parsed bucket policy; {} when there is none
    encryption_algorithm: str | None = None  # "AES256" | "aws:kms" | "aws:kms:dsse" | ""
    kms_key_id: str | None = None  # "" when not KMS
    bucket_key_enabled: bool | None = None
    versioning: str | None = None  # "Enabled" | "Suspended" | "Disabled"
    mfa_delete: bool | None = None
    logging_enabled: bool | None = None
    logging_target_bucket: str | None = None  # "" when logging is off
    # [{id, status: "Enabled"|"Disabled", actions: ["expiration", "transition", ...]}]
    lifecycle_rules: list[dict[str, Any]] | None = None
    # [{id, status, destination_bucket (name), destination_account ("" = same account)}]
    replication_rules: list[dict[str, Any]] | None = None
    object_lock_enabled: bool | None = None
    ownership_controls: str | None = None  # "BucketOwnerEnforced" | "BucketOwnerPreferred" | ...

    # ---- public exposure -------------------------------------------------------------------

    def public_acl_grants(self) -> list[dict[str, Any]] | None:
        """ACL grants to AllUsers / AuthenticatedUsers (None when the ACL is unknown)."""
        if self.acl_grants is None:
            return None
        return [g for g in self.acl_grants if g.get("grantee_uri") in PUBLIC_GRANTEES]

    def public_policy_statements(self) -> list[dict[str, Any]] | None:
        """Allow statements open to any principal without a restricting condition."""
        if self.policy is None:
            return None
        return public_statements(self.policy)

    def account_block(self, inv: Inventory) -> S3AccountPublicAccessBlock | None:
        """The account-level Block Public Access resource of this bucket's account, if any."""
        blocks = inv.of(S3AccountPublicAccessBlock)
        for block in blocks:
            if block.account == self.account:
                return block
        return blocks[0] if len(blocks) == 1 and self.account is None else None

    def effective_flag(self, inv: Inventory, attr: str) -> tuple[bool | None, str]:
        """Whether a Block Public Access setting is on for this bucket, and where.

        ``(True, "bucket"|"account")``, ``(False, "")`` or ``(None, reason it is unknown)``.
        """
        own = getattr(self, attr)
        if own is True:
            return True, "bucket"
        block = self.account_block(inv)
        if block is None:
            if inv.source != "aws":
                account: bool | None = False  # not in the code: judge the bucket alone
            else:
                return None, "the account-level public access block was not read"
        else:
            account = getattr(block, attr)
        if account is True:
            return True, "account"
        if own is None:
            return None, self.why_unknown(attr)
        if account is None:
            return None, block.why_unknown(attr) if block else "account setting unknown"
        return False, ""

    def acl_exposure(self, inv: Inventory) -> tuple[bool | None, str]:
        """(public through the ACL?, why). Neutralised grants give ``False`` with the reason."""
        grants = self.public_acl_grants()
        if grants is None:
            return None, self.why_unknown("acl_grants")
        if not grants:
            return False, "no ACL grant to AllUsers or AuthenticatedUsers"
        text = ", ".join(
            f"{g.get('permission')} to {PUBLIC_GRANTEES[g['grantee_uri']]}" for g in grants
        )
        if self.ownership_controls == "BucketOwnerEnforced":
            return False, f"ACL grants {text} but ACLs are disabled (BucketOwnerEnforced)"
        on, where = self.effective_flag(inv, "ignore_public_acls")
        if on:
            return False, f"ACL grants {text} but IgnorePublicAcls ({where} level) neutralises it"
        if on is None:
            return None, f"ACL grants {text}; whether IgnorePublicAcls applies is unknown: {where}"
        return True, f"ACL grants {text}"

    def policy_exposure(self, inv: Inventory) -> tuple[bool | None, str]:
        """(public through the bucket policy?, why)."""
        stmts = self.public_policy_statements()
        if stmts is None:
            return None, self.why_unknown("policy")
        if not stmts:
            return False, "no policy statement allows any principal"
        sids = ", ".join(str(s.get("Sid") or "(no Sid)") for s in stmts)
        text = f"policy statement(s) {sids} allow any principal"
        on, where = self.effective_flag(inv, "restrict_public_buckets")
        if on:
            return False, f"{text} but RestrictPublicBuckets ({where} level) neutralises it"
        if on is None:
            return None, f"{text}; whether RestrictPublicBuckets applies is unknown: {where}"
        return True, text

    def public_access(self, inv: Inventory) -> tuple[bool | None, str]:
        """(is public?, why) combining the ACL and the bucket policy."""
        results = [self.acl_exposure(inv), self.policy_exposure(inv)]
        public = [why for state, why in results if state is True]
        if public:
            return True, "; ".join(public)
        unknown = [why for state, why in results if state is None]
        if unknown:
            return None, "; ".join(unknown)
        return False, "; ".join(why for _, why in results)

    def is_public(self, inv: Inventory) -> bool | None:
        """True when an ACL grant or policy statement opens the bucket to anyone in effect."""
        return self.public_access(inv)[0]

    def public_reason(self, inv: Inventory) -> str:
        """Why :meth:`is_public` says what it says, for evidence lines."""
        return self.public_access(inv)[1]
