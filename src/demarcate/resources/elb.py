"""Elastic Load Balancing: Application, Network and Gateway (elbv2) and Classic (elb)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from demarcate.resources.base import Resource

SECURE_PROTOCOLS = frozenset({"HTTPS", "TLS", "SSL"})


class LbListener(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    protocol: str  # HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, SSL, GENEVE
    port: int | None = None
    ssl_policy: str | None = None  # secure listeners only; "" when none
    # Protocols a custom (Classic) SSL negotiation policy enables, e.g. ["TLSv1.2"];
    # None when the policy is a predefined one known by name.
    tls_protocols: list[str] | None = None
    certificate_arns: list[str] | None = None
    default_action_redirect_https: bool | None = None  # HTTP listener redirects to HTTPS

    @property
    def secure(self) -> bool:
        return self.protocol.upper() in SECURE_PROTOCOLS


class LoadBalancer(Resource):
    """id is the ARN for elbv2 load balancers and the name for Classic ones."""

    TYPE: ClassVar[str] = "elb.load_balancer"
    SERVICE: ClassVar[str] = "elb"

    lb_type: str | None = None  # application | network | gateway | classic
    scheme: str | None = None  # internet-facing | internal
    dns_name: str | None = None
    vpc_id: str | None = None
    listeners: list[LbListener] | None = None
    access_logs_enabled: bool | None = None
    access_logs_bucket: str | None = None
    deletion_protection: bool | None = None  # elbv2 only
    drop_invalid_header_fields: bool | None = None  # application only
    cross_zone: bool | None = None
    waf_web_acl_arn: str | None = None  # application only; "" when none is associated
    security_groups: list[str] | None = None

    @property
    def internet_facing(self) -> bool | None:
        return None if self.scheme is None else self.scheme == "internet-facing"

    @property
    def certificate_source(self) -> str | None:
        """Who renews the listeners' certificates: "acm", "iam", "" (no TLS listener)."""
        if self.listeners is None:
            return None
        arns = [a for lst in self.listeners for a in (lst.certificate_arns or [])]
        if not arns:
            return ""
        return "iam" if any(":iam::" in a for a in arns) else "acm"
