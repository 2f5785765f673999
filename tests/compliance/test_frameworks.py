"""Framework mappings: no invented control ids, every mapping traceable to a stated source,
coverage that adds up, and scoring that follows the roll-up rules."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from demarcate.checks.registry import load_checks
from demarcate.compliance import frameworks as fw_mod
from demarcate.compliance.frameworks import (
    FrameworkError,
    coverage,
    frameworks,
    get_framework,
    list_frameworks,
    oscal_control_id,
    score,
)
from demarcate.compliance.reference import cis_controls, fsbp_controls
from demarcate.model.loader import all_duties, get_model

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "demarcate" / "compliance" / "data"
CHECKS = load_checks()
DUTIES = {d.id: d for _, d in all_duties(get_model())}
EXPECTED = {"cis-aws-v7.0.0", "aws-fsbp", "nist-800-53-rev5", "pci-dss-v3.2.1", "pci-dss-v4.0.1"}


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _stated() -> dict[str, dict[str, set[str]]]:
    """Framework id -> control id -> the ids (CIS/FSBP/Security Hub) a source links to it."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for cid in cis_controls():
        out["cis-aws-v7.0.0"][cid].add(cid)
    for cid in fsbp_controls():
        out["aws-fsbp"][cid].add(cid)
    for r in _rows("mappings_nist_800_53.csv"):
        out["nist-800-53-rev5"][r["nist_control"]].add(r["fsbp_id_or_cis_id"])
    for r in _rows("mappings_securityhub_other_frameworks.csv"):
        if r["framework"].startswith("PCI DSS v"):
            fid = "pci-dss-" + r["framework"].removeprefix("PCI DSS ")
            out[fid][r["requirement_id"]].add(r["securityhub_id"])
    return out


STATED = _stated()


def _declared(check_id: str, framework_id: str) -> set[str]:
    spec = CHECKS[check_id]
    if framework_id.startswith("cis-"):
        return set(spec.cis)
    if framework_id == "aws-fsbp":
        return set(spec.fsbp)
    return set(spec.fsbp) | set(spec.securityhub)


def test_the_packaged_frameworks():
    assert {f.id for f in frameworks()} == EXPECTED


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_every_control_id_is_in_the_reference_lists(framework_id):
    fw = get_framework(framework_id)
    ids = [c.id for c in fw.controls]
    invented = [i for i in ids if i not in STATED[framework_id]]
    assert invented == [], f"{framework_id}: ids not in the reference lists: {invented}"
    assert len(ids) == len(set(ids))


def test_cis_and_fsbp_list_every_reference_control():
    assert [c.id for c in get_framework("cis-aws-v7.0.0").controls] == list(cis_controls())
    assert [c.id for c in get_framework("aws-fsbp").controls] == list(fsbp_controls())


def test_nist_and_pci_list_every_stated_control():
    for fid in ("nist-800-53-rev5", "pci-dss-v3.2.1", "pci-dss-v4.0.1"):
        assert {c.id for c in get_framework(fid).controls} == set(STATED[fid]), fid


def test_pci_v4_holds_only_what_a_source_states():
    fw = get_framework("pci-dss-v4.0.1")
    assert [(c.id, c.check_ids) for c in fw.controls] == [
        ("1.4.4", ["s3-account-public-access-block"])
    ]


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_every_mapping_is_traceable(framework_id):
    """A mapped check exists, declares the linking id, and a source states that link."""
    for control in get_framework(framework_id).controls:
        for ref in control.checks:
            assert ref.check in CHECKS, f"{framework_id} {control.id}: no check {ref.check}"
            assert set(ref.via) <= _declared(ref.check, framework_id), (control.id, ref)
            assert set(ref.via) <= STATED[framework_id][control.id], (control.id, ref)
        for duty in control.manual_duties:
            assert duty.duty in DUTIES, f"{control.id}: no duty {duty.duty}"
            assert not DUTIES[duty.duty].api_verifiable, f"{duty.duty} is not a manual duty"
            assert not control.checks


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_no_mapping_is_missed(framework_id):
    """Every check whose declared ids reach a control is mapped to it."""
    fw = get_framework(framework_id)
    for control in fw.controls:
        expected = {
            cid for cid in CHECKS if _declared(cid, framework_id) & STATED[framework_id][control.id]
        }
        assert set(control.check_ids) == expected, control.id


def test_manual_mappings_are_cis_manual_recommendations():
    for control in get_framework("cis-aws-v7.0.0").controls:
        if control.manual_duties:
            assert control.attributes["assessment"] == "manual", control.id


@pytest.mark.parametrize("framework_id", sorted(EXPECTED))
def test_coverage_adds_up(framework_id):
    cov = coverage(framework_id)
    fw = get_framework(framework_id)
    assert cov["automated"] + cov["manual"] + cov["not_covered"] == cov["total"] == len(fw.controls)
    assert cov["automated"] == sum(1 for c in fw.controls if c.checks)
    assert cov["manual"] == sum(1 for c in fw.controls if not c.checks and c.manual_duties)


def test_list_frameworks_carries_coverage():
    rows = {r["id"]: r for r in list_frameworks()}
    assert set(rows) == EXPECTED
    assert rows["cis-aws-v7.0.0"]["coverage"]["total"] == 70
    assert rows["aws-fsbp"]["coverage"]["total"] == len(fsbp_controls())


def test_generated_files_are_up_to_date():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_frameworks.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_unknown_framework():
    with pytest.raises(FrameworkError, match="unknown framework"):
        coverage("iso-27001")


def test_invalid_file_is_rejected(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: y\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="invalid framework file"):
        fw_mod.load_framework_file(bad)


@pytest.mark.parametrize(
    ("nist", "oscal"),
    [("AC-2", "ac-2"), ("SC-7(11)", "sc-7.11"), ("AU-9(2)", "au-9.2"), ("SI-4", "si-4")],
)
def test_oscal_control_id(nist, oscal):
    assert oscal_control_id(nist) == oscal


def _finding(check_id: str, status: str, resource: str = "r1") -> dict:
    return {
        "check_id": check_id,
        "status": status,
        "resource_id": resource,
        "resource_name": resource,
    }


def test_score_rolls_up_per_control_and_section():
    # CIS 2.10 <- iam-user-console-mfa; 2.13 <- iam-user-no-attached-policies;
    # 2.12 <- iam-user-access-key-rotated; 2.19 is manual; 2.2 is not covered.
    report = {
        "findings": [
            _finding("iam-user-console-mfa", "PASS", "alice"),
            _finding("iam-user-console-mfa", "FAIL", "bob"),
            _finding("iam-user-no-attached-policies", "PASS"),
            _finding("iam-user-access-key-rotated", "UNKNOWN"),
            _finding("iam-user-access-key-rotated", "PASS"),
        ],
        "matrix": [],
    }
    result = score(report, "cis-aws-v7.0.0")
    rows = {c["id"]: c for c in result["controls"]}
    assert rows["2.10"]["status"] == "FAIL"
    assert rows["2.10"]["failing_resources"] == ["bob"]
    assert rows["2.13"]["status"] == "PASS"
    assert rows["2.12"]["status"] == "UNKNOWN"
    assert rows["2.19"]["status"] == "MANUAL"
    assert rows["2.2"]["status"] == "NOT_COVERED"
    assert rows["3.3.1"]["status"] == "NOT_COVERED"
    assert rows["3.2.1"]["status"] == "NOT_APPLICABLE"  # mapped, but nothing was judged
    iam = next(s for s in result["sections"] if s["section"] == "2 Identity and Access Management")
    assert iam["judged"] == 3
    assert iam["score_percent"] == pytest.approx(33.3)
    overall = result["overall"]
    assert overall["controls"] == 70
    assert sum(overall["by_status"].values()) == 70
    assert overall["by_status"]["MANUAL"] == 3
    assert overall["score_percent"] == pytest.approx(33.3)


def test_score_without_findings_has_no_percent():
    result = score({"findings": [], "matrix": []}, "aws-fsbp")
    assert result["overall"]["judged"] == 0
    assert result["overall"]["score_percent"] is None
