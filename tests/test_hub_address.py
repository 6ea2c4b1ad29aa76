"""The hub's address: what is accepted, and the secret parts masked in everything shown."""

from __future__ import annotations

import pytest

from relboard.hub.address import HubAddressError, hub_address


def test_no_hub_configured_means_none():
    assert hub_address(None, {}) is None
    assert hub_address("  ", {"RELBOARD_HUB": ""}) is None


def test_the_option_wins_over_the_environment():
    address = hub_address("nats://a:4222", {"RELBOARD_HUB": "nats://b:4222"})
    assert address is not None
    assert address.servers == ("nats://a:4222",)


@pytest.mark.parametrize(
    ("given", "masked", "secrets"),
    [
        ("nats://hub.example:4222", "nats://hub.example:4222", ()),
        ("hub.example:4222", "nats://hub.example:4222", ()),
        ("nats://alice:pa55@hub:4222", "nats://alice:***@hub:4222", ("pa55",)),
        ("tls://t0ken@hub:4443", "tls://***@hub:4443", ("t0ken",)),
        ("nats://a:1,tls://u:p@b:2", "nats://a:1,tls://u:***@b:2", ("p",)),
        ("nats://[::1]:4222", "nats://[::1]:4222", ()),
    ],
)
def test_addresses_and_their_masked_form(given, masked, secrets):
    address = hub_address(given, {})
    assert address is not None
    assert address.masked == masked
    assert address.secrets == secrets
    assert all(secret not in address.masked for secret in secrets)
    for secret in secrets:
        assert address.scrub(f"server said {secret}!") == "server said ***!"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("http://alice:pa55@hub:80", "hub address http://alice:***@hub:80: use nats:// or tls://"),
        ("nats://hub:99999", "hub address nats://hub:?: the port is not a number"),
        ("nats://:4222", "no host name"),
        (",,", "hub address: empty"),
    ],
)
def test_unusable_addresses_say_why_without_the_secret(given, message):
    with pytest.raises(HubAddressError) as caught:
        hub_address(given, {})
    assert message in str(caught.value)
    assert "pa55" not in str(caught.value)


def test_credentials_files_come_from_the_environment(tmp_path):
    creds = tmp_path / "team.creds"
    creds.write_text("-----BEGIN NATS USER JWT-----\n", encoding="utf-8")
    address = hub_address("nats://hub:4222", {"RELBOARD_HUB_CREDS": str(creds)})
    assert address is not None
    assert address.connect_options()["user_credentials"] == str(creds)
    with pytest.raises(HubAddressError, match=r"RELBOARD_HUB_NKEY: .* is not a readable file"):
        hub_address("nats://hub:4222", {"RELBOARD_HUB_NKEY": str(tmp_path / "missing.nk")})
