"""The scanner's least-privilege IAM policy, generated from what the collectors declare."""

from __future__ import annotations

import json
from typing import Any

from demarcate.sources.aws.registry import declared_actions

READ_VERBS = ("List", "Get", "Describe", "BatchGet", "Search", "Lookup")
# Read-only in effect although the verb is not: it only produces the account's report.
READ_EXCEPTIONS = frozenset({"iam:GenerateCredentialReport"})


def is_read_only(action: str) -> bool:
    _, _, name = action.partition(":")
    return action in READ_EXCEPTIONS or name.startswith(READ_VERBS)


def scanner_policy() -> dict[str, Any]:
    actions = declared_actions()
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DemarcateReadOnlyScan",
                "Effect": "Allow",
                "Action": actions,
                "Resource": "*",
            }
        ],
    }


def policy_json() -> str:
    return json.dumps(scanner_policy(), indent=2) + "\n"
