"""Run every collector across the account's enabled regions, concurrently, into one Inventory."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from demarcate.resources.base import Inventory
from demarcate.sources.aws.registry import Collector, load_collectors
from demarcate.sources.aws.session import AwsContext

GLOBAL_REGION = "us-east-1"  # where global services (IAM, CloudFront, Route 53, S3 listing) answer
ProgressFn = Callable[[str, int, int], None]


@dataclass
class ScanMeta:
    account: str | None
    regions: list[str]
    started: float
    finished: float = 0.0
    api_calls: int = 0
    calls_by_action: dict[str, int] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)


class ScanError(RuntimeError):
    """The scan cannot start at all (no credentials, endpoint unreachable)."""


def enabled_regions(ctx: AwsContext, inv: Inventory) -> list[str]:
    """Regions enabled for the account (opted-in or not needing opt-in)."""
    ec2 = ctx.client("ec2", GLOBAL_REGION)
    out = ctx.call(ec2, "describe_regions", AllRegions=False)
    if not out.ok:
        raise ScanError(f"cannot list regions: {out.error}")
    regions = [
        r["RegionName"]
        for r in out.value.get("Regions", [])
        if r.get("OptInStatus", "opt-in-not-required") in ("opt-in-not-required", "opted-in")
    ]
    return sorted(regions)


def scan_account(
    ctx: AwsContext,
    regions: list[str] | None = None,
    services: list[str] | None = None,
    progress: ProgressFn | None = None,
) -> tuple[Inventory, ScanMeta]:
    """Collect every resource the checks need. Failures become inventory errors, not crashes."""
    started = time.time()
    inv = Inventory(source="aws")
    ident = ctx.call(ctx.client("sts", GLOBAL_REGION), "get_caller_identity")
    if not ident.ok:
        raise ScanError(f"cannot identify the account: {ident.error}")
    inv.account = ident.value.get("Account")
    chosen_regions = sorted(set(regions)) if regions else enabled_regions(ctx, inv)
    inv.regions = chosen_regions
    collectors = select_collectors(services)
    tasks: list[tuple[Collector, str]] = []
    for col in collectors:
        if col.scope == "global":
            tasks.append(
                (
                    col,
                    GLOBAL_REGION
                    if GLOBAL_REGION in chosen_regions or not chosen_regions
                    else chosen_regions[0],
                )
            )
        else:
            tasks.extend((col, region) for region in chosen_regions)
    done = 0
    with ThreadPoolExecutor(max_workers=ctx.max_workers, thread_name_prefix="collect") as pool:
        futures = {pool.submit(_run, col, ctx, region, inv): (col, region) for col, region in tasks}
        for fut in as_completed(futures):
            col, region = futures[fut]
            fut.result()
            done += 1
            if progress:
                progress(f"{col.name} {region}", done, len(tasks))
    meta = ScanMeta(
        account=inv.account,
        regions=chosen_regions,
        started=started,
        finished=time.time(),
        api_calls=ctx.counter.total,
        calls_by_action=dict(sorted(ctx.counter.by_action.items())),
        services=sorted({c.service for c in collectors}),
    )
    return inv, meta


def select_collectors(services: list[str] | None) -> list[Collector]:
    """Collectors of the chosen services plus those feeding the chosen services' checks
    (e.g. ``--service ec2`` also needs security groups, which the VPC collector reads)."""
    everything = list(load_collectors().values())
    if not services:
        return everything
    from demarcate.checks.registry import load_checks

    wanted = set(services)
    needed_types = {c.resource_type for c in load_checks().values() if c.service in wanted}
    return [c for c in everything if c.service in wanted or needed_types & set(c.resource_types)]


def _run(col: Collector, ctx: AwsContext, region: str, inv: Inventory) -> None:
    try:
        col.fn(ctx, region, inv)
    except Exception as exc:  # a collector bug must not sink the scan; make it visible instead
        inv.add_error(
            col.resource_types,
            region,
            f"collector {col.name}",
            f"collector {col.name} crashed: {type(exc).__name__}: {exc}",
        )
