"""Collect load balancers: elbv2 (application/network/gateway) and Classic, with their
listeners, attributes and (for ALBs) the associated WAFv2 web ACL."""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.elb import LbListener, LoadBalancer
from demarcate.sources.api_shapes import CLASSIC_DEFAULT_POLICY, CLASSIC_PROTOCOL_ATTRS
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


def _flag(attrs: dict[str, str], key: str) -> bool | None:
    value = attrs.get(key)
    return None if value is None else value.lower() == "true"


@collector(
    service="elb",
    scope="regional",
    resource_types=(LoadBalancer.TYPE,),
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "wafv2:GetWebACLForResource",
    ),
    name="elb.v2_load_balancers",
)
def v2_load_balancers(ctx: AwsContext, region: str, inv: Inventory) -> None:
    elb = ctx.client("elbv2", region)
    listed = ctx.paginate(elb, "describe_load_balancers", "LoadBalancers")
    if not listed.ok:
        inv.add_error(
            LoadBalancer.TYPE,
            region,
            "elasticloadbalancing:DescribeLoadBalancers",
            listed.error or "",
        )
        return

    def detail(raw: dict[str, Any]) -> None:
        arn = raw["LoadBalancerArn"]
        lb = LoadBalancer(
            id=arn,
            arn=arn,
            name=raw.get("LoadBalancerName"),
            region=region,
            lb_type=raw.get("Type"),
            scheme=raw.get("Scheme"),
            dns_name=raw.get("DNSName"),
            vpc_id=raw.get("VpcId"),
            security_groups=list(raw.get("SecurityGroups") or []),
        )
        lst = ctx.paginate(elb, "describe_listeners", "Listeners", LoadBalancerArn=arn)
        if lst.ok:
            lb.listeners = [_v2_listener(item) for item in lst.value]
        else:
            lb.mark_unknown(lst.error or "", "listeners")
        att = ctx.call(elb, "describe_load_balancer_attributes", LoadBalancerArn=arn)
        if att.ok:
            attrs = {a["Key"]: str(a.get("Value", "")) for a in att.value.get("Attributes", [])}
            lb.access_logs_enabled = bool(_flag(attrs, "access_logs.s3.enabled"))
            lb.access_logs_bucket = attrs.get("access_logs.s3.bucket") or ""
            lb.deletion_protection = bool(_flag(attrs, "deletion_protection.enabled"))
            cross = _flag(attrs, "load_balancing.cross_zone.enabled")
            # ALBs always balance across zones at the load-balancer level.
            lb.cross_zone = True if lb.lb_type == "application" else bool(cross)
            if lb.lb_type == "application":
                drop = _flag(attrs, "routing.http.drop_invalid_header_fields.enabled")
                lb.drop_invalid_header_fields = bool(drop)
        else:
            lb.mark_unknown(
                att.error or "",
                "access_logs_enabled",
                "access_logs_bucket",
                "deletion_protection",
                "cross_zone",
                "drop_invalid_header_fields",
            )
        if lb.lb_type == "application":
            waf = ctx.client("wafv2", region)
            acl = ctx.call(
                waf,
                "get_web_acl_for_resource",
                ResourceArn=arn,
                absent=("WAFNonexistentItemException",),
            )
            if acl.ok:
                lb.waf_web_acl_arn = (acl.value.get("WebACL") or {}).get("ARN") or ""
            elif acl.absent:
                lb.waf_web_acl_arn = ""
            else:
                lb.mark_unknown(acl.error or "", "waf_web_acl_arn")
        inv.add(lb)

    ctx.map(detail, listed.value)


def _v2_listener(raw: dict[str, Any]) -> LbListener:
    protocol = str(raw.get("Protocol") or "")
    listener = LbListener(
        protocol=protocol,
        port=raw.get("Port"),
        certificate_arns=[c["CertificateArn"] for c in raw.get("Certificates") or []],
    )
    listener.ssl_policy = (raw.get("SslPolicy") or "") if listener.secure else ""
    if protocol == "HTTP":
        listener.default_action_redirect_https = any(
            a.get("Type") == "redirect"
            and str((a.get("RedirectConfig") or {}).get("Protocol", "")).upper() == "HTTPS"
            for a in raw.get("DefaultActions") or []
        )
    else:
        listener.default_action_redirect_https = False
    return listener


@collector(
    service="elb",
    scope="regional",
    resource_types=(LoadBalancer.TYPE,),
    actions=(
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancerPolicies",
    ),
    name="elb.classic_load_balancers",
)
def classic_load_balancers(ctx: AwsContext, region: str, inv: Inventory) -> None:
    elb = ctx.client("elb", region)
    listed = ctx.paginate(elb, "describe_load_balancers", "LoadBalancerDescriptions")
    if not listed.ok:
        inv.add_error(
            LoadBalancer.TYPE,
            region,
            "elasticloadbalancing:DescribeLoadBalancers",
            listed.error or "",
        )
        return

    def detail(raw: dict[str, Any]) -> None:
        name = raw["LoadBalancerName"]
        lb = LoadBalancer(
            id=name,
            name=name,
            arn=f"arn:aws:elasticloadbalancing:{region}:{inv.account}:loadbalancer/{name}"
            if inv.account
            else None,
            region=region,
            lb_type="classic",
            scheme=raw.get("Scheme"),
            dns_name=raw.get("DNSName"),
            vpc_id=raw.get("VPCId") or "",
            security_groups=list(raw.get("SecurityGroups") or []),
        )
        listeners = []
        wanted: set[str] = set()
        for desc in raw.get("ListenerDescriptions") or []:
            item = desc.get("Listener") or {}
            listener = LbListener(
                protocol=str(item.get("Protocol") or "").upper(),
                port=item.get("LoadBalancerPort"),
                certificate_arns=[item["SSLCertificateId"]] if item.get("SSLCertificateId") else [],
                default_action_redirect_https=False,  # Classic listeners cannot redirect
            )
            policies = list(desc.get("PolicyNames") or [])
            listener.ssl_policy = ",".join(policies)  # resolved below
            wanted.update(policies if listener.secure else [])
            listeners.append(listener)
        _resolve_classic_policies(ctx, elb, name, listeners, sorted(wanted), lb)
        lb.listeners = listeners
        att = ctx.call(elb, "describe_load_balancer_attributes", LoadBalancerName=name)
        if att.ok:
            attrs = att.value.get("LoadBalancerAttributes") or {}
            log = attrs.get("AccessLog") or {}
            lb.access_logs_enabled = bool(log.get("Enabled"))
            lb.access_logs_bucket = log.get("S3BucketName") or ""
            lb.cross_zone = bool((attrs.get("CrossZoneLoadBalancing") or {}).get("Enabled"))
        else:
            lb.mark_unknown(
                att.error or "", "access_logs_enabled", "access_logs_bucket", "cross_zone"
            )
        inv.add(lb)

    ctx.map(detail, listed.value)


def _resolve_classic_policies(
    ctx: AwsContext,
    elb: Any,
    name: str,
    listeners: list[LbListener],
    wanted: list[str],
    lb: LoadBalancer,
) -> None:
    """Replace each secure listener's policy names with its SSL negotiation policy."""
    described: dict[str, dict[str, Any]] = {}
    error: str | None = None
    if wanted:
        out = ctx.call(
            elb, "describe_load_balancer_policies", LoadBalancerName=name, PolicyNames=wanted
        )
        if out.ok:
            described = {p["PolicyName"]: p for p in out.value.get("PolicyDescriptions", [])}
        else:
            error = out.error or "no answer"
    for listener in listeners:
        if not listener.secure:
            listener.ssl_policy = ""
            continue
        names = [n for n in (listener.ssl_policy or "").split(",") if n]
        if not names:
            listener.ssl_policy = CLASSIC_DEFAULT_POLICY
            continue
        if error:
            listener.ssl_policy = None
            continue
        listener.ssl_policy = ""
        for pname in names:
            pol = described.get(pname)
            if not pol or pol.get("PolicyTypeName") != "SSLNegotiationPolicyType":
                continue
            attrs = {
                a.get("AttributeName"): str(a.get("AttributeValue", ""))
                for a in pol.get("PolicyAttributeDescriptions") or []
            }
            reference = attrs.get("Reference-Security-Policy")
            if reference:
                listener.ssl_policy = reference
            else:
                listener.ssl_policy = pname
                listener.tls_protocols = [
                    proto
                    for key, proto in CLASSIC_PROTOCOL_ATTRS.items()
                    if attrs.get(key, "").lower() == "true"
                ]
        if not listener.ssl_policy:
            listener.ssl_policy = CLASSIC_DEFAULT_POLICY
    if error:
        lb.unknown["listeners.ssl_policy"] = error
