import pytest

from byway.analyze.addresses import AddressPolicy, is_ip_literal

BOGONS = [
    "10.10.34.35",
    "172.16.0.1",
    "192.168.1.1",
    "127.0.0.1",
    "169.254.1.1",
    "100.64.0.1",
    "100.127.255.255",
    "224.0.0.251",
    "240.0.0.1",
    "255.255.255.255",
    "0.0.0.0",
    "192.0.2.7",
    "198.51.100.1",
    "203.0.113.9",
    "198.18.0.1",
    "198.19.255.254",
    "::",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "2001:db8::1",
    "::ffff:10.0.0.1",
]
PUBLIC = [
    "93.184.215.14",
    "8.8.8.8",
    "1.1.1.1",
    "100.128.0.1",
    "198.20.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
]


@pytest.mark.parametrize("address", BOGONS)
def test_standard_bogons(address: str) -> None:
    assert AddressPolicy.standard().is_bogon(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_not_bogons(address: str) -> None:
    assert not AddressPolicy.standard().is_bogon(address)


def test_not_an_address_is_not_a_bogon() -> None:
    assert not AddressPolicy.standard().is_bogon("example.org")
    assert not is_ip_literal("example.org")
    assert is_ip_literal("2001:db8::1")


def test_environment_declares_lab_ranges_public() -> None:
    policy = AddressPolicy.from_environment({"BYWAY_PUBLIC_RANGES": " 10.0.0.0/8 , fd00::/8,"})
    assert not policy.is_bogon("10.10.34.35")
    assert not policy.is_bogon("fd00::5")
    assert policy.is_bogon("192.168.1.1")
    assert policy.bogons(["10.1.1.1", "127.0.0.1", "8.8.8.8"]) == ("127.0.0.1",)


def test_environment_without_variable_is_standard() -> None:
    assert AddressPolicy.from_environment({}) == AddressPolicy.standard()


def test_malformed_range_is_rejected() -> None:
    with pytest.raises(ValueError):
        AddressPolicy.from_environment({"BYWAY_PUBLIC_RANGES": "10.0.0.0/33"})
