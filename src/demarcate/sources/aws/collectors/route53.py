"""Collect Route 53 hosted zones with DNSSEC signing status and query logging."""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.route53 import HostedZone
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


def _zone_id(raw_id: str) -> str:
    return raw_id.rsplit("/", 1)[-1]


@collector(
    service="route53",
    scope="global",
    resource_types=(HostedZone.TYPE,),
    actions=(
        "route53:ListHostedZones",
        "route53:ListQueryLoggingConfigs",
        "route53:GetDNSSEC",
    ),
)
def hosted_zones(ctx: AwsContext, region: str, inv: Inventory) -> None:
    r53 = ctx.client("route53", region)
    listed = ctx.paginate(r53, "list_hosted_zones", "HostedZones")
    if not listed.ok:
        inv.add_error(HostedZone.TYPE, "global", "route53:ListHostedZones", listed.error or "")
        return
    if not listed.value:
        return
    # One account-wide listing instead of one call per zone.
    qlc = ctx.paginate(r53, "list_query_logging_configs", "QueryLoggingConfigs")
    logged: dict[str, str] = {}
    if qlc.ok:
        for cfg in qlc.value:
            logged[_zone_id(str(cfg.get("HostedZoneId", "")))] = str(
                cfg.get("CloudWatchLogsLogGroupArn", "")
            )

    def detail(raw: dict[str, Any]) -> None:
        zid = _zone_id(raw["Id"])
        private = bool((raw.get("Config") or {}).get("PrivateZone"))
        zone = HostedZone(
            id=zid,
            name=str(raw.get("Name", "")).rstrip(".") or zid,
            arn=f"arn:aws:route53:::hostedzone/{zid}",
            region="global",
            private=private,
            record_count=raw.get("ResourceRecordSetCount"),
        )
        if qlc.ok:
            zone.query_logging_enabled = zid in logged
            zone.query_log_group_arn = logged.get(zid, "")
        else:
            zone.mark_unknown(qlc.error or "", "query_logging_enabled", "query_log_group_arn")
        if not private:  # DNSSEC signing exists for public zones only
            out = ctx.call(r53, "get_dnssec", HostedZoneId=zid)
            if out.ok:
                status = out.value.get("Status") or {}
                zone.dnssec_status = status.get("ServeSignature") or "NOT_SIGNING"
                zone.dnssec_status_message = status.get("StatusMessage") or ""
            else:
                zone.mark_unknown(out.error or "", "dnssec_status", "dnssec_status_message")
        inv.add(zone)

    ctx.map(detail, listed.value)
