"""Demo load balancers in the default VPC.

- "demo-web-alb" (compliant): internet-facing ALB, HTTPS:443 with an ACM certificate and
  ELBSecurityPolicy-TLS13-1-2-Res-2021-06, HTTP:80 redirecting to HTTPS, access logs, deletion
  protection, invalid headers dropped, WAF web ACL "demo-web-acl" associated.
- "demo-legacy-alb" (planted): HTTP:80 forwarding in clear text, HTTPS:443 with
  ELBSecurityPolicy-2016-08 (TLS 1.0), no logs, no deletion protection, headers kept, no WAF.
- "demo-internal-nlb" (compliant): internal NLB with cross-zone balancing and deletion protection.
- "demo-legacy-clb" (planted): Classic ELB with an HTTP listener, no logs, no cross-zone.
"""

from __future__ import annotations

import boto3

from demarcate.demo.seed_ecs import default_network

ORDER = 40
LOG_BUCKET = "demo-elb-access-logs"  # named only; ELB log delivery is not simulated


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    elb = session.client("elbv2", region_name=region)
    ec2 = session.client("ec2", region_name=region)
    subnets, sg = default_network(ec2, "demo-alb")
    vpc_id = ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    cert = session.client("acm", region_name=region).request_certificate(
        DomainName="www.demo-shop.example.com", ValidationMethod="DNS"
    )["CertificateArn"]

    tg = elb.create_target_group(
        Name="demo-web-targets", Protocol="HTTP", Port=8080, VpcId=vpc_id, TargetType="ip"
    )["TargetGroups"][0]["TargetGroupArn"]
    forward = [{"Type": "forward", "TargetGroupArn": tg}]

    good = elb.create_load_balancer(
        Name="demo-web-alb",
        Subnets=subnets,
        SecurityGroups=[sg],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.create_listener(
        LoadBalancerArn=good,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=forward,
    )
    elb.create_listener(
        LoadBalancerArn=good,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[
            {
                "Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
            }
        ],
    )
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=good,
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": LOG_BUCKET},
            {"Key": "deletion_protection.enabled", "Value": "true"},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
        ],
    )
    waf = session.client("wafv2", region_name=region)
    acl = waf.create_web_acl(
        Name="demo-web-acl",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        Rules=[],
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "demo-web-acl",
        },
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=good)

    bad = elb.create_load_balancer(
        Name="demo-legacy-alb",
        Subnets=subnets,
        SecurityGroups=[sg],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.create_listener(LoadBalancerArn=bad, Protocol="HTTP", Port=80, DefaultActions=forward)
    elb.create_listener(
        LoadBalancerArn=bad,
        Protocol="HTTPS",
        Port=443,
        SslPolicy="ELBSecurityPolicy-2016-08",
        Certificates=[{"CertificateArn": cert}],
        DefaultActions=forward,
    )

    nlb = elb.create_load_balancer(
        Name="demo-internal-nlb", Subnets=subnets, Scheme="internal", Type="network"
    )["LoadBalancers"][0]["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=nlb,
        Attributes=[
            {"Key": "load_balancing.cross_zone.enabled", "Value": "true"},
            {"Key": "deletion_protection.enabled", "Value": "true"},
        ],
    )

    azs = [s["AvailabilityZone"] for s in ec2.describe_subnets(SubnetIds=subnets)["Subnets"]]
    session.client("elb", region_name=region).create_load_balancer(
        LoadBalancerName="demo-legacy-clb",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}],
        AvailabilityZones=azs,
    )
