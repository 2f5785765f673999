"""CloudFront checks: HTTPS to viewers and origins, certificates and TLS, origin access,
WAF and access logs."""

from __future__ import annotations

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.cloudfront import CloudFrontDistribution

HTTPS_VIEWER_POLICIES = frozenset({"redirect-to-https", "https-only"})
# Viewer security policies whose minimum is TLS 1.2 or later.
TLS12_POLICIES = frozenset(
    {"TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}
)
LEGACY_ORIGIN_PROTOCOLS = frozenset({"SSLv3", "TLSv1", "TLSv1.1"})


def _d(dist: CloudFrontDistribution) -> str:
    return f"distribution {dist.label}"


@check(
    id="cloudfront-viewer-https-only",
    title="CloudFront behaviours send viewers over HTTPS only",
    duty="cloudfront.cache-behavior",
    severity="medium",
    resource_type=CloudFrontDistribution,
    rationale=(
        "A behaviour with viewer protocol policy allow-all serves content and accepts cookies "
        "over plain HTTP, open to interception and tampering."
    ),
    fsbp=("CloudFront.3",),
    remediation=Remediation(
        console=(
            "CloudFront > distribution > Behaviors > each behavior > Edit: Viewer protocol "
            "policy 'Redirect HTTP to HTTPS' (or 'HTTPS only')."
        ),
        cli=(
            "aws cloudfront get-distribution-config --id <id> > d.json; set every "
            'ViewerProtocolPolicy to "redirect-to-https"; aws cloudfront update-distribution '
            "--id <id> --if-match <etag> --distribution-config file://config.json"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "this" {\n  default_cache_behavior {\n'
            '    viewer_protocol_policy = "redirect-to-https"\n  }\n}'
        ),
    ),
)
def viewer_https_only(dist: CloudFrontDistribution, inv: Inventory) -> Result | None:
    policies = need(dist, "viewer_protocol_policies")
    bad = {path: pol for path, pol in policies.items() if pol not in HTTPS_VIEWER_POLICIES}
    if bad:
        listed = ", ".join(f"{'default (*)' if p == '*' else p}: {v}" for p, v in bad.items())
        return failed(f"{_d(dist)}: behaviours allowing HTTP: {listed}")
    return passed(f"{_d(dist)}: every behaviour redirects to or requires HTTPS")


@check(
    id="cloudfront-custom-certificate",
    title="CloudFront distributions serve a custom SSL/TLS certificate",
    duty="cloudfront.custom-ssl-certificates",
    severity="low",
    resource_type=CloudFrontDistribution,
    rationale=(
        "With the default *.cloudfront.net certificate viewers reach the content under a shared "
        "name, and the minimum protocol cannot be raised above TLSv1."
    ),
    fsbp=("CloudFront.7",),
    remediation=Remediation(
        console=(
            "ACM (us-east-1) > Request certificate for your domain; CloudFront > distribution > "
            "General > Edit: add the alternate domain name and choose the custom certificate."
        ),
        cli=(
            "aws acm request-certificate --region us-east-1 --domain-name <domain> "
            "--validation-method DNS; then update-distribution with ViewerCertificate."
            "ACMCertificateArn=<arn>, SSLSupportMethod=sni-only"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "this" {\n  viewer_certificate {\n'
            "    acm_certificate_arn      = aws_acm_certificate.cdn.arn\n"
            '    ssl_support_method       = "sni-only"\n'
            '    minimum_protocol_version = "TLSv1.2_2021"\n  }\n}'
        ),
    ),
)
def custom_certificate(dist: CloudFrontDistribution, inv: Inventory) -> Result | None:
    source = need(dist, "certificate_source")
    if need(dist, "uses_default_certificate"):
        return failed(f"{_d(dist)}: uses the default *.cloudfront.net certificate")
    return passed(f"{_d(dist)}: serves a custom certificate from {source.upper()}")


@check(
    id="cloudfront-minimum-tls-1-2",
    title="CloudFront distributions with a custom certificate require TLS 1.2 or later",
    duty="cloudfront.custom-ssl-certificates",
    severity="medium",
    resource_type=CloudFrontDistribution,
    rationale=(
        "Security policies below TLSv1.2_2018 accept deprecated TLS 1.0/1.1 and weak ciphers "
        "from viewers. AWS recommends TLSv1.2_2021."
    ),
    fsbp=("CloudFront.15",),
    remediation=Remediation(
        console=(
            "CloudFront > distribution > General > Edit > Security policy: TLSv1.2_2021 "
            "(recommended)."
        ),
        cli=(
            "aws cloudfront get-distribution-config --id <id>; set ViewerCertificate."
            'MinimumProtocolVersion to "TLSv1.2_2021"; aws cloudfront update-distribution '
            "--id <id> --if-match <etag> --distribution-config file://config.json"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "this" {\n  viewer_certificate {\n'
            '    minimum_protocol_version = "TLSv1.2_2021"\n  }\n}'
        ),
    ),
)
def minimum_tls(dist: CloudFrontDistribution, inv: Inventory) -> Result | None:
    if need(dist, "uses_default_certificate"):
        return None  # fixed at TLSv1; reported by cloudfront-custom-certificate
    version = need(dist, "minimum_protocol_version")
    if version in TLS12_POLICIES:
        return passed(f"{_d(dist)}: minimum viewer protocol {version}")
    return failed(f"{_d(dist)}: minimum viewer protocol {version} allows TLS below 1.2")


@check(
    id="cloudfront-s3-origin-access-control",
    title="CloudFront S3 origins are reachable only through CloudFront (OAC/OAI)",
    duty="cloudfront.origin-access",
    severity="medium",
    resource_type=CloudFrontDistribution,
    rationale=(
        "Without origin access control the bucket must be readable by anyone for CloudFront "
        "to fetch it, so viewers can bypass the CDN, its WAF and its signed URLs."
    ),
    fsbp=("CloudFront.13",),
    remediation=Remediation(
        console=(
            "CloudFront > distribution > Origins > S3 origin > Edit > Origin access: 'Origin "
            "access control settings', create a control, then apply the bucket policy shown."
        ),
        cli=(
            "aws cloudfront create-origin-access-control --origin-access-control-config "
            "Name=<name>,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3; "
            "set Origins.Items[].OriginAccessControlId and update-distribution"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "this" {\n  origin {\n'
            "    origin_access_control_id = aws_cloudfront_origin_access_control.s3.id\n  }\n}"
        ),
    ),
)
def s3_origin_access(dist: CloudFrontDistribution, inv: Inventory) -> Result | None:
    origins = [o for o in need(dist, "origins") if o.is_s3]
    if not origins:
        return None
    open_origins = [o for o in origins if not o.oac_id and not o.oai]
    if open_origins:
        names = ", ".join(f"{o.id} ({o.domain})" for o in open_origins)
        return failed(f"{_d(dist)}: S3 origin(s) without origin access control: {names}")
    legacy = [o.id for o in origins if not o.oac_id]
    if legacy:
        return passed(
            f"{_d(dist)}: S3 origins restricted; {', '.join(legacy)} still use a legacy OAI "
            "(migrate to OAC)"
        )
    return passed(f"{_d(dist)}: every S3 origin uses origin access control")


@check(
    id="cloudfront-waf-enabled",
    title="CloudFront distributions are protected by an AWS WAF web ACL",
    duty="cloudfront.waf-integration",
    severity="medium",
    resource_type=CloudFrontDistribution,
    rationale=(
        "A web ACL at the edge blocks common exploits, bad bots and floods before they "
        "reach the origin."
    ),
    fsbp=("CloudFront.6",),
    remediation=Remediation(
        console=(
            "WAF & Shield > Web ACLs (Global/CloudFront) > Create or choose a web ACL > Associated "
            "AWS resources > Add: the distribution (or CloudFront > distribution > Security)."
        ),
        cli=(
            "aws wafv2 create-web-acl --scope CLOUDFRONT --region us-east-1 ...; set WebACLId "
            "to the web ACL ARN in the distribution config; aws cloudfront update-distribution"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "this" {\n'
            "  web_acl_id = aws_wafv2_web_acl.cdn.arn\n}"
        ),
    ),
)
def waf_enabled(dist: CloudFrontDistribution, inv: Inventory) -> Result | None:
    acl = need(dist, "web_acl_id")
    if acl:
        name = acl.rsplit("/", 2)[-2] if acl.startswith("arn:") else acl
        return passed(f"{_d(dist)}: web ACL {name} is associated")
    return failed(f"{_d(dist)}: no WAF web ACL is associated")


@check(
    id="cloudfront-access-logging",
    title="CloudFront distributions deliver access logs",
    duty="cloudfront.access-logging",
    severity="medium",
    resource_type=CloudFrontDistribution,
    rationale=(
        "Access logs record every viewer request; without them abuse at the edge cannot be "
        "investigated."
    ),
    cis=("4.10",),
    fsbp=("CloudFront.5",),
    remediation=Remediation(
        console=(
            "CloudFront > distribution > Logging > Add: standard log delivery to S3, CloudWatch "
            "Logs or Firehose."
        ),
        cli=(
            "aws logs put-delivery-source --region us-east-1 --name <name> --resource-arn "
            "<distribution-arn> --log-type ACCESS_LOGS; aws logs put-delivery-destination ...; "
            "aws logs create-delivery --delivery-source-name <name> --delivery-destination-arn <arn>"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "this" {\n  logging_config {\n'
            "    bucket = aws_s3_bucket.cdn_logs.bucket_domain_name\n  }\n}"
        ),
    ),
)
def access_logging(dist: CloudFrontDistribution, inv: Inventory) -> Result | None:
    if need(dist, "logging_enabled"):
        return passed(f"{_d(dist)}: access logs go to {dist.logging_destination}")
    return failed(f"{_d(dist)}: access logging is off")


@check(
    id="cloudfront-origin-https-only",
    title="CloudFront reaches custom origins over HTTPS with TLS 1.2+",
    duty="cloudfront.custom-ssl-certificates",
    severity="medium",
    resource_type=CloudFrontDistribution,
    rationale=(
        "Traffic from the edge to a custom origin crosses the internet; http-only or "
        "match-viewer sends it in clear text, and SSLv3/TLS 1.0/1.1 are deprecated."
    ),
    fsbp=("CloudFront.9", "CloudFront.10"),
    remediation=Remediation(
        console=(
            "CloudFront > distribution > Origins > custom origin > Edit: Protocol 'HTTPS only', "
            "Minimum origin SSL protocol TLSv1.2."
        ),
        cli=(
            "In the distribution config set CustomOriginConfig.OriginProtocolPolicy to "
            '"https-only" and OriginSslProtocols.Items to ["TLSv1.2"]; aws cloudfront '
            "update-distribution --id <id> --if-match <etag> --distribution-config file://config.json"
        ),
        terraform=(
            'resource "aws_cloudfront_distribution" "this" {\n  origin {\n'
            '    custom_origin_config {\n      origin_protocol_policy = "https-only"\n'
            '      origin_ssl_protocols   = ["TLSv1.2"]\n      http_port = 80\n'
            "      https_port = 443\n    }\n  }\n}"
        ),
    ),
)
def origin_https_only(dist: CloudFrontDistribution, inv: Inventory) -> Result | None:
    custom = [o for o in need(dist, "origins") if o.protocol_policy is not None]
    if not custom:
        return None
    problems = []
    for o in custom:
        if o.protocol_policy != "https-only":
            problems.append(f"{o.id}: protocol policy {o.protocol_policy or '(none)'}")
        legacy = sorted(set(o.ssl_protocols or []) & LEGACY_ORIGIN_PROTOCOLS)
        if legacy and o.protocol_policy != "http-only":
            problems.append(f"{o.id}: allows {', '.join(legacy)}")
    if problems:
        return failed(
            f"{_d(dist)}: custom origin(s) not HTTPS/TLS 1.2-only: " + "; ".join(problems)
        )
    return passed(f"{_d(dist)}: every custom origin is reached over HTTPS with TLS 1.2+")
