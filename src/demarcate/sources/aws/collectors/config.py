"""Collect the AWS Config recorder, its status and the delivery channel of each region."""

from __future__ import annotations

from demarcate.resources.base import Inventory
from demarcate.resources.detection import ConfigStatus
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


@collector(
    service="config",
    scope="regional",
    resource_types=(ConfigStatus.TYPE,),
    actions=(
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:DescribeDeliveryChannels",
    ),
)
def recorder(ctx: AwsContext, region: str, inv: Inventory) -> None:
    cfg = ctx.client("config", region)
    status = ConfigStatus(id=f"config:{region}", name=f"AWS Config in {region}", region=region)
    recorders = ctx.call(cfg, "describe_configuration_recorders")
    if not recorders.ok:
        status.mark_unknown(
            recorders.error or "no answer",
            "recorder_exists",
            "all_supported",
            "include_global_resource_types",
            "recording",
            "last_status",
        )
    else:
        found = recorders.value.get("ConfigurationRecorders") or []
        # Prefer the customer's own recorder over service-linked ones (name "AWSConfigurationRecorderFor…").
        found.sort(key=lambda r: str(r.get("name", "")).startswith("AWSConfigurationRecorderFor"))
        status.recorder_exists = bool(found)
        if found:
            rec = found[0]
            status.recorder_name = rec.get("name")
            group = rec.get("recordingGroup") or {}
            strategy = (group.get("recordingStrategy") or {}).get("useOnly")
            status.all_supported = bool(group.get("allSupported", not group)) or (
                strategy == "ALL_SUPPORTED_RESOURCE_TYPES"
            )
            status.include_global_resource_types = bool(group.get("includeGlobalResourceTypes"))
            state = ctx.call(
                cfg,
                "describe_configuration_recorder_status",
                ConfigurationRecorderNames=[status.recorder_name],
            )
            if state.ok:
                rows = state.value.get("ConfigurationRecordersStatus") or [{}]
                status.recording = bool(rows[0].get("recording"))
                status.last_status = rows[0].get("lastStatus") or "Pending"
            else:
                status.mark_unknown(state.error or "no answer", "recording", "last_status")
        else:
            status.all_supported = False
            status.include_global_resource_types = False
            status.recording = False
            status.last_status = "NotConfigured"
    channels = ctx.call(cfg, "describe_delivery_channels")
    if channels.ok:
        status.delivery_channel = bool(channels.value.get("DeliveryChannels"))
    else:
        status.mark_unknown(channels.error or "no answer", "delivery_channel")
    inv.add(status)
