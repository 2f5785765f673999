"""Amazon Route 53 hosted zones."""

from __future__ import annotations

from typing import ClassVar

from demarcate.resources.base import Resource


class HostedZone(Resource):
    """id is the bare zone id (no ``/hostedzone/`` prefix); name is the domain."""

    TYPE: ClassVar[str] = "route53.hosted_zone"
    SERVICE: ClassVar[str] = "route53"

    private: bool | None = None
    record_count: int | None = None
    # Public zones only: SIGNING | NOT_SIGNING | DELETING | ACTION_NEEDED | INTERNAL_FAILURE
    dnssec_status: str | None = None
    dnssec_status_message: str | None = None
    query_logging_enabled: bool | None = None
    query_log_group_arn: str | None = None
