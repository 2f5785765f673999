"""Attributes a CloudFormation template does not determine (``!GetAtt Custom.Cidr``, or any
attribute AWS generates) read as a placeholder ``<Logical.Attr>``: as a reference it still
finds its target, but as a setting (a CIDR, a status, a principal, a flag, a number) it is
unknown, with the reason in the evidence: the check says UNKNOWN, never a verdict judged on
the placeholder's text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cfn_helpers import CfnScan, scan_fixture

from demarcate.checks.registry import Status
from demarcate.sources.cloudformation.intrinsics import ResRef, Unresolved
from demarcate.sources.cloudformation.stack import Props, to_bool, to_int, to_policy, to_str


def _after_creation(what: str) -> str:
    return f"Fn::GetAtt {what} is only known after the stack is created"


@pytest.fixture(scope="module")
def scan() -> CfnScan:
    result = scan_fixture("generated_attributes")
    assert result.errors == []
    return result


# (check id, resource name, the attribute whose placeholder decides it)
UNKNOWN_CASES = [
    pytest.param(
        "ec2-sg-ssh-not-open-to-world", "generated-cidr-sg", "Generated.Cidr", id="sg-cidr"
    ),
    pytest.param(
        "ec2-sg-ssh-not-open-to-world", "sub-cidr-sg", "Generated.Network", id="sg-cidr-sub"
    ),
    pytest.param(
        "s3-bucket-versioning",
        "generated-versioning-bucket",
        "Generated.VersioningStatus",
        id="s3-versioning-status",
    ),
    pytest.param(
        "s3-bucket-public-access-block",
        "generated-versioning-bucket",
        "Generated.BlockAcls",
        id="bool-public-access-block",
    ),
    pytest.param(
        "s3-bucket-policy-not-public",
        "generated-principal-bucket",
        "Generated.Principal",
        id="bucket-policy-principal",
    ),
    pytest.param(
        "cloudwatch-log-group-retention-set",
        "generated-retention-logs",
        "Generated.Days",
        id="int-retention",
    ),
]


@pytest.mark.parametrize(("check_id", "name", "attribute"), UNKNOWN_CASES)
def test_generated_settings_are_unknown_with_the_reason(
    scan: CfnScan, check_id: str, name: str, attribute: str
) -> None:
    finding = scan.one(check_id, name)
    assert finding.status is Status.UNKNOWN, finding.evidence
    assert _after_creation(attribute) in finding.evidence
    assert f"<{attribute}>" not in finding.evidence


def test_generated_attributes_land_in_resource_unknown(scan: CfnScan) -> None:
    group = scan.resource("generated-cidr-sg")
    assert group.ingress is None  # type: ignore[attr-defined]
    assert group.unknown["ingress"] == _after_creation("Generated.Cidr")
    bucket = scan.resource("generated-versioning-bucket")
    assert bucket.versioning is None  # type: ignore[attr-defined]
    assert bucket.unknown["versioning"] == _after_creation("Generated.VersioningStatus")
    assert bucket.block_public_acls is None  # type: ignore[attr-defined]
    assert bucket.block_public_policy is True  # type: ignore[attr-defined]
    logs = scan.resource("generated-retention-logs")
    assert logs.retention_days is None  # type: ignore[attr-defined]
    assert logs.unknown["retention_days"] == _after_creation("Generated.Days")


def test_references_by_getatt_still_resolve(scan: CfnScan) -> None:
    # A KMS key of the template, by !GetAtt Key.Arn (an attribute AWS generates): a customer key.
    table = scan.one("dynamodb-table-cmk-encryption", "generated-key-table")
    assert table.status is Status.PASS, table.evidence
    assert scan.resource("generated-key-table").customer_managed_key is True  # type: ignore[attr-defined]
    # An origin access identity's canonical user names that principal: the policy is judged.
    site = scan.one("s3-bucket-policy-not-public", "generated-site-bucket")
    assert site.status is Status.PASS, site.evidence
    # The bucket policies still fold into their buckets (Ref / GetAtt Arn in Resource).
    policy = scan.resource("generated-site-bucket").policy  # type: ignore[attr-defined]
    assert policy["Statement"][0]["Principal"] == {"CanonicalUser": "<Oai.S3CanonicalUserId>"}


def test_placeholders_are_marked_but_keep_their_text_and_target() -> None:
    # (imported here so the scans above also run, and fail, against code without the marker)
    from demarcate.sources.cloudformation.intrinsics import GeneratedText, generated_reason
    from demarcate.sources.cloudformation.stack import to_word

    why = _after_creation("Custom.Cidr")
    ref = ResRef("<Custom.Cidr>", "Custom", "Cidr", generated=why, identifier=False)
    assert ref == "<Custom.Cidr>" and ref.logical == "Custom" and ref.attr == "Cidr"
    assert generated_reason(ref) == why
    assert generated_reason(ResRef("my-bucket", "Bucket")) is None
    assert generated_reason("<Custom.Cidr>") is None  # plain text is a value
    assert generated_reason(GeneratedText("10.0.0.0/8", why)) == why
    # References keep the placeholder …
    assert to_str(ref) is ref
    # … settings do not.
    for convert in (to_bool, to_int, to_word):
        value = convert(ref)
        assert isinstance(value, Unresolved) and value.reason == why
    assert to_word("tcp") == "tcp" and to_bool("true") is True and to_int("7") == 7
    assert isinstance(Props({"Block": ref}).items("Block"), Unresolved)
    assert Props({"Block": ref}).sub("Block").reason == why
    # A policy: an unknown principal is unknown; an AWS resource's identifier names one.
    doc = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ref}, "Action": "s3:*"}]}
    assert isinstance(to_policy(doc), Unresolved)
    arn = ResRef("<Queue.Arn>", "Queue", "Arn", generated=why, identifier=True)
    doc = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "s3:*"}]}
    assert to_policy(doc) == doc
    doc = {"Statement": [{"Effect": arn, "Principal": "*", "Action": "s3:*"}]}
    assert isinstance(to_policy(doc), Unresolved)
