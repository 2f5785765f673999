"""CloudFront checks, proven both ways on moto.

moto 5.2.5 drops OriginAccessControlId and S3OriginConfig from distribution origins, so the
origin-access PASS cases replay moto's own ListDistributions/GetDistributionConfig answers,
with the OAC/OAI put back, through a botocore Stubber on the CloudFront client.
"""

from __future__ import annotations

import copy
from typing import Any

import botocore.client
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from demarcate.checks.registry import Status

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["cloudfront"]
POLICY = "658327ea-f89d-4fab-a63d-7e88639e58f6"
HTTPS_ORIGIN = {
    "HTTPPort": 80,
    "HTTPSPort": 443,
    "OriginProtocolPolicy": "https-only",
    "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
}


def _dist(
    session,
    name: str,
    *,
    viewer: str = "redirect-to-https",
    extra_viewer: str | None = None,
    cert: str | None = "acm",
    min_tls: str = "TLSv1.2_2021",
    s3_origin: bool = False,
    origin_policy: str = "https-only",
    origin_protocols: tuple[str, ...] = ("TLSv1.2",),
    logging: bool = True,
    waf: str = "",
) -> dict[str, Any]:
    origins: list[dict[str, Any]] = [
        {
            "Id": "app",
            "DomainName": f"{name}.example.com",
            "CustomOriginConfig": {
                **HTTPS_ORIGIN,
                "OriginProtocolPolicy": origin_policy,
                "OriginSslProtocols": {
                    "Quantity": len(origin_protocols),
                    "Items": list(origin_protocols),
                },
            },
        }
    ]
    if s3_origin:
        origins.append(
            {
                "Id": "assets",
                "DomainName": f"{name}-assets.s3.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""},
            }
        )
    config: dict[str, Any] = {
        "CallerReference": name,
        "Comment": name,
        "Enabled": True,
        "Origins": {"Quantity": len(origins), "Items": origins},
        "DefaultCacheBehavior": {
            "TargetOriginId": "app",
            "ViewerProtocolPolicy": viewer,
            "CachePolicyId": POLICY,
        },
        "WebACLId": waf,
    }
    if extra_viewer:
        config["CacheBehaviors"] = {
            "Quantity": 1,
            "Items": [
                {
                    "PathPattern": "/static/*",
                    "TargetOriginId": "app",
                    "ViewerProtocolPolicy": extra_viewer,
                    "CachePolicyId": POLICY,
                }
            ],
        }
    if logging:
        config["Logging"] = {
            "Enabled": True,
            "IncludeCookies": False,
            "Bucket": "cf-logs.s3.amazonaws.com",
            "Prefix": name,
        }
    if cert == "acm":
        arn = session.client("acm").request_certificate(DomainName=f"{name}.example.com")[
            "CertificateArn"
        ]
        config["ViewerCertificate"] = {
            "ACMCertificateArn": arn,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": min_tls,
        }
        config["Aliases"] = {"Quantity": 1, "Items": [f"{name}.example.com"]}
    return session.client("cloudfront").create_distribution(DistributionConfig=config)[
        "Distribution"
    ]


def _deny(*ops: str):
    def deny(self, operation_name, api_params):
        if operation_name in ops:
            raise ClientError(
                {
                    "Error": {"Code": "AccessDenied", "Message": "no"},
                    "ResponseMetadata": {"HTTPStatusCode": 403},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    return deny


def test_viewer_https_only(aws, scan):
    _dist(aws, "tight", viewer="redirect-to-https", extra_viewer="https-only")
    _dist(aws, "loose", viewer="redirect-to-https", extra_viewer="allow-all")
    result = scan(aws, services=SERVICES)
    assert result.one("cloudfront-viewer-https-only", "tight").status is Status.PASS
    bad = result.one("cloudfront-viewer-https-only", "loose")
    assert bad.status is Status.FAIL
    assert bad.evidence == "distribution loose: behaviours allowing HTTP: /static/*: allow-all"


def test_custom_certificate_and_minimum_tls(aws, scan):
    _dist(aws, "modern", cert="acm", min_tls="TLSv1.2_2021")
    _dist(aws, "dated", cert="acm", min_tls="TLSv1.1_2016")
    _dist(aws, "stock", cert=None)
    result = scan(aws, services=SERVICES)
    assert result.one("cloudfront-custom-certificate", "modern").status is Status.PASS
    stock = result.one("cloudfront-custom-certificate", "stock")
    assert stock.status is Status.FAIL
    assert stock.evidence == "distribution stock: uses the default *.cloudfront.net certificate"
    ok = result.one("cloudfront-minimum-tls-1-2", "modern")
    assert ok.status is Status.PASS
    bad = result.one("cloudfront-minimum-tls-1-2", "dated")
    assert bad.status is Status.FAIL
    assert (
        bad.evidence
        == "distribution dated: minimum viewer protocol TLSv1.1_2016 allows TLS below 1.2"
    )
    assert not [
        f for f in result.for_check("cloudfront-minimum-tls-1-2") if f.resource_name == "stock"
    ]


def test_s3_origin_without_access_control_fails(aws, scan):
    _dist(aws, "bare-s3", s3_origin=True)
    _dist(aws, "no-s3", s3_origin=False)
    result = scan(aws, services=SERVICES)
    bad = result.one("cloudfront-s3-origin-access-control", "bare-s3")
    assert bad.status is Status.FAIL
    assert bad.evidence == (
        "distribution bare-s3: S3 origin(s) without origin access control: "
        "assets (bare-s3-assets.s3.amazonaws.com)"
    )
    assert not [
        f
        for f in result.for_check("cloudfront-s3-origin-access-control")
        if f.resource_name == "no-s3"
    ]


def _replay_with_origin_access(aws, scan, *, oac: str, oai: str):
    """Replay moto's answers with OriginAccessControlId / OAI restored (moto drops them)."""
    dist = _dist(aws, "guarded", s3_origin=True)
    cf = aws.client("cloudfront")
    listing = cf.list_distributions()
    listing.pop("ResponseMetadata")
    config = cf.get_distribution_config(Id=dist["Id"])
    config.pop("ResponseMetadata")

    def restore(origins: dict[str, Any]) -> None:
        for origin in origins["Items"]:
            if origin["Id"] == "assets":
                origin["OriginAccessControlId"] = oac
                origin["S3OriginConfig"] = {"OriginAccessIdentity": oai}

    listing = copy.deepcopy(listing)
    for item in listing["DistributionList"]["Items"]:
        item.setdefault("Staging", False)  # required in the real shape; moto omits it
    restore(listing["DistributionList"]["Items"][0]["Origins"])
    restore(config["DistributionConfig"]["Origins"])

    def prepare(ctx):
        stub = Stubber(ctx.client("cloudfront", "us-east-1"))
        stub.add_response("list_distributions", listing, {})
        stub.add_response("get_distribution_config", config, {"Id": dist["Id"]})
        stub.activate()

    return scan(aws, services=SERVICES, prepare=prepare)


def test_s3_origin_with_oac_passes(aws, scan):
    result = _replay_with_origin_access(aws, scan, oac="E2QWRUHAPOMQZL", oai="")
    ok = result.one("cloudfront-s3-origin-access-control", "guarded")
    assert ok.status is Status.PASS
    assert ok.evidence == "distribution guarded: every S3 origin uses origin access control"


def test_s3_origin_with_legacy_oai_passes_with_note(aws, scan):
    result = _replay_with_origin_access(
        aws, scan, oac="", oai="origin-access-identity/cloudfront/E1ABCD"
    )
    ok = result.one("cloudfront-s3-origin-access-control", "guarded")
    assert ok.status is Status.PASS
    assert "assets still use a legacy OAI" in ok.evidence


def test_waf_association(aws, scan):
    acl = aws.client("wafv2").create_web_acl(
        Name="cdn-acl",
        Scope="CLOUDFRONT",
        DefaultAction={"Allow": {}},
        Rules=[],
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "m",
        },
    )["Summary"]["ARN"]
    _dist(aws, "filtered", waf=acl)
    _dist(aws, "unfiltered")
    result = scan(aws, services=SERVICES)
    ok = result.one("cloudfront-waf-enabled", "filtered")
    assert ok.status is Status.PASS
    assert ok.evidence == "distribution filtered: web ACL cdn-acl is associated"
    bad = result.one("cloudfront-waf-enabled", "unfiltered")
    assert bad.status is Status.FAIL
    assert bad.evidence == "distribution unfiltered: no WAF web ACL is associated"


def test_access_logging_legacy_v2_and_off(aws, scan):
    _dist(aws, "s3-logged", logging=True)
    v2 = _dist(aws, "v2-logged", logging=False)
    _dist(aws, "unlogged", logging=False)
    logs = aws.client("logs")
    logs.put_delivery_source(name="cf-v2", resourceArn=v2["ARN"], logType="ACCESS_LOGS")
    dest = logs.put_delivery_destination(
        name="cf-v2-s3",
        deliveryDestinationConfiguration={"destinationResourceArn": "arn:aws:s3:::cf-v2-logs"},
    )["deliveryDestination"]["arn"]
    logs.create_delivery(deliverySourceName="cf-v2", deliveryDestinationArn=dest)
    result = scan(aws, services=SERVICES)
    ok = result.one("cloudfront-access-logging", "s3-logged")
    assert ok.status is Status.PASS
    assert ok.evidence == "distribution s3-logged: access logs go to cf-logs.s3.amazonaws.com"
    ok2 = result.one("cloudfront-access-logging", "v2-logged")
    assert ok2.status is Status.PASS
    assert "log delivery cf-v2" in ok2.evidence
    bad = result.one("cloudfront-access-logging", "unlogged")
    assert bad.status is Status.FAIL
    assert bad.evidence == "distribution unlogged: access logging is off"


def test_origin_https_only(aws, scan):
    _dist(aws, "sealed")
    _dist(aws, "cleartext", origin_policy="http-only")
    _dist(aws, "oldtls", origin_policy="https-only", origin_protocols=("TLSv1", "TLSv1.2"))
    result = scan(aws, services=SERVICES)
    assert result.one("cloudfront-origin-https-only", "sealed").status is Status.PASS
    clear = result.one("cloudfront-origin-https-only", "cleartext")
    assert clear.status is Status.FAIL
    assert "app: protocol policy http-only" in clear.evidence
    old = result.one("cloudfront-origin-https-only", "oldtls")
    assert old.status is Status.FAIL
    assert "app: allows TLSv1" in old.evidence


def test_denied_config_makes_logging_unknown(aws, scan, monkeypatch):
    _dist(aws, "secretive", logging=True)
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("GetDistributionConfig")
    )
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudfront-access-logging", "secretive")
    assert finding.status is Status.UNKNOWN
    assert "cloudfront:GetDistributionConfig denied" in finding.evidence
    # The rest is judged from the ListDistributions summary.
    assert result.one("cloudfront-viewer-https-only", "secretive").status is Status.PASS


def test_denied_v2_delivery_lookup_is_unknown_not_fail(aws, scan, monkeypatch):
    _dist(aws, "maybe-logged", logging=False)
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("DescribeDeliverySources")
    )
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudfront-access-logging", "maybe-logged")
    assert finding.status is Status.UNKNOWN
    assert "logs:DescribeDeliverySources denied" in finding.evidence


def test_denied_listing_is_unknown(aws, scan, monkeypatch):
    _dist(aws, "hidden")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("ListDistributions"))
    result = scan(aws, services=SERVICES)
    finding = result.one("cloudfront-waf-enabled", "cloudfront.distribution:global")
    assert finding.status is Status.UNKNOWN
    assert "cloudfront:ListDistributions denied" in finding.evidence
