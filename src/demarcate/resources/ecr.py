"""Amazon ECR repositories."""

from __future__ import annotations

from typing import ClassVar

from demarcate.resources.base import Resource


class EcrRepository(Resource):
    TYPE: ClassVar[str] = "ecr.repository"
    SERVICE: ClassVar[str] = "ecr"

    uri: str | None = None
    # Effective scan-on-push: the repository setting or a registry-level scanning rule.
    scan_on_push: bool | None = None
    scan_source: str | None = None  # why: "repository setting", "registry rule 'prod-*'" …
    registry_scan_type: str | None = None  # BASIC | ENHANCED
    tag_mutability: str | None = None  # MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION …
    encryption_type: str | None = None  # AES256 | KMS | KMS_DSSE
    kms_key_id: str | None = None

    @property
    def tags_immutable(self) -> bool | None:
        if self.tag_mutability is None:
            return None
        return self.tag_mutability.upper().startswith("IMMUTABLE")
