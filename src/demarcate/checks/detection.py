"""Detection services switched on in every scanned region: GuardDuty, AWS Config, Security Hub
and Amazon Inspector. All live-only: their on/off state is not something IaC can prove."""

from __future__ import annotations

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.detection import (
    ConfigStatus,
    GuardDutyStatus,
    InspectorStatus,
    SecurityHubStatus,
)


@check(
    id="guardduty-enabled",
    title="GuardDuty is enabled in every region",
    duty="guardduty.threat-detection",
    severity="high",
    resource_type=GuardDutyStatus,
    live_only=True,
    rationale=(
        "GuardDuty finds compromised credentials, crypto-mining and reconnaissance from "
        "CloudTrail, VPC Flow Logs and DNS logs; a region without it is unwatched."
    ),
    fsbp=("GuardDuty.1",),
    remediation=Remediation(
        console="GuardDuty > Get started > Enable GuardDuty (repeat in each region, or use a delegated administrator with auto-enable).",
        cli="aws guardduty create-detector --enable --region <region>",
        terraform='resource "aws_guardduty_detector" "this" {\n  enable = true\n}',
    ),
)
def guardduty_enabled(status: GuardDutyStatus, inv: Inventory) -> Result | None:
    if need(status, "enabled"):
        return passed(f"GuardDuty in {status.region}: detector {status.detector_id} is enabled")
    if status.detector_id:
        return failed(f"GuardDuty in {status.region}: detector {status.detector_id} is suspended")
    return failed(f"GuardDuty in {status.region}: no detector (GuardDuty is off)")


@check(
    id="config-recorder-enabled",
    title="AWS Config records all resource types in every region",
    duty="config.configuration-monitoring",
    severity="medium",
    resource_type=ConfigStatus,
    live_only=True,
    rationale=(
        "The Config recorder keeps the configuration history that investigations, drift "
        "detection and Config rules depend on."
    ),
    cis=("4.3",),
    fsbp=("Config.1",),
    remediation=Remediation(
        console="AWS Config > Settings > Edit: Record all resource types, choose a delivery bucket, turn recording on (each region).",
        cli=(
            "aws configservice put-configuration-recorder --configuration-recorder "
            "name=default,roleARN=<role-arn> --recording-group allSupported=true,includeGlobalResourceTypes=true && "
            "aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<bucket> && "
            "aws configservice start-configuration-recorder --configuration-recorder-name default"
        ),
        terraform=(
            'resource "aws_config_configuration_recorder" "this" {\n  role_arn = aws_iam_role.config.arn\n'
            "  recording_group {\n    all_supported = true\n  }\n}\n"
            'resource "aws_config_delivery_channel" "this" {\n  s3_bucket_name = aws_s3_bucket.config.id\n}\n'
            'resource "aws_config_configuration_recorder_status" "this" {\n'
            "  name       = aws_config_configuration_recorder.this.name\n  is_enabled = true\n}"
        ),
    ),
)
def config_recorder(status: ConfigStatus, inv: Inventory) -> Result | None:
    where = f"AWS Config in {status.region}"
    if not need(status, "recorder_exists"):
        return failed(f"{where}: no configuration recorder")
    gaps = []
    if not need(status, "recording"):
        gaps.append(f"recorder {status.recorder_name} is stopped")
    if not need(status, "all_supported"):
        gaps.append(f"recorder {status.recorder_name} records only selected resource types")
    if not need(status, "delivery_channel"):
        gaps.append("no delivery channel")
    if status.last_status and status.last_status.lower() == "failure":
        gaps.append("last recording attempt failed")
    if gaps:
        return failed(f"{where}: {'; '.join(gaps)}")
    return passed(f"{where}: recorder {status.recorder_name} records all resource types")


@check(
    id="securityhub-enabled",
    title="Security Hub is enabled in every region",
    duty="securityhub.findings-aggregation",
    severity="medium",
    resource_type=SecurityHubStatus,
    live_only=True,
    rationale=(
        "Security Hub gathers findings of GuardDuty, Inspector, Config and its own controls "
        "into one place; without it findings stay scattered per service and region."
    ),
    cis=("5.16",),
    remediation=Remediation(
        console="Security Hub > Go to Security Hub > Enable Security Hub (each region, or central configuration).",
        cli="aws securityhub enable-security-hub --enable-default-standards --region <region>",
        terraform='resource "aws_securityhub_account" "this" {}',
    ),
)
def securityhub_enabled(status: SecurityHubStatus, inv: Inventory) -> Result | None:
    if need(status, "enabled"):
        return passed(f"Security Hub in {status.region}: enabled ({status.hub_arn})")
    return failed(f"Security Hub in {status.region}: not enabled")


INSPECTOR_REQUIRED = {"ec2": "EC2", "ecr": "ECR", "lambda": "Lambda"}


@check(
    id="inspector-enabled",
    title="Amazon Inspector scans EC2, ECR and Lambda in every region",
    duty="inspector.vulnerability-scanning",
    severity="medium",
    resource_type=InspectorStatus,
    live_only=True,
    rationale=(
        "Inspector continuously finds known vulnerabilities (CVEs) and network exposure in "
        "instances, container images and functions; unscanned workloads are patched blind."
    ),
    remediation=Remediation(
        console="Amazon Inspector > Get started > Activate Inspector; Account management: enable EC2, ECR and Lambda scanning (each region).",
        cli="aws inspector2 enable --resource-types EC2 ECR LAMBDA --region <region>",
        terraform=(
            'resource "aws_inspector2_enabler" "this" {\n'
            "  account_ids    = [data.aws_caller_identity.current.account_id]\n"
            '  resource_types = ["EC2", "ECR", "LAMBDA"]\n}'
        ),
    ),
)
def inspector_enabled(status: InspectorStatus, inv: Inventory) -> Result | None:
    scans = need(status, "scan_types")
    off = [label for key, label in INSPECTOR_REQUIRED.items() if scans.get(key) != "ENABLED"]
    if not off:
        return passed(f"Inspector in {status.region}: EC2, ECR and Lambda scanning enabled")
    if len(off) == len(INSPECTOR_REQUIRED):
        return failed(f"Inspector in {status.region}: not enabled (no scan type is on)")
    return failed(f"Inspector in {status.region}: {', '.join(off)} scanning not enabled")
