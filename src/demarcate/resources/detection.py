"""Regional on/off status of the detection services: GuardDuty, AWS Config, Security Hub and
Amazon Inspector. Each is a regional singleton with id ``<service>:<region>``; "not set up" is
a known value (``False``/``"DISABLED"``), never ``None``."""

from __future__ import annotations

from typing import ClassVar

from demarcate.resources.base import Resource


class GuardDutyStatus(Resource):
    TYPE: ClassVar[str] = "guardduty.status"
    SERVICE: ClassVar[str] = "guardduty"

    detector_id: str | None = None
    enabled: bool | None = None  # a detector exists and its status is ENABLED
    features: dict[str, str] | None = None  # feature/data source name -> ENABLED | DISABLED


class ConfigStatus(Resource):
    TYPE: ClassVar[str] = "config.status"
    SERVICE: ClassVar[str] = "config"

    recorder_exists: bool | None = None
    recorder_name: str | None = None
    recording: bool | None = None
    last_status: str | None = None  # Pending | Success | Failure (recorder status)
    all_supported: bool | None = None  # records all supported resource types
    include_global_resource_types: bool | None = None
    delivery_channel: bool | None = None  # a delivery channel exists


class SecurityHubStatus(Resource):
    TYPE: ClassVar[str] = "securityhub.status"
    SERVICE: ClassVar[str] = "securityhub"

    enabled: bool | None = None
    hub_arn: str | None = None
    subscribed_at: str | None = None


class InspectorStatus(Resource):
    TYPE: ClassVar[str] = "inspector.status"
    SERVICE: ClassVar[str] = "inspector"

    status: str | None = None  # account state in the region: ENABLED, DISABLED, SUSPENDED …
    # Scan type -> status: keys "ec2", "ecr", "lambda", "lambda_code".
    scan_types: dict[str, str] | None = None
