"""Demo CloudFront.

- "demo-cdn" (compliant): HTTPS-only viewers (redirect + https-only behaviours), ACM certificate
  with TLSv1.2_2021, CLOUDFRONT-scope WAF web ACL "demo-cdn-acl", standard logging to S3, and a
  custom origin reached over HTTPS/TLS 1.2.
- "demo-legacy-cdn" (planted): allow-all viewer protocol, default *.cloudfront.net certificate,
  an S3 origin without origin access control, an http-only custom origin, no logging, no WAF.

moto 5.2.5 drops OriginAccessControlId and S3OriginConfig from distribution origins, so an S3
origin always reads back as unrestricted: the compliant distribution therefore has no S3 origin
(the OAC PASS case is proven in tests with a botocore Stubber).
"""

from __future__ import annotations

import boto3

ORDER = 40
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy


def seed(session: boto3.Session, regions: list[str]) -> None:
    # CloudFront certificates and web ACLs live in us-east-1 whatever the scan regions.
    cf = session.client("cloudfront", region_name="us-east-1")
    cert = session.client("acm", region_name="us-east-1").request_certificate(
        DomainName="cdn.demo-shop.example.com", ValidationMethod="DNS"
    )["CertificateArn"]
    acl = session.client("wafv2", region_name="us-east-1").create_web_acl(
        Name="demo-cdn-acl",
        Scope="CLOUDFRONT",
        DefaultAction={"Allow": {}},
        Rules=[],
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "demo-cdn-acl",
        },
    )["Summary"]["ARN"]
    https_origin = {
        "HTTPPort": 80,
        "HTTPSPort": 443,
        "OriginProtocolPolicy": "https-only",
        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
    }
    cf.create_distribution(
        DistributionConfig={
            "CallerReference": "demo-cdn",
            "Comment": "demo-cdn",
            "Enabled": True,
            "Aliases": {"Quantity": 1, "Items": ["cdn.demo-shop.example.com"]},
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "web",
                        "DomainName": "www.demo-shop.example.com",
                        "CustomOriginConfig": https_origin,
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "web",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": CACHING_OPTIMIZED,
            },
            "CacheBehaviors": {
                "Quantity": 1,
                "Items": [
                    {
                        "PathPattern": "/account/*",
                        "TargetOriginId": "web",
                        "ViewerProtocolPolicy": "https-only",
                        "CachePolicyId": CACHING_OPTIMIZED,
                    }
                ],
            },
            "Logging": {
                "Enabled": True,
                "IncludeCookies": False,
                "Bucket": "demo-cdn-logs.s3.amazonaws.com",
                "Prefix": "demo-cdn/",
            },
            "WebACLId": acl,
            "ViewerCertificate": {
                "ACMCertificateArn": cert,
                "SSLSupportMethod": "sni-only",
                "MinimumProtocolVersion": "TLSv1.2_2021",
            },
        }
    )
    cf.create_distribution(
        DistributionConfig={
            "CallerReference": "demo-legacy-cdn",
            "Comment": "demo-legacy-cdn",
            "Enabled": True,
            "Origins": {
                "Quantity": 2,
                "Items": [
                    {
                        "Id": "assets",
                        "DomainName": "demo-legacy-assets.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    },
                    {
                        "Id": "legacy-api",
                        "DomainName": "legacy-api.demo-shop.example.com",
                        "CustomOriginConfig": {
                            "HTTPPort": 80,
                            "HTTPSPort": 443,
                            "OriginProtocolPolicy": "http-only",
                            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1"]},
                        },
                    },
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "assets",
                "ViewerProtocolPolicy": "allow-all",
                "CachePolicyId": CACHING_OPTIMIZED,
            },
            "CacheBehaviors": {
                "Quantity": 1,
                "Items": [
                    {
                        "PathPattern": "/api/*",
                        "TargetOriginId": "legacy-api",
                        "ViewerProtocolPolicy": "allow-all",
                        "CachePolicyId": CACHING_OPTIMIZED,
                    }
                ],
            },
        }
    )
