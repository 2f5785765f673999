"""One template evaluated as a stack: parameters, conditions, names, references, and the
registry of mappers that turn its resources into normalized :mod:`demarcate.resources`.

Mapping runs in three passes over the resources whose ``Condition`` is not known to be false:

1. ``@primary(type)`` mappers build one normalized resource each (bucket, role, table …);
2. ``@folder(type)`` functions fold satellite resources into the one they configure
   (a bucket policy into its bucket, an ingress rule into its security group …);
3. ``@finisher`` functions derive what needs the whole picture (which VPCs are in use,
   Aurora Multi-AZ, the account singletons the account-wide checks hang on).

Resource ids are the physical name when the template sets one (BucketName, FunctionName …),
else the logical id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from demarcate.resources.base import Provenance, Resource
from demarcate.sources.cloudformation.intrinsics import (
    PLACEHOLDERS,
    Evaluator,
    ResRef,
    Unresolved,
    first_unknown,
    first_unresolved,
    generated_reason,
)
from demarcate.sources.iac.errors import IacParseError

R = TypeVar("R", bound=Resource)
T = TypeVar("T")

# Property holding the physical name, per type (Ref returns it, ids use it).
NAME_PROPERTY: dict[str, str] = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::RDS::DBParameterGroup": "DBParameterGroupName",
    "AWS::RDS::DBClusterParameterGroup": "DBClusterParameterGroupName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::CloudTrail::Trail": "TrailName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::ECS::Cluster": "ClusterName",
    "AWS::ECS::Service": "ServiceName",
    "AWS::ECS::TaskDefinition": "Family",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::ElasticLoadBalancing::LoadBalancer": "LoadBalancerName",
    "AWS::EC2::SecurityGroup": "GroupName",
    "AWS::EC2::LaunchTemplate": "LaunchTemplateName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SSM::MaintenanceWindow": "Name",
    "AWS::WAFv2::WebACL": "Name",
    "AWS::AccessAnalyzer::Analyzer": "AnalyzerName",
    "AWS::Config::ConfigurationRecorder": "Name",
    "AWS::Logs::DeliverySource": "Name",
}
# Types whose Ref returns an ARN built from the name (others return the name/id itself).
_REF_IS_ARN = {"AWS::IAM::ManagedPolicy", "AWS::SNS::Topic", "AWS::SecretsManager::Secret"}
# Attributes that identify the resource they belong to (a placeholder for one of them still
# names that resource: it is never an arbitrary value such as "*" or a CIDR).
_IDENTIFIER_ATTR = re.compile(r"(Arn|Id|Ids|Name|CanonicalUserId)$")


def is_custom(type_: str) -> bool:
    """A custom resource: every attribute (and its physical id) is whatever its provider
    returns."""
    return type_ == "AWS::CloudFormation::CustomResource" or type_.startswith("Custom::")


@dataclass
class LogicalResource:
    logical_id: str
    type: str
    body: dict[str, Any]
    line: int | None
    condition: bool | None  # None: depends on something unknown
    condition_reason: str = ""


class Props:
    """Resolved properties of one resource (or of a nested block).

    ``get`` returns the value, ``default`` when absent, or an :class:`Unresolved` when the
    value (or the whole block) depends on something unknown.
    """

    __slots__ = ("data", "reason")

    def __init__(self, data: Any, reason: str | None = None) -> None:
        if isinstance(data, Unresolved):
            reason, data = data.reason, {}
        elif generated_reason(data) is not None:  # a whole block from !GetAtt Custom.X
            reason, data = generated_reason(data), {}
        elif not isinstance(data, dict):
            data = {}
        self.data: dict[str, Any] = data
        self.reason = reason

    def get(self, key: str, default: Any = None) -> Any:
        if self.reason is not None:
            return Unresolved(self.reason)
        value = self.data.get(key)
        return default if value is None else value

    def has(self, key: str) -> bool | None:
        """Whether ``key`` is set (None when it, or the block itself, is unknown)."""
        if self.reason is not None or isinstance(self.data.get(key), Unresolved):
            return None
        return self.data.get(key) is not None

    def presence(self, key: str) -> bool | Unresolved:
        """Whether ``key`` is set, or an :class:`Unresolved` with the reason when that is not
        known (``has`` gives None there; this keeps the reason for the attributes it decides).
        """
        known = self.has(key)
        return Unresolved(self.why(key)) if known is None else known

    def why(self, key: str) -> str:
        """The reason ``key`` is unknown (for ``has(key) is None``)."""
        value = self.data.get(key)
        if isinstance(value, Unresolved):
            return value.reason
        return self.reason or f"{key} is not known"

    def sub(self, key: str) -> Props:
        if self.reason is not None:
            return Props({}, self.reason)
        value = self.data.get(key)
        return Props({} if value is None else value)

    def items(self, key: str) -> list[Props] | Unresolved:
        """A list-of-blocks property as Props (Unresolved if the list itself is unknown)."""
        value = self.get(key, [])
        if isinstance(value, Unresolved):
            return value
        why = generated_reason(value)
        if why is not None:
            return Unresolved(why)
        if not isinstance(value, list):
            value = [value]
        return [Props(v) for v in value]


# ---- value conversion ---------------------------------------------------------------------------


def _placeholder(value: Any) -> Unresolved | None:
    why = generated_reason(value)
    return None if why is None else Unresolved(why)


def to_bool(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, (Unresolved, bool)):
        return value
    if (unknown := _placeholder(value)) is not None:
        return unknown
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int):
        return bool(value)
    return Unresolved(f"{value!r} is not a boolean")


def to_int(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, bool):
        return Unresolved(f"{value!r} is not a number")
    if (unknown := _placeholder(value)) is not None:
        return unknown
    try:
        return int(str(value).strip())
    except ValueError:
        try:
            return int(float(str(value)))
        except ValueError:
            return Unresolved(f"{value!r} is not a number")


def to_str(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, (Unresolved, str)):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return Unresolved(f"expected text, found {type(value).__name__}")


def to_word(value: Any, default: Any = None, identifiers: bool = False) -> Any:
    """Text read as a setting (a status, a protocol, a CIDR, an algorithm …), not as a
    reference: like :func:`to_str`, and a generated placeholder (``!GetAtt Custom.Cidr``) is
    unknown instead of a value the checks would judge. References (ids, ARNs, names used to
    find a resource) keep :func:`to_str`, whose placeholders still find their target.

    ``identifiers``: free text that may hold either (an environment variable's value): a
    placeholder for an AWS resource's identifier (``!GetAtt Queue.Arn``) is kept as it is."""
    unknown = (
        first_unknown(value, identifiers_known=identifiers) if isinstance(value, str) else None
    )
    if unknown is not None:
        return unknown
    return to_str(value, default)


def to_str_list(value: Any, default: Any = None) -> Any:
    if value is None:
        return default
    if isinstance(value, Unresolved):
        return value
    if not isinstance(value, list):
        value = [value]
    out = []
    for item in value:
        text = to_str(item)
        if isinstance(text, Unresolved):
            return text
        out.append(text)
    return out


def to_word_list(value: Any, default: Any = None) -> Any:
    """A list of settings (protocols, log types …): :func:`to_str_list` with the items read
    by :func:`to_word` (a generated placeholder, for the list or an item, is unknown)."""
    if (unknown := _placeholder(value)) is not None:
        return unknown
    out = to_str_list(value, default)
    if isinstance(out, list):
        bad = first_unknown(out)
        if bad is not None:
            return bad
    return out


# Statement keys whose values decide what a policy grants and to whom: a generated placeholder
# there makes the verdict unknown (Resource / NotResource name what it applies to: references).
_POLICY_SETTINGS = ("Effect", "Action", "NotAction")
_POLICY_PRINCIPALS = ("Principal", "NotPrincipal", "Condition")


def to_policy(value: Any) -> Any:
    """A policy document (dict, or JSON text) -> dict; Unresolved if any part is unknown.

    A generated placeholder is unknown as the document, a statement, its Effect or Action;
    in a Principal or Condition it is unknown unless it stands for an AWS resource's
    identifier (``!GetAtt Oai.S3CanonicalUserId``), which names that principal."""
    why = generated_reason(value)
    if why is not None:
        return Unresolved(f"the policy document is not known: {why}")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Unresolved("the policy document is not valid JSON")
    if isinstance(value, Unresolved):
        return value
    if not isinstance(value, dict):
        return Unresolved("the policy document is not a JSON object")
    bad = first_unresolved(value)
    if bad is None:
        bad = _policy_placeholder(value)
    if bad is not None:
        return Unresolved(f"the policy document depends on something unknown: {bad.reason}")
    return value


def _policy_placeholder(doc: dict[str, Any]) -> Unresolved | None:
    statements = doc.get("Statement")
    if generated_reason(statements) is not None:
        return first_unknown(statements)
    for stmt in statements if isinstance(statements, list) else [statements]:
        if not isinstance(stmt, dict):
            bad = first_unknown(stmt)
            if bad is not None:
                return bad
            continue
        for key in _POLICY_SETTINGS:
            bad = first_unknown(stmt.get(key))
            if bad is not None:
                return bad
        for key in _POLICY_PRINCIPALS:
            bad = first_unknown(stmt.get(key), identifiers_known=True)
            if bad is not None:
                return bad
    return None


def tags_of(props: Props) -> dict[str, str] | None:
    raw = props.get("Tags")
    if raw is None:
        return None
    if isinstance(raw, dict):  # SAM / some types use a plain map
        return {str(k): str(v) for k, v in raw.items() if not isinstance(v, Unresolved)}
    if not isinstance(raw, list):
        return None
    out: dict[str, str] = {}
    for tag in raw:
        if isinstance(tag, dict) and isinstance(tag.get("Key"), str):
            value = tag.get("Value")
            if not isinstance(value, (Unresolved, dict, list)):
                out[tag["Key"]] = "" if value is None else str(value)
    return out


def unknown_or(value: Any, build: Callable[[Any], T]) -> Unresolved | T:
    """``build(value)`` when ``value`` is fully known, else the first Unresolved inside it.

    (``first_unresolved(x) or build(x)`` would not do: an Unresolved refuses truth tests, and
    ``build`` must never see one: it would read it as absent, false or empty.)
    """
    bad = first_unresolved(value)
    return bad if bad is not None else build(value)


def assign(res: Resource, attr: str, value: Any) -> None:
    """Set ``attr``; anything unknown inside ``value`` marks it unknown with the reason."""
    bad = first_unresolved(value)
    if bad is not None:
        res.mark_unknown(bad.reason, attr)
    else:
        setattr(res, attr, value)


# ---- mapper registry ------------------------------------------------------------------------------

PrimaryFn = Callable[["Stack", LogicalResource, Props], Resource | list[Resource] | None]
FolderFn = Callable[["Stack", LogicalResource, Props], None]
FinisherFn = Callable[["Stack"], None]

PRIMARY: dict[str, PrimaryFn] = {}
FOLDERS: dict[str, FolderFn] = {}
FINISHERS: list[FinisherFn] = []


def primary(*types: str) -> Callable[[PrimaryFn], PrimaryFn]:
    def wrap(fn: PrimaryFn) -> PrimaryFn:
        for t in types:
            PRIMARY[t] = fn
        return fn

    return wrap


def folder(*types: str) -> Callable[[FolderFn], FolderFn]:
    def wrap(fn: FolderFn) -> FolderFn:
        for t in types:
            FOLDERS[t] = fn
        return fn

    return wrap


def finisher(fn: FinisherFn) -> FinisherFn:
    FINISHERS.append(fn)
    return fn


# ---- the stack ------------------------------------------------------------------------------------


class Stack:
    def __init__(
        self, path: str, body: dict[str, Any], lines: dict[str, int], overrides: dict[str, str]
    ) -> None:
        self.path = path
        self.body = body
        self.lines = lines
        self.errors: list[IacParseError] = []
        self.given = dict(overrides)
        region = overrides.get("AWS::Region")
        account = overrides.get("AWS::AccountId")
        self.region: str = region or PLACEHOLDERS["AWS::Region"]
        self.region_known = region is not None
        self.account: str | None = account
        self.partition: str = overrides.get("AWS::Partition") or _partition(region)
        pseudo: dict[str, Any] = {
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com",
            "AWS::NotificationARNs": Unresolved("the stack's notification ARNs are not known"),
        }
        for name, placeholder in PLACEHOLDERS.items():
            pseudo[name] = overrides.get(name) or placeholder
        self.account_text: str = pseudo["AWS::AccountId"]
        self.evaluator = Evaluator(
            self._parameters(overrides),
            pseudo,
            body.get("Mappings") or {},
            body.get("Conditions") or {},
            self._ref_resource,
            self._getatt_resource,
        )
        self.logical: dict[str, LogicalResource] = {}
        self.excluded: dict[str, str] = {}  # logical id -> why it is not created
        self._props: dict[str, Props] = {}
        self._names: dict[str, Any] = {}
        self._naming: set[str] = set()
        self.out: list[Resource] = []
        self.by_logical: dict[str, Resource] = {}
        self.extra: dict[str, Any] = {}  # scratch space shared between passes
        self._collect()

    # ---- setup ---------------------------------------------------------------------------

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(IacParseError(self.path, line, message))

    def _parameters(self, overrides: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        declared = self.body.get("Parameters") or {}
        if not isinstance(declared, dict):
            self.error(None, "Parameters is not a mapping")
            return out
        for name, spec in declared.items():
            spec = spec if isinstance(spec, dict) else {}
            kind = str(spec.get("Type") or "String")
            if kind.startswith("AWS::SSM::Parameter::Value"):
                out[name] = Unresolved(
                    f"parameter {name} is read from SSM Parameter Store at deploy time"
                )
                continue
            if name in overrides:
                value: Any = overrides[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                out[name] = Unresolved(f"parameter {name} has no Default and no value was given")
                continue
            if kind == "CommaDelimitedList" or kind.startswith("List<"):
                if isinstance(value, str):
                    value = [v.strip() for v in value.split(",")] if value else []
                elif not isinstance(value, list):
                    value = [value]
            out[name] = value
        return out

    def _collect(self) -> None:
        resources = self.body.get("Resources")
        if not isinstance(resources, dict):
            self.error(None, "the template has no Resources mapping")
            return
        for logical, body in resources.items():
            line = self.lines.get(str(logical))
            if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
                self.error(line, f"resource {logical} has no Type")
                continue
            cond_name = body.get("Condition")
            state: bool | None = True
            reason = ""
            if cond_name is not None:
                state = self.evaluator.condition(cond_name)
                if state is None:
                    reason = self.evaluator.condition_reason(str(cond_name))
                elif state is False:
                    self.excluded[str(logical)] = f"condition {cond_name} is false"
                    continue
            self.logical[str(logical)] = LogicalResource(
                str(logical), body["Type"], body, line, state, reason
            )

    # ---- names and references ------------------------------------------------------------

    def props(self, lr: LogicalResource) -> Props:
        cached = self._props.get(lr.logical_id)
        if cached is None:
            raw = lr.body.get("Properties")
            cached = Props(self.evaluator.resolve(raw) if raw is not None else {})
            self._props[lr.logical_id] = cached
        return cached

    def name_of(self, logical: str) -> Any:
        """The physical name the template fixes (str), None when AWS generates it, or
        Unresolved when it depends on something unknown."""
        if logical in self._names:
            return self._names[logical]
        lr = self.logical.get(logical)
        if lr is None or lr.type not in NAME_PROPERTY:
            return None
        if logical in self._naming:
            return Unresolved(f"the name of {logical} refers to itself")
        self._naming.add(logical)
        try:
            value = self.props(lr).get(NAME_PROPERTY[lr.type])
        finally:
            self._naming.discard(logical)
        if value is not None and not isinstance(value, (str, Unresolved)):
            value = str(value)
        if isinstance(value, ResRef):
            value = str(value)
        self._names[logical] = value
        return value

    def key_of(self, logical: str) -> str:
        """The id of the normalized resource built from ``logical``."""
        name = self.name_of(logical)
        return name if isinstance(name, str) and name else logical

    def same_region(self, arn_or_service: str) -> str:
        """With the stack's region unknown, a literal region in an ARN or endpoint service name
        of something that must live in the stack's region is read as the stack's region."""
        if self.region_known:
            return arn_or_service
        if arn_or_service.startswith("arn:"):
            parts = arn_or_service.split(":", 5)
            if len(parts) == 6 and parts[3]:
                parts[3] = self.region
                return ":".join(parts)
            return arn_or_service
        return _SERVICE_REGION.sub(rf"\g<1>{self.region}\g<2>", arn_or_service)

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        return (
            f"arn:{self.partition}:{service}:{self.region if region else ''}:"
            f"{self.account_text if account else ''}:{resource}"
        )

    def iam_path(self, logical: str) -> str:
        lr = self.logical[logical]
        path = self.props(lr).get("Path", "/")
        return path if isinstance(path, str) and path.startswith("/") else "/"

    def _ref_resource(self, logical: str) -> Any:
        if logical in self.excluded:
            return Unresolved(f"resource {logical} is not created ({self.excluded[logical]})")
        lr = self.logical.get(logical)
        if lr is None:
            return Unresolved(f"Ref to {logical}, which is neither a parameter nor a resource")
        # A name the template cannot fix (generated, or unknown) reads as the logical id, as
        # the resource's own id does, so references still find it.
        key = self.key_of(logical)
        if is_custom(lr.type):
            return ResRef(
                logical,
                logical,
                generated=f"Ref {logical}: the physical id of a custom resource is only known "
                "after the stack is created",
            )
        if lr.type in _REF_IS_ARN:
            return ResRef(self.ref_arn(lr.type, logical, key), logical)
        if lr.type == "AWS::Route53::HostedZone" or lr.type == "AWS::KMS::Key":
            return ResRef(logical, logical)
        return ResRef(key, logical)

    def ref_arn(self, type_: str, logical: str, key: str) -> str:
        if type_ == "AWS::IAM::ManagedPolicy":
            return self.arn("iam", f"policy{self.iam_path(logical)}{key}", region=False)
        if type_ == "AWS::SNS::Topic":
            return self.arn("sns", key)
        if type_ == "AWS::SecretsManager::Secret":
            return self.arn("secretsmanager", f"secret:{key}")
        return key

    def _getatt_resource(self, logical: str, attr: str) -> Any:
        if logical in self.excluded:
            return Unresolved(f"resource {logical} is not created ({self.excluded[logical]})")
        lr = self.logical.get(logical)
        if lr is None:
            return Unresolved(f"Fn::GetAtt on {logical}, which is not a resource of the template")
        key = self.key_of(logical)
        value = self.attribute(lr, key, attr)
        if isinstance(value, (Unresolved, list)):
            return value
        if value is not None:
            return ResRef(value, logical, attr)
        # A stable token: it still identifies the resource (mappers find their targets by it),
        # but as a setting (a CIDR, a status, a flag …) it is unknown (see to_word).
        return ResRef(
            f"<{logical}.{attr}>",
            logical,
            attr,
            generated=f"Fn::GetAtt {logical}.{attr} is only known after the stack is created",
            identifier=not is_custom(lr.type) and bool(_IDENTIFIER_ATTR.search(attr)),
        )

    def attribute(self, lr: LogicalResource, key: str, attr: str) -> Any:
        """Attributes whose value follows from the template; None: a generated value."""
        t, logical = lr.type, lr.logical_id
        p = self.props(lr)
        if t == "AWS::S3::Bucket":
            return {
                "Arn": f"arn:{self.partition}:s3:::{key}",
                "DomainName": f"{key}.s3.amazonaws.com",
                "RegionalDomainName": f"{key}.s3.{self.region}.amazonaws.com",
                "DualStackDomainName": f"{key}.s3.dualstack.{self.region}.amazonaws.com",
            }.get(attr)
        if t == "AWS::IAM::Role" and attr == "Arn":
            return self.arn("iam", f"role{self.iam_path(logical)}{key}", region=False)
        if t == "AWS::IAM::User" and attr == "Arn":
            return self.arn("iam", f"user{self.iam_path(logical)}{key}", region=False)
        if t == "AWS::IAM::Group" and attr == "Arn":
            return self.arn("iam", f"group{self.iam_path(logical)}{key}", region=False)
        if t == "AWS::IAM::InstanceProfile" and attr == "Arn":
            return self.arn("iam", f"instance-profile{self.iam_path(logical)}{key}", region=False)
        if t == "AWS::IAM::ManagedPolicy" and attr == "PolicyArn":
            return self.ref_arn(t, logical, key)
        if t in ("AWS::Lambda::Function", "AWS::Serverless::Function") and attr == "Arn":
            return self.arn("lambda", f"function:{key}")
        if t == "AWS::DynamoDB::Table" and attr == "Arn":
            return self.arn("dynamodb", f"table/{key}")
        if t == "AWS::Logs::LogGroup" and attr == "Arn":
            return self.arn("logs", f"log-group:{key}:*")
        if t == "AWS::CloudTrail::Trail" and attr == "Arn":
            return self.arn("cloudtrail", f"trail/{key}")
        if t == "AWS::SNS::Topic" and attr == "TopicArn":
            return self.ref_arn(t, logical, key)
        if t == "AWS::SNS::Topic" and attr == "TopicName":
            return key
        if t == "AWS::ECR::Repository" and attr == "Arn":
            return self.arn("ecr", f"repository/{key}")
        if t == "AWS::ECS::Cluster" and attr == "Arn":
            return self.arn("ecs", f"cluster/{key}")
        if t == "AWS::EC2::VPC":
            if attr == "DefaultSecurityGroup":
                return default_sg_id(logical)
            if attr == "DefaultNetworkAcl":
                return default_nacl_id(logical)
            if attr == "CidrBlock":
                cidr = p.get("CidrBlock")
                return cidr if isinstance(cidr, (str, Unresolved)) else None
            if attr == "VpcId":
                return key
        if t == "AWS::EC2::SecurityGroup" and attr in ("GroupId", "Id"):
            return key
        if t == "AWS::ElasticLoadBalancingV2::LoadBalancer" and attr in (
            "LoadBalancerArn",
            "LoadBalancerName",
        ):
            return key
        if t == "AWS::RDS::DBCluster" and attr == "DBClusterArn":
            return self.arn("rds", f"cluster:{key}")
        if t == "AWS::RDS::DBInstance" and attr == "DBInstanceArn":
            return self.arn("rds", f"db:{key}")
        if t == "AWS::SecretsManager::Secret" and attr == "Id":
            return self.ref_arn(t, logical, key)
        if attr in ("Name",) and lr.type in NAME_PROPERTY:
            return key
        return None

    # ---- output --------------------------------------------------------------------------

    def provenance(self, lr: LogicalResource | None) -> Provenance:
        return Provenance(
            source="cloudformation",
            file=self.path,
            line=lr.line if lr else None,
            region=self.region if self.region_known else None,
            account=self.account,
        )

    def add(self, res: Resource, lr: LogicalResource | None, primary_of: bool = True) -> Resource:
        res.provenance = self.provenance(lr)
        if res.account is None:
            res.account = self.account
        if lr is not None and lr.condition is None and lr.condition_reason:
            res.unknown.setdefault(
                "_condition",
                f"created only if condition {lr.body.get('Condition')} holds: "
                f"{lr.condition_reason}",
            )
        if lr is not None and primary_of:
            name = self.name_of(lr.logical_id)
            if isinstance(name, Unresolved):
                res.unknown.setdefault("name", f"the physical name is not known: {name.reason}")
        self.out.append(res)
        if lr is not None and primary_of and lr.logical_id not in self.by_logical:
            self.by_logical[lr.logical_id] = res
        return res

    def of_type(self, *types: str) -> Iterator[LogicalResource]:
        for lr in self.logical.values():
            if lr.type in types:
                yield lr

    def built(self, cls: type[R]) -> list[R]:
        return [r for r in self.out if isinstance(r, cls)]

    def mark_all(
        self,
        cls: type[R],
        reason: str,
        *attributes: str,
        only: Callable[[R], bool] | None = None,
    ) -> None:
        """Mark ``attributes`` unknown on every built ``cls`` (those ``only`` accepts): a
        satellite resource configures one of them, but which one is not known."""
        for res in self.built(cls):
            if only is None or only(res):
                res.mark_unknown(reason, *attributes)

    def target(self, value: Any, cls: type[R], *types: str) -> R | Unresolved | None:
        """The normalized resource ``value`` (a Ref/GetAtt, a name or an ARN) points at.

        None when it names something outside the template; Unresolved when unknown.
        """
        if isinstance(value, Unresolved):
            return value
        if isinstance(value, ResRef):
            res = self.by_logical.get(value.logical)
            if isinstance(res, cls):
                return res
            lr = self.logical.get(value.logical)
            if lr is not None and (not types or lr.type in types):
                return None  # a resource of the template we do not model that way
        if not isinstance(value, str):
            return None
        for res in self.built(cls):
            if value in (res.id, res.name, res.arn):
                return res
        return None


_SERVICE_REGION = re.compile(r"^(com\.amazonaws\.(?:vpce\.)?)[a-z]{2}(?:-[a-z]+)+-\d(\..+)$")


def _partition(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def default_sg_id(vpc_logical: str) -> str:
    return f"{vpc_logical}.DefaultSecurityGroup"


def default_nacl_id(vpc_logical: str) -> str:
    return f"{vpc_logical}.DefaultNetworkAcl"
