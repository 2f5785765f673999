#!/usr/bin/env python3
"""Regenerate ``src/demarcate/compliance/data/frameworks/*.yaml`` from the reference lists.

    .venv/bin/python tools/gen_frameworks.py           # write the files
    .venv/bin/python tools/gen_frameworks.py --check   # exit 1 if they are out of date

Inputs (all packaged under ``src/demarcate/compliance/data``; see SOURCES.md there):
- ``cis_aws_foundations.csv`` (CIS v7.0.0), ``aws_fsbp.csv`` (FSBP): every control is listed;
- ``mappings_nist_800_53.csv``: Security Hub control -> NIST SP 800-53 rev5, as AWS states it;
- ``mappings_securityhub_other_frameworks.csv``: Security Hub control -> PCI DSS, as AWS states it;
- the check registry (each check's ``cis``, ``fsbp`` and ``securityhub`` ids) and the model
  (for the manual duties named in ``CIS_MANUAL_DUTIES``).

Nothing is inferred: a control maps to a check only through an id the check declares, joined
to the framework through a row a source states. The only judgement calls are the three
CIS -> manual duty pairings below, each with its reason.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from demarcate.checks.registry import CheckSpec, load_checks  # noqa: E402
from demarcate.compliance.frameworks import Framework  # noqa: E402
from demarcate.model.loader import all_duties, get_model  # noqa: E402

DATA = ROOT / "src" / "demarcate" / "compliance" / "data"
OUT = DATA / "frameworks"
GENERATED_BY = "tools/gen_frameworks.py"
AWS_GUIDE = (
    "AWS Security Hub User Guide, 'Related requirements' of each control "
    "(awsdocs/aws-security-hub-user-guide@47bfe2f, 2023-03 content; CC BY-SA 4.0, "
    "attribution: Amazon Web Services)"
)

# CIS v7.0.0 recommendations that CIS marks manual, that no check covers, and whose title
# plainly names a duty our model marks manual (api_verifiable: false). Only evident pairings.
CIS_MANUAL_DUTIES: dict[str, list[tuple[str, str]]] = {
    "2.19": [
        (
            "iam.identity-federation",
            "title match: the recommendation asks for IAM users to be managed centrally "
            "via identity federation; the duty is setting up federation with external "
            "identity providers",
        )
    ],
    "3.1.3": [
        (
            "s3.data-classification",
            "title match: the recommendation asks for data in S3 to be discovered and "
            "classified; the duty is classifying the data you store in buckets",
        )
    ],
    "6.6": [
        (
            "vpc.route-tables",
            "title match: the recommendation is about VPC route tables (for peering); "
            "the duty is managing route tables",
        )
    ],
}

# NIST SP 800-53 rev5 control families (the section of each control).
NIST_FAMILIES = {
    "AC": "Access Control",
    "AT": "Awareness and Training",
    "AU": "Audit and Accountability",
    "CA": "Assessment, Authorization, and Monitoring",
    "CM": "Configuration Management",
    "CP": "Contingency Planning",
    "IA": "Identification and Authentication",
    "IR": "Incident Response",
    "MA": "Maintenance",
    "MP": "Media Protection",
    "PE": "Physical and Environmental Protection",
    "PL": "Planning",
    "PM": "Program Management",
    "PS": "Personnel Security",
    "PT": "PII Processing and Transparency",
    "RA": "Risk Assessment",
    "SA": "System and Services Acquisition",
    "SC": "System and Communications Protection",
    "SI": "System and Information Integrity",
    "SR": "Supply Chain Risk Management",
}


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _num_key(text: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.()\-]", text) if p)


def _nist_key(cid: str) -> tuple[Any, ...]:
    fam, rest = cid.split("-", 1)
    return (fam, *_num_key(rest))


def _check_refs(hits: dict[str, set[str]]) -> list[dict[str, Any]]:
    return [{"check": cid, "via": sorted(via, key=_num_key)} for cid, via in sorted(hits.items())]


def _securityhub_ids(checks: dict[str, CheckSpec]) -> dict[str, dict[str, set[str]]]:
    """Security Hub control id -> {check id -> {that id}} over fsbp and securityhub ids."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for spec in checks.values():
        for sid in (*spec.fsbp, *spec.securityhub):
            out[sid][spec.id].add(sid)
    return out


def cis(checks: dict[str, CheckSpec]) -> dict[str, Any]:
    duties = {d.id: d for _, d in all_duties(get_model())}
    by_id: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for spec in checks.values():
        for cid in spec.cis:
            by_id[cid][spec.id].add(cid)
    controls = []
    for r in rows("cis_aws_foundations.csv"):
        manual = []
        for duty_id, basis in CIS_MANUAL_DUTIES.get(r["id"], []):
            duty = duties[duty_id]
            assert not duty.api_verifiable, f"{duty_id} is api_verifiable; not a manual duty"
            assert r["id"] not in by_id, f"CIS {r['id']} has checks; no manual mapping needed"
            manual.append({"duty": duty_id, "basis": basis})
        controls.append(
            {
                "id": r["id"],
                "title": r["title"],
                "section": r["section"].split(" > ")[0],
                "attributes": {
                    **(
                        {"subsection": r["section"].split(" > ", 1)[1]}
                        if " > " in r["section"]
                        else {}
                    ),
                    "profile_level": r["profile_level"],
                    "assessment": r["assessment"],
                },
                "checks": _check_refs(by_id.get(r["id"], {})),
                "manual_duties": manual,
            }
        )
    return {
        "id": "cis-aws-v7.0.0",
        "name": "CIS AWS Foundations Benchmark",
        "version": "7.0.0",
        "description": "Every CIS AWS Foundations Benchmark v7.0.0 recommendation.",
        "reference_list": "compliance/data/cis_aws_foundations.csv (column id)",
        "mapping": (
            "A check maps to a recommendation when it declares the recommendation id in its "
            "`cis` ids. Three manual recommendations with no check map to a manual duty "
            "(api_verifiable: false) whose title plainly covers them; each says why in "
            "`basis`. CIS's own automated/manual label is kept in attributes.assessment."
        ),
        "sources": [
            "CIS AWS Foundations Benchmark v7.0.0 ids, titles, levels via Prowler "
            "prowler/compliance/aws/cis_7.0_aws.json @3e000faa (Apache-2.0; text (c) CIS)",
            "demarcate check registry (`cis` ids of each check)",
        ],
        "generated_by": GENERATED_BY,
        "controls": controls,
    }


def fsbp(checks: dict[str, CheckSpec]) -> dict[str, Any]:
    by_id: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for spec in checks.values():
        for cid in spec.fsbp:
            by_id[cid][spec.id].add(cid)
    controls = [
        {
            "id": r["id"],
            "title": r["title"],
            "section": r["aws_service"],
            "attributes": {"severity": r["severity"]},
            "checks": _check_refs(by_id.get(r["id"], {})),
            "manual_duties": [],
        }
        for r in rows("aws_fsbp.csv")
    ]
    return {
        "id": "aws-fsbp",
        "name": "AWS Foundational Security Best Practices",
        "version": "1.0.0",
        "description": (
            "Every AWS FSBP control (Security Hub) for the services in scope; sections are "
            "our service classification."
        ),
        "reference_list": "compliance/data/aws_fsbp.csv (column id)",
        "mapping": "A check maps to a control when it declares the control id in its `fsbp` ids.",
        "sources": [
            "turbot/steampipe-mod-aws-compliance v1.13.0 foundational_security/ (membership); "
            "severities from the AWS Security Hub User Guide (CC BY-SA 4.0)",
            "demarcate check registry (`fsbp` ids of each check)",
        ],
        "generated_by": GENERATED_BY,
        "controls": controls,
    }


def nist(checks: dict[str, CheckSpec]) -> dict[str, Any]:
    sh = _securityhub_ids(checks)
    hits: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    stated: dict[str, set[str]] = defaultdict(set)
    for r in rows("mappings_nist_800_53.csv"):
        control, sid = r["nist_control"], r["fsbp_id_or_cis_id"]
        stated[control].add(sid)
        for check_id, via in sh.get(sid, {}).items():
            hits[control][check_id] |= via
    controls = []
    for control in sorted(stated, key=_nist_key):
        family = control.split("-", 1)[0]
        controls.append(
            {
                "id": control,
                "title": "",
                "section": f"{family} {NIST_FAMILIES[family]}",
                "attributes": {
                    "oscal_id": _oscal(control),
                    "securityhub_controls": ";".join(sorted(stated[control], key=_num_key)),
                },
                "checks": _check_refs(hits.get(control, {})),
                "manual_duties": [],
            }
        )
    return {
        "id": "nist-800-53-rev5",
        "name": "NIST SP 800-53",
        "version": "rev5",
        "description": (
            "The NIST SP 800-53 rev5 controls that AWS maps Security Hub controls of the "
            "in-scope services to (not the whole catalog). Control titles are not packaged."
        ),
        "reference_list": "compliance/data/mappings_nist_800_53.csv (column nist_control)",
        "mapping": (
            "A check maps to a control when one of its Security Hub ids (`fsbp` or "
            "`securityhub`) is stated by AWS to relate to the control. Controls AWS maps only "
            "to Security Hub controls we have no check for are listed as not covered."
        ),
        "sources": [AWS_GUIDE, "demarcate check registry (`fsbp` and `securityhub` ids)"],
        "generated_by": GENERATED_BY,
        "controls": controls,
    }


def _oscal(control: str) -> str:
    from demarcate.compliance.frameworks import oscal_control_id

    return oscal_control_id(control)


def pci(checks: dict[str, CheckSpec], version: str) -> dict[str, Any]:
    label = f"PCI DSS v{version}"
    sh = _securityhub_ids(checks)
    hits: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    stated: dict[str, set[str]] = defaultdict(set)
    for r in rows("mappings_securityhub_other_frameworks.csv"):
        if r["framework"] != label:
            continue
        req, sid = r["requirement_id"], r["securityhub_id"]
        stated[req].add(sid)
        for check_id, via in sh.get(sid, {}).items():
            hits[req][check_id] |= via
    controls = [
        {
            "id": req,
            "title": "",
            "section": f"Requirement {req.split('.')[0]}",
            "attributes": {"securityhub_controls": ";".join(sorted(stated[req], key=_num_key))},
            "checks": _check_refs(hits.get(req, {})),
            "manual_duties": [],
        }
        for req in sorted(stated, key=_num_key)
    ]
    if version == "4.0.1":
        scope = (
            "Only the PCI DSS v4.0.1 requirements a packaged source states a Security Hub "
            "mapping for (today: 1.4.4, from S3.1). Not a PCI DSS v4.0.1 assessment."
        )
        source = (
            "AWS Security Hub User Guide, securityhub/latest/userguide/s3-controls.md "
            "(current page, S3.1 Related requirements; CC BY-SA 4.0)"
        )
    else:
        scope = (
            "The PCI DSS v3.2.1 requirements AWS maps Security Hub controls of the in-scope "
            "services to (not the whole standard)."
        )
        source = AWS_GUIDE
    return {
        "id": f"pci-dss-v{version}",
        "name": "PCI DSS",
        "version": version,
        "description": scope + " Requirement titles are not packaged.",
        "reference_list": (
            "compliance/data/mappings_securityhub_other_frameworks.csv "
            f"(column requirement_id where framework = {label})"
        ),
        "mapping": (
            "A check maps to a requirement when one of its Security Hub ids (`fsbp` or "
            "`securityhub`) is stated by AWS to relate to the requirement. Nothing is "
            "inferred from other PCI versions."
        ),
        "sources": [source, "demarcate check registry (`fsbp` and `securityhub` ids)"],
        "generated_by": GENERATED_BY,
        "controls": controls,
    }


def build() -> dict[str, str]:
    checks = load_checks()
    docs = [cis(checks), fsbp(checks), nist(checks), pci(checks, "3.2.1"), pci(checks, "4.0.1")]
    out = {}
    for doc in docs:
        Framework.model_validate(doc)  # fail here, not at run time
        header = (
            f"# {doc['name']} {doc['version']}: generated by {GENERATED_BY}; do not edit.\n"
            "# Regenerate after changing checks' cis/fsbp/securityhub ids or the reference CSVs.\n"
        )
        body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
        out[f"{doc['id']}.yaml"] = header + body
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if the files are out of date")
    args = ap.parse_args(argv)
    files = build()
    stale = [
        name
        for name, text in files.items()
        if not (OUT / name).exists() or (OUT / name).read_text(encoding="utf-8") != text
    ]
    extra = (
        sorted(p.name for p in OUT.glob("*.yaml") if p.name not in files) if OUT.exists() else []
    )
    if args.check:
        for name in stale + extra:
            print(f"out of date: {OUT / name}")
        return 1 if stale or extra else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    for name in extra:
        (OUT / name).unlink()
    print(f"wrote {len(files)} framework files to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
