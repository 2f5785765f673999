"""Load balancer checks (elbv2 and Classic, plus the ALB WAF check), proven both ways on moto."""

from __future__ import annotations

from typing import Any

import botocore.client
from botocore.exceptions import ClientError

from demarcate.checks.elb import tls_policy_verdict
from demarcate.checks.registry import Status
from demarcate.resources.elb import LbListener

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["elb"]
MODERN = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"


class Net:
    def __init__(self, session) -> None:
        ec2 = session.client("ec2")
        self.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        self.subnets = [
            ec2.create_subnet(VpcId=self.vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)[
                "Subnet"
            ]["SubnetId"]
            for i, az in enumerate(("us-east-1a", "us-east-1b"), start=1)
        ]
        self.sg = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=self.vpc)[
            "GroupId"
        ]
        self.elb = session.client("elbv2")
        self.tg = self.elb.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=self.vpc)[
            "TargetGroups"
        ][0]["TargetGroupArn"]
        self.cert = session.client("acm").request_certificate(DomainName="example.com")[
            "CertificateArn"
        ]
        self.forward = [{"Type": "forward", "TargetGroupArn": self.tg}]

    def lb(self, name: str, *, kind: str = "application", scheme: str = "internet-facing") -> str:
        kw: dict[str, Any] = {"SecurityGroups": [self.sg]} if kind == "application" else {}
        return self.elb.create_load_balancer(
            Name=name, Subnets=self.subnets, Scheme=scheme, Type=kind, **kw
        )["LoadBalancers"][0]["LoadBalancerArn"]

    def https(self, arn: str, policy: str = MODERN) -> None:
        self.elb.create_listener(
            LoadBalancerArn=arn,
            Protocol="HTTPS",
            Port=443,
            SslPolicy=policy,
            Certificates=[{"CertificateArn": self.cert}],
            DefaultActions=self.forward,
        )

    def http(self, arn: str, *, redirect: bool) -> None:
        actions = (
            [
                {
                    "Type": "redirect",
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "StatusCode": "HTTP_301",
                    },
                }
            ]
            if redirect
            else self.forward
        )
        self.elb.create_listener(
            LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=actions
        )

    def attrs(self, arn: str, **values: str) -> None:
        self.elb.modify_load_balancer_attributes(
            LoadBalancerArn=arn, Attributes=[{"Key": k, "Value": v} for k, v in values.items()]
        )


def _classic(session, name: str, listeners: list[dict[str, Any]]) -> None:
    session.client("elb").create_load_balancer(
        LoadBalancerName=name, Listeners=listeners, AvailabilityZones=["us-east-1a"]
    )


def _deny(op: str):
    def deny(self, operation_name, api_params):
        if operation_name == op:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDenied", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    return deny


def test_listeners_encrypted_or_redirect(aws, scan):
    net = Net(aws)
    good = net.lb("secure-alb")
    net.https(good)
    net.http(good, redirect=True)
    bad = net.lb("plain-alb")
    net.http(bad, redirect=False)
    _classic(aws, "plain-clb", [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    result = scan(aws, services=SERVICES)
    ok = result.one("elb-listeners-encrypted", "secure-alb")
    assert ok.status is Status.PASS
    ko = result.one("elb-listeners-encrypted", "plain-alb")
    assert ko.status is Status.FAIL
    assert ko.evidence == "ALB plain-alb: unencrypted listener(s) HTTP:80 without HTTPS redirect"
    clb = result.one("elb-listeners-encrypted", "plain-clb")
    assert clb.status is Status.FAIL
    assert "Classic ELB plain-clb: unencrypted listener(s) HTTP:80" in clb.evidence


def test_tls_policy_modern_and_legacy(aws, scan):
    net = Net(aws)
    good = net.lb("modern-alb")
    net.https(good, MODERN)
    bad = net.lb("legacy-alb")
    net.https(bad, "ELBSecurityPolicy-2016-08")
    result = scan(aws, services=SERVICES)
    ok = result.one("elb-tls-policy-modern", "modern-alb")
    assert ok.status is Status.PASS
    assert MODERN in ok.evidence
    ko = result.one("elb-tls-policy-modern", "legacy-alb")
    assert ko.status is Status.FAIL
    assert (
        ko.evidence
        == "ALB legacy-alb: TLS 1.0/1.1 allowed: HTTPS:443 uses ELBSecurityPolicy-2016-08"
    )


def test_classic_tls_policy_default_reference_and_custom(aws, scan):
    cert = aws.client("acm").request_certificate(DomainName="example.com")["CertificateArn"]
    https = [
        {
            "Protocol": "HTTPS",
            "LoadBalancerPort": 443,
            "InstancePort": 80,
            "InstanceProtocol": "HTTP",
            "SSLCertificateId": cert,
        }
    ]
    clb = aws.client("elb")
    for name in ("clb-default", "clb-reference", "clb-custom"):
        _classic(aws, name, https)
    clb.create_load_balancer_policy(
        LoadBalancerName="clb-reference",
        PolicyName="tls12",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[
            {
                "AttributeName": "Reference-Security-Policy",
                "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01",
            }
        ],
    )
    clb.set_load_balancer_policies_of_listener(
        LoadBalancerName="clb-reference", LoadBalancerPort=443, PolicyNames=["tls12"]
    )
    clb.create_load_balancer_policy(
        LoadBalancerName="clb-custom",
        PolicyName="old",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[
            {"AttributeName": "Protocol-TLSv1", "AttributeValue": "true"},
            {"AttributeName": "Protocol-TLSv1.2", "AttributeValue": "true"},
        ],
    )
    clb.set_load_balancer_policies_of_listener(
        LoadBalancerName="clb-custom", LoadBalancerPort=443, PolicyNames=["old"]
    )
    result = scan(aws, services=SERVICES)
    default = result.one("elb-tls-policy-modern", "clb-default")
    assert default.status is Status.FAIL
    assert "uses ELBSecurityPolicy-2016-08" in default.evidence
    assert result.one("elb-tls-policy-modern", "clb-reference").status is Status.PASS
    custom = result.one("elb-tls-policy-modern", "clb-custom")
    assert custom.status is Status.FAIL
    assert "HTTPS:443 uses old" in custom.evidence
    assert result.one("elb-listeners-encrypted", "clb-reference").status is Status.PASS


def test_policy_table():
    def verdict(name: str) -> bool | None:
        return tls_policy_verdict(LbListener(protocol="HTTPS", ssl_policy=name))

    assert verdict("ELBSecurityPolicy-TLS13-1-2-2021-06") is True
    assert verdict("ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09") is True
    assert verdict("ELBSecurityPolicy-FS-1-2-Res-2020-10") is True
    assert verdict("ELBSecurityPolicy-TLS13-1-1-2021-06") is False
    assert verdict("ELBSecurityPolicy-FS-2018-06") is False
    assert verdict("SomethingElse") is None


def test_access_logs_and_deletion_protection(aws, scan):
    net = Net(aws)
    good = net.lb("careful-alb")
    net.https(good)
    net.attrs(
        good,
        **{
            "access_logs.s3.enabled": "true",
            "access_logs.s3.bucket": "lb-logs",
            "deletion_protection.enabled": "true",
        },
    )
    bad = net.lb("careless-alb")
    net.https(bad)
    result = scan(aws, services=SERVICES)
    ok = result.one("elb-access-logging", "careful-alb")
    assert ok.status is Status.PASS
    assert ok.evidence == "ALB careful-alb: access logs go to s3://lb-logs"
    ko = result.one("elb-access-logging", "careless-alb")
    assert ko.status is Status.FAIL
    assert ko.evidence == "ALB careless-alb: access logging is disabled"
    assert result.one("elb-deletion-protection", "careful-alb").status is Status.PASS
    dp = result.one("elb-deletion-protection", "careless-alb")
    assert dp.status is Status.FAIL
    assert dp.evidence == "ALB careless-alb: deletion protection is off"


def test_drop_invalid_headers(aws, scan):
    net = Net(aws)
    good = net.lb("strict-alb")
    net.attrs(good, **{"routing.http.drop_invalid_header_fields.enabled": "true"})
    net.lb("lenient-alb")
    result = scan(aws, services=SERVICES)
    assert result.one("elb-alb-drop-invalid-headers", "strict-alb").status is Status.PASS
    ko = result.one("elb-alb-drop-invalid-headers", "lenient-alb")
    assert ko.status is Status.FAIL
    assert ko.evidence == "ALB lenient-alb: invalid header fields are forwarded to targets"


def test_waf_on_internet_facing_alb(aws, scan):
    net = Net(aws)
    shielded = net.lb("shielded-alb")
    net.lb("exposed-alb")
    net.lb("inside-alb", scheme="internal")
    waf = aws.client("wafv2")
    acl = waf.create_web_acl(
        Name="edge-acl",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=[],
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "m",
        },
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=shielded)
    result = scan(aws, services=SERVICES)
    ok = result.one("elb-alb-waf-attached", "shielded-alb")
    assert ok.status is Status.PASS
    assert ok.evidence == "ALB shielded-alb: web ACL edge-acl"
    assert ok.duty_id == "waf.web-application-firewall"
    ko = result.one("elb-alb-waf-attached", "exposed-alb")
    assert ko.status is Status.FAIL
    assert ko.evidence == "ALB exposed-alb: internet-facing with no WAF web ACL associated"
    assert not [
        f for f in result.for_check("elb-alb-waf-attached") if f.resource_name == "inside-alb"
    ]


def test_cross_zone_on_classic_and_nlb(aws, scan):
    net = Net(aws)
    nlb = net.lb("zonal-nlb", kind="network", scheme="internal")
    net.attrs(nlb, **{"load_balancing.cross_zone.enabled": "true"})
    net.lb("single-nlb", kind="network", scheme="internal")
    _classic(aws, "lonely-clb", [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    _classic(aws, "spread-clb", [{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}])
    aws.client("elb").modify_load_balancer_attributes(
        LoadBalancerName="spread-clb",
        LoadBalancerAttributes={"CrossZoneLoadBalancing": {"Enabled": True}},
    )
    result = scan(aws, services=SERVICES)
    assert result.one("elb-cross-zone-load-balancing", "zonal-nlb").status is Status.PASS
    assert result.one("elb-cross-zone-load-balancing", "spread-clb").status is Status.PASS
    ko = result.one("elb-cross-zone-load-balancing", "single-nlb")
    assert ko.status is Status.FAIL
    assert ko.evidence == "NLB single-nlb: cross-zone load balancing is off"
    clb = result.one("elb-cross-zone-load-balancing", "lonely-clb")
    assert clb.status is Status.FAIL
    assert clb.evidence == "Classic ELB lonely-clb: cross-zone load balancing is off"


def test_denied_attributes_and_waf_lookup_are_unknown(aws, scan, monkeypatch):
    net = Net(aws)
    net.lb("private-alb")

    def deny(self, operation_name, api_params):
        if operation_name in ("DescribeLoadBalancerAttributes", "GetWebACLForResource"):
            raise ClientError(
                {
                    "Error": {"Code": "AccessDenied", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", deny)
    result = scan(aws, services=SERVICES)
    for check in ("elb-access-logging", "elb-deletion-protection", "elb-alb-drop-invalid-headers"):
        finding = result.one(check, "private-alb")
        assert finding.status is Status.UNKNOWN
        assert "elasticloadbalancing:DescribeLoadBalancerAttributes denied" in finding.evidence
    waf = result.one("elb-alb-waf-attached", "private-alb")
    assert waf.status is Status.UNKNOWN
    assert "wafv2:GetWebACLForResource denied" in waf.evidence


def test_denied_classic_policies_make_tls_unknown(aws, scan, monkeypatch):
    cert = aws.client("acm").request_certificate(DomainName="example.com")["CertificateArn"]
    _classic(
        aws,
        "pol-clb",
        [
            {
                "Protocol": "HTTPS",
                "LoadBalancerPort": 443,
                "InstancePort": 80,
                "InstanceProtocol": "HTTP",
                "SSLCertificateId": cert,
            }
        ],
    )
    clb = aws.client("elb")
    clb.create_load_balancer_policy(
        LoadBalancerName="pol-clb",
        PolicyName="tls12",
        PolicyTypeName="SSLNegotiationPolicyType",
        PolicyAttributes=[
            {
                "AttributeName": "Reference-Security-Policy",
                "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01",
            }
        ],
    )
    clb.set_load_balancer_policies_of_listener(
        LoadBalancerName="pol-clb", LoadBalancerPort=443, PolicyNames=["tls12"]
    )
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeLoadBalancerPolicies")
    )
    result = scan(aws, services=SERVICES)
    finding = result.one("elb-tls-policy-modern", "pol-clb")
    assert finding.status is Status.UNKNOWN
    assert "elasticloadbalancing:DescribeLoadBalancerPolicies denied" in finding.evidence
    assert result.one("elb-listeners-encrypted", "pol-clb").status is Status.PASS


def test_denied_listing_is_unknown(aws, scan, monkeypatch):
    Net(aws).lb("any-alb")
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeLoadBalancers")
    )
    result = scan(aws, services=SERVICES)
    findings = [
        f
        for f in result.for_check("elb-access-logging")
        if f.resource_id == "elb.load_balancer:us-east-1"
    ]
    assert len(findings) == 2  # elbv2 and Classic listings both failed
    assert all(f.status is Status.UNKNOWN for f in findings)
    assert all("elasticloadbalancing:DescribeLoadBalancers denied" in f.evidence for f in findings)
    assert not [f for f in result.for_check("elb-access-logging") if f.status is Status.PASS]
