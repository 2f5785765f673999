"""CloudWatch checks: log group retention and encryption, alarms that act, and the CIS
"Monitoring" set — a metric filter on the CloudTrail log group plus an alarm that notifies
someone, for each of 15 security events.

A CIS metric filter counts only when it sits on the log group of a multi-region, logging trail
that records all management events; when its pattern catches every sample event of the CIS
recommendation (see ``pattern_misses``); and when an alarm on its metric has an enabled action
(an SNS topic action needs a confirmed subscription, where that is known).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from demarcate.checks.cloudtrail import trail_baseline, trails_not_collected
from demarcate.checks.registry import (
    CheckFn,
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
)
from demarcate.resources.base import Inventory
from demarcate.resources.cloudtrail import Trail
from demarcate.resources.cloudwatch import LogGroup, MetricAlarm, MonitoringSetup

# ---------------------------------------------------------------------------------------------
# CloudWatch Logs filter patterns, judged by what they catch.
#
# A metric filter "matches" a CIS recommendation when, evaluated like CloudWatch Logs would,
# it catches every sample CloudTrail event the CIS pattern exists to catch, and does not catch
# a plain, unrelated API call (a match-everything filter is noise, not monitoring). Quoting,
# spacing, term order, extra exclusions and wider wildcards do not matter.
# ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lpar>\() | (?P<rpar>\)) | (?P<and>&&) | (?P<or>\|\|)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<notexists>NOT\s+EXISTS\b) | (?P<isnull>IS\s+NULL\b)
      | (?P<istrue>IS\s+TRUE\b) | (?P<isfalse>IS\s+FALSE\b)
      | (?P<sel>\$(?:\.[A-Za-z0-9_\-@:]+|\[\d+\])*)
      | "(?P<qstr>(?:[^"\\]|\\.)*)"
      | (?P<word>[^\s()&|=!<>"]+)
    )""",
    re.VERBOSE,
)
_MISSING = object()


class PatternError(ValueError):
    """A filter pattern this evaluator cannot read."""


def _tokens(body: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    body = body.strip()
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if not m or m.end() == pos:
            raise PatternError(f"cannot read {body[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(body) and body[pos].isspace():
            pos += 1
    return out


def _lookup(event: Any, selector: str) -> Any:
    value = event
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", selector):
        key, index = part
        if key:
            if not isinstance(value, dict) or key not in value:
                return _MISSING
            value = value[key]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
    return value


def _wild(value: str, pattern: str) -> bool:
    if "*" not in pattern:
        return value == pattern
    regex = ".*".join(re.escape(p) for p in pattern.split("*"))
    return re.fullmatch(regex, value, re.DOTALL) is not None


def _compare(actual: Any, op: str, expected: str) -> bool:
    if actual is _MISSING or actual is None or isinstance(actual, (dict, list)):
        return op == "!="  # a missing field is "not equal" to anything
    if op in ("<", ">", "<=", ">="):
        try:
            a, b = float(actual), float(expected)
        except (TypeError, ValueError):
            return False
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    text = str(actual).lower() if isinstance(actual, bool) else str(actual)
    equal = _wild(text, expected)
    if not equal and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        try:
            equal = float(actual) == float(expected)
        except ValueError:
            equal = False
    return equal if op == "=" else not equal


class _JsonPattern:
    """Recursive-descent evaluator of ``{ ... }`` JSON filter patterns (&&, ||, parentheses)."""

    def __init__(self, body: str) -> None:
        self.tokens = _tokens(body)
        self.pos = 0
        self.tree = self._or()
        if self.pos != len(self.tokens):
            raise PatternError(f"unexpected {self.tokens[self.pos][1]!r}")

    def _peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def _take(self, kind: str) -> str:
        if self._peek() != kind:
            got = self.tokens[self.pos][1] if self.pos < len(self.tokens) else "end"
            raise PatternError(f"expected {kind}, got {got!r}")
        self.pos += 1
        return self.tokens[self.pos - 1][1]

    def _or(self) -> Any:
        node = self._and()
        while self._peek() == "or":
            self.pos += 1
            node = ("or", node, self._and())
        return node

    def _and(self) -> Any:
        node = self._unary()
        while self._peek() == "and":
            self.pos += 1
            node = ("and", node, self._unary())
        return node

    def _unary(self) -> Any:
        if self._peek() == "lpar":
            self.pos += 1
            node = self._or()
            self._take("rpar")
            return node
        selector = self._take("sel")
        kind = self._peek()
        if kind in ("notexists", "isnull", "istrue", "isfalse"):
            self.pos += 1
            return (kind, selector)
        op = self._take("op")
        kind = self._peek()
        if kind == "qstr":
            value = re.sub(r"\\(.)", r"\1", self._take("qstr"))
        elif kind == "word":
            value = self._take("word")
        else:
            raise PatternError(f"no value after {selector} {op}")
        return ("cmp", selector, op, value)

    def matches(self, event: dict[str, Any]) -> bool:
        return self._eval(self.tree, event)

    def _eval(self, node: Any, event: dict[str, Any]) -> bool:
        kind = node[0]
        if kind == "or":
            return self._eval(node[1], event) or self._eval(node[2], event)
        if kind == "and":
            return self._eval(node[1], event) and self._eval(node[2], event)
        actual = _lookup(event, node[1])
        if kind == "notexists":
            return actual is _MISSING
        if kind == "isnull":
            return actual is None
        if kind in ("istrue", "isfalse"):
            return actual is (kind == "istrue")
        return _compare(actual, node[2], node[3])


class _TermPattern:
    """Plain term patterns: ``A B`` (all), ``?A ?B`` (any), ``-A`` (none), quoted phrases."""

    def __init__(self, text: str) -> None:
        if text.startswith("["):
            raise PatternError("space-delimited patterns are not evaluated")
        terms = re.findall(r'([?\-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))', text)
        self.all = [q or w for p, q, w in terms if p == ""]
        self.any = [q or w for p, q, w in terms if p == "?"]
        self.none = [q or w for p, q, w in terms if p == "-"]

    def matches(self, event: dict[str, Any]) -> bool:
        raw = json.dumps(event)
        if any(t in raw for t in self.none):
            return False
        if self.any and not any(t in raw for t in self.any):
            return False
        return all(t in raw for t in self.all)


def compile_pattern(pattern: str) -> _JsonPattern | _TermPattern:
    """Parse a CloudWatch Logs filter pattern; raises PatternError when it cannot be read."""
    text = (pattern or "").strip()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise PatternError("JSON pattern without closing brace")
        return _JsonPattern(text[1:-1])
    return _TermPattern(text)


def _api_call(source: str, name: str, **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "userName": "alice",
        },
        "eventSource": f"{source}.amazonaws.com",
        "eventName": name,
        "eventType": "AwsApiCall",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "readOnly": False,
        "managementEvent": True,
        "recipientAccountId": "111122223333",
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(event.get(key), dict):
            event[key] = {**event[key], **value}
        else:
            event[key] = value
    return event


def _console_login(mfa: str, outcome: str, **extra: Any) -> dict[str, Any]:
    return _api_call(
        "signin",
        "ConsoleLogin",
        eventType="AwsConsoleSignIn",
        readOnly=False,
        additionalEventData={"MFAUsed": mfa, "LoginTo": "https://console.aws.amazon.com/"},
        responseElements={"ConsoleLogin": outcome},
        **extra,
    )


# An ordinary read call no security metric filter should count.
BENIGN_EVENT = _api_call("ec2", "DescribeInstances", readOnly=True)


@dataclass(frozen=True)
class CisMonitor:
    """One CIS "Monitoring" recommendation: what must be caught, and its reference pattern."""

    key: str
    what: str  # "root account usage"
    reference: str  # the CIS filter pattern, for the remediation text
    samples: tuple[tuple[str, dict[str, Any]], ...]  # (label, event) that must all match


def _calls(source: str, *names: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    return tuple((n, _api_call(source, n)) for n in names)


CIS_MONITORS: dict[str, CisMonitor] = {
    m.key: m
    for m in (
        CisMonitor(
            "unauthorized-api-calls",
            "unauthorized API calls",
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") '
            '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
            (
                (
                    "errorCode Client.UnauthorizedOperation",
                    _api_call("ec2", "RunInstances", errorCode="Client.UnauthorizedOperation"),
                ),
                (
                    "errorCode AccessDenied",
                    _api_call("s3", "GetBucketPolicy", errorCode="AccessDenied"),
                ),
                (
                    "errorCode AccessDeniedException",
                    _api_call("kms", "Decrypt", errorCode="AccessDeniedException"),
                ),
            ),
        ),
        CisMonitor(
            "console-signin-without-mfa",
            "console sign-in without MFA",
            '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
            '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
            (("ConsoleLogin with MFAUsed No", _console_login("No", "Success")),),
        ),
        CisMonitor(
            "root-account-usage",
            "root account usage",
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
            '&& $.eventType != "AwsServiceEvent" }',
            (
                (
                    "root API call",
                    _api_call(
                        "s3",
                        "ListBuckets",
                        userIdentity={"type": "Root", "arn": "arn:aws:iam::111122223333:root"},
                    ),
                ),
                (
                    "root console sign-in",
                    _console_login(
                        "Yes",
                        "Success",
                        userIdentity={"type": "Root", "arn": "arn:aws:iam::111122223333:root"},
                    ),
                ),
            ),
        ),
        CisMonitor(
            "iam-policy-changes",
            "IAM policy changes",
            "{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || "
            "($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || "
            "($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || "
            "($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || "
            "($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || "
            "($.eventName = DeletePolicyVersion) || ($.eventName = SetDefaultPolicyVersion) || "
            "($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || "
            "($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || "
            "($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }",
            # SetDefaultPolicyVersion is in the newer CIS pattern only; not required here.
            _calls(
                "iam",
                "DeleteGroupPolicy",
                "DeleteRolePolicy",
                "DeleteUserPolicy",
                "PutGroupPolicy",
                "PutRolePolicy",
                "PutUserPolicy",
                "CreatePolicy",
                "DeletePolicy",
                "CreatePolicyVersion",
                "DeletePolicyVersion",
                "AttachRolePolicy",
                "DetachRolePolicy",
                "AttachUserPolicy",
                "DetachUserPolicy",
                "AttachGroupPolicy",
                "DetachGroupPolicy",
            ),
        ),
        CisMonitor(
            "cloudtrail-changes",
            "CloudTrail configuration changes",
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
            "($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
            _calls(
                "cloudtrail",
                "CreateTrail",
                "UpdateTrail",
                "DeleteTrail",
                "StartLogging",
                "StopLogging",
            ),
        ),
        CisMonitor(
            "console-auth-failures",
            "console authentication failures",
            '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
            (
                (
                    "failed ConsoleLogin (MFA user)",
                    _console_login("Yes", "Failure", errorMessage="Failed authentication"),
                ),
                (
                    "failed ConsoleLogin (no MFA)",
                    _console_login("No", "Failure", errorMessage="Failed authentication"),
                ),
            ),
        ),
        CisMonitor(
            "cmk-disable-or-deletion",
            "disabling or scheduled deletion of customer-managed KMS keys",
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || "
            "($.eventName = ScheduleKeyDeletion)) }",
            _calls("kms", "DisableKey", "ScheduleKeyDeletion"),
        ),
        CisMonitor(
            "s3-bucket-policy-changes",
            "S3 bucket policy changes",
            "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || "
            "($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || "
            "($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || "
            "($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || "
            "($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
            _calls(
                "s3",
                "PutBucketAcl",
                "PutBucketPolicy",
                "PutBucketCors",
                "PutBucketLifecycle",
                "PutBucketReplication",
                "DeleteBucketPolicy",
                "DeleteBucketCors",
                "DeleteBucketLifecycle",
                "DeleteBucketReplication",
            ),
        ),
        CisMonitor(
            "config-changes",
            "AWS Config configuration changes",
            "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || "
            "($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || "
            "($.eventName = PutConfigurationRecorder)) }",
            _calls(
                "config",
                "StopConfigurationRecorder",
                "DeleteDeliveryChannel",
                "PutDeliveryChannel",
                "PutConfigurationRecorder",
            ),
        ),
        CisMonitor(
            "security-group-changes",
            "security group changes",
            "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || "
            "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || "
            "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
            _calls(
                "ec2",
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
            ),
        ),
        CisMonitor(
            "nacl-changes",
            "network ACL changes",
            "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || "
            "($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || "
            "($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
            _calls(
                "ec2",
                "CreateNetworkAcl",
                "CreateNetworkAclEntry",
                "DeleteNetworkAcl",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            ),
        ),
        CisMonitor(
            "network-gateway-changes",
            "network gateway changes",
            "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || "
            "($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || "
            "($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
            _calls(
                "ec2",
                "CreateCustomerGateway",
                "DeleteCustomerGateway",
                "AttachInternetGateway",
                "CreateInternetGateway",
                "DeleteInternetGateway",
                "DetachInternetGateway",
            ),
        ),
        CisMonitor(
            "route-table-changes",
            "route table changes",
            "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || "
            "($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || "
            "($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || "
            "($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }",
            _calls(
                "ec2",
                "CreateRoute",
                "CreateRouteTable",
                "ReplaceRoute",
                "ReplaceRouteTableAssociation",
                "DeleteRouteTable",
                "DeleteRoute",
                "DisassociateRouteTable",
            ),
        ),
        CisMonitor(
            "vpc-changes",
            "VPC changes",
            "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || "
            "($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || "
            "($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || "
            "($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || "
            "($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
            # The ClassicLink calls of the CIS pattern no longer exist (EC2-Classic retired 2023).
            _calls(
                "ec2",
                "CreateVpc",
                "DeleteVpc",
                "ModifyVpcAttribute",
                "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection",
                "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection",
            ),
        ),
        CisMonitor(
            "organizations-changes",
            "AWS Organizations changes",
            "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || "
            "($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || "
            "($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || "
            "($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || "
            "($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || "
            "($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || "
            "($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || "
            "($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || "
            "($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || "
            "($.eventName = UpdateOrganizationalUnit)) }",
            _calls(
                "organizations",
                "AcceptHandshake",
                "AttachPolicy",
                "CreateAccount",
                "CreateOrganizationalUnit",
                "CreatePolicy",
                "DeclineHandshake",
                "DeleteOrganization",
                "DeleteOrganizationalUnit",
                "DeletePolicy",
                "DetachPolicy",
                "DisablePolicyType",
                "EnablePolicyType",
                "InviteAccountToOrganization",
                "LeaveOrganization",
                "MoveAccount",
                "RemoveAccountFromOrganization",
                "UpdatePolicy",
                "UpdateOrganizationalUnit",
            ),
        ),
    )
}


def pattern_misses(pattern: str, monitor: CisMonitor) -> list[str]:
    """What the filter pattern fails to do for ``monitor``: [] when it matches.

    Items name missed sample events, "also matches ordinary API calls" for a catch-all, or
    "unreadable pattern: …".
    """
    try:
        compiled = compile_pattern(pattern)
    except PatternError as exc:
        return [f"unreadable pattern: {exc}"]
    missed = [label for label, event in monitor.samples if not compiled.matches(event)]
    if compiled.matches(BENIGN_EVENT):
        missed.append("also matches ordinary API calls")
    return missed


# ---- log groups ----------------------------------------------------------------------------------

MIN_RETENTION_DAYS = 365


@check(
    id="cloudwatch-log-group-retention-1-year",
    title="CloudWatch log groups keep their logs for at least a year",
    duty="cloudwatch.log-retention",
    severity="low",
    resource_type=LogGroup,
    rationale=(
        "Investigations and audits reach back months; a short retention period deletes the "
        "evidence first. 'Never expire' passes this check (see cloudwatch-log-group-retention-set)."
    ),
    securityhub=("CloudWatch.16",),
    remediation=Remediation(
        console="CloudWatch > Log groups > <group> > Actions > Edit retention setting: 1 year (365 days) or more.",
        cli="aws logs put-retention-policy --log-group-name <group> --retention-in-days 365",
        terraform='resource "aws_cloudwatch_log_group" "this" {\n  retention_in_days = 365\n}',
    ),
)
def retention_one_year(group: LogGroup, inv: Inventory) -> Result | None:
    days = need(group, "retention_days")
    if days == 0:
        return passed(f"log group {group.label}: logs never expire")
    if days >= MIN_RETENTION_DAYS:
        return passed(f"log group {group.label}: retention is {days} days")
    return failed(f"log group {group.label}: retention is {days} days, under {MIN_RETENTION_DAYS}")


@check(
    id="cloudwatch-log-group-retention-set",
    title="CloudWatch log groups have a retention period set",
    duty="cloudwatch.log-retention",
    severity="low",
    resource_type=LogGroup,
    rationale=(
        "Log groups keep data forever unless you choose a retention period: an unset period "
        "means nobody decided how long logs (and the personal data in them) are kept, and "
        "storage cost grows without bound."
    ),
    remediation=Remediation(
        console="CloudWatch > Log groups > <group> > Actions > Edit retention setting: choose a period.",
        cli="aws logs put-retention-policy --log-group-name <group> --retention-in-days 365",
        terraform='resource "aws_cloudwatch_log_group" "this" {\n  retention_in_days = 365\n}',
    ),
)
def retention_set(group: LogGroup, inv: Inventory) -> Result | None:
    days = need(group, "retention_days")
    if days == 0:
        return failed(f"log group {group.label}: no retention period set (logs never expire)")
    return passed(f"log group {group.label}: retention is {days} days")


@check(
    id="cloudwatch-log-group-kms-encryption",
    title="CloudWatch log groups are encrypted with a KMS key",
    duty="cloudwatch.log-encryption",
    severity="low",
    resource_type=LogGroup,
    rationale=(
        "A customer-managed KMS key adds a second permission to read the logs and lets you "
        "revoke access by disabling the key; default encryption does neither."
    ),
    remediation=Remediation(
        console="CloudWatch > Log groups > <group> > Actions > Edit / associate KMS key (key policy must allow logs.<region>.amazonaws.com).",
        cli="aws logs associate-kms-key --log-group-name <group> --kms-key-id <key-arn>",
        terraform='resource "aws_cloudwatch_log_group" "this" {\n  kms_key_id = aws_kms_key.logs.arn\n}',
    ),
)
def log_group_kms(group: LogGroup, inv: Inventory) -> Result | None:
    if need(group, "kms_encrypted"):
        return passed(f"log group {group.label}: encrypted with KMS key {group.kms_key_id}")
    return failed(f"log group {group.label}: not encrypted with a KMS key")


# ---- alarms --------------------------------------------------------------------------------------


@check(
    id="cloudwatch-alarm-has-action",
    title="CloudWatch alarms have an enabled action for the ALARM state",
    duty="cloudwatch.alerting",
    severity="medium",
    resource_type=MetricAlarm,
    rationale="An alarm without an enabled action changes state silently: nobody is told.",
    securityhub=("CloudWatch.15", "CloudWatch.17"),
    remediation=Remediation(
        console="CloudWatch > Alarms > <alarm> > Actions > Edit: add a notification to an SNS topic for 'In alarm'; enable actions.",
        cli=(
            "aws cloudwatch put-metric-alarm --alarm-name <alarm> ... --alarm-actions <sns-topic-arn> "
            "--actions-enabled  (or: aws cloudwatch enable-alarm-actions --alarm-names <alarm>)"
        ),
        terraform=(
            'resource "aws_cloudwatch_metric_alarm" "this" {\n  actions_enabled = true\n'
            "  alarm_actions   = [aws_sns_topic.security_alerts.arn]\n}"
        ),
    ),
)
def alarm_has_action(alarm: MetricAlarm, inv: Inventory) -> Result | None:
    actions = need(alarm, "alarm_actions")
    if not actions:
        return failed(f"alarm {alarm.label}: no action for the ALARM state")
    if not need(alarm, "actions_enabled"):
        return failed(f"alarm {alarm.label}: actions are disabled")
    return passed(f"alarm {alarm.label}: notifies {', '.join(actions)}")


# ---- the CIS metric filter + alarm set -----------------------------------------------------------


@dataclass
class _Chain:
    """How far one trail's log group gets towards monitoring one CIS event set."""

    passed: str | None = None
    gap: str | None = None
    unknown: str | None = None


def _candidate_trails(inv: Inventory) -> tuple[list[Trail], list[str], list[str]]:
    """(trails that qualify and send to CloudWatch Logs, notes on the others, unknowns)."""
    ok: list[Trail] = []
    notes: list[str] = []
    unknown: list[str] = []
    for trail in inv.of(Trail):
        gaps, unknowns = trail_baseline(trail)
        if trail.cloudwatch_logs_enabled is None:
            unknowns.append(trail.why_unknown("cloudwatch_logs_enabled"))
        elif not trail.cloudwatch_logs_enabled:
            gaps.append("no CloudWatch Logs group")
        if gaps:
            notes.append(f"{trail.label}: {', '.join(gaps)}")
        elif unknowns:
            unknown.append(f"{trail.label}: {'; '.join(unknowns)}")
        else:
            ok.append(trail)
    return ok, notes, unknown


def _log_group(trail: Trail, inv: Inventory) -> tuple[LogGroup | None, str | None, str | None]:
    """(group, gap, unknown) for the trail's CloudWatch Logs group."""
    name, region = trail.log_group_name, trail.log_group_region
    if not name or not region:
        return (
            None,
            None,
            f"trail {trail.label}: cannot read log group ARN {trail.cloudwatch_logs_log_group_arn}",
        )
    if not inv.of(MonitoringSetup):
        return None, None, "CloudWatch was not collected"
    if inv.regions and region not in inv.regions:
        return (
            None,
            None,
            f"trail {trail.label}: log group {name} is in {region}, which was not scanned",
        )
    errors = [e for e in inv.errors_for(LogGroup.TYPE) if e.region == region]
    if errors:
        return None, None, f"could not list log groups in {region}: {errors[0].reason}"
    for group in inv.of(LogGroup):
        if group.name == name and group.region == region:
            return group, None, None
    return (
        None,
        f"trail {trail.label} sends to log group {name}, which does not exist in {region}",
        None,
    )


def _closest(filters: list[dict[str, str]], monitor: CisMonitor) -> str:
    best: tuple[int, str, list[str]] | None = None
    for flt in filters:
        misses = pattern_misses(flt.get("pattern", ""), monitor)
        if best is None or len(misses) < best[0]:
            best = (len(misses), flt.get("name", "?"), misses)
    if best is None or best[0] >= len(monitor.samples):
        return ""
    shown = ", ".join(best[2][:4]) + (", …" if len(best[2]) > 4 else "")
    return f" (closest: filter {best[1]} misses {shown})"


def _notifies(alarm: MetricAlarm) -> tuple[bool | None, str]:
    """Whether an alarm's actions reach someone: (True/False/None, detail)."""
    if alarm.alarm_actions is None:
        return None, f"alarm {alarm.label}: {alarm.why_unknown('alarm_actions')}"
    actions = alarm.alarm_actions
    if actions and alarm.actions_enabled is None:
        return None, f"alarm {alarm.label}: {alarm.why_unknown('actions_enabled')}"
    if not actions or not alarm.actions_enabled:
        what = "has no ALARM action" if not actions else "has its actions disabled"
        return False, f"alarm {alarm.label} {what}"
    counts = alarm.topic_subscriptions or {}
    other = [a for a in actions if a not in counts]
    if other:
        return True, f"alarm {alarm.label} -> {other[0]}"
    live = [t for t, n in counts.items() if n]
    if live:
        return (
            True,
            f"alarm {alarm.label} -> {live[0]} ({counts[live[0]]} confirmed subscription(s))",
        )
    if any(n is None for n in counts.values()):
        reason = alarm.unknown.get("topic_subscriptions") or "the topic is in another account"
        return None, f"alarm {alarm.label}: subscribers of its SNS topic are unknown: {reason}"
    return (
        False,
        f"alarm {alarm.label} notifies SNS topic {actions[0]}, which has no confirmed subscription",
    )


def _chain(trail: Trail, inv: Inventory, monitor: CisMonitor) -> _Chain:
    group, gap, unknown = _log_group(trail, inv)
    if group is None:
        return _Chain(gap=gap, unknown=unknown)
    if group.metric_filters is None:
        return _Chain(unknown=f"log group {group.label}: {group.why_unknown('metric_filters')}")
    matching = [
        f for f in group.metric_filters if not pattern_misses(f.get("pattern", ""), monitor)
    ]
    if not matching:
        return _Chain(
            gap=f"log group {group.label} has no metric filter for {monitor.what}"
            + _closest(group.metric_filters, monitor)
        )
    region_errors = [e for e in inv.errors_for(MetricAlarm.TYPE) if e.region == group.region]
    gaps: list[str] = []
    unknowns: list[str] = []
    for flt in matching:
        metric = f"{flt.get('metric_namespace')}/{flt.get('metric_name')}"
        alarms = [
            a
            for a in inv.of(MetricAlarm)
            if a.region == group.region
            and a.watches(flt.get("metric_namespace", ""), flt.get("metric_name", ""))
        ]
        if region_errors:
            unknowns.append(f"could not list alarms in {group.region}: {region_errors[0].reason}")
            continue
        if not alarms:
            # An alarm whose metrics are unknown (e.g. set from an IaC variable) may be the one.
            unread = [
                a for a in inv.of(MetricAlarm) if a.region == group.region and a.metrics is None
            ]
            if unread:
                unknowns.append(
                    f"metric filter {flt.get('name')} (metric {metric}): alarm "
                    f"{unread[0].label} may watch it: {unread[0].why_unknown('metrics')}"
                )
            else:
                gaps.append(f"metric filter {flt.get('name')} (metric {metric}) has no alarm")
            continue
        for alarm in alarms:
            ok, detail = _notifies(alarm)
            if ok:
                return _Chain(
                    passed=f"trail {trail.label} -> log group {group.label}: filter "
                    f"{flt.get('name')} -> {detail}"
                )
            (gaps if ok is False else unknowns).append(detail)
    if unknowns:
        return _Chain(unknown="; ".join(unknowns))
    return _Chain(gap="; ".join(gaps))


def cis_monitoring(setup: MonitoringSetup, inv: Inventory, monitor: CisMonitor) -> Result:
    """Judge one CIS event set over every qualifying trail; PASS on the first complete chain."""
    incomplete = trails_not_collected(inv)
    trails, notes, unknown = _candidate_trails(inv)
    gaps: list[str] = []
    for trail in trails:
        chain = _chain(trail, inv, monitor)
        if chain.passed:
            return passed(f"{monitor.what} monitored: {chain.passed}")
        if chain.unknown:
            unknown.append(chain.unknown)
        elif chain.gap:
            gaps.append(chain.gap)
    if unknown or incomplete:
        raise Unknown("; ".join([*unknown, *([incomplete] if incomplete else [])]))
    if gaps:
        return failed(f"{monitor.what} not monitored: " + " | ".join(gaps))
    detail = f" ({'; '.join(notes)})" if notes else " (no trails)"
    return failed(
        f"{monitor.what} not monitored: no multi-region, logging trail with all management "
        f"events sends to CloudWatch Logs{detail}"
    )


def _cis_remediation(monitor: CisMonitor) -> Remediation:
    metric = "".join(p.capitalize() for p in monitor.key.split("-"))
    return Remediation(
        console=(
            "CloudWatch > Log groups > <CloudTrail log group> > Metric filters > Create metric "
            f"filter with the CIS pattern for {monitor.what}; then Create alarm on the metric "
            "(Sum >= 1 over 5 minutes) notifying an SNS topic with a confirmed subscriber."
        ),
        cli=(
            f"aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name {monitor.key} "
            f"--metric-transformations metricName={metric},metricNamespace=CISBenchmark,metricValue=1 "
            f"--filter-pattern '{monitor.reference}' && aws cloudwatch put-metric-alarm --alarm-name "
            f"{monitor.key} --metric-name {metric} --namespace CISBenchmark --statistic Sum --period 300 "
            "--threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 "
            "--alarm-actions <sns-topic-arn>"
        ),
        terraform=(
            f'resource "aws_cloudwatch_log_metric_filter" "{monitor.key.replace("-", "_")}" {{\n'
            f'  name           = "{monitor.key}"\n'
            "  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n"
            f"  pattern        = {json.dumps(monitor.reference)}\n"
            "  metric_transformation {\n"
            f'    name      = "{metric}"\n    namespace = "CISBenchmark"\n    value     = "1"\n'
            "  }\n}\n"
            f'resource "aws_cloudwatch_metric_alarm" "{monitor.key.replace("-", "_")}" {{\n'
            f'  alarm_name          = "{monitor.key}"\n  metric_name         = "{metric}"\n'
            '  namespace           = "CISBenchmark"\n  statistic           = "Sum"\n'
            "  period              = 300\n  threshold           = 1\n"
            '  comparison_operator = "GreaterThanOrEqualToThreshold"\n'
            "  evaluation_periods  = 1\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}"
        ),
    )


# key -> (CIS v7 id, Security Hub control, severity)
CIS_CHECKS: dict[str, tuple[str, str | None, str]] = {
    "unauthorized-api-calls": ("5.1", "CloudWatch.2", "low"),
    "console-signin-without-mfa": ("5.2", "CloudWatch.3", "low"),
    "root-account-usage": ("5.3", "CloudWatch.1", "medium"),
    "iam-policy-changes": ("5.4", "CloudWatch.4", "low"),
    "cloudtrail-changes": ("5.5", "CloudWatch.5", "medium"),
    "console-auth-failures": ("5.6", "CloudWatch.6", "low"),
    "cmk-disable-or-deletion": ("5.7", "CloudWatch.7", "medium"),
    "s3-bucket-policy-changes": ("5.8", "CloudWatch.8", "low"),
    "config-changes": ("5.9", "CloudWatch.9", "low"),
    "security-group-changes": ("5.10", "CloudWatch.10", "low"),
    "nacl-changes": ("5.11", "CloudWatch.11", "low"),
    "network-gateway-changes": ("5.12", "CloudWatch.12", "low"),
    "route-table-changes": ("5.13", "CloudWatch.13", "low"),
    "vpc-changes": ("5.14", "CloudWatch.14", "low"),
    "organizations-changes": ("5.15", None, "low"),
}


def _register_cis(key: str) -> CheckFn:
    monitor = CIS_MONITORS[key]
    cis_id, sh_id, severity = CIS_CHECKS[key]

    def fn(setup: MonitoringSetup, inv: Inventory) -> Result | None:
        return cis_monitoring(setup, inv, monitor)

    fn.__name__ = f"cis_{key.replace('-', '_')}"
    return check(
        id=f"cloudwatch-cis-{key}",
        title=f"A metric filter and alarm exist for {monitor.what}",
        duty="cloudwatch.alerting",
        severity=severity,  # type: ignore[arg-type]
        resource_type=MonitoringSetup,
        rationale=(
            f"CIS {cis_id}: alerting on {monitor.what} within minutes turns CloudTrail from an "
            "after-the-fact record into a detection control."
        ),
        cis=(cis_id,),
        securityhub=(sh_id,) if sh_id else (),
        remediation=_cis_remediation(monitor),
    )(fn)


for _key in CIS_CHECKS:
    _register_cis(_key)


@check(
    id="cloudwatch-cis-metric-filters",
    title="The CloudTrail log group has metric filters for every CIS security event",
    duty="cloudwatch.metrics-logs-configuration",
    severity="low",
    resource_type=MonitoringSetup,
    rationale=(
        "Metric filters turn security-relevant CloudTrail events into metrics that can be "
        "alarmed on; this check lists which of the 15 CIS event sets have none (alarms are "
        "judged by the cloudwatch-cis-* checks)."
    ),
    remediation=Remediation(
        console=(
            "CloudWatch > Log groups > <CloudTrail log group> > Metric filters > Create metric "
            "filter, once per missing CIS event set (patterns: CIS AWS Foundations section 5)."
        ),
        cli=(
            "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name <name> "
            "--filter-pattern '<CIS pattern>' --metric-transformations "
            "metricName=<name>,metricNamespace=CISBenchmark,metricValue=1"
        ),
        terraform=(
            'resource "aws_cloudwatch_log_metric_filter" "cis" {\n  for_each       = local.cis_patterns\n'
            "  name           = each.key\n  log_group_name = aws_cloudwatch_log_group.cloudtrail.name\n"
            "  pattern        = each.value\n  metric_transformation {\n    name      = each.key\n"
            '    namespace = "CISBenchmark"\n    value     = "1"\n  }\n}'
        ),
    ),
)
def cis_metric_filters(setup: MonitoringSetup, inv: Inventory) -> Result | None:
    incomplete = trails_not_collected(inv)
    trails, notes, unknown = _candidate_trails(inv)
    best: tuple[list[str], str] | None = None
    for trail in trails:
        group, gap, why = _log_group(trail, inv)
        if why:
            unknown.append(why)
            continue
        if group is None:
            notes.append(gap or "")
            continue
        if group.metric_filters is None:
            unknown.append(f"log group {group.label}: {group.why_unknown('metric_filters')}")
            continue
        missing = [
            m.what
            for m in CIS_MONITORS.values()
            if not any(not pattern_misses(f.get("pattern", ""), m) for f in group.metric_filters)
        ]
        if not missing:
            return passed(
                f"log group {group.label} (trail {trail.label}) has metric filters for all "
                f"{len(CIS_MONITORS)} CIS event sets"
            )
        if best is None or len(missing) < len(best[0]):
            best = (missing, f"log group {group.label} (trail {trail.label})")
    if unknown or incomplete:
        raise Unknown("; ".join([*unknown, *([incomplete] if incomplete else [])]))
    if best is not None:
        return failed(
            f"{best[1]} has no metric filter for {len(best[0])} of {len(CIS_MONITORS)} CIS "
            f"event sets: {', '.join(best[0])}"
        )
    detail = f" ({'; '.join(notes)})" if notes else " (no trails)"
    return failed(
        "no multi-region, logging trail with all management events sends to an existing "
        f"CloudWatch Logs group{detail}"
    )
