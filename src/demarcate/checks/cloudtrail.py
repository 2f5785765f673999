"""CloudTrail checks: a multi-region trail records all management events; each trail validates,
encrypts and forwards its logs; its bucket is private and access-logged; S3 object-level events
are recorded.

Per-trail checks skip trails owned by another account (organization trails seen from a member
account): the management account's scan judges those.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from demarcate.checks.registry import (
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
)
from demarcate.resources.base import Inventory
from demarcate.resources.cloudtrail import ALL_BUCKETS, CloudTrailAccount, Trail

DELIVERY_MAX_AGE = timedelta(days=1)


def trail_baseline(trail: Trail) -> tuple[list[str], list[str]]:
    """(gaps, unknowns) against "multi-region, logging, all management events".

    The trail qualifies when both lists are empty; it certainly does not when ``gaps`` is not.
    """
    gaps: list[str] = []
    unknowns: list[str] = []
    if trail.multi_region is None:
        unknowns.append(trail.why_unknown("multi_region"))
    elif not trail.multi_region:
        gaps.append("single-region")
    if trail.is_logging is None:
        unknowns.append(trail.why_unknown("is_logging"))
    elif not trail.is_logging:
        gaps.append("logging is stopped")
    mgmt = trail.management_events_read_write
    if mgmt is None:
        unknowns.append(trail.why_unknown("management_events_read_write"))
    elif mgmt != "All":
        gaps.append(f"management events: {mgmt}")
    return gaps, unknowns


def trails_not_collected(inv: Inventory) -> str | None:
    """Why the trail list is incomplete, or None when every scanned region answered."""
    if not inv.of(CloudTrailAccount):
        return "CloudTrail trails were not collected (include the cloudtrail service in the scan)"
    errors = inv.errors_for(Trail.TYPE)
    if errors:
        return "; ".join(f"could not list trails in {e.region}: {e.reason}" for e in errors)
    return None


def _own(trail: Trail, inv: Inventory) -> bool:
    return trail.owner_account is None or inv.account is None or trail.owner_account == inv.account


# ---- account level -----------------------------------------------------------------------------


@check(
    id="cloudtrail-multi-region-trail",
    title="At least one multi-region trail is logging all management events",
    duty="cloudtrail.trail-configuration",
    severity="high",
    resource_type=CloudTrailAccount,
    rationale=(
        "Without a logging multi-region trail that records read and write management events, "
        "API activity in some regions goes unrecorded and incidents cannot be investigated."
    ),
    cis=("4.1",),
    fsbp=("CloudTrail.1",),
    securityhub=("CloudTrail.3",),
    remediation=Remediation(
        console=(
            "CloudTrail > Trails > Create trail: apply to all regions, Management events: "
            "Read and Write; then make sure logging is on."
        ),
        cli=(
            "aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> "
            "--is-multi-region-trail --enable-log-file-validation --kms-key-id <key-arn> && "
            "aws cloudtrail start-logging --name org-trail"
        ),
        terraform=(
            'resource "aws_cloudtrail" "main" {\n  name                  = "org-trail"\n'
            "  s3_bucket_name        = aws_s3_bucket.trail.id\n"
            "  is_multi_region_trail = true\n  enable_logging        = true\n"
            '  event_selector {\n    read_write_type           = "All"\n'
            "    include_management_events = true\n  }\n}"
        ),
    ),
)
def multi_region_trail(acct: CloudTrailAccount, inv: Inventory) -> Result | None:
    trails = inv.of(Trail)
    notes: list[str] = []
    unknown: list[str] = []
    for trail in trails:
        gaps, unknowns = trail_baseline(trail)
        if not gaps and not unknowns:
            return passed(
                f"trail {trail.label} (home {trail.home_region}) is multi-region, logging and "
                "records all management events"
            )
        if gaps:
            notes.append(f"{trail.label}: {', '.join(gaps)}")
        else:
            unknown.extend(f"{trail.label}: {u}" for u in unknowns)
    incomplete = trails_not_collected(inv)
    if unknown or incomplete:
        raise Unknown("; ".join([*unknown, *([incomplete] if incomplete else [])]))
    if not trails:
        return failed("no CloudTrail trail exists in the account")
    return failed(
        "no multi-region trail is logging all management events (" + "; ".join(notes) + ")"
    )


def _s3_events(acct: CloudTrailAccount, inv: Inventory, kind: str) -> Result:
    attr = f"s3_data_events_{kind}"
    partial: list[str] = []
    unknown: list[str] = []
    for trail in inv.of(Trail):
        scopes = getattr(trail, attr)
        if scopes is None or trail.is_logging is None or trail.multi_region is None:
            unknown.append(
                f"{trail.label}: " + trail.why_unknown(attr if scopes is None else "is_logging")
            )
            continue
        if not scopes:
            continue
        if ALL_BUCKETS in scopes and trail.is_logging and trail.multi_region:
            return passed(
                f"trail {trail.label} records S3 object-level {kind} events for all buckets "
                "in all regions"
            )
        why = []
        if ALL_BUCKETS not in scopes:
            why.append("only " + ", ".join(scopes))
        if not trail.multi_region:
            why.append(f"only in {trail.home_region}")
        if not trail.is_logging:
            why.append("logging is stopped")
        partial.append(f"{trail.label}: {'; '.join(why)}")
    incomplete = trails_not_collected(inv)
    if unknown or incomplete:
        raise Unknown("; ".join([*unknown, *([incomplete] if incomplete else [])]))
    if partial:
        return failed(
            f"no logging multi-region trail records S3 object-level {kind} events for all "
            f"buckets ({' | '.join(partial)})"
        )
    return failed(f"no trail records S3 object-level {kind} events (data events)")


_S3_EVENTS_REMEDIATION = Remediation(
    console=(
        "CloudTrail > Trails > <multi-region trail> > Data events > Add data event type S3, "
        "log selector template 'Log all events' for all current and future buckets."
    ),
    cli=(
        "aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors "
        '\'[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":'
        '[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]\''
    ),
    terraform=(
        'resource "aws_cloudtrail" "main" {\n  event_selector {\n    read_write_type = "All"\n'
        "    include_management_events = true\n    data_resource {\n"
        '      type   = "AWS::S3::Object"\n      values = ["arn:aws:s3"]\n    }\n  }\n}'
    ),
)


@check(
    id="cloudtrail-s3-object-write-events",
    title="S3 object-level write events are recorded for every bucket",
    duty="cloudtrail.event-selectors",
    severity="medium",
    resource_type=CloudTrailAccount,
    rationale=(
        "Object-level write events (PutObject, DeleteObject) show who changed or deleted data; "
        "management events alone do not record them."
    ),
    cis=("4.8",),
    remediation=_S3_EVENTS_REMEDIATION,
)
def s3_write_events(acct: CloudTrailAccount, inv: Inventory) -> Result | None:
    return _s3_events(acct, inv, "write")


@check(
    id="cloudtrail-s3-object-read-events",
    title="S3 object-level read events are recorded for every bucket",
    duty="cloudtrail.event-selectors",
    severity="low",
    resource_type=CloudTrailAccount,
    rationale="Object-level read events (GetObject) show who read data, e.g. during exfiltration.",
    cis=("4.9",),
    remediation=_S3_EVENTS_REMEDIATION,
)
def s3_read_events(acct: CloudTrailAccount, inv: Inventory) -> Result | None:
    return _s3_events(acct, inv, "read")


# ---- per trail ---------------------------------------------------------------------------------


@check(
    id="cloudtrail-trail-logging",
    title="CloudTrail trails are logging",
    duty="cloudtrail.trail-configuration",
    severity="high",
    resource_type=Trail,
    rationale="A trail that is stopped records nothing: API activity goes unaudited while it looks configured.",
    remediation=Remediation(
        console="CloudTrail > Trails > <trail> > Start logging.",
        cli="aws cloudtrail start-logging --name <trail>",
        terraform='resource "aws_cloudtrail" "main" {\n  enable_logging = true\n}',
    ),
)
def trail_logging(trail: Trail, inv: Inventory) -> Result | None:
    if not _own(trail, inv):
        return None
    if need(trail, "is_logging"):
        return passed(f"trail {trail.label}: logging is on")
    return failed(f"trail {trail.label}: logging is stopped")


@check(
    id="cloudtrail-trail-all-management-events",
    title="CloudTrail trails record both read and write management events",
    duty="cloudtrail.event-selectors",
    severity="medium",
    resource_type=Trail,
    rationale="Recording only read or only write events (or none) leaves a class of API activity unaudited.",
    remediation=Remediation(
        console="CloudTrail > Trails > <trail> > Management events > Edit > API activity: Read and Write.",
        cli="aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors "
        '\'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'',
        terraform='resource "aws_cloudtrail" "main" {\n  event_selector {\n    read_write_type           = "All"\n'
        "    include_management_events = true\n  }\n}",
    ),
)
def trail_all_management_events(trail: Trail, inv: Inventory) -> Result | None:
    if not _own(trail, inv):
        return None
    mgmt = need(trail, "management_events_read_write")
    if mgmt == "All":
        return passed(f"trail {trail.label}: records read and write management events")
    return failed(f"trail {trail.label}: management events recorded: {mgmt}")


@check(
    id="cloudtrail-log-file-validation",
    title="CloudTrail trails have log file integrity validation enabled",
    duty="cloudtrail.log-integrity-validation",
    severity="medium",
    resource_type=Trail,
    rationale="Digest files let you prove that log files were not changed or deleted after delivery.",
    cis=("4.2",),
    fsbp=("CloudTrail.4",),
    remediation=Remediation(
        console="CloudTrail > Trails > <trail> > General details > Edit > Log file validation: Enabled.",
        cli="aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
        terraform='resource "aws_cloudtrail" "main" {\n  enable_log_file_validation = true\n}',
    ),
)
def log_file_validation(trail: Trail, inv: Inventory) -> Result | None:
    if not _own(trail, inv):
        return None
    if need(trail, "log_file_validation"):
        return passed(f"trail {trail.label}: log file validation is enabled")
    return failed(f"trail {trail.label}: log file validation is disabled")


@check(
    id="cloudtrail-kms-encryption",
    title="CloudTrail trails encrypt log files with a KMS key",
    duty="cloudtrail.log-encryption",
    severity="medium",
    resource_type=Trail,
    rationale=(
        "SSE-KMS adds a second permission (kms:Decrypt) to read logs and records every use of "
        "the key; S3-managed encryption does neither."
    ),
    cis=("4.5",),
    fsbp=("CloudTrail.2",),
    remediation=Remediation(
        console="CloudTrail > Trails > <trail> > General details > Edit > Log file SSE-KMS encryption: Enabled.",
        cli="aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn>",
        terraform='resource "aws_cloudtrail" "main" {\n  kms_key_id = aws_kms_key.trail.arn\n}',
    ),
)
def kms_encryption(trail: Trail, inv: Inventory) -> Result | None:
    if not _own(trail, inv):
        return None
    if need(trail, "kms_encrypted"):
        return passed(
            f"trail {trail.label}: log files are encrypted with KMS key {trail.kms_key_id}"
        )
    return failed(f"trail {trail.label}: log files are not encrypted with a KMS key (SSE-S3 only)")


def _as_utc(when: Any) -> datetime | None:
    if not isinstance(when, datetime):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@check(
    id="cloudtrail-cloudwatch-logs",
    title="CloudTrail trails send events to CloudWatch Logs",
    duty="cloudtrail.service-integration",
    severity="low",
    resource_type=Trail,
    rationale=(
        "Events in CloudWatch Logs can be searched, filtered into metrics and alarmed on in "
        "near real time; events only in S3 cannot."
    ),
    fsbp=("CloudTrail.5",),
    remediation=Remediation(
        console=(
            "CloudTrail > Trails > <trail> > CloudWatch Logs > Edit: Enabled, choose or create "
            "a log group and an IAM role CloudTrail can assume."
        ),
        cli=(
            "aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn "
            "<log-group-arn> --cloud-watch-logs-role-arn <role-arn>"
        ),
        terraform=(
            'resource "aws_cloudtrail" "main" {\n'
            '  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"\n'
            "  cloud_watch_logs_role_arn  = aws_iam_role.trail_to_logs.arn\n}"
        ),
    ),
)
def cloudwatch_logs(trail: Trail, inv: Inventory) -> Result | None:
    if not _own(trail, inv):
        return None
    if not need(trail, "cloudwatch_logs_enabled"):
        return failed(f"trail {trail.label}: no CloudWatch Logs log group is configured")
    group = trail.log_group_name or trail.cloudwatch_logs_log_group_arn
    if trail.latest_cloudwatch_delivery_error:
        return failed(
            f"trail {trail.label}: delivery to log group {group} fails "
            f"({trail.latest_cloudwatch_delivery_error})"
        )
    last = _as_utc(trail.latest_cloudwatch_delivery_time)
    if last is not None and datetime.now(UTC) - last > DELIVERY_MAX_AGE:
        return failed(
            f"trail {trail.label}: last delivery to log group {group} was {last:%Y-%m-%d %H:%M} UTC, "
            "over a day ago"
        )
    when = f", last delivery {last:%Y-%m-%d %H:%M} UTC" if last else ""
    return passed(f"trail {trail.label}: sends events to log group {group}{when}")


def _trail_bucket(trail: Trail, inv: Inventory) -> Any:
    """The trail's S3Bucket from the S3 collector, or Unknown saying why it is not there."""
    try:
        from demarcate.resources.s3 import S3Bucket
    except ImportError as exc:  # the S3 resource type is not part of this build
        raise Unknown(f"trail {trail.label}: S3 buckets cannot be inspected ({exc})") from exc
    name = need(trail, "s3_bucket_name")
    bucket = inv.find(S3Bucket, name)
    if bucket is not None:
        return bucket
    errors = inv.errors_for(S3Bucket.TYPE)
    if errors:
        raise Unknown(f"trail {trail.label}: bucket {name} not listed: {errors[0].reason}")
    raise Unknown(
        f"trail {trail.label}: bucket {name} is not among the scanned buckets "
        "(it belongs to another account, or S3 was not scanned)"
    )


@check(
    id="cloudtrail-bucket-not-public",
    title="The S3 bucket that stores CloudTrail logs is not publicly accessible",
    duty="cloudtrail.log-bucket-security",
    severity="critical",
    resource_type=Trail,
    rationale="A public trail bucket exposes every API call of the account to anyone.",
    securityhub=("CloudTrail.6",),
    remediation=Remediation(
        console=(
            "S3 > <trail bucket> > Permissions: turn on Block all public access and remove "
            "policy statements or ACL grants for everyone / authenticated users."
        ),
        cli=(
            "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "trail" {\n'
            "  bucket                  = aws_s3_bucket.trail.id\n  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n}"
        ),
    ),
)
def bucket_not_public(trail: Trail, inv: Inventory) -> Result | None:
    if not _own(trail, inv):
        return None
    bucket = _trail_bucket(trail, inv)
    public = bucket.is_public(inv)
    if public is None:
        reasons = (
            "; ".join(sorted(set(bucket.unknown.values()))) or "its access settings are unknown"
        )
        raise Unknown(
            f"trail {trail.label}: cannot tell whether bucket {bucket.label} is public: {reasons}"
        )
    if public:
        return failed(f"trail {trail.label}: log bucket {bucket.label} is publicly accessible")
    return passed(f"trail {trail.label}: log bucket {bucket.label} is not public")


@check(
    id="cloudtrail-bucket-access-logging",
    title="The S3 bucket that stores CloudTrail logs has server access logging on",
    duty="cloudtrail.log-bucket-security",
    severity="low",
    resource_type=Trail,
    rationale="Access logs of the trail bucket show who read or tampered with the audit trail.",
    cis=("4.4",),
    securityhub=("CloudTrail.7",),
    remediation=Remediation(
        console="S3 > <trail bucket> > Properties > Server access logging > Edit: Enable, choose a target bucket.",
        cli=(
            "aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status "
            '\'{"LoggingEnabled":{"TargetBucket":"<log-bucket>","TargetPrefix":"trail/"}}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_logging" "trail" {\n  bucket        = aws_s3_bucket.trail.id\n'
            '  target_bucket = aws_s3_bucket.access_logs.id\n  target_prefix = "trail/"\n}'
        ),
    ),
)
def bucket_access_logging(trail: Trail, inv: Inventory) -> Result | None:
    if not _own(trail, inv):
        return None
    bucket = _trail_bucket(trail, inv)
    if need(bucket, "logging_enabled"):
        return passed(
            f"trail {trail.label}: log bucket {bucket.label} has server access logging on"
        )
    return failed(f"trail {trail.label}: log bucket {bucket.label} has server access logging off")
