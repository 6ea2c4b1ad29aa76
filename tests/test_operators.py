"""Shared account names are worth a warning before they are recorded as the operator."""

from __future__ import annotations

import pytest

from relboard.domain.operators import is_shared_account, shared_account_warning


@pytest.mark.parametrize("name", ["root", " Root ", "ADMIN", "ubuntu", "ec2-user", "jenkins", "operator", "", "  "])
def test_shared_accounts(name):
    assert is_shared_account(name)
    assert shared_account_warning(name, where="prefs.toml").startswith("warning: recording as ")


@pytest.mark.parametrize("name", ["Sam Lindqvist", "sam", "rootkit-team", "Lee QA"])
def test_people(name):
    assert not is_shared_account(name)
    assert shared_account_warning(name, where="prefs.toml") == ""


def test_the_warning_says_how_to_give_a_name():
    assert shared_account_warning("root", where="config/prefs.toml") == (
        "warning: recording as 'root', a shared account: the timeline will not say who did this. Give your name"
        ' with --by NAME, or set it once on the board (or write operator = "Your Name" in config/prefs.toml).'
    )
