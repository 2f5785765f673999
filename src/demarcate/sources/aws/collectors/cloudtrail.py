"""Collect CloudTrail trails (configuration, logging status, event selectors) once each.

DescribeTrails in a region also lists "shadow" copies of multi-region and organization trails
whose home is elsewhere. Each trail is kept only by the collector of its home region, or, when
the home region is not being scanned, by the first scanned region (every region sees a
multi-region trail). Detail calls go to the home region, where the trail lives.
"""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.cloudtrail import CloudTrailAccount, Trail
from demarcate.sources.api_shapes import parse_advanced_selectors, parse_basic_selectors
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


@collector(
    service="cloudtrail",
    scope="global",
    resource_types=(CloudTrailAccount.TYPE,),
    actions=(),
)
def account(ctx: AwsContext, region: str, inv: Inventory) -> None:
    """The account singleton for account-wide trail checks (no API call)."""
    inv.add(
        CloudTrailAccount(
            id=f"cloudtrail:{inv.account}", name=f"CloudTrail of account {inv.account}"
        )
    )


@collector(
    service="cloudtrail",
    scope="regional",
    resource_types=(Trail.TYPE,),
    actions=(
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:GetEventSelectors",
    ),
)
def trails(ctx: AwsContext, region: str, inv: Inventory) -> None:
    client = ctx.client("cloudtrail", region)
    listed = ctx.call(client, "describe_trails", includeShadowTrails=True)
    if not listed.ok:
        inv.add_error(Trail.TYPE, region, "cloudtrail:DescribeTrails", listed.error or "no answer")
        return
    scanned = sorted(inv.regions) or [region]
    mine = []
    for item in listed.value.get("trailList", []) or []:
        home = item.get("HomeRegion") or region
        if home == region or (home not in scanned and region == scanned[0]):
            mine.append(item)

    def detail(item: dict[str, Any]) -> None:
        inv.add(_trail(ctx, item, region))

    ctx.map(detail, mine)


def _trail(ctx: AwsContext, item: dict[str, Any], region: str) -> Trail:
    arn = item.get("TrailARN")
    home = item.get("HomeRegion") or region
    arn_parts = (arn or "").split(":")
    kms = item.get("KmsKeyId") or None
    log_group = item.get("CloudWatchLogsLogGroupArn") or None
    trail = Trail(
        id=item.get("Name") or arn or "?",
        name=item.get("Name"),
        arn=arn,
        region=home,
        home_region=home,
        owner_account=arn_parts[4] if len(arn_parts) > 4 and arn_parts[4] else None,
        multi_region=bool(item.get("IsMultiRegionTrail")),
        organization_trail=bool(item.get("IsOrganizationTrail")),
        include_global_events=bool(item.get("IncludeGlobalServiceEvents")),
        log_file_validation=bool(item.get("LogFileValidationEnabled")),
        kms_encrypted=kms is not None,
        kms_key_id=kms,
        s3_bucket_name=item.get("S3BucketName"),
        cloudwatch_logs_enabled=log_group is not None,
        cloudwatch_logs_log_group_arn=log_group,
        cloudwatch_logs_role_arn=item.get("CloudWatchLogsRoleArn") or None,
    )
    client = ctx.client("cloudtrail", home)
    key = arn or trail.id

    status = ctx.call(client, "get_trail_status", Name=key)
    if status.ok:
        trail.is_logging = bool(status.value.get("IsLogging"))
        trail.latest_cloudwatch_delivery_time = status.value.get("LatestCloudWatchLogsDeliveryTime")
        trail.latest_cloudwatch_delivery_error = (
            status.value.get("LatestCloudWatchLogsDeliveryError") or None
        )
    else:
        trail.mark_unknown(status.error or "", "is_logging", "latest_cloudwatch_delivery_time")

    selectors = ctx.call(client, "get_event_selectors", TrailName=key)
    if selectors.ok:
        basic = selectors.value.get("EventSelectors") or []
        advanced = selectors.value.get("AdvancedEventSelectors") or []
        if advanced:
            mgmt, read, write = parse_advanced_selectors(advanced)
        elif basic:
            mgmt, read, write = parse_basic_selectors(basic)
        else:
            # A trail without custom selectors logs all management events and no data events.
            mgmt, read, write = "All", [], []
        trail.management_events_read_write = mgmt
        trail.s3_data_events_read = read
        trail.s3_data_events_write = write
    else:
        trail.mark_unknown(
            selectors.error or "",
            "management_events_read_write",
            "s3_data_events_read",
            "s3_data_events_write",
        )
    return trail
