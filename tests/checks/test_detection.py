"""GuardDuty, AWS Config, Security Hub and Inspector status checks, proven both ways on moto
(moto 5.2.5 implements every call these collectors make)."""

from __future__ import annotations

import json

import botocore.client
import pytest
from botocore.exceptions import ClientError

from demarcate.checks.registry import Status

ORIGINAL = botocore.client.BaseClient._make_api_call
REGIONS = ["us-east-1", "eu-west-1"]
ACCOUNT = "123456789012"


def _fail(
    monkeypatch, operation: str, code: str = "AccessDeniedException", message: str = "no"
) -> None:
    def fake(self, operation_name, api_params):
        if operation_name == operation:
            raise ClientError(
                {
                    "Error": {"Code": code, "Message": message},
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation_name,
            )
        return ORIGINAL(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", fake)


# ---- GuardDuty -----------------------------------------------------------------------------------


def test_guardduty_on_in_one_region_off_in_another(aws, scan):
    aws.client("guardduty").create_detector(Enable=True)
    result = scan(aws, services=["guardduty"], regions=REGIONS)
    on = result.one("guardduty-enabled", "guardduty:us-east-1")
    assert on.status is Status.PASS
    assert on.duty_id == "guardduty.threat-detection"
    off = result.one("guardduty-enabled", "guardduty:eu-west-1")
    assert off.status is Status.FAIL
    assert off.evidence == "GuardDuty in eu-west-1: no detector (GuardDuty is off)"


def test_suspended_detector_fails(aws, scan):
    detector = aws.client("guardduty").create_detector(Enable=False)["DetectorId"]
    finding = scan(aws, services=["guardduty"]).one("guardduty-enabled", "guardduty:us-east-1")
    assert finding.status is Status.FAIL
    assert finding.evidence == f"GuardDuty in us-east-1: detector {detector} is suspended"


@pytest.mark.parametrize("operation", ["ListDetectors", "GetDetector"])
def test_guardduty_denied_is_unknown(aws, scan, monkeypatch, operation):
    aws.client("guardduty").create_detector(Enable=True)
    _fail(monkeypatch, operation)
    finding = scan(aws, services=["guardduty"]).one("guardduty-enabled", "guardduty:us-east-1")
    assert finding.status is Status.UNKNOWN
    assert f"guardduty:{operation} denied" in finding.evidence


# ---- AWS Config ----------------------------------------------------------------------------------


def _recorder(
    session, *, all_supported: bool = True, channel: bool = True, start: bool = True
) -> None:
    role = session.client("iam").create_role(
        RoleName="config-role",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "config.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    group = (
        {"allSupported": True, "includeGlobalResourceTypes": True}
        if all_supported
        else {
            "allSupported": False,
            "includeGlobalResourceTypes": False,
            "resourceTypes": ["AWS::EC2::Instance"],
        }
    )
    config = session.client("config")
    config.put_configuration_recorder(
        ConfigurationRecorder={"name": "default", "roleARN": role, "recordingGroup": group}
    )
    if channel:
        session.client("s3").create_bucket(Bucket="config-bucket")
        config.put_delivery_channel(
            DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"}
        )
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_config_recording_everything_passes_and_absent_fails(aws, scan):
    _recorder(aws)
    result = scan(aws, services=["config"], regions=REGIONS)
    good = result.one("config-recorder-enabled", "config:us-east-1")
    assert good.status is Status.PASS
    assert good.evidence == "AWS Config in us-east-1: recorder default records all resource types"
    bad = result.one("config-recorder-enabled", "config:eu-west-1")
    assert bad.status is Status.FAIL
    assert bad.evidence == "AWS Config in eu-west-1: no configuration recorder"


def test_config_stopped_recorder_fails(aws, scan):
    _recorder(aws, start=False)
    finding = scan(aws, services=["config"]).one("config-recorder-enabled", "config:us-east-1")
    assert finding.status is Status.FAIL
    assert finding.evidence == "AWS Config in us-east-1: recorder default is stopped"


def test_config_selected_types_without_channel_fails(aws, scan):
    _recorder(aws, all_supported=False, channel=False, start=False)
    finding = scan(aws, services=["config"]).one("config-recorder-enabled", "config:us-east-1")
    assert finding.status is Status.FAIL
    assert "records only selected resource types" in finding.evidence
    assert "no delivery channel" in finding.evidence


def test_config_denied_is_unknown(aws, scan, monkeypatch):
    _recorder(aws)
    _fail(monkeypatch, "DescribeConfigurationRecorderStatus")
    finding = scan(aws, services=["config"]).one("config-recorder-enabled", "config:us-east-1")
    assert finding.status is Status.UNKNOWN
    assert "config:DescribeConfigurationRecorderStatus denied" in finding.evidence


# ---- Security Hub --------------------------------------------------------------------------------


def test_securityhub_on_and_off(aws, scan):
    aws.client("securityhub").enable_security_hub(EnableDefaultStandards=False)
    result = scan(aws, services=["securityhub"], regions=REGIONS)
    on = result.one("securityhub-enabled", "securityhub:us-east-1")
    assert on.status is Status.PASS
    assert on.compliance["cis"] == ["5.16"]
    off = result.one("securityhub-enabled", "securityhub:eu-west-1")
    assert off.status is Status.FAIL
    assert off.evidence == "Security Hub in eu-west-1: not enabled"


def test_securityhub_denied_is_unknown_not_off(aws, scan, monkeypatch):
    _fail(monkeypatch, "DescribeHub", code="AccessDeniedException")
    finding = scan(aws, services=["securityhub"]).one(
        "securityhub-enabled", "securityhub:us-east-1"
    )
    assert finding.status is Status.UNKNOWN
    assert "securityhub:DescribeHub denied" in finding.evidence


# ---- Inspector -----------------------------------------------------------------------------------


def test_inspector_all_scan_types_pass_partial_and_off_fail(aws, scan):
    aws.client("inspector2").enable(accountIds=[ACCOUNT], resourceTypes=["EC2", "ECR", "LAMBDA"])
    aws.client("inspector2", region_name="eu-central-1").enable(
        accountIds=[ACCOUNT], resourceTypes=["EC2"]
    )
    result = scan(aws, services=["inspector"], regions=[*REGIONS, "eu-central-1"])
    good = result.one("inspector-enabled", "inspector:us-east-1")
    assert good.status is Status.PASS
    assert good.evidence == "Inspector in us-east-1: EC2, ECR and Lambda scanning enabled"
    partial = result.one("inspector-enabled", "inspector:eu-central-1")
    assert partial.status is Status.FAIL
    assert partial.evidence == "Inspector in eu-central-1: ECR, Lambda scanning not enabled"
    off = result.one("inspector-enabled", "inspector:eu-west-1")
    assert off.status is Status.FAIL
    assert off.evidence == "Inspector in eu-west-1: not enabled (no scan type is on)"


def test_inspector_denied_is_unknown(aws, scan, monkeypatch):
    _fail(monkeypatch, "BatchGetAccountStatus")
    finding = scan(aws, services=["inspector"]).one("inspector-enabled", "inspector:us-east-1")
    assert finding.status is Status.UNKNOWN
    assert "inspector2:BatchGetAccountStatus denied" in finding.evidence
