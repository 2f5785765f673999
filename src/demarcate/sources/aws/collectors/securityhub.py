"""Collect whether Security Hub is enabled in each region (DescribeHub)."""

from __future__ import annotations

from demarcate.resources.base import Inventory
from demarcate.resources.detection import SecurityHubStatus
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext

# DescribeHub answers these when the account is not subscribed in the region.
NOT_SUBSCRIBED = ("InvalidAccessException", "ResourceNotFoundException")


@collector(
    service="securityhub",
    scope="regional",
    resource_types=(SecurityHubStatus.TYPE,),
    actions=("securityhub:DescribeHub",),
)
def hub(ctx: AwsContext, region: str, inv: Inventory) -> None:
    sh = ctx.client("securityhub", region)
    status = SecurityHubStatus(
        id=f"securityhub:{region}", name=f"Security Hub in {region}", region=region
    )
    got = ctx.call(sh, "describe_hub", absent=NOT_SUBSCRIBED)
    if got.ok:
        status.enabled = True
        status.hub_arn = got.value.get("HubArn")
        status.subscribed_at = got.value.get("SubscribedAt")
    elif got.absent:
        status.enabled = False
    else:
        status.mark_unknown(got.error or "no answer", "enabled")
    inv.add(status)
