"""Who is recorded in events: a person's name, not the account a terminal happens to run as.

Events say who did what; "root" on every line tells the change manager nothing. These are the
account names shared by many people or machines (superusers, cloud images' default users, CI and
deploy accounts, the fallback "operator"): recording one of them is worth a warning and, on the
board, a question for the engineer's name.
"""

from __future__ import annotations

SHARED_ACCOUNTS = frozenset(
    {
        # superusers and system accounts
        "root",
        "toor",
        "admin",
        "administrator",
        "nobody",
        "www-data",
        # default users of cloud and distribution images
        "ubuntu",
        "debian",
        "centos",
        "fedora",
        "ec2-user",
        "azureuser",
        "opc",
        "pi",
        "vagrant",
        "user",
        "guest",
        # deploy and CI accounts
        "deploy",
        "deployer",
        "jenkins",
        "gitlab-runner",
        "runner",
        "circleci",
        "ci",
        "build",
        "docker",
        # team accounts, and relboard's own fallback when no login name can be found
        "oncall",
        "on-call",
        "shared",
        "operator",
    }
)


def is_shared_account(name: str) -> bool:
    """True for an empty name or one of SHARED_ACCOUNTS (case and surrounding spaces ignored)."""
    word = name.strip().casefold()
    return not word or word in SHARED_ACCOUNTS


def shared_account_warning(name: str, *, where: str) -> str:
    """The warning a command prints before recording `name`, or "" for a person's name.

    `where` names the preferences file, where the board remembers the engineer's name.
    """
    if not is_shared_account(name):
        return ""
    shown = name.strip() or "(no name)"
    return (
        f"warning: recording as {shown!r}, a shared account: the timeline will not say who did this. Give your"
        f' name with --by NAME, or set it once on the board (or write operator = "Your Name" in {where}).'
    )
