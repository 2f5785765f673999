"""Collect CloudFront distributions: viewer/origin protocols, certificate, origin access,
WAF and access logging (legacy S3 standard logs or v2 delivery through CloudWatch Logs)."""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.cloudfront import CloudFrontDistribution
from demarcate.sources.api_shapes import api_items as _items
from demarcate.sources.api_shapes import cloudfront_origin as _origin
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext

LOGS_REGION = "us-east-1"  # CloudFront's log delivery sources live in us-east-1


@collector(
    service="cloudfront",
    scope="global",
    resource_types=(CloudFrontDistribution.TYPE,),
    actions=(
        "cloudfront:ListDistributions",
        "cloudfront:GetDistributionConfig",
        "logs:DescribeDeliverySources",
        "logs:DescribeDeliveries",
    ),
)
def distributions(ctx: AwsContext, region: str, inv: Inventory) -> None:
    cf = ctx.client("cloudfront", region)
    summaries: list[dict[str, Any]] = []
    marker: str | None = None
    while True:  # the list sits under DistributionList.Items, so page by hand
        kwargs = {"Marker": marker} if marker else {}
        page = ctx.call(cf, "list_distributions", **kwargs)
        if not page.ok:
            inv.add_error(
                CloudFrontDistribution.TYPE,
                "global",
                "cloudfront:ListDistributions",
                page.error or "",
            )
            return
        dlist = page.value.get("DistributionList") or {}
        summaries.extend(_items(dlist))
        marker = dlist.get("NextMarker")
        if not dlist.get("IsTruncated") or not marker:
            break

    def detail(summary: dict[str, Any]) -> CloudFrontDistribution:
        dist = CloudFrontDistribution(
            id=summary["Id"],
            arn=summary.get("ARN"),
            region="global",
            domain_name=summary.get("DomainName"),
        )
        # Only the full config holds Logging; the summary has everything else.
        out = ctx.call(cf, "get_distribution_config", Id=summary["Id"])
        if out.ok:
            config = out.value.get("DistributionConfig") or {}
            _fill(dist, config)
            logging = config.get("Logging") or {}
            dist.logging_enabled = bool(logging.get("Enabled"))
            dist.logging_destination = (logging.get("Bucket") or "") if dist.logging_enabled else ""
        else:
            _fill(dist, summary)
            dist.mark_unknown(out.error or "", "logging_enabled", "logging_destination")
        return dist

    dists = ctx.map(detail, summaries)
    if any(d.logging_enabled is False for d in dists):
        _v2_logging(ctx, dists)
    for dist in dists:
        inv.add(dist)


def _fill(dist: CloudFrontDistribution, cfg: dict[str, Any]) -> None:
    dist.name = cfg.get("Comment") or None
    dist.enabled = cfg.get("Enabled")
    dist.aliases = [str(a) for a in _items(cfg.get("Aliases"))]
    policies = {"*": str((cfg.get("DefaultCacheBehavior") or {}).get("ViewerProtocolPolicy", ""))}
    for beh in _items(cfg.get("CacheBehaviors")):
        policies[str(beh.get("PathPattern"))] = str(beh.get("ViewerProtocolPolicy", ""))
    dist.viewer_protocol_policies = policies
    cert = cfg.get("ViewerCertificate") or {}
    # Judge the source by the certificate named, not by the flags (emulators get them wrong).
    if cert.get("ACMCertificateArn"):
        dist.certificate_source = "acm"
    elif cert.get("IAMCertificateId"):
        dist.certificate_source = "iam"
    else:
        dist.certificate_source = "cloudfront"
    dist.uses_default_certificate = dist.certificate_source == "cloudfront"
    dist.minimum_protocol_version = cert.get("MinimumProtocolVersion") or "TLSv1"
    dist.ssl_support_method = cert.get("SSLSupportMethod") or ""
    dist.origins = [_origin(o) for o in _items(cfg.get("Origins"))]
    dist.web_acl_id = cfg.get("WebACLId") or ""


def _v2_logging(ctx: AwsContext, dists: list[CloudFrontDistribution]) -> None:
    """Standard logging v2: a CloudWatch Logs delivery source for the distribution that has
    at least one delivery. Only asked when some distribution has no legacy logging."""
    logs = ctx.client("logs", LOGS_REGION)
    sources = ctx.paginate(logs, "describe_delivery_sources", "deliverySources")
    deliveries = ctx.paginate(logs, "describe_deliveries", "deliveries") if sources.ok else None
    failed = sources if not sources.ok else deliveries
    if failed is not None and not failed.ok:
        for dist in dists:
            if dist.logging_enabled is False:
                dist.mark_unknown(
                    f"legacy logging is off and v2 log delivery could not be read: {failed.error}",
                    "logging_enabled",
                    "logging_destination",
                )
        return
    delivered = {
        d.get("deliverySourceName"): d.get("deliveryDestinationType") or "a destination"
        for d in (deliveries.value if deliveries else [])
    }
    by_arn: dict[str, str] = {}
    for src in sources.value:
        if src.get("service", "cloudfront") != "cloudfront":
            continue
        if src.get("name") in delivered:
            for arn in src.get("resourceArns") or []:
                by_arn[arn] = f"log delivery {src['name']} to {delivered[src['name']]}"
    for dist in dists:
        if dist.logging_enabled is False and dist.arn in by_arn:
            dist.logging_enabled = True
            dist.logging_destination = by_arn[dist.arn]
