"""SHA-256 from the interpreter's own implementation, not through hashlib.

Importing hashlib sets up OpenSSL's digests: some 0.6 MiB resident, in a board that hashes one plan file and
a few names at its open. CPython builds its own
SHA-256 (the one hashlib falls back on) into every standard build, and the digests are the same. It is
slower on large input (2 ms where OpenSSL takes 0.4 on a 5,000-step plan) and quicker to import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol, cast


class _Hash(Protocol):
    def digest(self) -> bytes: ...

    def hexdigest(self) -> str: ...


def _constructor() -> Callable[[bytes], _Hash]:
    for module in ("_sha2", "_sha256"):  # Python 3.12 and later; 3.11
        try:
            return cast(Callable[[bytes], _Hash], importlib.import_module(module).sha256)
        except (ImportError, AttributeError):
            continue
    import hashlib  # an interpreter built without its own: OpenSSL's

    return hashlib.sha256


_SHA256 = _constructor()


def sha256_hex(data: bytes) -> str:
    return _SHA256(data).hexdigest()


def sha256_digest(data: bytes) -> bytes:
    return _SHA256(data).digest()
