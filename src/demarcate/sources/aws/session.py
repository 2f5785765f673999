"""boto3 plumbing for live scans: clients, retries, concurrency, API-call counting, outcomes.

Collectors never let an exception escape for an AWS error. Every call goes through
:meth:`AwsContext.call` / :meth:`AwsContext.paginate`, which return an :class:`Outcome`
saying whether the value is there, absent (a "not configured" error code), or unknown
(denied, throttled, unreachable, unsupported) with the IAM action and reason named.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)
from botocore.parsers import ResponseParserError

T = TypeVar("T")
U = TypeVar("U")

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthFailure",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "OptInRequired",
        "SubscriptionRequiredException",
    }
)
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "RequestThrottled",
        "RequestThrottledException",
        "ProvisionedThroughputExceededException",
    }
)

# Where the IAM action name differs from the API operation name.
IAM_ACTION_OVERRIDES: dict[str, str] = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:HeadBucket": "s3:ListBucket",
    "elasticloadbalancing:DescribeLoadBalancerPolicies": "elasticloadbalancing:DescribeLoadBalancerPolicies",
    "lambda:ListFunctions20150331": "lambda:ListFunctions",
    "lambda:GetPolicy20150331v2": "lambda:GetPolicy",
    "lambda:GetFunctionConfiguration20150331v2": "lambda:GetFunctionConfiguration",
    "lambda:ListFunctionUrlConfigs": "lambda:ListFunctionUrlConfigs",
    "cloudfront:ListDistributions2020_05_31": "cloudfront:ListDistributions",
    "cloudfront:GetDistributionConfig2020_05_31": "cloudfront:GetDistributionConfig",
    "cloudfront:ListDistributions": "cloudfront:ListDistributions",
}


# Where the IAM prefix differs from the signing name.
IAM_PREFIX = {"monitoring": "cloudwatch"}


def iam_action(service_model: Any, operation: str) -> str:
    """The IAM action that authorises an API operation (e.g. s3:ListBuckets -> s3:ListAllMyBuckets)."""
    by_service = f"{service_model.service_name}:{operation}"
    if by_service in IAM_ACTION_OVERRIDES:
        return IAM_ACTION_OVERRIDES[by_service]
    prefix = IAM_PREFIX.get(service_model.signing_name, service_model.signing_name)
    raw = f"{prefix}:{operation}"
    return IAM_ACTION_OVERRIDES.get(raw, raw)


class UnsupportedOperation(Exception):
    """The endpoint says it does not implement this operation: retrying cannot help."""


def _not_implemented(response: Any = None, custom_endpoint: bool = False, **_: Any) -> None:
    """``needs-retry`` hook that stops retries of answers saying "not implemented".

    Raising here aborts botocore's retry loop; :meth:`AwsContext.call` turns it into UNKNOWN.
    On a custom endpoint (an emulator, a proxy) an HTML 500 page is treated the same way.
    """
    if not response:
        return
    http = response[0]
    if http is None or http.status_code not in (500, 501):
        return
    body = (http.content or b"")[:4000].lower()
    if b"not implemented" in body or b"not been implemented" in body or b"notimplemented" in body:
        raise UnsupportedOperation(f"HTTP {http.status_code}: not implemented")
    if custom_endpoint and (b"<html" in body or b"<!doctype" in body):
        raise UnsupportedOperation(f"HTTP {http.status_code}: an HTML error page")


def _unprefix_host(request: Any = None, endpoint: str = "", **_: Any) -> None:
    """S3 Control puts the account id in front of the host ("<account>.<host>"); a custom
    endpoint (moto, a private endpoint) has no such DNS names, so send it to the endpoint."""
    if request is None:
        return
    url = urlsplit(request.url)
    want = urlsplit(endpoint).netloc
    head, _, rest = url.netloc.partition(".")
    if rest == want and head.isdigit():
        request.url = urlunsplit(url._replace(netloc=want))


@dataclass(frozen=True)
class Outcome:
    """Result of one AWS read: a value, a known absence, or an error that makes it unknown."""

    value: Any = None
    absent: bool = False
    error: str | None = None
    code: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.absent

    @property
    def denied(self) -> bool:
        return self.code in DENIED_CODES


class CallCounter:
    """Thread-safe count of API calls per IAM action (each page of a paginator counts)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_action: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        name = iam_action(model.service_model, model.name)
        with self._lock:
            self.by_action[name] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.by_action.values())


class AwsContext:
    """One scan's connection to AWS: a session, cached clients, a counter and worker pools."""

    def __init__(
        self,
        profile: str | None = None,
        endpoint_url: str | None = None,
        max_workers: int = 16,
        max_attempts: int = 8,
        session: boto3.Session | None = None,
    ) -> None:
        self.session = session or boto3.Session(profile_name=profile)
        self.endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        self.max_workers = max_workers
        self.counter = CallCounter()
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": max_attempts},
            max_pool_connections=max(10, max_workers * 2),
            connect_timeout=10,
            read_timeout=30,
            user_agent_extra="demarcate",
        )
        # Per-resource calls run here; collectors run in the scanner's own pool, so nested
        # fan-out can never starve the pool that waits on it.
        self.item_pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="item")

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            cli = self._clients.get(key)
            if cli is None:
                config = self.config
                cli = self.session.client(  # type: ignore[call-overload]
                    service,
                    region_name=region,
                    endpoint_url=self.endpoint_url,
                    config=config,
                )
                cli.meta.events.register("before-call", self.counter)
                service_id = cli.meta.service_model.service_id.hyphenize()
                if service == "s3control" and self.endpoint_url:
                    cli.meta.events.register(
                        "before-sign.s3-control",
                        functools.partial(_unprefix_host, endpoint=self.endpoint_url),
                    )
                cli.meta.events.register_first(
                    f"needs-retry.{service_id}",
                    functools.partial(_not_implemented, custom_endpoint=bool(self.endpoint_url)),
                )
                self._clients[key] = cli
            return cli

    @staticmethod
    def action_of(client: Any, operation: str) -> str:
        op_model = client.meta.service_model.operation_model(operation)
        return iam_action(client.meta.service_model, op_model.name)

    def call(
        self, client: Any, method: str, *, absent: Iterable[str] = (), **kwargs: Any
    ) -> Outcome:
        """Call ``client.<method>(**kwargs)``; codes in ``absent`` mean "not configured"."""
        operation = client.meta.method_to_api_mapping.get(method, method)
        try:
            return Outcome(value=getattr(client, method)(**kwargs))
        except ClientError as exc:
            return self._client_error(client, operation, exc, absent)
        except (EndpointConnectionError, BotoConnectionError) as exc:
            return Outcome(
                error=f"{self.action_of(client, operation)} unreachable: {exc}", code="Unreachable"
            )
        except (NoCredentialsError, NoRegionError) as exc:
            return Outcome(
                error=f"{self.action_of(client, operation)}: {exc}", code="NoCredentials"
            )
        except BotoCoreError as exc:
            return Outcome(
                error=f"{self.action_of(client, operation)} failed: {exc}", code=type(exc).__name__
            )
        except ResponseParserError:  # an HTML error page where an AWS answer belongs
            return Outcome(
                error=f"{self.action_of(client, operation)} is not supported by this endpoint "
                "(unparseable answer)",
                code="Unparseable",
            )
        except UnsupportedOperation as exc:
            return Outcome(
                error=f"{self.action_of(client, operation)} is not supported by this endpoint ({exc})",
                code="NotImplemented",
            )
        except NotImplementedError:  # an emulator (moto in-process) without this API
            return Outcome(
                error=f"{self.action_of(client, operation)} is not supported by this endpoint",
                code="NotImplemented",
            )

    def paginate(
        self,
        client: Any,
        method: str,
        key: str,
        *,
        absent: Iterable[str] = (),
        **kwargs: Any,
    ) -> Outcome:
        """All items under ``key`` across pages (or the single response if not pageable)."""
        operation = client.meta.method_to_api_mapping.get(method, method)
        items: list[Any] = []
        try:
            if client.can_paginate(method):
                for page in client.get_paginator(method).paginate(**kwargs):
                    items.extend(page.get(key, []) or [])
            else:
                items.extend(getattr(client, method)(**kwargs).get(key, []) or [])
            return Outcome(value=items)
        except ClientError as exc:
            return self._client_error(client, operation, exc, absent)
        except (EndpointConnectionError, BotoConnectionError) as exc:
            return Outcome(
                error=f"{self.action_of(client, operation)} unreachable: {exc}", code="Unreachable"
            )
        except BotoCoreError as exc:
            return Outcome(
                error=f"{self.action_of(client, operation)} failed: {exc}", code=type(exc).__name__
            )
        except ResponseParserError:  # an HTML error page where an AWS answer belongs
            return Outcome(
                error=f"{self.action_of(client, operation)} is not supported by this endpoint "
                "(unparseable answer)",
                code="Unparseable",
            )
        except UnsupportedOperation as exc:
            return Outcome(
                error=f"{self.action_of(client, operation)} is not supported by this endpoint ({exc})",
                code="NotImplemented",
            )
        except NotImplementedError:  # an emulator (moto in-process) without this API
            return Outcome(
                error=f"{self.action_of(client, operation)} is not supported by this endpoint",
                code="NotImplemented",
            )

    def _client_error(
        self, client: Any, operation: str, exc: ClientError, absent: Iterable[str]
    ) -> Outcome:
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "Unknown"))
        if code in set(absent):
            return Outcome(absent=True, code=code)
        action = self.action_of(client, operation)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        message = " ".join(str(err.get("Message", "")).split())
        if message.startswith("<"):  # an HTML error page, not an AWS error body
            message = f"HTTP {status}"
        message = message[:200]
        if code in DENIED_CODES or status == 403:
            reason = f"{action} denied ({code}): grant {action} to the scanning role"
        elif code in THROTTLE_CODES or status == 429:
            reason = f"{action} throttled ({code}) after retries"
        elif status in (500, 501) and (
            "implemented" in message.lower() or message == f"HTTP {status}"
        ):
            reason = f"{action} is not supported by this endpoint ({message})"
        else:
            reason = f"{action} failed ({code}): {message}".strip()
        return Outcome(error=reason, code=code)

    def map(self, fn: Callable[[T], U], items: Iterable[T]) -> list[U]:
        """Run ``fn`` over items concurrently (per-resource detail calls), keeping order."""
        seq = list(items)
        if len(seq) <= 1:
            return [fn(i) for i in seq]
        return list(self.item_pool.map(fn, seq))

    def close(self) -> None:
        self.item_pool.shutdown(wait=True)
