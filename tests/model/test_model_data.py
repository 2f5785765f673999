"""The SRM model loads, validates, and encodes every row of the source documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from demarcate.model.loader import ModelError, data_dir, get_model, load_model
from demarcate.model.schema import Condition

CORE = [
    "ec2", "rds", "s3", "lambda", "ecs", "fargate", "vpc", "iam",
    "cloudfront", "dynamodb", "ebs", "cloudwatch", "cloudtrail", "elb", "route53",
]  # fmt: skip
SUPPORTING = [
    "kms", "waf", "shield", "guardduty", "config", "inspector",
    "secretsmanager", "ssm", "ecr", "eks", "glacier",
]  # fmt: skip

# Per core service: the bullets of the srm-matrix row on each side (AWS, customer), and a
# few duties that must be there with their owner. A dropped or merged row fails here.
EXPECTED = {
    "ec2": (
        6,
        7,
        {
            "ec2.host-os-patching": "aws",
            "ec2.hypervisor-security": "aws",
            "ec2.guest-os-patching": "customer",
            "ec2.network-acls": "customer",
        },
    ),
    "rds": (
        7,
        7,
        {
            "rds.os-patching": "aws",
            "rds.database-software-patching": "aws",
            "rds.ssl-tls": "customer",
            "rds.parameter-groups": "customer",
        },
    ),
    "s3": (
        7,
        7,
        {
            "s3.infrastructure-security": "aws",
            "s3.availability-durability": "aws",
            "s3.bucket-policies-acls": "customer",
            "s3.replication": "customer",
        },
    ),
    "lambda": (
        7,
        7,
        {
            "lambda.os-maintenance": "aws",
            "lambda.infrastructure-security": "aws",
            "lambda.execution-roles": "customer",
            "lambda.third-party-dependencies": "customer",
        },
    ),
    "ecs": (
        6,
        7,
        {
            "ecs.control-plane-security": "aws",
            "ecs.service-availability": "aws",
            "ecs.container-images": "customer",
            "ecs.secrets-management": "customer",
        },
    ),
    "fargate": (
        7,
        7,
        {
            "fargate.host-os": "aws",
            "fargate.automatic-patching": "aws",
            "fargate.task-definition-security": "customer",
            "fargate.resource-limits": "customer",
        },
    ),
    "vpc": (
        6,
        7,
        {
            "vpc.physical-network-infrastructure": "aws",
            "vpc.availability-zone-isolation": "aws",
            "vpc.network-acls": "customer",
            "vpc.flow-logs": "customer",
        },
    ),
    "iam": (
        6,
        7,
        {
            "iam.service-infrastructure-security": "aws",
            "iam.compliance-certifications": "aws",
            "iam.mfa": "customer",
            "iam.identity-federation": "customer",
        },
    ),
    "cloudfront": (
        6,
        7,
        {
            "cloudfront.edge-location-security": "aws",
            "cloudfront.edge-physical-security": "aws",
            "cloudfront.origin-access": "customer",
            "cloudfront.access-logging": "customer",
        },
    ),
    "dynamodb": (
        6,
        7,
        {
            "dynamodb.software-patching": "aws",
            "dynamodb.physical-security": "aws",
            "dynamodb.table-design": "customer",
            "dynamodb.client-side-encryption": "customer",
        },
    ),
    "ebs": (
        6,
        6,
        {
            "ebs.physical-storage-infrastructure": "aws",
            "ebs.physical-security": "aws",
            "ebs.data-encryption": "customer",
            "ebs.application-data-protection": "customer",
        },
    ),
    "cloudwatch": (
        6,
        7,
        {
            "cloudwatch.service-infrastructure": "aws",
            "cloudwatch.physical-security": "aws",
            "cloudwatch.alerting": "customer",
            "cloudwatch.log-encryption": "customer",
        },
    ),
    "cloudtrail": (
        6,
        7,
        {
            "cloudtrail.log-delivery-infrastructure": "aws",
            "cloudtrail.service-integrity": "aws",
            "cloudtrail.trail-configuration": "customer",
            "cloudtrail.service-integration": "customer",
        },
    ),
    "elb": (
        6,
        7,
        {
            "elb.software-patching": "aws",
            "elb.ssl-termination-infrastructure": "aws",
            "elb.ssl-certificates": "customer",
            "elb.application-routing-logic": "customer",
        },
    ),
    "route53": (
        6,
        7,
        {
            "route53.dns-infrastructure": "aws",
            "route53.authoritative-dns-servers": "aws",
            "route53.dnssec": "customer",
            "route53.domain-registration": "customer",
        },
    ),
}


@pytest.fixture(scope="module")
def model():
    return get_model()


def test_all_services_present(model):
    ids = {s.id for s in model.services}
    assert set(CORE) <= ids
    assert set(SUPPORTING) <= ids
    assert {s.id for s in model.services if s.category == "core"} == set(CORE)


@pytest.mark.parametrize("service_id", CORE)
def test_service_encodes_every_matrix_row(model, service_id):
    aws_count, customer_count, named = EXPECTED[service_id]
    svc = next(s for s in model.services if s.id == service_id)
    from_matrix = [d for d in svc.duties if "srm-matrix" in d.sources]
    assert len([d for d in from_matrix if d.owner == "aws"]) == aws_count
    assert len([d for d in from_matrix if d.owner == "customer"]) == customer_count
    by_id = {d.id: d for d in svc.duties}
    for duty_id, owner in named.items():
        assert duty_id in by_id, f"{duty_id} missing"
        assert by_id[duty_id].owner == owner
    assert svc.service_model in ("IaaS", "PaaS", "SaaS")
    assert svc.kind in ("infrastructure", "container", "abstract")


def test_stated_classifications_match_the_documents(model):
    svc = {s.id: s for s in model.services}
    for sid in ("ec2", "vpc", "ebs"):
        assert (svc[sid].service_model, svc[sid].service_model_basis) == ("IaaS", "stated")
    for sid in ("rds", "lambda", "ecs", "fargate"):
        assert (svc[sid].service_model, svc[sid].service_model_basis) == ("PaaS", "stated")
    for sid in ("cloudfront", "route53", "iam"):
        assert (svc[sid].service_model, svc[sid].service_model_basis) == ("SaaS", "stated")
    assert svc["ec2"].kind == "infrastructure" and svc["rds"].kind == "container"
    assert svc["s3"].kind == "abstract" and svc["dynamodb"].kind == "abstract"


def test_cross_cutting_tables_cover_the_documents(model):
    assert len(model.domains) == 10
    assert [d.customer for d in model.domains if d.id == "physical-infrastructure"] == [[]]
    assert {a.id for a in model.compliance_areas} >= {
        "physical-security", "network-security", "data-protection", "identity-management",
    }  # fmt: skip
    for area in model.compliance_areas:
        assert len(area.aws) == 4 and len(area.customer) == 4
    assert {c.id for c in model.shared_controls} == {
        "patch-management", "configuration-management", "incident-response",
    }  # fmt: skip
    assert {i.id for i in model.incident_types} == {
        "infrastructure-security", "data-breach", "service-outage",
    }  # fmt: skip
    for inc in model.incident_types:
        assert len(inc.aws) == 4 and len(inc.customer) == 4
    mon = {m.id: m for m in model.monitoring}
    assert set(mon) == {"ec2", "rds", "s3"}
    assert (len(mon["ec2"].aws), len(mon["ec2"].customer)) == (3, 4)
    assert {f.id for f in model.families} == {"compute", "storage", "database", "networking"}
    assert {b.service: len(b.practices) for b in model.best_practices} == {
        "ec2": 6, "rds": 6, "s3": 6, "lambda": 6,
    }  # fmt: skip
    assert len(model.compliance_programs) == 9
    assert {m.id for m in model.service_models} >= {"iaas", "paas", "saas"}


def test_duty_ids_unique_and_domains_exist(model):
    ids = [d.id for s in model.services for d in s.duties]
    assert len(ids) == len(set(ids))
    domains = {d.id for d in model.domains}
    assert all(d.domain in domains for s in model.services for d in s.duties)


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def test_loader_rejects_unknown_domain(tmp_path):
    target = _copy_data(tmp_path)
    path = target / "services" / "ec2.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["duties"][0]["domain"] = "no-such-domain"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(ModelError, match="unknown domain 'no-such-domain'"):
        load_model(target)


def test_loader_rejects_duplicate_duty(tmp_path):
    target = _copy_data(tmp_path)
    path = target / "services" / "ec2.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["duties"].append(dict(doc["duties"][0]))
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(ModelError, match="used 2 times"):
        load_model(target)


def test_loader_rejects_bad_owner_and_reports_file(tmp_path):
    target = _copy_data(tmp_path)
    path = target / "services" / "s3.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["duties"][0]["owner"] = "nobody"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(ModelError, match="invalid"):
        load_model(target)


def test_yaml_is_loaded_safely(tmp_path):
    target = _copy_data(tmp_path)
    (target / "services" / "evil.yaml").write_text("!!python/object/apply:os.system ['true']\n")
    with pytest.raises(ModelError, match="not valid YAML"):
        load_model(target)


def test_condition_is_declarative_and_honest_about_unknown():
    cond = Condition(attribute="auto_minor_version_upgrade", equals=False)
    assert cond.evaluate(False) is True
    assert cond.evaluate(True) is False
    assert cond.evaluate(None) is None
    assert cond.describe() == "auto minor version upgrade is off"
    with pytest.raises(ValueError, match="exactly one"):
        Condition(attribute="x")
