"""Inventory lookups: ``find`` by id, name or ARN and ``derive`` caches that forget on add."""

from __future__ import annotations

from demarcate.resources.base import Inventory
from demarcate.resources.s3 import S3Bucket


def _bucket(name: str) -> S3Bucket:
    return S3Bucket(id=name, name=name, arn=f"arn:aws:s3:::{name}", region="us-east-1")


def test_find_by_id_name_or_arn_and_first_added_wins() -> None:
    inv = Inventory()
    first = _bucket("logs")
    inv.add(first)
    assert inv.find(S3Bucket, "logs") is first
    assert inv.find(S3Bucket, "arn:aws:s3:::logs") is first
    assert inv.find(S3Bucket, "missing") is None
    inv.add(_bucket("logs"))  # a duplicate id does not shadow the first
    assert inv.find(S3Bucket, "logs") is first


def test_find_sees_resources_added_after_a_lookup() -> None:
    inv = Inventory()
    inv.add(_bucket("a"))
    assert inv.find(S3Bucket, "b") is None
    later = _bucket("b")
    inv.add(later)
    assert inv.find(S3Bucket, "b") is later


def test_derive_computes_once_until_the_inventory_changes() -> None:
    inv = Inventory()
    inv.add(_bucket("a"))
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return len(inv.of(S3Bucket))

    assert inv.derive("n", count) == 1
    assert inv.derive("n", count) == 1
    assert len(calls) == 1
    inv.add(_bucket("b"))
    assert inv.derive("n", count) == 2
    assert len(calls) == 2
