"""Where the hub is and how to log in: `--hub URL` or `RELBOARD_HUB`, credentials from the URL or the environment.

    nats://hub.example:4222                      one server
    tls://hub-a:4222,tls://hub-b:4222            a cluster (any member will do; the client follows the others)
    nats://alice:s3cret@hub:4222                 user and password in the URL
    nats://s3cr3t-token@hub:4222                 a token in the URL
    RELBOARD_HUB_CREDS=~/.nats/team.creds        a NATS credentials file (JWT and nkey seed)
    RELBOARD_HUB_NKEY=~/.nats/me.nk              an nkey seed file

The secret parts are kept out of every text relboard shows or writes: `masked` is the address for
messages, and `scrub` takes the secrets out of any text that came back from the server or the client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from msgspec import Struct

from relboard.net.secrets import scrub

HUB_ENV = "RELBOARD_HUB"
CREDS_ENV = "RELBOARD_HUB_CREDS"
NKEY_ENV = "RELBOARD_HUB_NKEY"
_SCHEMES = ("nats", "tls")
_MASK = "***"


class HubAddressError(ValueError):
    """An address relboard cannot use; the message names the masked address, never a secret."""


class HubAddress(Struct, frozen=True):
    servers: tuple[str, ...]
    masked: str
    secrets: tuple[str, ...] = ()
    creds_file: str | None = None
    nkey_file: str | None = None

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def connect_options(self) -> dict[str, object]:
        options: dict[str, object] = {"servers": list(self.servers)}
        if self.creds_file:
            options["user_credentials"] = self.creds_file
        if self.nkey_file:
            options["nkeys_seed"] = self.nkey_file
        return options


def hub_address(option: str | None, env: Mapping[str, str] | None = None) -> HubAddress | None:
    """The hub from `--hub` (first) or RELBOARD_HUB; None when neither is set (no hub: as before)."""
    env = os.environ if env is None else env
    text = (option or env.get(HUB_ENV, "")).strip()
    if not text:
        return None
    return parse_address(text, env)


def parse_address(text: str, env: Mapping[str, str]) -> HubAddress:
    servers: list[str] = []
    masked: list[str] = []
    secrets: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        url = _split(part)
        shown = _masked(url)
        if url.scheme not in _SCHEMES:
            raise HubAddressError(
                f"hub address {shown}: use nats:// or tls:// (several servers of a cluster separated by commas)"
            )
        if not url.hostname:
            raise HubAddressError(f"hub address {shown}: no host name")
        try:
            url.port  # noqa: B018 - urllib checks the port only when it is read
        except ValueError:
            raise HubAddressError(f"hub address {shown}: the port is not a number from 1 to 65535") from None
        if url.password:
            secrets.append(url.password)
        elif url.username:
            secrets.append(url.username)  # alone it is a token
        servers.append(part)
        masked.append(shown)
    if not servers:
        raise HubAddressError("hub address: empty; give nats://HOST:PORT or tls://HOST:PORT")
    creds = _file(env, CREDS_ENV)
    nkey = _file(env, NKEY_ENV)
    return HubAddress(tuple(servers), ",".join(masked), tuple(secrets), creds, nkey)


def _split(part: str) -> SplitResult:
    try:
        return urlsplit(part if "://" in part else f"nats://{part}")
    except ValueError:
        raise HubAddressError("hub address: cannot be read as a URL") from None


def _masked(url: SplitResult) -> str:
    host = url.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{url.port}" if url.port else ""
    except ValueError:
        port = ":?"
    login = ""
    if url.password:
        login = f"{url.username}:{_MASK}@"
    elif url.username:
        login = f"{_MASK}@"
    return f"{url.scheme}://{login}{host}{port}"


def _file(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_file():
        raise HubAddressError(f"{name}: {path} is not a readable file")
    return str(path)
