"""Collect CloudWatch Logs log groups with their metric filters, metric alarms (with the
confirmed subscriptions of the SNS topics they notify), and the account MonitoringSetup.

Metric filters are listed once per region (DescribeMetricFilters without a log group) and
grouped by log group: two calls per region however many groups there are.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from demarcate.resources.base import Inventory
from demarcate.resources.cloudwatch import LogGroup, MetricAlarm, MonitoringSetup
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext


def _iam_name(reason: str | None) -> str:
    """CloudWatch signs as "monitoring" but its IAM actions are "cloudwatch:…"."""
    return (reason or "no answer").replace("monitoring:", "cloudwatch:")


@collector(
    service="cloudwatch",
    scope="global",
    resource_types=(MonitoringSetup.TYPE,),
    actions=(),
)
def monitoring(ctx: AwsContext, region: str, inv: Inventory) -> None:
    """The account singleton for the CIS metric-filter checks (no API call)."""
    inv.add(
        MonitoringSetup(
            id=f"cloudwatch-monitoring:{inv.account}",
            name=f"CloudWatch monitoring of account {inv.account}",
        )
    )


@collector(
    service="cloudwatch",
    scope="regional",
    resource_types=(LogGroup.TYPE,),
    actions=("logs:DescribeLogGroups", "logs:DescribeMetricFilters"),
)
def log_groups(ctx: AwsContext, region: str, inv: Inventory) -> None:
    logs = ctx.client("logs", region)
    listed = ctx.paginate(logs, "describe_log_groups", "logGroups")
    if not listed.ok:
        inv.add_error(LogGroup.TYPE, region, "logs:DescribeLogGroups", listed.error or "no answer")
        return
    if not listed.value:
        return
    filters = ctx.paginate(logs, "describe_metric_filters", "metricFilters")
    by_group: dict[str, list[dict[str, str]]] = defaultdict(list)
    if filters.ok:
        for flt in filters.value:
            for tr in flt.get("metricTransformations") or [{}]:
                by_group[flt.get("logGroupName", "")].append(
                    {
                        "name": flt.get("filterName", ""),
                        "pattern": flt.get("filterPattern", ""),
                        "metric_name": tr.get("metricName", ""),
                        "metric_namespace": tr.get("metricNamespace", ""),
                    }
                )
    for item in listed.value:
        name = item["logGroupName"]
        arn = item.get("logGroupArn") or item.get("arn", "")
        arn = arn[:-2] if arn.endswith(":*") else arn
        kms = item.get("kmsKeyId") or None
        group = LogGroup(
            id=name,
            name=name,
            arn=arn or None,
            region=region,
            retention_days=int(item.get("retentionInDays") or 0),
            kms_encrypted=kms is not None,
            kms_key_id=kms,
            metric_filters=by_group.get(name, []),
        )
        if not filters.ok:
            group.mark_unknown(filters.error or "no answer", "metric_filters")
        inv.add(group)


def _metrics(alarm: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    if alarm.get("MetricName"):
        out.append({"namespace": alarm.get("Namespace", ""), "name": alarm["MetricName"]})
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        if metric.get("MetricName"):
            out.append({"namespace": metric.get("Namespace", ""), "name": metric["MetricName"]})
    return out


@collector(
    service="cloudwatch",
    scope="regional",
    resource_types=(MetricAlarm.TYPE,),
    actions=("cloudwatch:DescribeAlarms", "sns:ListSubscriptions"),
)
def alarms(ctx: AwsContext, region: str, inv: Inventory) -> None:
    cw = ctx.client("cloudwatch", region)
    listed = ctx.paginate(cw, "describe_alarms", "MetricAlarms")
    if not listed.ok:
        inv.add_error(
            MetricAlarm.TYPE, region, "cloudwatch:DescribeAlarms", _iam_name(listed.error)
        )
        return
    topics = {
        a
        for item in listed.value
        for a in item.get("AlarmActions") or []
        if str(a).startswith("arn:") and str(a).split(":")[2] == "sns"
    }
    confirmed: dict[str, int] = defaultdict(int)
    subs_error: str | None = None
    if topics:
        subs = ctx.paginate(ctx.client("sns", region), "list_subscriptions", "Subscriptions")
        if subs.ok:
            for sub in subs.value:
                if str(sub.get("SubscriptionArn", "")).startswith("arn:"):
                    confirmed[sub.get("TopicArn", "")] += 1
        else:
            subs_error = subs.error or "no answer"
    for item in listed.value:
        actions = [str(a) for a in item.get("AlarmActions") or []]
        counts: dict[str, int | None] = {}
        for action in actions:
            if action not in topics:
                continue
            owner = action.split(":")[4] if len(action.split(":")) > 4 else ""
            # ListSubscriptions only shows this account's topics; another account's is unknown.
            counts[action] = None if subs_error or owner != inv.account else confirmed[action]
        alarm = MetricAlarm(
            id=item["AlarmName"],
            name=item["AlarmName"],
            arn=item.get("AlarmArn"),
            region=region,
            metrics=_metrics(item),
            actions_enabled=bool(item.get("ActionsEnabled", True)),
            alarm_actions=actions,
            topic_subscriptions=counts,
        )
        if subs_error and counts:
            alarm.unknown["topic_subscriptions"] = subs_error
        inv.add(alarm)
