"""Route 53 checks: public zones are DNSSEC-signed and log their DNS queries."""

from __future__ import annotations

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.route53 import HostedZone


@check(
    id="route53-dnssec-signing",
    title="Route 53 public hosted zones are DNSSEC-signed",
    duty="route53.dnssec",
    severity="medium",
    resource_type=HostedZone,
    rationale=(
        "DNSSEC lets resolvers verify that answers for the domain really come from its "
        "zone, defeating cache poisoning and spoofed responses."
    ),
    remediation=Remediation(
        console=(
            "Route 53 > Hosted zones > zone > DNSSEC signing > Enable (create a KSK with an "
            "asymmetric ECC_NIST_P256 KMS key in us-east-1), then add the DS record at the "
            "registrar / parent zone."
        ),
        cli=(
            "aws route53 create-key-signing-key --hosted-zone-id <id> --name ksk1 --status ACTIVE "
            "--key-management-service-arn <kms-key-arn> --caller-reference <ref>; aws route53 "
            "enable-hosted-zone-dnssec --hosted-zone-id <id>"
        ),
        terraform=(
            'resource "aws_route53_key_signing_key" "this" {\n'
            "  hosted_zone_id             = aws_route53_zone.this.id\n"
            "  key_management_service_arn = aws_kms_key.dnssec.arn\n"
            '  name                       = "ksk1"\n}\n'
            'resource "aws_route53_hosted_zone_dnssec" "this" {\n'
            "  hosted_zone_id = aws_route53_key_signing_key.this.hosted_zone_id\n}"
        ),
    ),
)
def dnssec_signing(zone: HostedZone, inv: Inventory) -> Result | None:
    if need(zone, "private"):
        return None
    status = need(zone, "dnssec_status")
    if status == "SIGNING":
        return passed(f"zone {zone.label}: DNSSEC signing is on")
    detail = f" ({zone.dnssec_status_message})" if zone.dnssec_status_message else ""
    return failed(f"zone {zone.label}: DNSSEC status is {status}{detail}")


@check(
    id="route53-query-logging",
    title="Route 53 public hosted zones log DNS queries",
    duty="route53.dns-record-configuration",
    severity="medium",
    resource_type=HostedZone,
    rationale=(
        "Query logs show which names are resolved and from where, evidence for spotting "
        "reconnaissance, DNS tunnelling or a hijacked record."
    ),
    fsbp=("Route53.2",),
    remediation=Remediation(
        console=(
            "Route 53 > Hosted zones > zone > Configure query logging: choose a CloudWatch Logs "
            "log group in us-east-1 (with the Route 53 resource policy)."
        ),
        cli=(
            "aws route53 create-query-logging-config --hosted-zone-id <id> "
            "--cloud-watch-logs-log-group-arn arn:aws:logs:us-east-1:<acct>:log-group:/aws/route53/<zone>"
        ),
        terraform=(
            'resource "aws_route53_query_log" "this" {\n'
            "  zone_id                  = aws_route53_zone.this.zone_id\n"
            "  cloudwatch_log_group_arn = aws_cloudwatch_log_group.dns.arn\n}"
        ),
    ),
)
def query_logging(zone: HostedZone, inv: Inventory) -> Result | None:
    if need(zone, "private"):
        return None
    if need(zone, "query_logging_enabled"):
        group = (zone.query_log_group_arn or "").split("log-group:", 1)[-1].removesuffix(":*")
        return passed(f"zone {zone.label}: queries are logged to {group}")
    return failed(f"zone {zone.label}: DNS query logging is off")
