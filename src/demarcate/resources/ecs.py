"""Amazon ECS clusters, services and task definitions (Fargate included).

Launch types are recorded exactly ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES", or
"MIXED" for a capacity-provider strategy spanning several), because who patches the host OS
depends on it: the customer on EC2/EXTERNAL, AWS on Fargate.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from demarcate.resources.base import Resource

FARGATE_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})


class EcsCluster(Resource):
    TYPE: ClassVar[str] = "ecs.cluster"
    SERVICE: ClassVar[str] = "ecs"

    status: str | None = None  # ACTIVE, PROVISIONING, INACTIVE …
    container_insights: str | None = None  # "enabled" | "enhanced" | "disabled"
    registered_container_instances: int | None = None
    capacity_providers: list[str] | None = None
    default_capacity_provider_strategy: list[str] | None = None  # provider names

    @property
    def insights_on(self) -> bool | None:
        if self.container_insights is None:
            return None
        return self.container_insights.lower() in ("enabled", "enhanced")


class EcsService(Resource):
    """id is ``<cluster>/<service>`` (service names are unique only within a cluster)."""

    TYPE: ClassVar[str] = "ecs.service"
    SERVICE: ClassVar[str] = "ecs"

    cluster: str | None = None  # cluster name
    cluster_arn: str | None = None
    # "EC2" | "FARGATE" | "EXTERNAL" | "MANAGED_INSTANCES" | "MIXED" (strategy over several)
    launch_type: str | None = None
    capacity_providers: list[str] | None = None  # names in the service's strategy ([] if none)
    platform_version: str | None = None  # Fargate only: "LATEST", "1.4.0" …; "" when not Fargate
    platform_family: str | None = None  # "Linux", "WINDOWS_SERVER_2019_FULL" …
    network_mode_awsvpc: bool | None = None  # the service has an awsvpc network configuration
    assign_public_ip: bool | None = None
    task_definition: str | None = None  # task definition ARN
    desired_count: int | None = None

    @property
    def uses_fargate(self) -> bool | None:
        if self.launch_type is None:
            return None
        if self.launch_type == "FARGATE":
            return True
        return bool(set(self.capacity_providers or ()) & FARGATE_PROVIDERS)


class EcsContainer(BaseModel):
    """One container definition. Absent settings are real values ("" / False / {} / [])."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    name: str
    image: str | None = None
    essential: bool | None = None
    privileged: bool | None = None
    user: str | None = None  # "" when not set (the image's default user, usually root)
    readonly_root_filesystem: bool | None = None
    environment: dict[str, str] | None = None  # name -> value; never print the values
    secrets: list[str] | None = None  # names of variables injected from a secret store
    log_driver: str | None = None  # "" when the container has no log configuration


class EcsTaskDefinition(Resource):
    """The latest ACTIVE revision of one task definition family; id is ``family:revision``."""

    TYPE: ClassVar[str] = "ecs.task_definition"
    SERVICE: ClassVar[str] = "ecs"

    family: str | None = None
    revision: int | None = None
    requires_compatibilities: list[str] | None = None  # ["FARGATE"], ["EC2"], [] …
    network_mode: str | None = None  # awsvpc, bridge, host, none
    cpu: str | None = None  # task-level; "" when not set
    memory: str | None = None  # task-level; "" when not set
    task_role_arn: str | None = None  # "" when none
    execution_role_arn: str | None = None  # "" when none
    pid_mode: str | None = None  # "" when not set
    os_family: str | None = None  # runtimePlatform: LINUX, WINDOWS_SERVER_2022_CORE …; "" unset
    containers: list[EcsContainer] | None = None

    @property
    def fargate(self) -> bool | None:
        if self.requires_compatibilities is None:
            return None
        return "FARGATE" in self.requires_compatibilities

    @property
    def windows(self) -> bool:
        return (self.os_family or "").upper().startswith("WINDOWS")
