"""Amazon CloudWatch: Logs log groups (with their metric filters), metric alarms, and the
account-level monitoring setup the CIS "Monitoring" section judges.

``MonitoringSetup`` is an account singleton (region "global"): the subject of the CIS metric
filter + alarm checks, which look up trails, log groups and alarms in the inventory. Its
presence says CloudWatch was collected in every scanned region. An IaC source that models
log groups should add one as well.
"""

from __future__ import annotations

from typing import ClassVar

from demarcate.resources.base import Resource


class LogGroup(Resource):
    TYPE: ClassVar[str] = "cloudwatch.log_group"
    SERVICE: ClassVar[str] = "cloudwatch"

    retention_days: int | None = None  # 0 = never expires
    kms_encrypted: bool | None = None
    kms_key_id: str | None = None
    # [{"name", "pattern", "metric_name", "metric_namespace"}], one per metric transformation.
    metric_filters: list[dict[str, str]] | None = None


class MetricAlarm(Resource):
    TYPE: ClassVar[str] = "cloudwatch.alarm"
    SERVICE: ClassVar[str] = "cloudwatch"

    # Every metric the alarm watches: [{"namespace", "name"}] (one, or several for metric math).
    metrics: list[dict[str, str]] | None = None
    actions_enabled: bool | None = None
    alarm_actions: list[str] | None = None  # actions for the ALARM state
    # Confirmed subscriptions per SNS topic in alarm_actions (None: that topic's count unknown).
    topic_subscriptions: dict[str, int | None] | None = None

    def watches(self, namespace: str, name: str) -> bool:
        return any(
            m.get("namespace") == namespace and m.get("name") == name for m in self.metrics or []
        )


class MonitoringSetup(Resource):
    """Account singleton (region "global") for the CIS metric-filter and alarm checks."""

    TYPE: ClassVar[str] = "cloudwatch.monitoring"
    SERVICE: ClassVar[str] = "cloudwatch"
