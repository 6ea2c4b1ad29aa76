"""SHA-256 without hashlib gives hashlib's digests: plan hashes, writer ids and event ids stay what they were."""

from __future__ import annotations

import hashlib

import pytest

from relboard.domain.digests import sha256_digest, sha256_hex
from relboard.store.plan_file import load_plan
from tests.conftest import MINIMAL


@pytest.mark.parametrize("size", [0, 1, 55, 56, 63, 64, 65, 1000, 1 << 20])
def test_digests_equal_hashlibs(size):
    data = bytes((n * 7 + 3) % 256 for n in range(size))
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
    assert sha256_digest(data) == hashlib.sha256(data).digest()


def test_a_plans_hash_is_the_sha256_of_its_bytes():
    assert load_plan(MINIMAL).hash == hashlib.sha256(MINIMAL.read_bytes()).hexdigest()
