"""Route 53 checks, proven both ways on moto.

moto 5.2.5 cannot sign a zone (GetDNSSEC always answers NOT_SIGNING), so the DNSSEC PASS case
replays moto's own listings through a botocore Stubber and answers GetDNSSEC with SIGNING.
"""

from __future__ import annotations

import botocore.client
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from demarcate.checks.registry import Status

ORIGINAL = botocore.client.BaseClient._make_api_call
SERVICES = ["route53"]


def _zone(session, name: str, *, private: bool = False) -> str:
    r53 = session.client("route53")
    kwargs = {}
    if private:
        vpc = session.client("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        kwargs = {
            "HostedZoneConfig": {"PrivateZone": True},
            "VPC": {"VPCRegion": "us-east-1", "VPCId": vpc},
        }
    zone = r53.create_hosted_zone(Name=name, CallerReference=name, **kwargs)["HostedZone"]
    return zone["Id"].rsplit("/", 1)[-1]


def _log_queries(session, zone_id: str, group: str) -> None:
    logs = session.client("logs")
    logs.create_log_group(logGroupName=group)
    session.client("route53").create_query_logging_config(
        HostedZoneId=zone_id,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:123456789012:log-group:{group}:*",
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


def test_query_logging(aws, scan):
    logged = _zone(aws, "logged.example.com")
    _log_queries(aws, logged, "/aws/route53/logged")
    _zone(aws, "quiet.example.com")
    _zone(aws, "internal.example.com", private=True)
    result = scan(aws, services=SERVICES)
    ok = result.one("route53-query-logging", "logged.example.com")
    assert ok.status is Status.PASS
    assert ok.evidence == "zone logged.example.com: queries are logged to /aws/route53/logged"
    assert ok.resource_id == f"arn:aws:route53:::hostedzone/{logged}"
    bad = result.one("route53-query-logging", "quiet.example.com")
    assert bad.status is Status.FAIL
    assert bad.evidence == "zone quiet.example.com: DNS query logging is off"
    assert bad.duty_id == "route53.dns-record-configuration"
    assert not [
        f
        for f in result.for_check("route53-query-logging")
        if f.resource_name == "internal.example.com"
    ]


def test_dnssec_not_signing_fails(aws, scan):
    _zone(aws, "unsigned.example.com")
    _zone(aws, "private.example.com", private=True)
    result = scan(aws, services=SERVICES)
    bad = result.one("route53-dnssec-signing", "unsigned.example.com")
    assert bad.status is Status.FAIL
    assert bad.evidence == "zone unsigned.example.com: DNSSEC status is NOT_SIGNING"
    assert not [
        f
        for f in result.for_check("route53-dnssec-signing")
        if f.resource_name == "private.example.com"
    ]


def test_dnssec_signing_passes(aws, scan):
    """moto lacks DNSSEC signing: replay its listings and answer GetDNSSEC with SIGNING."""
    zone_id = _zone(aws, "signed.example.com")
    r53 = aws.client("route53")
    zones = r53.list_hosted_zones()
    zones.pop("ResponseMetadata")
    zones.setdefault("Marker", "")  # required in the real shape; moto omits it
    configs = r53.list_query_logging_configs()
    configs.pop("ResponseMetadata")
    dnssec = {
        "Status": {"ServeSignature": "SIGNING"},
        "KeySigningKeys": [],
    }

    def prepare(ctx):
        stub = Stubber(ctx.client("route53", "us-east-1"))
        stub.add_response("list_hosted_zones", zones, {})
        stub.add_response("list_query_logging_configs", configs, {})
        stub.add_response("get_dnssec", dnssec, {"HostedZoneId": zone_id})
        stub.activate()

    result = scan(aws, services=SERVICES, prepare=prepare)
    ok = result.one("route53-dnssec-signing", "signed.example.com")
    assert ok.status is Status.PASS
    assert ok.evidence == "zone signed.example.com: DNSSEC signing is on"


def test_denied_get_dnssec_is_unknown(aws, scan, monkeypatch):
    _zone(aws, "guarded.example.com")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("GetDNSSEC"))
    result = scan(aws, services=SERVICES)
    finding = result.one("route53-dnssec-signing", "guarded.example.com")
    assert finding.status is Status.UNKNOWN
    assert "route53:GetDNSSEC denied" in finding.evidence
    assert result.one("route53-query-logging", "guarded.example.com").status is Status.FAIL


def test_denied_query_logging_listing_is_unknown(aws, scan, monkeypatch):
    _zone(aws, "opaque.example.com")
    monkeypatch.setattr(
        botocore.client.BaseClient, "_make_api_call", _deny("ListQueryLoggingConfigs")
    )
    result = scan(aws, services=SERVICES)
    finding = result.one("route53-query-logging", "opaque.example.com")
    assert finding.status is Status.UNKNOWN
    assert "route53:ListQueryLoggingConfigs denied" in finding.evidence


def test_denied_zone_listing_is_unknown(aws, scan, monkeypatch):
    _zone(aws, "any.example.com")
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", _deny("ListHostedZones"))
    result = scan(aws, services=SERVICES)
    finding = result.one("route53-dnssec-signing", "route53.hosted_zone:global")
    assert finding.status is Status.UNKNOWN
    assert "route53:ListHostedZones denied" in finding.evidence
