"""Secrets come from the environment by name (`env:NAME`); their values never reach text we keep or show."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

ENV_PREFIX = "env:"
_MASK = "***"


class MissingSecret(Exception):
    """An environment variable a plan names is not set (or empty)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"environment variable {name} is not set")
        self.name = name


def read_env(name: str, env: Mapping[str, str]) -> str:
    value = env.get(name, "")
    if not value:
        raise MissingSecret(name)
    return value


def resolve_headers(headers: Mapping[str, str], env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The headers to send, and the secret values among them (to scrub from any text we keep)."""
    resolved: dict[str, str] = {}
    secrets: list[str] = []
    for name, value in headers.items():
        if value.startswith(ENV_PREFIX):
            value = read_env(value[len(ENV_PREFIX) :].strip(), env)
            secrets.append(value)
        resolved[name] = value
    return resolved, secrets


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Belt and braces: a server may echo a header back into a body or an error message."""
    # Longest first, so a secret that contains another is masked whole.
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, _MASK)
    return text
