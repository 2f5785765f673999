"""CloudTrail checks, proven both ways on moto."""

from __future__ import annotations

import importlib
import json
import sys
import types
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import botocore.client
import pytest
from botocore.exceptions import ClientError

from demarcate.checks.cloudtrail import cloudwatch_logs, kms_encryption, log_file_validation
from demarcate.checks.registry import Status
from demarcate.engine import run_checks
from demarcate.resources.base import Inventory, Resource
from demarcate.resources.cloudtrail import Trail
from demarcate.sources.api_shapes import (
    parse_advanced_selectors,
    parse_basic_selectors,
)

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["cloudtrail"]


def _bucket(session, name: str = "trail-logs") -> str:
    session.client("s3").create_bucket(Bucket=name)
    return name


def _trail(session, name: str, *, multi: bool = True, start: bool = True, **kwargs: Any) -> str:
    ct = session.client("cloudtrail")
    bucket = kwargs.pop("S3BucketName", None) or _bucket(session, f"{name}-bucket")
    arn = ct.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi, **kwargs)[
        "TrailARN"
    ]
    if start:
        ct.start_logging(Name=name)
    return arn


def _deny(monkeypatch, operation: str) -> None:
    def fake(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", fake)


# ---- account level -------------------------------------------------------------------------------


def test_no_trail_at_all_fails(aws, scan):
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudtrail-multi-region-trail", "cloudtrail:123456789012")
    assert finding.status is Status.FAIL
    assert finding.evidence == "no CloudTrail trail exists in the account"
    assert finding.duty_id == "cloudtrail.trail-configuration"


def test_single_region_or_stopped_trails_fail(aws, scan):
    _trail(aws, "regional", multi=False)
    _trail(aws, "stopped", multi=True, start=False)
    finding = scan(aws, services=SERVICES).one("cloudtrail-multi-region-trail", "cloudtrail:")
    assert finding.status is Status.FAIL
    assert "regional: single-region" in finding.evidence
    assert "stopped: logging is stopped" in finding.evidence


def test_read_only_management_events_fail_then_all_passes(aws, scan):
    _trail(aws, "readonly")
    ct = aws.client("cloudtrail")
    ct.put_event_selectors(
        TrailName="readonly",
        EventSelectors=[{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}],
    )
    finding = scan(aws, services=SERVICES).one("cloudtrail-multi-region-trail", "cloudtrail:")
    assert finding.status is Status.FAIL
    assert "readonly: management events: ReadOnly" in finding.evidence

    _trail(aws, "everything")  # no custom selectors: all management events
    finding = scan(aws, services=SERVICES).one("cloudtrail-multi-region-trail", "cloudtrail:")
    assert finding.status is Status.PASS
    assert finding.evidence.startswith("trail everything (home us-east-1) is multi-region")


def test_multi_region_trail_collected_once_across_regions(aws, scan):
    arn = _trail(aws, "org-trail")
    both = scan(aws, services=SERVICES, regions=["us-east-1", "eu-west-1"])
    assert [t.arn for t in both.inv.of(Trail)] == [arn]
    assert both.one("cloudtrail-multi-region-trail", "cloudtrail:").status is Status.PASS
    # Home region not scanned: the first scanned region still reports it, once.
    elsewhere = scan(aws, services=SERVICES, regions=["eu-west-1", "eu-central-1"])
    assert [t.home_region for t in elsewhere.inv.of(Trail)] == ["us-east-1"]
    assert elsewhere.one("cloudtrail-log-file-validation", "org-trail").status is Status.FAIL


def test_s3_data_events_all_buckets_pass_partial_fail(aws, scan):
    _trail(aws, "data-trail")
    ct = aws.client("cloudtrail")
    ct.put_event_selectors(
        TrailName="data-trail",
        EventSelectors=[
            {
                "ReadWriteType": "WriteOnly",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
            },
            {
                "ReadWriteType": "ReadOnly",
                "IncludeManagementEvents": True,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::payroll/"]}],
            },
        ],
    )
    result = scan(aws, services=SERVICES)
    write = result.one("cloudtrail-s3-object-write-events", "cloudtrail:")
    assert write.status is Status.PASS
    assert "data-trail records S3 object-level write events for all buckets" in write.evidence
    read = result.one("cloudtrail-s3-object-read-events", "cloudtrail:")
    assert read.status is Status.FAIL
    assert "data-trail: only payroll" in read.evidence


def test_no_data_events_fail(aws, scan):
    _trail(aws, "mgmt-only")
    finding = scan(aws, services=SERVICES).one("cloudtrail-s3-object-write-events", "cloudtrail:")
    assert finding.status is Status.FAIL
    assert finding.evidence == "no trail records S3 object-level write events (data events)"


def test_advanced_selectors_are_understood(aws, scan):
    _trail(aws, "advanced")
    aws.client("cloudtrail").put_event_selectors(
        TrailName="advanced",
        AdvancedEventSelectors=[
            {
                "Name": "management",
                "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
            },
            {
                "Name": "s3 writes",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "Equals": ["false"]},
                ],
            },
        ],
    )
    result = scan(aws, services=SERVICES)
    assert result.one("cloudtrail-multi-region-trail", "cloudtrail:").status is Status.PASS
    assert result.one("cloudtrail-s3-object-write-events", "cloudtrail:").status is Status.PASS
    assert result.one("cloudtrail-s3-object-read-events", "cloudtrail:").status is Status.FAIL


def test_selector_parsing():
    assert parse_basic_selectors(
        [
            {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},
            {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True},
        ]
    ) == ("All", [], [])
    assert parse_basic_selectors(
        [
            {
                "ReadWriteType": "All",
                "IncludeManagementEvents": False,
                "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"]}],
            }
        ]
    ) == ("None", ["*"], ["*"])
    mgmt, read, write = parse_advanced_selectors(
        [
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "readOnly", "Equals": ["true"]},
                ]
            },
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::logs/app/"]},
                ]
            },
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "eventName", "Equals": ["PutObject"]},
                ]
            },
        ]
    )
    assert mgmt == "ReadOnly"
    assert read == write == ["logs/app", "* (filtered by eventName)"]


# ---- per trail -----------------------------------------------------------------------------------


def test_log_file_validation_and_kms(aws, scan):
    key = aws.client("kms").create_key(Description="trail", MultiRegion=False)["KeyMetadata"]["Arn"]
    _trail(aws, "hardened", EnableLogFileValidation=True, KmsKeyId=key)
    _trail(aws, "plain", multi=False)
    result = scan(aws, services=SERVICES)
    assert result.one("cloudtrail-log-file-validation", "hardened").status is Status.PASS
    bad = result.one("cloudtrail-log-file-validation", "plain")
    assert bad.status is Status.FAIL
    assert bad.evidence == "trail plain: log file validation is disabled"
    good = result.one("cloudtrail-kms-encryption", "hardened")
    assert good.status is Status.PASS and key in good.evidence
    bad = result.one("cloudtrail-kms-encryption", "plain")
    assert bad.status is Status.FAIL
    assert bad.evidence == "trail plain: log files are not encrypted with a KMS key (SSE-S3 only)"


def test_cloudwatch_logs_integration(aws, scan):
    aws.client("logs").create_log_group(logGroupName="trail-events")
    arn = aws.client("logs").describe_log_groups()["logGroups"][0]["arn"]
    _trail(
        aws,
        "forwarded",
        CloudWatchLogsLogGroupArn=arn,
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/trail-to-logs",
    )
    _trail(aws, "s3-only")
    result = scan(aws, services=SERVICES)
    good = result.one("cloudtrail-cloudwatch-logs", "forwarded")
    assert good.status is Status.PASS
    assert good.evidence == "trail forwarded: sends events to log group trail-events"
    bad = result.one("cloudtrail-cloudwatch-logs", "s3-only")
    assert bad.status is Status.FAIL
    assert bad.evidence == "trail s3-only: no CloudWatch Logs log group is configured"


def test_stale_or_failing_delivery_fails():
    """moto never reports LatestCloudWatchLogsDeliveryTime; judge the live values directly."""
    base = {
        "id": "t",
        "name": "t",
        "cloudwatch_logs_enabled": True,
        "cloudwatch_logs_log_group_arn": "arn:aws:logs:us-east-1:123456789012:log-group:g:*",
    }
    inv = Inventory()
    stale = Trail(**base, latest_cloudwatch_delivery_time=datetime.now(UTC) - timedelta(days=3))
    result = cloudwatch_logs(stale, inv)
    assert result is not None and result.status is Status.FAIL
    assert (
        "last delivery to log group g was" in result.evidence
        and "over a day ago" in result.evidence
    )
    broken = Trail(**base, latest_cloudwatch_delivery_error="AccessDenied")
    result = cloudwatch_logs(broken, inv)
    assert result is not None and result.status is Status.FAIL
    fresh = Trail(**base, latest_cloudwatch_delivery_time=datetime.now(UTC) - timedelta(hours=1))
    result = cloudwatch_logs(fresh, inv)
    assert result is not None and result.status is Status.PASS


def test_other_accounts_org_trail_is_not_judged_per_trail():
    inv = Inventory(account="123456789012")
    org = Trail(
        id="org", owner_account="999999999999", log_file_validation=False, kms_encrypted=False
    )
    assert log_file_validation(org, inv) is None
    assert kms_encryption(org, inv) is None


# ---- the trail bucket (S3Bucket comes from the S3 collector) -------------------------------------


_STAND_IN: list[type[Resource]] = []


def _s3_bucket_class(monkeypatch) -> tuple[type[Resource], bool]:
    """(S3Bucket class, is_real). While demarcate.resources.s3 (the S3 helper's module) is
    absent, install a stand-in with its documented interface: ``logging_enabled`` and
    ``is_public(inv) -> bool | None``."""
    try:
        return importlib.import_module("demarcate.resources.s3").S3Bucket, True
    except ImportError:
        pass
    if not _STAND_IN:

        class StandInBucket(Resource):
            TYPE: ClassVar[str] = "s3.bucket"
            SERVICE: ClassVar[str] = "s3"
            public: bool | None = None
            logging_enabled: bool | None = None

            def is_public(self, inv: Inventory) -> bool | None:
                return self.public

        _STAND_IN.append(StandInBucket)
    module = types.ModuleType("demarcate.resources.s3")
    module.S3Bucket = _STAND_IN[0]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "demarcate.resources.s3", module)
    return _STAND_IN[0], False


def _bucket_findings(aws, scan, monkeypatch) -> Any:
    s3 = aws.client("s3")
    for name in ("private-trail-logs", "open-trail-logs", "access-logs"):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(
        Bucket="access-logs",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "logging.s3.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": "arn:aws:s3:::access-logs/*",
                    }
                ],
            }
        ),
    )
    s3.put_bucket_logging(
        Bucket="private-trail-logs",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "access-logs", "TargetPrefix": "t/"}
        },
    )
    s3.put_bucket_policy(
        Bucket="open-trail-logs",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::open-trail-logs/*",
                    }
                ],
            }
        ),
    )
    _trail(aws, "good-bucket-trail", S3BucketName="private-trail-logs")
    _trail(aws, "open-bucket-trail", S3BucketName="open-trail-logs")
    bucket_cls, real = _s3_bucket_class(monkeypatch)
    if real:  # the S3 collector reads the buckets created above
        return scan(aws, services=["cloudtrail", "s3"])
    result = scan(aws, services=["cloudtrail"])
    result.inv.add(bucket_cls(id="private-trail-logs", public=False, logging_enabled=True))
    result.inv.add(bucket_cls(id="open-trail-logs", public=True, logging_enabled=False))
    result.findings = run_checks(result.inv)
    return result


def test_trail_bucket_public_and_access_logging(aws, scan, monkeypatch):
    result = _bucket_findings(aws, scan, monkeypatch)
    good = result.one("cloudtrail-bucket-not-public", "good-bucket-trail")
    assert good.status is Status.PASS
    assert good.evidence == "trail good-bucket-trail: log bucket private-trail-logs is not public"
    bad = result.one("cloudtrail-bucket-not-public", "open-bucket-trail")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence == "trail open-bucket-trail: log bucket open-trail-logs is publicly accessible"
    )
    assert result.one("cloudtrail-bucket-access-logging", "good-bucket-trail").status is Status.PASS
    off = result.one("cloudtrail-bucket-access-logging", "open-bucket-trail")
    assert off.status is Status.FAIL
    assert "server access logging off" in off.evidence


def test_trail_bucket_missing_from_inventory_is_unknown(aws, scan, monkeypatch):
    _s3_bucket_class(monkeypatch)
    _trail(aws, "cross-account", S3BucketName=_bucket(aws, "central-logs"))
    result = scan(aws, services=["cloudtrail"])  # buckets not collected
    finding = result.one("cloudtrail-bucket-not-public", "cross-account")
    assert finding.status is Status.UNKNOWN
    assert "bucket central-logs is not among the scanned buckets" in finding.evidence


# ---- faults --------------------------------------------------------------------------------------


def test_denied_trail_status_is_unknown_not_pass(aws, scan, monkeypatch):
    _trail(aws, "watched", EnableLogFileValidation=True)
    _deny(monkeypatch, "GetTrailStatus")
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudtrail-multi-region-trail", "cloudtrail:")
    assert finding.status is Status.UNKNOWN
    assert "cloudtrail:GetTrailStatus denied" in finding.evidence
    assert result.one("cloudtrail-log-file-validation", "watched").status is Status.PASS


def test_denied_event_selectors_make_data_event_checks_unknown(aws, scan, monkeypatch):
    _trail(aws, "selectors")
    _deny(monkeypatch, "GetEventSelectors")
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudtrail-s3-object-write-events", "cloudtrail:")
    assert finding.status is Status.UNKNOWN
    assert "cloudtrail:GetEventSelectors denied" in finding.evidence


def test_denied_listing_is_unknown_everywhere(aws, scan, monkeypatch):
    _trail(aws, "hidden")
    _deny(monkeypatch, "DescribeTrails")
    result = scan(aws, services=SERVICES)
    account = result.one("cloudtrail-multi-region-trail", "cloudtrail:")
    assert account.status is Status.UNKNOWN
    assert "cloudtrail:DescribeTrails denied" in account.evidence
    listing = result.one("cloudtrail-log-file-validation", "cloudtrail.trail:us-east-1")
    assert listing.status is Status.UNKNOWN


@pytest.mark.parametrize(
    "check_id", ["cloudtrail-kms-encryption", "cloudtrail-log-file-validation"]
)
def test_unknown_attribute_is_never_pass(check_id):
    from demarcate.checks.registry import CHECKS, load_checks
    from demarcate.engine import evaluate

    load_checks()
    trail = Trail(id="t")
    trail.mark_unknown("cloudtrail:DescribeTrails denied", "kms_encrypted", "log_file_validation")
    result = evaluate(CHECKS[check_id], trail, Inventory())
    assert result is not None and result.status is Status.UNKNOWN
