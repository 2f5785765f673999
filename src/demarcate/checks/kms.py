"""KMS checks: customer-managed keys rotate and are not open to the world."""

from __future__ import annotations

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.policies import public_statements
from demarcate.resources.base import Inventory
from demarcate.resources.kms import KmsKey


def _customer_symmetric(key: KmsKey) -> bool:
    return key.key_manager == "CUSTOMER" and key.key_spec == "SYMMETRIC_DEFAULT"


@check(
    id="kms-cmk-rotation-enabled",
    title="Customer-managed KMS keys rotate their key material yearly",
    duty="kms.key-rotation",
    severity="medium",
    resource_type=KmsKey,
    rationale="Rotation limits how much data one key version protects if it is ever exposed.",
    cis=("4.6",),
    securityhub=("KMS.4",),
    remediation=Remediation(
        console="KMS > Customer managed keys > key > Key rotation > Automatically rotate.",
        cli="aws kms enable-key-rotation --key-id <key-id>",
        terraform='resource "aws_kms_key" "this" {\n  enable_key_rotation = true\n}',
    ),
)
def cmk_rotation(key: KmsKey, inv: Inventory) -> Result | None:
    need(key, "key_manager")
    if not _customer_symmetric(key) or key.key_state == "PendingDeletion":
        return None  # AWS-managed keys rotate themselves; asymmetric keys cannot rotate
    if need(key, "rotation_enabled"):
        return passed(f"key {key.label}: automatic rotation is enabled")
    return failed(f"key {key.label}: automatic rotation is disabled")


@check(
    id="kms-key-policy-not-public",
    title="KMS key policies do not allow any principal without a condition",
    duty="kms.key-policies",
    severity="critical",
    resource_type=KmsKey,
    rationale="A key policy open to '*' lets anyone able to call KMS use or manage the key.",
    cis=("2.21",),
    fsbp=("KMS.5",),
    remediation=Remediation(
        console='KMS > key > Key policy > Edit: replace Principal "*" with named accounts or roles.',
        cli="aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://policy.json",
        terraform='resource "aws_kms_key" "this" {\n  policy = data.aws_iam_policy_document.key.json  # no "*" principal\n}',
    ),
)
def key_policy_not_public(key: KmsKey, inv: Inventory) -> Result | None:
    need(key, "key_manager")
    if key.key_manager != "CUSTOMER":
        return None
    policy = need(key, "policy")
    open_stmts = public_statements(policy)
    if open_stmts:
        sids = ", ".join(str(s.get("Sid", "(no Sid)")) for s in open_stmts)
        return failed(f"key {key.label}: policy allows any principal in statement(s) {sids}")
    return passed(f"key {key.label}: no statement allows an unconditioned '*' principal")
