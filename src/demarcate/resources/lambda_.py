"""AWS Lambda functions.

``env_vars`` holds names and values because the secret scan needs the values; they must never
appear in evidence, reports or logs (the field is excluded from ``repr``).

Runtime deprecation is a function of the runtime identifier and the date: see
:data:`RUNTIME_DEPRECATION` and :func:`runtime_deprecated`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from pydantic import Field

from demarcate.resources.base import Resource

# Deprecation dates of Lambda-managed runtimes as AWS publishes them ("Runtime deprecation",
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). After this date AWS no
# longer patches the runtime; creating and then updating functions is blocked later still.
# Dates in the future are AWS's announced schedule and may move; update this table when AWS
# publishes new dates or runtimes (a runtime missing here is treated as supported).
RUNTIME_DEPRECATION: dict[str, date] = {
    # Node.js
    "nodejs": date(2016, 10, 31),
    "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5),
    "nodejs6.10": date(2019, 8, 12),
    "nodejs8.10": date(2020, 3, 6),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs14.x": date(2023, 12, 4),
    "nodejs16.x": date(2024, 6, 12),
    "nodejs18.x": date(2025, 9, 1),
    "nodejs20.x": date(2026, 4, 30),
    "nodejs22.x": date(2027, 4, 30),
    "nodejs24.x": date(2028, 4, 30),
    # Python
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15),
    "python3.10": date(2026, 6, 30),
    "python3.11": date(2026, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.13": date(2029, 6, 30),
    "python3.14": date(2029, 6, 30),
    # Java
    "java8": date(2024, 1, 8),  # Amazon Linux 1
    "java8.al2": date(2026, 6, 30),
    "java11": date(2026, 6, 30),
    "java17": date(2026, 6, 30),
    "java21": date(2029, 6, 30),
    "java25": date(2029, 6, 30),
    # .NET
    "dotnetcore1.0": date(2019, 7, 27),
    "dotnetcore2.0": date(2019, 5, 30),
    "dotnetcore2.1": date(2022, 1, 5),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet5.0": date(2022, 5, 10),
    "dotnet6": date(2024, 11, 12),
    "dotnet7": date(2024, 5, 14),
    "dotnet8": date(2026, 11, 10),
    "dotnet10": date(2028, 11, 14),
    # Ruby
    "ruby2.5": date(2021, 7, 30),
    "ruby2.7": date(2023, 11, 27),
    "ruby3.2": date(2026, 3, 31),
    "ruby3.3": date(2027, 3, 31),
    "ruby3.4": date(2028, 3, 31),
    # Go and OS-only runtimes
    "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8),  # Amazon Linux 1
    "provided.al2": date(2026, 6, 30),
    "provided.al2023": date(2029, 6, 30),
}


def today() -> date:
    return datetime.now(UTC).date()


def runtime_deprecation(runtime: str | None) -> date | None:
    """The date AWS deprecates (deprecated) ``runtime``; None when not in the table."""
    return RUNTIME_DEPRECATION.get(runtime or "")


def runtime_deprecated(runtime: str | None, on: date | None = None) -> bool | None:
    """True when ``runtime`` is deprecated on ``on`` (default: today); None if runtime unknown."""
    if runtime is None:
        return None
    deprecated = runtime_deprecation(runtime)
    return deprecated is not None and (on or today()) >= deprecated


class LambdaFunction(Resource):
    """id is the function name; arn the unqualified function ARN."""

    TYPE: ClassVar[str] = "lambda.function"
    SERVICE: ClassVar[str] = "lambda"

    runtime: str | None = None  # "" for container-image functions
    package_type: str | None = None  # "Zip" | "Image"
    role_arn: str | None = None
    env_vars: dict[str, str] | None = Field(default=None, repr=False)  # {} when none
    kms_key_arn: str | None = None  # "" when environment variables use the AWS managed key
    vpc_subnet_ids: list[str] | None = None  # [] when not attached to a VPC
    vpc_security_group_ids: list[str] | None = None
    # None unknown, "" no function URL, otherwise "NONE" or "AWS_IAM" (the least strict of the
    # function's URLs when aliases have their own)
    url_auth_type: str | None = None
    resource_policy: dict[str, Any] | None = None  # {} when the function has no policy
    last_modified: str | None = None

    @property
    def env_var_names(self) -> list[str] | None:
        return None if self.env_vars is None else sorted(self.env_vars)

    @property
    def deprecated_runtime(self) -> bool | None:
        """Whether the runtime is deprecated today; False for container images (no runtime)."""
        if self.package_type == "Image":
            return False
        return runtime_deprecated(self.runtime)
