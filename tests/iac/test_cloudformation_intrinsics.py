"""Intrinsic functions (short and long forms), Parameters with defaults and overrides,
Mappings, Conditions and pseudo parameters."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cfn_helpers import ACCOUNT, FIXTURES, scan_fixture

from demarcate.sources.cloudformation.intrinsics import (
    NOVALUE,
    Evaluator,
    ResRef,
    Unresolved,
)
from demarcate.sources.cloudformation.parse import parse_yaml

SHORT_FORMS = """
Resources:
  R:
    Type: AWS::S3::Bucket
    Properties:
      a: !Ref Param
      b: !GetAtt Res.Arn
      c: !GetAtt [Res, Attr.Nested]
      d: !Sub "x-${AWS::Region}"
      e: !Sub ["${A}-${B}", {A: 1, B: !Ref P}]
      f: !If [Cond, yes-value, !Ref "AWS::NoValue"]
      g: !Join [",", [a, b]]
      h: !Select [1, !Split [",", "a,b,c"]]
      i: !Equals [!Ref P, x]
      j: !And [!Condition C1, !Or [!Condition C2, !Not [!Condition C3]]]
      k: !FindInMap [Map, Top, Second]
      l: !GetAZs ""
      m: !Base64 text
      n: !Cidr [10.0.0.0/16, 2, 8]
      o: !ImportValue exported
      p: 2012-10-17
"""


def test_short_tags_become_long_forms() -> None:
    props = parse_yaml(SHORT_FORMS).body["Resources"]["R"]["Properties"]
    assert props == {
        "a": {"Ref": "Param"},
        "b": {"Fn::GetAtt": ["Res", "Arn"]},
        "c": {"Fn::GetAtt": ["Res", "Attr.Nested"]},
        "d": {"Fn::Sub": "x-${AWS::Region}"},
        "e": {"Fn::Sub": ["${A}-${B}", {"A": 1, "B": {"Ref": "P"}}]},
        "f": {"Fn::If": ["Cond", "yes-value", {"Ref": "AWS::NoValue"}]},
        "g": {"Fn::Join": [",", ["a", "b"]]},
        "h": {"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]},
        "i": {"Fn::Equals": [{"Ref": "P"}, "x"]},
        "j": {
            "Fn::And": [
                {"Condition": "C1"},
                {"Fn::Or": [{"Condition": "C2"}, {"Fn::Not": [{"Condition": "C3"}]}]},
            ]
        },
        "k": {"Fn::FindInMap": ["Map", "Top", "Second"]},
        "l": {"Fn::GetAZs": ""},
        "m": {"Fn::Base64": "text"},
        "n": {"Fn::Cidr": ["10.0.0.0/16", 2, 8]},
        "o": {"Fn::ImportValue": "exported"},
        "p": "2012-10-17",  # no timestamps in CloudFormation
    }


def _evaluator(**conditions: object) -> Evaluator:
    def ref(name: str) -> object:
        return ResRef(name.lower(), name) if name == "Bucket" else Unresolved(f"no {name}")

    def getatt(logical: str, attr: str) -> object:
        return ResRef(f"arn:aws:s3:::{logical.lower()}", logical, attr)

    return Evaluator(
        {"Env": "prod", "Zones": ["a", "b"], "Missing": Unresolved("parameter Missing")},
        {"AWS::Region": "eu-west-1", "AWS::AccountId": "<account-id>", "AWS::Partition": "aws"},
        {"Sizes": {"prod": {"Size": 3}}},
        {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "Unknown": {"Fn::Equals": [{"Ref": "Missing"}, "x"]},
            **conditions,
        },
        ref,
        getatt,
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ({"Fn::Sub": "${AWS::Region}-${Env}-${!Literal}"}, "eu-west-1-prod-${Literal}"),
        ({"Fn::Sub": ["${Bucket.Arn}/${X}", {"X": 7}]}, "arn:aws:s3:::bucket/7"),
        ({"Fn::Join": ["-", [{"Ref": "Env"}, 1, True]]}, "prod-1-true"),
        ({"Fn::Select": ["1", {"Ref": "Zones"}]}, "b"),
        ({"Fn::Split": ["|", "a|b"]}, ["a", "b"]),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Size"]}, 3),
        ({"Fn::FindInMap": ["Sizes", "dev", "Size", {"DefaultValue": 1}]}, 1),
        ({"Fn::If": ["IsProd", "big", "small"]}, "big"),
        ({"Fn::If": ["Unknown", "same", "same"]}, "same"),
        ({"Fn::Base64": "hello"}, "aGVsbG8="),
        ({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, ["10.0.0.0/24", "10.0.1.0/24"]),
        ({"Fn::Equals": ["1", 1]}, True),
        ({"Fn::Not": [{"Fn::Equals": [{"Ref": "Env"}, "prod"]}]}, False),
        ({"Fn::Length": [1, 2, 3]}, 3),
        ({"Fn::ToJsonString": {"a": 1}}, '{"a":1}'),
        ({"Ref": "Bucket"}, "bucket"),
        ({"Fn::GetAtt": "Bucket.Arn"}, "arn:aws:s3:::bucket"),
        ({"k": {"Ref": "AWS::NoValue"}, "l": [1, {"Ref": "AWS::NoValue"}]}, {"l": [1]}),
    ],
)
def test_functions(expression: object, expected: object) -> None:
    assert _evaluator().resolve(expression) == expected


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ({"Fn::GetAZs": ""}, "Availability Zones are not known offline"),
        ({"Fn::ImportValue": "x"}, "exported by another stack"),
        ({"Fn::If": ["Unknown", "a", "b"]}, "parameter Missing"),
        ({"Fn::Sub": "${Missing}"}, "parameter Missing"),
        ({"Fn::Select": [5, ["a"]]}, "outside the list"),
        ({"Fn::FindInMap": ["Sizes", "dev", "Size"]}, "is not in the template's Mappings"),
        ({"Ref": "AWS::NotificationARNs"}, "not known offline"),
        ({"Fn::Transform": {"Name": "X"}}, "macros are not run offline"),
    ],
)
def test_unknowable_values_stay_unknown(expression: object, reason: str) -> None:
    value = _evaluator().resolve(expression)
    assert isinstance(value, Unresolved)
    assert reason in value.reason


def test_novalue_marker_and_conditions() -> None:
    ev = _evaluator(
        Both={"Fn::And": [{"Condition": "IsProd"}, {"Condition": "Unknown"}]},
        Either={"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "Unknown"}]},
        Loop={"Condition": "Loop"},
    )
    assert ev.resolve({"Ref": "AWS::NoValue"}) is NOVALUE
    assert ev.condition("IsProd") is True
    assert ev.condition("Unknown") is None
    assert ev.condition("Both") is None
    assert ev.condition("Either") is True
    assert ev.condition("Loop") is None  # refers to itself: unknown, never a hang
    assert ev.condition("Nope") is None


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_defaults(fmt: str) -> None:
    scan = scan_fixture("intrinsics", fmt)
    assert scan.errors == []
    ids = {r.id for r in scan.resources}
    # Condition IsProd is false and ProdAndSuffix is false: those resources do not exist.
    assert "ProdOnlyBucket" not in ids and not any(i.endswith("-prod") for i in ids)
    assert "MaybeBucket" not in ids
    # Fn::Join / Fn::Select over a CommaDelimitedList parameter (" b" trimmed).
    bucket = scan.resource("cfn-dev-b")
    assert bucket.versioning == "Suspended"  # Fn::If false branch
    assert bucket.logging_enabled is False  # Fn::If -> AWS::NoValue removes the property
    # The bucket policy (Fn::Sub list form, Fn::Split) folds into it and denies plain HTTP.
    assert scan.one("s3-bucket-tls-only", "cfn-dev-b").status.value == "PASS"
    logs = scan.resource("cfn-dev-logs")  # Fn::Sub with a parameter
    assert logs.retention_days == 30  # Fn::FindInMap
    assert scan.one("cloudwatch-log-group-retention-1-year", "cfn-dev-logs").status.value == "FAIL"
    key = scan.resource("cfn dev key")
    assert key.rotation_enabled is False  # "false" from the mapping
    sg = scan.resource("cfn-intrinsics-sg")
    assert sg.description == "d2Vi"  # Fn::Base64
    assert sg.ingress and sg.ingress[0].cidrs == ["10.0.0.0/24"]  # Fn::Cidr + Fn::Select
    assert scan.one("ec2-sg-ssh-not-open-to-world", "cfn-intrinsics-sg").status.value == "PASS"
    # Fn::ImportValue: the rule's source is not known -> UNKNOWN, never a guess.
    zonal = scan.one("ec2-sg-ssh-not-open-to-world", "cfn-zonal-sg")
    assert zonal.status.value == "UNKNOWN"
    assert "exported by another stack" in zonal.evidence
    worker = scan.resource("cfn-dev-worker")  # Fn::Join over Ref
    assert worker.runtime == "python3.8"  # Fn::If on IsProd
    assert worker.role_arn == f"arn:aws:iam::{ACCOUNT}:role/worker"
    assert scan.one("lambda-function-runtime-supported", "cfn-dev-worker").status.value == "FAIL"
    env = scan.one("lambda-function-no-secrets-in-env", "cfn-dev-worker")
    assert env.status.value == "UNKNOWN" and "Fn::GetAZs" in env.evidence
    cmk = scan.one("lambda-function-env-encrypted-cmk", "cfn-dev-worker")
    assert cmk.status.value == "UNKNOWN" and "Fn::ImportValue" in cmk.evidence
    # A condition that depends on a parameter without a value leaves dependent values unknown.
    suffix = scan.one("s3-bucket-versioning", "cfn-suffix-bucket")
    assert suffix.status.value == "UNKNOWN"
    assert "parameter BucketSuffix has no Default and no value was given" in suffix.evidence


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_overrides(fmt: str) -> None:
    scan = scan_fixture("intrinsics", fmt, {"Env": "prod", "AWS::StackName": "shop"})
    assert scan.errors == []
    # IsProd now holds: the prod-only bucket exists, named through Fn::Sub + AWS::StackName.
    assert scan.resource("shop-prod").name == "shop-prod"
    bucket = scan.resource("cfn-prod-b")
    assert bucket.versioning == "Enabled"
    assert bucket.logging_target_bucket == f"{ACCOUNT}-logs"  # ${AWS::AccountId}
    # DevOrSuffix depends on the unknown HasSuffix now: kept, flagged as conditional.
    assert "condition DevOrSuffix" in bucket.unknown["_condition"]
    # ProdAndSuffix is unknown: the bucket is kept, its name (from the parameter) is not known.
    maybe = scan.resource("MaybeBucket")
    assert maybe.id == "MaybeBucket"
    # The dev-only bucket policy is gone: no TLS-only statement.
    assert scan.one("s3-bucket-tls-only", "cfn-prod-b").status.value == "FAIL"
    assert scan.resource("cfn-prod-logs").retention_days == 400
    assert scan.resource("cfn prod key").rotation_enabled is True
    assert scan.one("lambda-function-runtime-supported", "cfn-prod-worker").status.value == "PASS"


def test_all_parameters_known() -> None:
    scan = scan_fixture("intrinsics", "yaml", {"Env": "prod", "BucketSuffix": "x"})
    assert scan.resource("cfn-x").id == "cfn-x"  # ProdAndSuffix holds now
    assert scan.resource("cfn-suffix-bucket").versioning == "Enabled"
    assert "_condition" not in scan.resource("cfn-prod-b").unknown


def test_pseudo_parameters_unknown_without_values() -> None:
    from demarcate.sources.cloudformation import load_template

    resources, errors = load_template(FIXTURES / "intrinsics.yaml", {"Env": "prod"})
    assert errors == []
    bucket = next(r for r in resources if r.id == "cfn-prod-b")
    assert bucket.logging_target_bucket == "<account-id>-logs"
    assert bucket.region == "<region>"
    assert bucket.account is None
    assert any(r.id == "<stack-name>-prod" for r in resources)


def test_literal_regions_follow_the_stack_when_its_region_is_unknown(tmp_path: Path) -> None:
    """A VPC endpoint service or a trail's log group must be in the stack's region: a literal
    region there is read as the stack's (unknown) region, so it still matches."""
    from demarcate.engine import run_checks
    from demarcate.resources.base import Inventory
    from demarcate.sources.cloudformation import load_template

    path = tmp_path / "endpoints.yaml"
    path.write_text(
        "Resources:\n"
        "  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
        "  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: !Ref Vpc}\n"
        "  Host:\n    Type: AWS::EC2::Instance\n    Properties: {SubnetId: !Ref Subnet}\n"
        "  Ddb:\n    Type: AWS::EC2::VPCEndpoint\n"
        "    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.dynamodb}\n"
        "  Table:\n    Type: AWS::DynamoDB::Table\n    Properties: {TableName: t}\n"
    )
    resources, errors = load_template(path)
    assert errors == []
    inv = Inventory(source="cloudformation")
    for res in resources:
        inv.add(res)
    vpc = next(r for r in resources if r.id == "Vpc")
    assert vpc.endpoint_services == ["com.amazonaws.<region>.dynamodb"]
    result = [
        f for f in run_checks(inv, skip_live_only=True) if f.check_id == "dynamodb-vpc-endpoint"
    ]
    assert [f.status.value for f in result] == ["PASS"]


def test_json_resource_lines_ignore_look_alike_strings() -> None:
    from demarcate.sources.cloudformation.parse import parse_json

    text = (
        '{\n  "Description": "\\"Resources\\": {\\"Fake\\": 1}",\n'
        '  "Metadata": {"Resources": {"Nested": {}}},\n'
        '  "Resources": {\n'
        '    "First": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": [{"Key": "Second"}]}},\n'
        '    "Second"  :\n      {"Type": "AWS::S3::Bucket"}\n  }\n}\n'
    )
    assert parse_json(text).resource_lines == {"First": 5, "Second": 6}
