"""OSCAL Assessment Results: one observation per finding, one OSCAL finding per NIST control judged.

- Every scanned resource is an inventory item in ``local-definitions``; every demarcate finding
  (check × resource) is an ``observation`` (method TEST) whose subject is that item, with the
  result (PASS / FAIL / UNKNOWN) in a ``result`` prop and the evidence as relevant evidence.
- Every NIST SP 800-53 rev5 control whose checks produced findings gets an OSCAL ``finding``
  targeting the control objective (``<control>_obj``): satisfied when all its checks pass,
  not-satisfied (reason fail) when one failed, not-satisfied (reason other) when one could not
  be verified; ``related-observations`` lists the observations behind it.
- The customer's MANUAL duties are not assessed by the scan; they are listed in ``remarks``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from demarcate.outputs.common import finding_key, status_counts
from demarcate.outputs.formats import output_format
from demarcate.outputs.oscal_common import (
    IMPLEMENTATION_STATE,
    NIST_CATALOG,
    OBJECTIVE_STATE,
    Context,
    one_line,
    prop,
    prune,
)

if TYPE_CHECKING:
    from trestle.oscal.assessment_results import AssessmentResults

JUDGED = ("PASS", "FAIL", "UNKNOWN")


def _inventory(ctx: Context) -> tuple[list[dict[str, Any]], dict[str, str]]:
    items: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for f in ctx.report.get("findings", []):
        rid = f["resource_id"]
        if rid in ids:
            continue
        ids[rid] = ctx.uuid("inventory-item", rid)
        props = [
            prop("asset-id", rid, ns=None),
            prop("resource-type", f["resource_type"]),
            prop("region", f["region"]),
        ]
        if f.get("resource_name"):
            props.append(prop("resource-name", f["resource_name"]))
        items.append(
            {
                "uuid": ids[rid],
                "description": one_line(
                    f"{f['resource_type']} {f.get('resource_name') or rid} ({f['region']})"
                ),
                "props": props,
            }
        )
    return items, ids


def _observation(ctx: Context, f: dict[str, Any], subject: str) -> dict[str, Any]:
    comp = f.get("compliance") or {}
    props = [
        prop("result", f["status"]),
        prop("check-id", f["check_id"]),
        prop("duty-id", f["duty_id"]),
        prop("severity", f["severity"]),
        *[prop(f"{k}-id", i) for k in ("cis", "aws_fsbp", "securityhub") for i in comp.get(k, [])],
    ]
    return {
        "uuid": ctx.uuid("observation", finding_key(f, ctx.report)),
        "title": one_line(f"{f['status']}: {f['title']}"),
        "description": f"{f['title']} — {f.get('resource_name') or f['resource_id']}",
        "props": [{**p, "name": p["name"].replace("_", "-")} for p in props],
        "methods": ["TEST"],
        "types": ["finding"] if f["status"] == "FAIL" else ["discovery"],
        "origins": [{"actors": [{"type": "tool", "actor-uuid": ctx.uuid("component", "tool")}]}],
        "subjects": [
            {
                "subject-uuid": subject,
                "type": "inventory-item",
                "title": one_line(f.get("resource_name") or f["resource_id"]),
            }
        ],
        "relevant-evidence": [{"description": f["evidence"] or f["status"]}],
        "collected": ctx.finished.isoformat(),
    }


def build_ar(report: dict[str, Any]) -> AssessmentResults:
    from trestle.oscal.assessment_results import (
        AssessmentResults,  # heavy: only when this format is rendered
    )

    ctx = Context(report)
    items, item_ids = _inventory(ctx)
    observations = []
    obs_by_check: dict[str, list[str]] = {}
    seen: set[str] = set()
    for f in report.get("findings", []):
        obs = _observation(ctx, f, item_ids[f["resource_id"]])
        while obs["uuid"] in seen:  # the same check and resource twice: keep both, apart
            obs["uuid"] = ctx.uuid("observation", obs["uuid"])
        seen.add(obs["uuid"])
        observations.append(obs)
        obs_by_check.setdefault(f["check_id"], []).append(obs["uuid"])
    findings = []
    reviewed = []
    for source_id, oscal_id in ctx.control_ids():
        row = ctx.scores[source_id]
        if row["kind"] == "automated":
            reviewed.append({"control-id": oscal_id})
        if row["status"] not in JUDGED:
            continue
        state, reason = OBJECTIVE_STATE.get(row["status"], ("not-satisfied", "other"))
        c = row["counts"]
        findings.append(
            {
                "uuid": ctx.uuid("finding", source_id),
                "title": one_line(f"{source_id}: {row['status']}"),
                "description": (
                    f"NIST SP 800-53 rev5 {source_id}, judged by {', '.join(row['checks'])}: "
                    f"{c['PASS']} passed, {c['FAIL']} failed, {c['UNKNOWN']} not verified."
                ),
                "props": [prop("scan-status", row["status"]), *ctx.counts_props(c)],
                "target": {
                    "type": "objective-id",
                    "target-id": f"{oscal_id}_obj",
                    "status": {"state": state, "reason": reason},
                    "implementation-status": {"state": IMPLEMENTATION_STATE[row["status"]]},
                },
                "related-observations": [
                    {"observation-uuid": u}
                    for cid in row["checks"]
                    for u in obs_by_check.get(cid, [])
                ],
            }
        )
    counts = status_counts(report)
    manual = sorted(d for d, duty in ctx.duties.items() if duty["status"] == "MANUAL")
    catalog = ctx.uuid("resource", "nist-catalog")
    plan = ctx.uuid("resource", "assessment-plan")
    doc = {
        "uuid": ctx.document_uuid("assessment-results"),
        "metadata": ctx.metadata(f"Assessment results: AWS account {ctx.account}", "tool"),
        "import-ap": {
            "href": f"#{plan}",
            "remarks": "No separate assessment plan: the scan ran every registered check.",
        },
        "results": [
            {
                "uuid": ctx.document_uuid("result"),
                "title": one_line(f"demarcate scan of AWS account {ctx.account}"),
                "description": (
                    f"Automated scan ({ctx.scan.get('source')}) of "
                    f"{', '.join(ctx.scan.get('regions') or []) or 'no regions'}: "
                    f"{counts['PASS']} passed, {counts['FAIL']} failed, "
                    f"{counts['UNKNOWN']} could not be verified."
                ),
                "start": ctx.started.isoformat(),
                "end": ctx.finished.isoformat(),
                "props": [*ctx.counts_props(counts), prop("findings-total", sum(counts.values()))],
                "local-definitions": {
                    "components": [
                        {
                            "uuid": ctx.uuid("component", "tool"),
                            "type": "software",
                            "title": one_line(f"demarcate {ctx.scan.get('tool_version') or ''}"),
                            "description": "The scanner that produced these results.",
                            "status": {"state": "operational"},
                        }
                    ],
                    "inventory-items": items,
                },
                "reviewed-controls": {
                    "control-selections": [
                        {
                            "description": "NIST SP 800-53 rev5 controls a demarcate check maps to.",
                            "include-controls": reviewed
                            or [{"control-id": oscal_id} for _, oscal_id in ctx.control_ids()],
                        }
                    ]
                },
                "observations": observations,
                "findings": findings,
                "remarks": (
                    "Customer duties no API can verify (need an attestation): "
                    + (", ".join(manual) if manual else "none")
                    + "."
                ),
            }
        ],
        "back-matter": {
            "resources": [
                {
                    "uuid": catalog,
                    "title": "NIST SP 800-53 rev5 catalog (OSCAL)",
                    "rlinks": [{"href": NIST_CATALOG, "media-type": "application/json"}],
                },
                {
                    "uuid": plan,
                    "title": "Assessment plan: every demarcate check over the scanned account",
                    "description": "demarcate runs all registered checks; see `demarcate checks`.",
                },
            ]
        },
    }
    return AssessmentResults.model_validate(prune(doc))


@output_format(
    "oscal-ar",
    extension="oscal-ar.json",
    description="OSCAL assessment results: an observation per finding, a finding per control",
)
def render_oscal_ar(report: dict[str, Any]) -> str:
    return build_ar(report).oscal_serialize_json(pretty=True) + "\n"
