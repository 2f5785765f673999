"""AWS KMS keys."""

from __future__ import annotations

from typing import Any, ClassVar

from demarcate.resources.base import Resource


class KmsKey(Resource):
    TYPE: ClassVar[str] = "kms.key"
    SERVICE: ClassVar[str] = "kms"

    key_manager: str | None = None  # "CUSTOMER" | "AWS"
    key_state: str | None = None  # Enabled, Disabled, PendingDeletion …
    key_spec: str | None = None  # SYMMETRIC_DEFAULT, RSA_2048 …
    origin: str | None = None  # AWS_KMS, EXTERNAL, AWS_CLOUDHSM
    rotation_enabled: bool | None = None
    policy: dict[str, Any] | None = None  # parsed key policy document

    @property
    def customer_managed(self) -> bool | None:
        return None if self.key_manager is None else self.key_manager == "CUSTOMER"
