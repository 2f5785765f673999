"""Amazon EBS: volumes, the account's own snapshots and the per-region default encryption."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from demarcate.resources.base import Resource


class EbsVolume(Resource):
    TYPE: ClassVar[str] = "ebs.volume"
    SERVICE: ClassVar[str] = "ebs"

    state: str | None = None  # creating | available | in-use | deleting | error
    size_gib: int | None = None
    volume_type: str | None = None
    encrypted: bool | None = None
    kms_key_id: str | None = None  # "" when unencrypted
    attached_instance_ids: list[str] | None = None
    # AWS Backup: a recovery point exists for the volume or for an instance it is attached to
    backed_up: bool | None = None
    last_backup_time: datetime | None = None
    backed_up_via: str | None = None  # ARN of the protected resource (volume or instance)


class EbsSnapshot(Resource):
    """A snapshot the account owns."""

    TYPE: ClassVar[str] = "ebs.snapshot"
    SERVICE: ClassVar[str] = "ebs"

    volume_id: str | None = None
    state: str | None = None
    encrypted: bool | None = None
    kms_key_id: str | None = None
    public: bool | None = None  # createVolumePermission for group "all"
    shared_with_accounts: list[str] | None = None
    start_time: datetime | None = None


class EbsEncryptionByDefault(Resource):
    """Regional singleton, id ``ebs-encryption-by-default:<region>``."""

    TYPE: ClassVar[str] = "ebs.encryption_by_default"
    SERVICE: ClassVar[str] = "ebs"
    NOUN: ClassVar[str] = "region"

    enabled: bool | None = None
    kms_key_id: str | None = None  # default key for new volumes (alias/aws/ebs unless changed)
