"""Spot plaintext secrets in configuration values (Lambda/ECS environment variables)."""

from __future__ import annotations

import re

SECRET_NAME = re.compile(
    r"(?i)(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|"
    r"auth|pwd|conn(ection)?[_-]?str(ing)?|dsn)"
)
# Values that are references to a secret store, not secrets themselves.
REFERENCE = re.compile(
    r"(?i)^(arn:aws[\w-]*:(secretsmanager|ssm|kms):|\{\{resolve:|/aws/reference/|ssm:)"
)
AWS_ACCESS_KEY = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")
PRIVATE_KEY = re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----")
URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")


def secret_reason(name: str, value: str | None) -> str | None:
    """Why ``name=value`` looks like a plaintext secret, or None when it does not."""
    text = "" if value is None else str(value)
    if AWS_ACCESS_KEY.search(text):
        return f"{name} holds an AWS access key id"
    if PRIVATE_KEY.search(text):
        return f"{name} holds a private key"
    if URL_WITH_PASSWORD.search(text):
        return f"{name} holds a URL with an embedded password"
    if SECRET_NAME.search(name) and text and not REFERENCE.match(text) and len(text) >= 6:
        return f"{name} looks like a secret and holds a literal value"
    return None


def secret_findings(env: dict[str, str]) -> list[str]:
    """Reasons for every variable that looks like a plaintext secret (values never echoed)."""
    out = []
    for name, value in sorted(env.items()):
        reason = secret_reason(name, value)
        if reason:
            out.append(reason)
    return out
