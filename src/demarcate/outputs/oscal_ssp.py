"""OSCAL System Security Plan: per NIST SP 800-53 control, what AWS provides and what you satisfy.

The scanned AWS account is the *leveraging* system; AWS is the *leveraged* one. As OSCAL
expresses it (see the OSCAL SSP metaschema, ``leveraged-authorizations`` and ``by-components``):

- ``system-implementation.leveraged-authorizations`` names AWS (its compliance programs are the
  evidence); each AWS service in use is a component carrying ``leveraged-authorization-uuid``,
  ``inherited-uuid`` and ``implementation-point: external``;
- each implemented requirement has, per AWS service whose checks map to the control, a
  by-component with ``inherited[]`` (AWS's duties for that service, which you inherit) and
  ``satisfied[]`` (your duties for that service, with their status from the scan);
- a by-component of ``this-system`` carries the scan's verdict: ``implementation-status``
  implemented (all checks pass), partial (a check failed or could not be verified) or
  not-applicable (nothing to judge), and the counts of findings behind it.

AWS publishes no OSCAL SSP of its own, so the ``provided-uuid`` / ``responsibility-uuid``
values point at stable ids for AWS's side that this document defines, not at an AWS file.
The link between a control and a service is derived (the control's checks belong to it);
the link between a control and a check is stated by AWS (Security Hub "related requirements").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from demarcate.outputs.common import status_counts
from demarcate.outputs.formats import output_format
from demarcate.outputs.oscal_common import (
    AWS_COMPLIANCE_PROGRAMS,
    IMPLEMENTATION_STATE,
    NIST_CATALOG,
    Context,
    one_line,
    prop,
    prune,
)

if TYPE_CHECKING:
    from trestle.oscal.ssp import SystemSecurityPlan


def _evidence(svc: dict[str, Any]) -> str:
    return ", ".join(next((d.get("evidence") or [] for d in svc.get("aws_duties", [])), []))


def _components(ctx: Context, leveraged: str) -> list[dict[str, Any]]:
    counts = status_counts(ctx.report)
    regions = ", ".join(ctx.scan.get("regions") or []) or "unknown regions"
    components = [
        {
            "uuid": ctx.uuid("component", "this-system"),
            "type": "this-system",
            "title": one_line(f"AWS account {ctx.account}"),
            "description": (
                f"The workloads and configuration the customer runs in AWS account "
                f"{ctx.account} ({regions}), as scanned by demarcate."
            ),
            "props": [
                prop("account", ctx.account),
                *ctx.counts_props(counts),
                prop("findings-total", sum(counts.values())),
            ],
            "status": {"state": "operational"},
        }
    ]
    for service_id, svc in sorted(ctx.services.items()):
        components.append(
            {
                "uuid": ctx.uuid("component", "aws", service_id),
                "type": "service",
                "title": one_line(f"{svc.get('name') or service_id} (AWS)"),
                "description": (
                    f"{svc.get('name') or service_id}, operated by AWS "
                    f"({svc.get('service_model')}): the layers AWS is responsible for are "
                    "inherited; the customer configures the rest."
                    + (
                        f" Evidence for AWS's side: {evidence}."
                        if (evidence := _evidence(svc))
                        else ""
                    )
                ),
                "props": [
                    prop("leveraged-authorization-uuid", leveraged, ns=None),
                    prop("inherited-uuid", ctx.uuid("aws-ssp", "component", service_id), ns=None),
                    prop("implementation-point", "external", ns=None),
                    prop("service-id", service_id),
                ],
                "status": {"state": "operational"},
            }
        )
    return components


def _aws_by_component(
    ctx: Context, control_id: str, service_id: str, specs: list[Any]
) -> dict[str, Any]:
    svc = ctx.services[service_id]
    aws_duties = svc.get("aws_duties", [])
    inherited = (
        [
            {
                "uuid": ctx.uuid("inherited", control_id, service_id),
                "provided-uuid": ctx.uuid("aws-ssp", "provided", service_id),
                "description": (
                    f"Inherited from AWS for {svc.get('name') or service_id}: "
                    + "; ".join(f"{d['title']} ({d['duty_id']})" for d in aws_duties)
                    + "."
                ),
                "props": [prop("aws-duty-id", d["duty_id"]) for d in aws_duties],
            }
        ]
        if aws_duties
        else []
    )
    satisfied = []
    for duty_id in sorted({s.duty for s in specs}):
        duty = ctx.duties.get(duty_id)
        if duty is None:
            continue
        checks = sorted(s.id for s in specs if s.duty == duty_id)
        satisfied.append(
            {
                "uuid": ctx.uuid("satisfied", control_id, duty_id),
                "responsibility-uuid": ctx.uuid("aws-ssp", "responsibility", duty_id),
                "description": (
                    f"Satisfied by the customer: {duty['title']} ({duty_id}). Scan status: "
                    f"{duty['status']}; checks for this control: {', '.join(checks)}."
                ),
                "props": [prop("duty-id", duty_id), prop("duty-status", duty["status"])],
            }
        )
    return {
        "component-uuid": ctx.uuid("component", "aws", service_id),
        "uuid": ctx.uuid("by-component", control_id, service_id),
        "description": (
            f"{svc.get('name') or service_id}: what AWS provides (inherited) and what the "
            "customer must do (satisfied) for this control."
            if aws_duties
            else f"{svc.get('name') or service_id}: the model lists no AWS duty for this "
            "service; what the customer must do (satisfied) for this control."
        ),
        "props": [
            prop(
                "control-origination", "inherited" if aws_duties else "customer-configured", ns=None
            )
        ],
        "inherited": inherited,
        "satisfied": satisfied,
    }


def _this_system_by_component(ctx: Context, control_id: str, row: dict[str, Any]) -> dict[str, Any]:
    status = row["status"]
    checks = row["checks"]
    if status == "NOT_COVERED":
        description = (
            "No demarcate check maps to this control (AWS maps it only to Security Hub "
            "controls demarcate does not implement): assess it by other means."
        )
    else:
        c = row["counts"]
        description = (
            f"Checked by demarcate ({', '.join(checks)}): {c['PASS']} passed, {c['FAIL']} failed, "
            f"{c['UNKNOWN']} could not be verified."
        )
        if row["failing_resources"]:
            description += " Failing: " + ", ".join(row["failing_resources"][:20]) + "."
    by_component: dict[str, Any] = {
        "component-uuid": ctx.uuid("component", "this-system"),
        "uuid": ctx.uuid("by-component", control_id, "this-system"),
        "description": description,
        "props": [
            prop("control-origination", "customer-configured", ns=None),
            prop("scan-status", status),
            *ctx.counts_props(row["counts"]),
            *[prop("check-id", c) for c in checks],
        ],
    }
    if status in IMPLEMENTATION_STATE:
        by_component["implementation-status"] = {
            "state": IMPLEMENTATION_STATE[status],
            "remarks": f"demarcate scan status: {status}",
        }
    return by_component


def build_ssp(report: dict[str, Any]) -> SystemSecurityPlan:
    from trestle.oscal.ssp import SystemSecurityPlan  # heavy: only when this format is rendered

    ctx = Context(report)
    leveraged = ctx.uuid("leveraged-authorization", "aws")
    catalog = ctx.uuid("resource", "nist-catalog")
    requirements = []
    for source_id, oscal_id in ctx.control_ids():
        row = ctx.scores[source_id]
        by_components = [
            _aws_by_component(ctx, source_id, service_id, specs)
            for service_id, specs in sorted(ctx.checks_by_service(source_id).items())
            if service_id in ctx.services
        ]
        by_components.append(_this_system_by_component(ctx, source_id, row))
        requirements.append(
            {
                "uuid": ctx.uuid("implemented-requirement", source_id),
                "control-id": oscal_id,
                "props": [
                    prop("nist-control", source_id),
                    prop(
                        "securityhub-controls",
                        ctx.framework.control(source_id).attributes.get("securityhub_controls"),
                    ),
                ],
                "by-components": by_components,
            }
        )
    regions = ", ".join(ctx.scan.get("regions") or []) or "unknown regions"
    doc = {
        "uuid": ctx.document_uuid("ssp"),
        "metadata": ctx.metadata(
            f"System Security Plan (shared responsibility): AWS account {ctx.account}", "tool"
        ),
        "import-profile": {
            "href": f"#{catalog}",
            "remarks": (
                "The NIST SP 800-53 rev5 controls AWS relates Security Hub controls of the "
                "scanned services to; not a FedRAMP or NIST baseline."
            ),
        },
        "system-characteristics": {
            "system-ids": [
                {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": ctx.uuid("system")}
            ],
            "system-name": one_line(f"AWS account {ctx.account}"),
            "description": (
                f"The customer's side of the AWS Shared Responsibility Model in account "
                f"{ctx.account} ({regions}), from a demarcate scan finished "
                f"{ctx.scan.get('finished')}."
            ),
            "system-information": {
                "information-types": [
                    {
                        "uuid": ctx.uuid("information-type", "workload"),
                        "title": "Workload data held in the account",
                        "description": "Not categorized by demarcate; categorize before use.",
                    }
                ]
            },
            "status": {"state": "operational"},
            "authorization-boundary": {
                "description": (
                    f"AWS account {ctx.account}, regions {regions}; services in use: "
                    + (", ".join(sorted(ctx.services)) or "none")
                    + ". AWS's side is inherited through the leveraged authorization."
                )
            },
        },
        "system-implementation": {
            "leveraged-authorizations": [
                {
                    "uuid": leveraged,
                    "title": "Amazon Web Services: AWS's side of the Shared Responsibility Model",
                    "party-uuid": ctx.aws_party,
                    "date-authorized": ctx.finished.date().isoformat(),
                    "links": [
                        {
                            "href": AWS_COMPLIANCE_PROGRAMS,
                            "text": "AWS compliance programs (reports in AWS Artifact)",
                        }
                    ],
                    "remarks": (
                        "date-authorized is the scan date: AWS's own attestation dates are in "
                        "the reports of its compliance programs."
                    ),
                }
            ],
            "components": _components(ctx, leveraged),
        },
        "control-implementation": {
            "description": (
                "For each control: what is inherited from AWS for the services whose checks "
                "map to it, what the customer satisfies, and the scan's verdict."
            ),
            "implemented-requirements": requirements,
        },
        "back-matter": {
            "resources": [
                {
                    "uuid": catalog,
                    "title": "NIST SP 800-53 rev5 catalog (OSCAL)",
                    "rlinks": [{"href": NIST_CATALOG, "media-type": "application/json"}],
                }
            ]
        },
    }
    return SystemSecurityPlan.model_validate(prune(doc))


@output_format(
    "oscal-ssp",
    extension="oscal-ssp.json",
    description="OSCAL SSP: inherited from AWS vs satisfied by you, per NIST 800-53 control",
)
def render_oscal_ssp(report: dict[str, Any]) -> str:
    return build_ssp(report).oscal_serialize_json(pretty=True) + "\n"
