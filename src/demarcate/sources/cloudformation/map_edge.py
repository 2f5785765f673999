"""Load balancers (elbv2 + listeners + WAFv2 web ACL associations, and Classic), CloudFront
distributions, Route 53 hosted zones (+ DNSSEC).

Defaults: elbv2 Type application, Scheme internet-facing; attributes off unless set
(access logs, deletion protection, invalid-header dropping; cross-zone off for network and
gateway load balancers, always on for application ones); an HTTPS/TLS listener without
SslPolicy gets the API default ELBSecurityPolicy-2016-08 (the same for a Classic secure
listener without an SSL negotiation policy). Classic: Scheme internet-facing, CrossZone off,
no access logs. CloudFront: the default *.cloudfront.net certificate (TLSv1) without
ViewerCertificate, MinimumProtocolVersion TLSv1, no web ACL, no logging; a custom origin
without OriginSSLProtocols is left unknown (the template does not say which protocols the
origin accepts). Route 53: a zone is public without VPCs, unsigned without an
AWS::Route53::DNSSEC, not query-logged without QueryLoggingConfig.
"""

from __future__ import annotations

import re
from typing import Any

from demarcate.resources.cloudfront import CfOrigin, CloudFrontDistribution
from demarcate.resources.elb import LbListener, LoadBalancer
from demarcate.resources.route53 import HostedZone
from demarcate.sources.api_shapes import CLASSIC_DEFAULT_POLICY, CLASSIC_PROTOCOL_ATTRS
from demarcate.sources.cloudformation.intrinsics import ResRef, Unresolved, first_unresolved
from demarcate.sources.cloudformation.map_network import mark_subnets_in_use
from demarcate.sources.cloudformation.stack import (
    LogicalResource,
    Props,
    Stack,
    assign,
    folder,
    primary,
    tags_of,
    to_bool,
    to_int,
    to_str,
    to_str_list,
    to_word,
    to_word_list,
    unknown_or,
)

API_DEFAULT_TLS_POLICY = "ELBSecurityPolicy-2016-08"
S3_REST = re.compile(r"\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$")

# ---- Application / Network / Gateway Load Balancers -----------------------------------------------


@primary("AWS::ElasticLoadBalancingV2::LoadBalancer")
def load_balancer(stack: Stack, lr: LogicalResource, p: Props) -> LoadBalancer:
    key = stack.key_of(lr.logical_id)
    res = LoadBalancer(id=key, name=key, region=stack.region, tags=tags_of(p))
    kind = to_word(p.get("Type"), "application")
    assign(res, "lb_type", kind)
    assign(res, "scheme", to_word(p.get("Scheme"), "internet-facing"))
    assign(res, "security_groups", to_str_list(p.get("SecurityGroups"), []))
    subnets = to_str_list(p.get("Subnets"), [])
    mappings = p.items("SubnetMappings")
    if isinstance(mappings, list) and mappings:
        subnets = [m.get("SubnetId") for m in mappings]
    mark_subnets_in_use(stack, subnets)
    attrs_list = p.items("LoadBalancerAttributes")
    attr_names = (
        "access_logs_enabled",
        "access_logs_bucket",
        "deletion_protection",
        "cross_zone",
        "drop_invalid_header_fields",
    )
    if isinstance(attrs_list, Unresolved):
        res.mark_unknown(attrs_list.reason, *attr_names)
    elif (bad_key := first_unresolved([to_word(i.get("Key")) for i in attrs_list])) is not None:
        res.mark_unknown(bad_key.reason, *attr_names)  # it may be any of them
    else:
        attrs: dict[str, Any] = {}
        for item in attrs_list:
            name = to_str(item.get("Key"))
            if isinstance(name, str):
                attrs[name] = to_str(item.get("Value"))

        def flag(name: str) -> Any:
            value = attrs.get(name)
            if value is None:
                return False
            value = to_word(value)
            return value if isinstance(value, Unresolved) else value.lower() == "true"

        assign(res, "access_logs_enabled", flag("access_logs.s3.enabled"))
        bucket = attrs.get("access_logs.s3.bucket")
        assign(res, "access_logs_bucket", "" if bucket is None else bucket)
        assign(res, "deletion_protection", flag("deletion_protection.enabled"))
        if kind == "application":
            res.cross_zone = True  # ALBs always balance across zones
            assign(
                res,
                "drop_invalid_header_fields",
                flag("routing.http.drop_invalid_header_fields.enabled"),
            )
        else:
            assign(res, "cross_zone", flag("load_balancing.cross_zone.enabled"))
    res.listeners = []
    res.waf_web_acl_arn = "" if kind == "application" else None
    if isinstance(kind, Unresolved):  # what applies depends on the type
        res.mark_unknown(
            f"the load balancer type is not known: {kind.reason}",
            "cross_zone",
            "drop_invalid_header_fields",
            "waf_web_acl_arn",
        )
    return res


def _lb_target(stack: Stack, value: Any) -> LoadBalancer | Unresolved | None:
    return stack.target(value, LoadBalancer, "AWS::ElasticLoadBalancingV2::LoadBalancer")


@folder("AWS::ElasticLoadBalancingV2::Listener")
def listener(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = _lb_target(stack, p.get("LoadBalancerArn"))
    if isinstance(target, Unresolved):
        for res in stack.built(LoadBalancer):
            res.mark_unknown(
                f"listener {lr.logical_id} belongs to an unknown load balancer: {target.reason}",
                "listeners",
            )
        return
    if target is None or target.listeners is None:
        return
    protocol = to_word(p.get("Protocol"))
    if protocol is None:
        protocol = (
            "GENEVE"
            if target.lb_type == "gateway"
            else Unresolved(f"listener {lr.logical_id} has no Protocol")
        )
    port = to_int(p.get("Port"))
    certs = p.items("Certificates")
    actions = p.items("DefaultActions")
    bad = first_unresolved(
        [
            protocol,
            port,
            certs if isinstance(certs, Unresolved) else None,
            actions if isinstance(actions, Unresolved) else None,
        ]
    )
    if bad is not None:
        target.mark_unknown(f"listener {lr.logical_id}: {bad.reason}", "listeners")
        return
    item = LbListener(protocol=str(protocol).upper(), port=port)
    arns = unknown_or(
        [to_str(c.get("CertificateArn")) for c in certs],  # type: ignore[union-attr]
        lambda values: [str(v) for v in values],
    )
    if isinstance(arns, Unresolved):
        target.unknown["listeners.certificate_arns"] = f"listener {lr.logical_id}: {arns.reason}"
    else:
        item.certificate_arns = arns
    if item.secure:
        policy = to_word(p.get("SslPolicy"), API_DEFAULT_TLS_POLICY)
        if isinstance(policy, Unresolved):
            target.unknown["listeners.ssl_policy"] = f"listener {lr.logical_id}: {policy.reason}"
            item.ssl_policy = None
        else:
            item.ssl_policy = policy
    else:
        item.ssl_policy = ""
    redirect = _redirects_to_https(actions) if item.protocol == "HTTP" else False
    if isinstance(redirect, Unresolved):
        # The listeners check reads a missing redirect as plain HTTP: the listeners are unknown.
        target.mark_unknown(f"listener {lr.logical_id}: {redirect.reason}", "listeners")
        return
    item.default_action_redirect_https = redirect
    target.listeners.append(item)


def _redirects_to_https(actions: Any) -> bool | Unresolved:
    """Whether a default action redirects to HTTPS (Unresolved when one may and it is not
    known)."""
    doubt: Unresolved | None = None
    for action in actions:
        kind = to_word(action.get("Type"))
        protocol = to_word(action.sub("RedirectConfig").get("Protocol", ""))
        if kind == "redirect" and isinstance(protocol, str) and protocol.upper() == "HTTPS":
            return True
        if doubt is None and (isinstance(kind, Unresolved) or kind == "redirect"):
            doubt = first_unresolved([kind, protocol])
    return doubt if doubt is not None else False


@folder("AWS::WAFv2::WebACLAssociation")
def web_acl_association(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = _lb_target(stack, p.get("ResourceArn"))
    acl = to_str(p.get("WebACLArn"))
    if isinstance(target, Unresolved):
        stack.mark_all(
            LoadBalancer,
            f"web ACL association {lr.logical_id} is for a resource that is not known: "
            f"{target.reason}",
            "waf_web_acl_arn",
            only=lambda lb: lb.waf_web_acl_arn == "",
        )
    elif isinstance(target, LoadBalancer) and target.lb_type == "application":
        if not isinstance(acl, Unresolved):
            target.unknown.pop("waf_web_acl_arn", None)
        assign(target, "waf_web_acl_arn", acl)


# ---- Classic Load Balancers -----------------------------------------------------------------------


@primary("AWS::ElasticLoadBalancing::LoadBalancer")
def classic_load_balancer(stack: Stack, lr: LogicalResource, p: Props) -> LoadBalancer:
    key = stack.key_of(lr.logical_id)
    res = LoadBalancer(id=key, name=key, region=stack.region, tags=tags_of(p))
    res.lb_type = "classic"
    assign(res, "scheme", to_word(p.get("Scheme"), "internet-facing"))
    assign(res, "security_groups", to_str_list(p.get("SecurityGroups"), []))
    mark_subnets_in_use(stack, to_str_list(p.get("Subnets"), []))
    logging = p.sub("AccessLoggingPolicy")
    assign(res, "access_logs_enabled", to_bool(logging.get("Enabled"), False))
    assign(res, "access_logs_bucket", to_str(logging.get("S3BucketName"), ""))
    assign(res, "cross_zone", to_bool(p.get("CrossZone"), False))
    res.deletion_protection = None
    res.drop_invalid_header_fields = None
    res.waf_web_acl_arn = None
    policies: dict[str, Props] = {}
    items = p.items("Policies")
    # A policy list, or a policy name, that is not known may hold a listener's SSL policy.
    doubt = (
        items
        if isinstance(items, Unresolved)
        else first_unresolved([pol.get("PolicyName") for pol in items])
    )
    if isinstance(items, list):
        for pol in items:
            name = pol.get("PolicyName")
            if isinstance(name, str):
                policies[name] = pol
    listeners = p.items("Listeners")
    if isinstance(listeners, Unresolved):
        assign(res, "listeners", listeners)
        return res
    out: list[LbListener] = []
    for raw in listeners:
        protocol = to_word(raw.get("Protocol"))
        port = to_int(raw.get("LoadBalancerPort"))
        if first_unresolved([protocol, port]) is not None or protocol is None:
            res.mark_unknown(f"a listener of {key} is not known", "listeners")
            return res
        item = LbListener(protocol=str(protocol).upper(), port=port)
        cert = to_str(raw.get("SSLCertificateId"))
        item.certificate_arns = [cert] if isinstance(cert, str) else []
        if item.secure:
            policy = _classic_policy(item, raw, policies, doubt)
            if isinstance(policy, Unresolved):
                item.ssl_policy = None
                res.unknown["listeners.ssl_policy"] = (
                    f"the SSL policy of listener {item.protocol}:{item.port} is not known: "
                    f"{policy.reason}"
                )
        else:
            item.ssl_policy = ""
        item.default_action_redirect_https = False
        out.append(item)
    res.listeners = out
    return res


def _classic_policy(
    item: LbListener, raw: Props, policies: dict[str, Props], doubt: Unresolved | None
) -> Unresolved | None:
    """Set the listener's SSL policy; Unresolved when it cannot be told."""
    names = to_str_list(raw.get("PolicyNames"), [])
    if isinstance(names, Unresolved):
        return names
    for name in names:
        pol = policies.get(name)
        if pol is None:
            if doubt is not None:
                return doubt  # it may be the policy whose name is not known
            continue
        kind = to_word(pol.get("PolicyType"))
        if isinstance(kind, Unresolved):
            return kind
        if kind != "SSLNegotiationPolicyType":
            continue
        attr_items = pol.items("Attributes")
        if isinstance(attr_items, Unresolved):
            return attr_items
        pairs = [(to_word(a.get("Name")), to_word(a.get("Value"))) for a in attr_items]
        bad = first_unresolved(pairs)
        if bad is not None:
            return bad
        attrs = {str(k): str(v) for k, v in pairs}
        reference = attrs.get("Reference-Security-Policy")
        if reference:
            item.ssl_policy = reference
            return None
        item.ssl_policy = name
        item.tls_protocols = [
            proto
            for attr, proto in CLASSIC_PROTOCOL_ATTRS.items()
            if attrs.get(attr, "").lower() == "true"
        ]
        return None
    item.ssl_policy = CLASSIC_DEFAULT_POLICY
    return None


# ---- CloudFront -----------------------------------------------------------------------------------


def _origin(o: Props) -> CfOrigin | Unresolved:
    domain = to_str(o.get("DomainName"), "")
    oid = to_str(o.get("Id"), "")
    if first_unresolved([domain, oid]) is not None:
        return Unresolved("an origin's id or domain is not known")
    custom, s3_config = o.presence("CustomOriginConfig"), o.presence("S3OriginConfig")
    bad = first_unresolved([custom, s3_config])
    if bad is not None:
        return Unresolved(f"origin {oid}: its kind (custom or S3) is not known: {bad.reason}")
    is_s3 = s3_config is True or (
        custom is False and bool(S3_REST.search(str(domain))) and "s3-website" not in str(domain)
    )
    oac = to_str(o.get("OriginAccessControlId"), "")
    oai = to_str(o.sub("S3OriginConfig").get("OriginAccessIdentity"), "")
    if first_unresolved([oac, oai]) is not None:
        return Unresolved(f"origin {oid}: its access control is not known")
    origin = CfOrigin(id=str(oid), domain=str(domain), is_s3=is_s3, oac_id=oac, oai=oai)
    if custom is True:
        cfg = o.sub("CustomOriginConfig")
        policy = to_word(cfg.get("OriginProtocolPolicy"), "")
        protocols = to_word_list(cfg.get("OriginSSLProtocols"))
        if isinstance(policy, Unresolved):
            return policy
        origin.protocol_policy = policy
        if protocols is None:
            if policy != "http-only":
                return Unresolved(
                    f"origin {oid}: OriginSSLProtocols is not set, so the TLS versions used "
                    "to reach it are not known from the template"
                )
            protocols = []
        if isinstance(protocols, Unresolved):
            return protocols
        origin.ssl_protocols = protocols
    return origin


@primary("AWS::CloudFront::Distribution")
def distribution(stack: Stack, lr: LogicalResource, p: Props) -> CloudFrontDistribution:
    cfg = p.sub("DistributionConfig")
    comment = to_str(cfg.get("Comment"))
    res = CloudFrontDistribution(
        id=lr.logical_id,
        name=comment if isinstance(comment, str) and comment else lr.logical_id,
        region="global",
        tags=tags_of(p),
    )
    assign(res, "enabled", to_bool(cfg.get("Enabled")))
    assign(res, "aliases", to_str_list(cfg.get("Aliases"), []))
    policies: dict[str, Any] = {
        "*": to_word(cfg.sub("DefaultCacheBehavior").get("ViewerProtocolPolicy"))
    }
    behaviours = cfg.items("CacheBehaviors")
    if isinstance(behaviours, Unresolved):
        policies["?"] = behaviours
    else:
        for b in behaviours:
            path = to_str(b.get("PathPattern"))
            policies[str(path) if isinstance(path, str) else "?"] = to_word(
                b.get("ViewerProtocolPolicy")
            )
    assign(res, "viewer_protocol_policies", policies)
    cert = cfg.sub("ViewerCertificate")
    acm, iam = cert.get("AcmCertificateArn"), cert.get("IamCertificateId")
    if first_unresolved([acm, iam]) is not None:
        res.mark_unknown(
            "the viewer certificate is not known",
            "certificate_source",
            "uses_default_certificate",
            "minimum_protocol_version",
        )
    else:
        res.certificate_source = "acm" if acm else ("iam" if iam else "cloudfront")
        res.uses_default_certificate = res.certificate_source == "cloudfront"
        version = to_word(cert.get("MinimumProtocolVersion"), "TLSv1")
        assign(
            res, "minimum_protocol_version", "TLSv1" if res.uses_default_certificate else version
        )
    assign(res, "ssl_support_method", to_word(cert.get("SslSupportMethod"), ""))
    origins = cfg.items("Origins")
    if isinstance(origins, Unresolved):
        assign(res, "origins", origins)
    else:
        assign(res, "origins", [_origin(o) for o in origins])
    assign(res, "web_acl_id", to_str(cfg.get("WebACLId"), ""))
    logging = cfg.sub("Logging")
    present = cfg.has("Logging")
    if present is not None and logging.reason is not None:  # a block from a placeholder
        present = None
    if present is None:
        why = cfg.why("Logging") if logging.reason is None else logging.reason
        res.mark_unknown(why, "logging_enabled", "logging_destination")
    elif present:
        res.logging_enabled = True
        assign(res, "logging_destination", to_str(logging.get("Bucket"), ""))
    else:
        res.logging_enabled, res.logging_destination = False, ""
    return res


# ---- Route 53 -------------------------------------------------------------------------------------


@primary("AWS::Route53::HostedZone")
def hosted_zone(stack: Stack, lr: LogicalResource, p: Props) -> HostedZone:
    domain = to_str(p.get("Name"))
    res = HostedZone(
        id=lr.logical_id,
        name=domain.rstrip(".") if isinstance(domain, str) else lr.logical_id,
        region="global",
    )
    vpcs = p.items("VPCs")
    assign(res, "private", vpcs if isinstance(vpcs, Unresolved) else bool(vpcs))
    res.dnssec_status, res.dnssec_status_message = "NOT_SIGNING", ""
    group = to_str(p.sub("QueryLoggingConfig").get("CloudWatchLogsLogGroupArn"))
    if isinstance(group, Unresolved):
        res.mark_unknown(group.reason, "query_logging_enabled", "query_log_group_arn")
    else:
        res.query_logging_enabled = group is not None
        res.query_log_group_arn = group or ""
    return res


@folder("AWS::Route53::DNSSEC")
def dnssec(stack: Stack, lr: LogicalResource, p: Props) -> None:
    target = stack.target(p.get("HostedZoneId"), HostedZone, "AWS::Route53::HostedZone")
    if isinstance(target, Unresolved):
        stack.mark_all(
            HostedZone,
            f"DNSSEC {lr.logical_id} signs a hosted zone that is not known: {target.reason}",
            "dnssec_status",
            only=lambda zone: zone.dnssec_status == "NOT_SIGNING",
        )
    elif isinstance(target, HostedZone):
        target.dnssec_status = "SIGNING"
        target.unknown.pop("dnssec_status", None)


@primary("AWS::Logs::DeliverySource")
def delivery_source(stack: Stack, lr: LogicalResource, p: Props) -> None:
    """CloudFront standard logging (v2): a delivery source on the distribution."""
    stack.extra.setdefault("delivery_sources", {})[stack.key_of(lr.logical_id)] = p.get(
        "ResourceArn"
    )


@folder("AWS::Logs::Delivery")
def log_delivery(stack: Stack, lr: LogicalResource, p: Props) -> None:
    source = to_str(p.get("DeliverySourceName"))
    sources = stack.extra.get("delivery_sources", {})
    target = sources.get(source) if isinstance(source, str) else source
    if isinstance(target, Unresolved):
        stack.mark_all(
            CloudFrontDistribution,
            f"log delivery {lr.logical_id} is for a resource that is not known: {target.reason}",
            "logging_enabled",
            "logging_destination",
            only=lambda dist: dist.logging_enabled is False,
        )
        return
    for dist in stack.built(CloudFrontDistribution):
        if isinstance(target, ResRef):
            hit = stack.by_logical.get(target.logical) is dist
        else:
            hit = isinstance(target, str) and target.endswith(f":distribution/{dist.id}")
        if hit and dist.logging_enabled is not True:
            for attr in ("logging_enabled", "logging_destination"):
                dist.unknown.pop(attr, None)
            dist.logging_enabled = True
            dist.logging_destination = f"log delivery {source}"
