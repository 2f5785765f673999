"""Per-trail configuration checks: the trail is logging and records all management events."""

from __future__ import annotations

from demarcate.checks.registry import Status


def _trail(session, name: str, *, start: bool) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket=f"{name}-bucket")
    ct = session.client("cloudtrail")
    ct.create_trail(Name=name, S3BucketName=f"{name}-bucket", IsMultiRegionTrail=True)
    if start:
        ct.start_logging(Name=name)


def test_trail_logging_pass_and_fail(aws, scan):
    _trail(aws, "on-trail", start=True)
    _trail(aws, "off-trail", start=False)
    result = scan(aws, services=["cloudtrail"])
    ok = result.one("cloudtrail-trail-logging", "on-trail")
    assert ok.status is Status.PASS
    assert ok.evidence == "trail on-trail: logging is on"
    bad = result.one("cloudtrail-trail-logging", "off-trail")
    assert bad.status is Status.FAIL
    assert bad.evidence == "trail off-trail: logging is stopped"
    assert bad.duty_id == "cloudtrail.trail-configuration"


def test_management_events_pass_and_fail(aws, scan):
    _trail(aws, "all-events", start=True)
    _trail(aws, "read-only", start=True)
    aws.client("cloudtrail").put_event_selectors(
        TrailName="read-only",
        EventSelectors=[{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}],
    )
    result = scan(aws, services=["cloudtrail"])
    assert result.one("cloudtrail-trail-all-management-events", "all-events").status is Status.PASS
    bad = result.one("cloudtrail-trail-all-management-events", "read-only")
    assert bad.status is Status.FAIL
    assert bad.evidence == "trail read-only: management events recorded: ReadOnly"
