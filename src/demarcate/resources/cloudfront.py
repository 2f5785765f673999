"""Amazon CloudFront distributions."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from demarcate.resources.base import Resource


class CfOrigin(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    id: str
    domain: str | None = None
    is_s3: bool | None = None  # an S3 REST endpoint (not an S3 website endpoint)
    oac_id: str | None = None  # "" when none
    oai: str | None = None  # "" when none
    protocol_policy: str | None = None  # custom origins: http-only | match-viewer | https-only
    ssl_protocols: list[str] | None = None  # custom origins: TLSv1.2, TLSv1.1, TLSv1, SSLv3


class CloudFrontDistribution(Resource):
    TYPE: ClassVar[str] = "cloudfront.distribution"
    SERVICE: ClassVar[str] = "cloudfront"

    domain_name: str | None = None
    enabled: bool | None = None
    aliases: list[str] | None = None
    # behaviour path pattern ("*" for the default behaviour) -> viewer protocol policy
    viewer_protocol_policies: dict[str, str] | None = None
    minimum_protocol_version: str | None = None  # TLSv1, TLSv1.1_2016, TLSv1.2_2021 …
    uses_default_certificate: bool | None = None
    certificate_source: str | None = None  # "acm" | "iam" | "cloudfront"
    ssl_support_method: str | None = None  # sni-only | vip | static-ip
    origins: list[CfOrigin] | None = None
    web_acl_id: str | None = None  # WAFv2 ARN or WAF Classic id; "" when none
    logging_enabled: bool | None = None  # standard logging (legacy S3) or v2 log delivery
    logging_destination: str | None = None  # bucket or "CloudWatch Logs delivery …"

    @property
    def origin_protocol_policies(self) -> dict[str, str] | None:
        if self.origins is None:
            return None
        return {o.id: o.protocol_policy for o in self.origins if o.protocol_policy}
