"""Load balancers (``aws_lb``/``aws_alb`` with ``aws_lb_listener`` and the WAFv2 association,
Classic ``aws_elb`` with its SSL negotiation policies), CloudFront distributions and Route 53
hosted zones.

Defaults: ``aws_lb`` is an internet-facing application load balancer without access logs,
deletion protection or header dropping; NLB cross-zone balancing off; an HTTPS/TLS listener
without ``ssl_policy`` gets the API default ``ELBSecurityPolicy-2016-08`` (also the Classic
default). ``aws_elb`` balances across zones (provider default ``true``) and logs when an
``access_logs`` block is present (its ``enabled`` defaults to ``true``). CloudFront: no
logging config = no logging, ``minimum_protocol_version`` TLSv1. Route 53: DNSSEC signing and
query logging only with ``aws_route53_hosted_zone_dnssec`` / ``aws_route53_query_log``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from demarcate.resources.cloudfront import CloudFrontDistribution
from demarcate.resources.elb import LbListener, LoadBalancer
from demarcate.resources.route53 import HostedZone
from demarcate.sources.api_shapes import CLASSIC_DEFAULT_POLICY, CLASSIC_PROTOCOL_ATTRS
from demarcate.sources.api_shapes import cloudfront_origin as _origin
from demarcate.sources.terraform.mapping.base import (
    Builder,
    as_bool,
    as_int,
    as_list,
    as_str,
    as_strs,
    block,
    blocks,
    mapper,
    put,
)
from demarcate.sources.terraform.raw import RawResource
from demarcate.sources.terraform.values import UnknownValue, first_unknown, unknown_or

API_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"
SECURE = ("HTTPS", "TLS", "SSL")


def _v2_listener(raw: RawResource, lb_type: Any) -> LbListener | UnknownValue:
    a = raw.attrs
    default_proto = "TCP" if lb_type == "network" else "GENEVE" if lb_type == "gateway" else "HTTP"
    protocol = as_str(a.get("protocol"), default_proto)
    if isinstance(protocol, UnknownValue):
        return protocol
    protocol = protocol.upper()
    actions = blocks(a, "default_action")
    if isinstance(actions, UnknownValue):
        return actions
    redirect = False
    for action in actions:
        if action.get("type") == "redirect":
            cfg = block(action, "redirect")
            if isinstance(cfg, dict) and str(cfg.get("protocol", "#{protocol}")).upper() == "HTTPS":
                redirect = True
    policy = as_str(a.get("ssl_policy"), API_DEFAULT_POLICY)
    if isinstance(policy, UnknownValue):
        return policy
    cert = a.get("certificate_arn")
    return LbListener(
        protocol=protocol,
        port=as_int(a.get("port")) if not isinstance(a.get("port"), UnknownValue) else None,
        ssl_policy=policy if protocol in SECURE else "",
        certificate_arns=[str(cert)] if isinstance(cert, str) else [],
        default_action_redirect_https=redirect if protocol == "HTTP" else False,
    )


def _classic_policies(b: Builder) -> dict[tuple[str, Any], list[Any]]:
    """(load balancer address, port) -> SSL negotiation policy names attached."""
    out: dict[tuple[str, Any], list[Any]] = defaultdict(list)
    for raw in b.of("aws_load_balancer_listener_policy"):
        target = b.find(raw.attrs.get("load_balancer_name"), "aws_elb")
        if target is not None:
            names = as_list(raw.attrs.get("policy_names"))
            out[(target.address, as_int(raw.attrs.get("load_balancer_port")))].extend(
                [names] if isinstance(names, UnknownValue) else names
            )
    return out


def _resolve_classic(b: Builder, listener: LbListener, names: list[Any]) -> None:
    if not listener.secure:
        listener.ssl_policy = ""
        return
    if first_unknown(names) is not None:
        listener.ssl_policy = None
        return
    for pname in names:
        pol = next(
            (
                p
                for p in b.of("aws_load_balancer_policy")
                if p.attrs.get("policy_name") == pname or p.address in str(pname)
            ),
            None,
        )
        if pol is None or pol.attrs.get("policy_type_name") != "SSLNegotiationPolicyType":
            continue
        policy_attrs = blocks(pol.attrs, "policy_attribute")
        attrs = {
            str(x.get("name")): str(x.get("value", ""))
            for x in (policy_attrs if isinstance(policy_attrs, list) else [])
        }
        reference = attrs.get("Reference-Security-Policy")
        if reference:
            listener.ssl_policy = reference
        else:
            listener.ssl_policy = str(pname)
            listener.tls_protocols = [
                proto
                for key, proto in CLASSIC_PROTOCOL_ATTRS.items()
                if attrs.get(key, "").lower() == "true"
            ]
        return
    listener.ssl_policy = CLASSIC_DEFAULT_POLICY


@mapper(order=40)
def map_elb(b: Builder) -> None:
    listeners: dict[str, list[Any]] = defaultdict(list)
    for raw in b.of("aws_lb_listener", "aws_alb_listener"):
        target = b.find(raw.attrs.get("load_balancer_arn"), "aws_lb", "aws_alb")
        if target is not None:
            listeners[target.address].append(raw)
    waf: dict[str, Any] = {}
    for raw in b.of("aws_wafv2_web_acl_association"):
        target = b.find(raw.attrs.get("resource_arn"), "aws_lb", "aws_alb")
        if target is not None:
            waf[target.address] = raw.attrs.get("web_acl_arn")
    for raw in b.of("aws_lb", "aws_alb"):
        a = raw.attrs
        name = b.ident(raw, "name")
        lb_type = as_str(a.get("load_balancer_type"), "application")
        internal = as_bool(a.get("internal"), False)
        logs = block(a, "access_logs")
        found = [_v2_listener(x, lb_type) for x in listeners.get(raw.address, [])]
        bad = next((x for x in found if isinstance(x, UnknownValue)), None)
        acl = waf.get(raw.address, "")
        if acl == "" and a.get("web_acl_id") is not None:  # not an aws_lb argument, but tolerated
            acl = a.get("web_acl_id")
        cross = as_bool(a.get("enable_cross_zone_load_balancing"), False)
        b.new(
            LoadBalancer,
            raw,
            str(name),
            name=name,
            lb_type=lb_type,
            scheme=internal
            if isinstance(internal, UnknownValue)
            else ("internal" if internal else "internet-facing"),
            listeners=bad or found,
            access_logs_enabled=logs
            if isinstance(logs, UnknownValue)
            else (as_bool(logs.get("enabled"), False) if logs else False),
            access_logs_bucket=logs
            if isinstance(logs, UnknownValue)
            else as_str(logs.get("bucket"), "")
            if logs
            else "",
            deletion_protection=as_bool(a.get("enable_deletion_protection"), False),
            drop_invalid_header_fields=as_bool(a.get("drop_invalid_header_fields"), False)
            if lb_type == "application"
            else None,
            cross_zone=True if lb_type == "application" else cross,
            waf_web_acl_arn=as_str(acl, "") if lb_type == "application" else None,
            security_groups=as_strs(a.get("security_groups")),
        )
    policies = _classic_policies(b)
    for raw in b.of("aws_elb"):
        a = raw.attrs
        name = b.ident(raw, "name")
        items = blocks(a, "listener")
        parsed: Any
        if isinstance(items, UnknownValue):
            parsed = items
        else:
            parsed = []
            for item in items:
                unknown = first_unknown(item)
                if unknown is not None:
                    parsed = unknown
                    break
                listener = LbListener(
                    protocol=str(item.get("lb_protocol") or "").upper(),
                    port=as_int(item.get("lb_port")),
                    certificate_arns=[str(item["ssl_certificate_id"])]
                    if item.get("ssl_certificate_id")
                    else [],
                    default_action_redirect_https=False,
                )
                _resolve_classic(b, listener, policies.get((raw.address, listener.port), []))
                parsed.append(listener)
        logs = block(a, "access_logs")
        b.new(
            LoadBalancer,
            raw,
            str(name),
            name=name,
            lb_type="classic",
            scheme="internal" if as_bool(a.get("internal"), False) is True else "internet-facing",
            listeners=parsed,
            access_logs_enabled=logs
            if isinstance(logs, UnknownValue)
            else (as_bool(logs.get("enabled"), True) if logs else False),
            access_logs_bucket=logs
            if isinstance(logs, UnknownValue)
            else as_str(logs.get("bucket"), "")
            if logs
            else "",
            cross_zone=as_bool(a.get("cross_zone_load_balancing"), True),
            security_groups=as_strs(a.get("security_groups")),
        )


def _api_origin(o: dict[str, Any]) -> dict[str, Any]:
    """A Terraform origin block in the CloudFront API shape (for the collector's reader)."""
    out: dict[str, Any] = {"Id": o.get("origin_id"), "DomainName": o.get("domain_name") or ""}
    if o.get("origin_access_control_id"):
        out["OriginAccessControlId"] = o["origin_access_control_id"]
    s3 = block(o, "s3_origin_config")
    if isinstance(s3, dict) and s3:
        out["S3OriginConfig"] = {"OriginAccessIdentity": s3.get("origin_access_identity") or ""}
    custom = block(o, "custom_origin_config")
    if isinstance(custom, dict) and custom:
        out["CustomOriginConfig"] = {
            "OriginProtocolPolicy": custom.get("origin_protocol_policy") or "",
            "OriginSslProtocols": {"Items": list(custom.get("origin_ssl_protocols") or [])},
        }
    return out


@mapper(order=40)
def map_cloudfront(b: Builder) -> None:
    for raw in b.of("aws_cloudfront_distribution"):
        a = raw.attrs
        default = block(a, "default_cache_behavior")
        ordered = blocks(a, "ordered_cache_behavior")
        policies: Any
        if isinstance(default, UnknownValue) or isinstance(ordered, UnknownValue):
            policies = default if isinstance(default, UnknownValue) else ordered
        else:
            policies = {"*": default.get("viewer_protocol_policy")}
            for beh in ordered:
                policies[str(beh.get("path_pattern"))] = beh.get("viewer_protocol_policy")
            policies = unknown_or(policies, lambda p: {k: str(v or "") for k, v in p.items()})
        cert = block(a, "viewer_certificate")
        origins = blocks(a, "origin")
        logging = block(a, "logging_config")
        fields: dict[str, Any] = {}
        if isinstance(cert, UnknownValue):
            fields = dict.fromkeys(
                (
                    "certificate_source",
                    "uses_default_certificate",
                    "minimum_protocol_version",
                    "ssl_support_method",
                ),
                cert,
            )
        else:
            source = (
                "acm"
                if cert.get("acm_certificate_arn")
                else "iam"
                if cert.get("iam_certificate_id")
                else "cloudfront"
            )
            fields = {
                "certificate_source": source,
                "uses_default_certificate": source == "cloudfront",
                "minimum_protocol_version": as_str(cert.get("minimum_protocol_version"), "TLSv1"),
                "ssl_support_method": as_str(cert.get("ssl_support_method"), ""),
            }
        if isinstance(origins, UnknownValue) or first_unknown(origins) is not None:
            parsed: Any = origins if isinstance(origins, UnknownValue) else first_unknown(origins)
        else:
            parsed = [_origin(_api_origin(o)) for o in origins]
        bucket = logging.get("bucket") if isinstance(logging, dict) else logging
        comment = as_str(a.get("comment"))
        b.new(
            CloudFrontDistribution,
            raw,
            raw.address,
            name=comment if isinstance(comment, str) and comment else None,
            regional=False,
            enabled=as_bool(a.get("enabled"), True),
            aliases=as_strs(a.get("aliases")),
            viewer_protocol_policies=policies,
            origins=parsed,
            web_acl_id=as_str(a.get("web_acl_id"), ""),
            logging_enabled=bucket if isinstance(bucket, UnknownValue) else bool(bucket),
            logging_destination=bucket
            if isinstance(bucket, UnknownValue)
            else (str(bucket) if bucket else ""),
            **fields,
        )


@mapper(order=40)
def map_route53(b: Builder) -> None:
    dnssec: dict[str, Any] = {}
    for raw in b.of("aws_route53_hosted_zone_dnssec"):
        target = b.find(raw.attrs.get("hosted_zone_id"), "aws_route53_zone")
        if target is not None:
            dnssec[target.address] = as_str(raw.attrs.get("signing_status"), "SIGNING")
    logs: dict[str, Any] = {}
    for raw in b.of("aws_route53_query_log"):
        target = b.find(raw.attrs.get("zone_id"), "aws_route53_zone")
        if target is not None:
            logs[target.address] = raw.attrs.get("cloudwatch_log_group_arn")
    for raw in b.of("aws_route53_zone"):
        name = as_str(raw.attrs.get("name"))
        vpcs = blocks(raw.attrs, "vpc")
        private = vpcs if isinstance(vpcs, UnknownValue) else bool(vpcs)
        zone = b.new(
            HostedZone,
            raw,
            raw.address,
            name=name.rstrip(".") if isinstance(name, str) else name,
            regional=False,
            private=private,
        )
        if private is not True:
            put(zone, "dnssec_status", dnssec.get(raw.address, "NOT_SIGNING"))
            zone.dnssec_status_message = ""
        log = logs.get(raw.address)
        put(
            zone,
            "query_logging_enabled",
            log is not None if not isinstance(log, UnknownValue) else True,
        )
        put(
            zone,
            "query_log_group_arn",
            as_str(log, "") if not isinstance(log, UnknownValue) else log,
        )
        zone.unknown["record_count"] = "record counts are known only in a live account"
