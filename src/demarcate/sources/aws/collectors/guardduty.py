"""Collect the GuardDuty detector status of each region (a regional singleton)."""

from __future__ import annotations

from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.detection import GuardDutyStatus
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


def _features(detector: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    sources = detector.get("DataSources") or {}
    for name, value in sources.items():
        if isinstance(value, dict) and "Status" in value:
            out[name] = str(value["Status"])
    for feature in detector.get("Features") or []:
        if feature.get("Name"):
            out[str(feature["Name"])] = str(feature.get("Status", ""))
    return out


@collector(
    service="guardduty",
    scope="regional",
    resource_types=(GuardDutyStatus.TYPE,),
    actions=("guardduty:ListDetectors", "guardduty:GetDetector"),
)
def detector(ctx: AwsContext, region: str, inv: Inventory) -> None:
    gd = ctx.client("guardduty", region)
    listed = ctx.paginate(gd, "list_detectors", "DetectorIds")
    status = GuardDutyStatus(id=f"guardduty:{region}", name=f"GuardDuty in {region}", region=region)
    if not listed.ok:
        status.mark_unknown(listed.error or "no answer", "enabled", "detector_id", "features")
        inv.add(status)
        return
    if not listed.value:  # GuardDuty was never set up here
        status.enabled = False
        status.features = {}
        inv.add(status)
        return
    detector_id = listed.value[0]  # at most one detector per account and region
    status.detector_id = detector_id
    got = ctx.call(gd, "get_detector", DetectorId=detector_id)
    if got.ok:
        status.enabled = got.value.get("Status") == "ENABLED"
        status.features = _features(got.value)
    else:
        status.mark_unknown(got.error or "no answer", "enabled", "features")
    inv.add(status)
