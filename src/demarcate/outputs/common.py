"""Helpers the machine formats share: stable finding ids, times, counts."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

FINDING_STATUSES = ("FAIL", "UNKNOWN", "PASS")
AWS_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")
# A fixed namespace so the same scan gives the same OSCAL uuids (uuid5 is RFC 4122 v5).
UUID_NAMESPACE = uuid.UUID("6f1c8a52-3b8e-5d2f-9a4e-1d7c2b0e8f31")


def status_counts(report: dict[str, Any]) -> dict[str, int]:
    counts = Counter(f["status"] for f in report.get("findings", []))
    return {s: counts.get(s, 0) for s in FINDING_STATUSES}


def finding_key(finding: dict[str, Any], report: dict[str, Any]) -> str:
    """What makes a finding the same finding across scans: account, region, check, resource."""
    account = finding.get("account") or (report.get("scan") or {}).get("account") or "-"
    return "|".join((account, finding["region"], finding["check_id"], finding["resource_id"]))


def finding_hash(finding: dict[str, Any], report: dict[str, Any], length: int = 20) -> str:
    return hashlib.sha256(finding_key(finding, report).encode("utf-8")).hexdigest()[:length]


def stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, "|".join(parts)))


def parse_time(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def epoch_ms(text: str | None) -> int:
    return int(parse_time(text).timestamp() * 1000)


def is_region(value: str | None) -> bool:
    return bool(value) and bool(AWS_REGION.match(value or ""))


def home_region(report: dict[str, Any]) -> str:
    """Where account-wide (``global``) findings are reported: us-east-1 if scanned, else the first."""
    regions = [r for r in (report.get("scan") or {}).get("regions") or [] if is_region(r)]
    if not regions or "us-east-1" in regions:
        return "us-east-1"
    return regions[0]


def partition(finding: dict[str, Any]) -> str:
    arn = finding.get("resource_arn") or finding.get("resource_id") or ""
    if arn.startswith("arn:"):
        part = arn.split(":", 2)[1]
        if part in ("aws", "aws-cn", "aws-us-gov"):
            return part
    return "aws"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
