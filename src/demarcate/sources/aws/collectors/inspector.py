"""Collect which Amazon Inspector (inspector2) scan types are enabled in each region."""

from __future__ import annotations

from demarcate.resources.base import Inventory
from demarcate.resources.detection import InspectorStatus
from demarcate.sources.aws.registry import collector
from demarcate.sources.aws.session import AwsContext

# inspector2 resourceState key -> our scan-type key
SCAN_TYPES = {"ec2": "ec2", "ecr": "ecr", "lambda": "lambda", "lambdaCode": "lambda_code"}


@collector(
    service="inspector",
    scope="regional",
    resource_types=(InspectorStatus.TYPE,),
    actions=("inspector2:BatchGetAccountStatus",),
)
def account_status(ctx: AwsContext, region: str, inv: Inventory) -> None:
    client = ctx.client("inspector2", region)
    status = InspectorStatus(id=f"inspector:{region}", name=f"Inspector in {region}", region=region)
    kwargs = {"accountIds": [inv.account]} if inv.account else {}
    got = ctx.call(client, "batch_get_account_status", **kwargs)
    if not got.ok:
        status.mark_unknown(got.error or "no answer", "status", "scan_types")
        inv.add(status)
        return
    mine = [a for a in got.value.get("accounts") or [] if a.get("accountId") in (inv.account, None)]
    failed = [a for a in got.value.get("failedAccounts") or [] if a.get("accountId") == inv.account]
    if mine:
        acct = mine[0]
        status.status = (acct.get("state") or {}).get("status") or "DISABLED"
        state = acct.get("resourceState") or {}
        status.scan_types = {
            ours: str((state.get(theirs) or {}).get("status") or "DISABLED")
            for theirs, ours in SCAN_TYPES.items()
        }
    elif failed:
        reason = (
            f"inspector2:BatchGetAccountStatus failed for this account "
            f"({failed[0].get('errorCode')}): {failed[0].get('errorMessage', '')}"
        )
        status.mark_unknown(reason.strip(), "status", "scan_types")
    else:  # the account has no Inspector state here: it was never enabled
        status.status = "DISABLED"
        status.scan_types = {ours: "DISABLED" for ours in SCAN_TYPES.values()}
    inv.add(status)
