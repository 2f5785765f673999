"""Ownership that depends on configuration (issue 6): each example with a resource on each side
of its condition, judged on the live (moto) demo account, plus the unknown case."""

from __future__ import annotations

import pytest

from demarcate.model.loader import get_model
from demarcate.ownership import UNKNOWN_OWNER, decide, resolve
from demarcate.resources.base import RESOURCE_TYPES, Inventory
from demarcate.resources.kms import KmsKey
from demarcate.resources.lambda_ import LambdaFunction
from demarcate.scan_runner import run_demo_scan

MODEL = get_model()
DUTIES = {d.id: d for s in MODEL.services for d in s.duties}


@pytest.fixture(scope="module")
def splits():
    outcome = run_demo_scan()
    result: dict[str, dict[str, set[str]]] = {}
    for split in resolve(MODEL, outcome.inventory):
        by_owner = result.setdefault(split.duty.id, {})
        for group in split.groups:
            by_owner.setdefault(group.owner, set()).update(group.resources)
    return result


# duty -> (owner, resource) pairs that must hold in the demo account (both sides each time)
EXPECTED = {
    "ecs.host-os-ec2-launch-type": [("customer", "demo-batch-worker"), ("aws", "demo-web")],
    "rds.database-software-patching": [
        ("customer", "demo-legacy-mysql"),
        ("aws", "demo-orders-db"),
    ],
    "rds.setup-backup-recovery-failover": [
        ("customer", "demo-legacy-mysql"),
        ("aws", "demo-orders-db"),
        ("aws", "demo-analytics-1"),  # Aurora member: the cluster fails over
    ],
    "lambda.runtime-environment-security": [
        ("customer", "demo-legacy-webhook"),  # deprecated runtime
        ("aws", "demo-orders-api"),
    ],
    "ec2.guest-os-patching": [("shared", "demo-app-1"), ("customer", "demo-legacy-1")],
    "ebs.data-encryption": [
        ("shared", "EBS encryption by default (us-east-1)"),
        ("customer", "EBS encryption by default (eu-west-1)"),
    ],
    "s3.data-encryption": [("shared", "demo-access-logs"), ("customer", "demo-secure-data")],
    "cloudfront.custom-ssl-certificates": [("shared", "demo-cdn"), ("aws", "demo-legacy-cdn")],
    "elb.ssl-certificates": [("shared", "demo-web-alb"), ("customer", "demo-legacy-clb")],
    "kms.key-rotation": [("customer", "demo-app-data")],
}


@pytest.mark.parametrize("duty_id", sorted(EXPECTED))
def test_line_falls_where_the_configuration_puts_it(splits, duty_id):
    assert duty_id in splits, f"no split for {duty_id}"
    for owner, resource in EXPECTED[duty_id]:
        assert resource in splits[duty_id].get(owner, set()), (owner, resource, splits[duty_id])


def test_container_image_lambda_is_the_customers():
    duty = DUTIES["lambda.runtime-environment-security"]
    image = LambdaFunction(id="img", package_type="Image", runtime="")
    zipped = LambdaFunction(id="zip", package_type="Zip", runtime="python3.13")
    assert decide(duty, image).owner == "customer"
    assert "container-image" in decide(duty, image).because
    assert decide(duty, zipped).owner == "aws"


def test_aws_managed_kms_key_rotation_is_aws():
    duty = DUTIES["kms.key-rotation"]
    assert decide(duty, KmsKey(id="a", key_manager="AWS")).owner == "aws"
    assert decide(duty, KmsKey(id="c", key_manager="CUSTOMER")).owner == "customer"


def test_unknown_attribute_gives_unknown_owner_not_a_guess():
    duty = DUTIES["kms.key-rotation"]
    key = KmsKey(id="k")
    key.mark_unknown("kms:DescribeKey denied (AccessDeniedException)", "key_manager")
    decision = decide(duty, key)
    assert decision.owner == UNKNOWN_OWNER
    assert "kms:DescribeKey denied" in decision.because
    inv = Inventory()
    inv.add(key)
    split = resolve(MODEL, inv)[0]
    assert split.groups[0].owner == UNKNOWN_OWNER


def test_every_condition_names_a_real_resource_attribute():
    for duty in DUTIES.values():
        rule_set = duty.owner_depends_on
        if rule_set is None:
            continue
        cls = RESOURCE_TYPES[rule_set.resource_type]
        for rule in rule_set.rules:
            root = rule.when.attribute.split(".")[0]
            assert root in cls.model_fields or isinstance(getattr(cls, root, None), property), (
                duty.id,
                root,
            )


def test_explain_and_who_show_the_conditions():
    from typer.testing import CliRunner

    from demarcate.cli import app

    runner = CliRunner()
    explained = runner.invoke(app, ["explain", "rds"]).output
    assert "you (the customer) when auto minor version upgrade is off" in explained
    answer = runner.invoke(app, ["who", "patch the database engine", "-s", "rds"]).output
    assert "AWS, but you (the customer) when auto minor version upgrade is off" in answer


@pytest.fixture(scope="module", params=["terraform", "cloudformation"])
def iac_splits(request):
    from pathlib import Path

    from demarcate.sources.iac.scan import run_iac_scan

    root = Path(__file__).parent / "fixtures" / "parity" / request.param
    outcome = run_iac_scan([root])
    result: dict[str, dict[str, set[str]]] = {}
    for split in resolve(MODEL, outcome.inventory):
        by_owner = result.setdefault(split.duty.id, {})
        for group in split.groups:
            by_owner.setdefault(group.owner, set()).update(group.resources)
    return result


# The same examples, judged from the demo account written as Terraform and as CloudFormation.
IAC_EXPECTED = {
    "ecs.host-os-ec2-launch-type": [("customer", "demo-batch-worker"), ("aws", "demo-web")],
    "rds.database-software-patching": [
        ("customer", "demo-legacy-mysql"),
        ("aws", "demo-orders-db"),
    ],
    "rds.setup-backup-recovery-failover": [
        ("customer", "demo-legacy-mysql"),
        ("aws", "demo-orders-db"),
    ],
    "lambda.runtime-environment-security": [
        ("customer", "demo-legacy-webhook"),
        ("aws", "demo-orders-api"),
    ],
    "s3.data-encryption": [("customer", "demo-secure-data")],
    "kms.key-rotation": [("customer", "demo-app-data")],
}


@pytest.mark.parametrize("duty_id", sorted(IAC_EXPECTED))
def test_iac_line_falls_where_the_configuration_puts_it(iac_splits, duty_id):
    assert duty_id in iac_splits, f"no split for {duty_id}"
    for owner, resource in IAC_EXPECTED[duty_id]:
        found = {r for r in iac_splits[duty_id].get(owner, set())}
        assert any(resource in r for r in found), (owner, resource, iac_splits[duty_id])
