"""Scrubbing the user's address: everywhere it hides, and refusal when it survives."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byway.report.scrub import SCRUBBED, Scrubber, ScrubbingFailed, encode_body

USER = "203.0.113.77"


def test_scrubs_strings_keys_and_nested_values() -> None:
    scrubber = Scrubber.for_addresses(USER)
    document = {
        "a": f"your IP is {USER}.",
        f"{USER}:443": [{"x": f"http://{USER}/"}],
        "n": 3,
    }
    clean = scrubber.scrub(document)
    assert clean == {
        "a": f"your IP is {SCRUBBED}.",
        f"{SCRUBBED}:443": [{"x": f"http://{SCRUBBED}/"}],
        "n": 3,
    }


def test_other_addresses_that_contain_the_user_s_are_left_alone() -> None:
    scrubber = Scrubber.for_addresses("1.2.3.4")
    assert scrubber.text("11.2.3.45 and 1.2.3.40 and 1.2.3.4") == f"11.2.3.45 and 1.2.3.40 and {SCRUBBED}"


def test_ipv6_in_every_form_and_case() -> None:
    scrubber = Scrubber.for_addresses("2001:DB8::1")
    text = "a 2001:db8::1 b 2001:0DB8:0000:0000:0000:0000:0000:0001 c [2001:db8::1]:443 d 2001:db8::10"
    assert scrubber.text(text) == f"a {SCRUBBED} b {SCRUBBED} c [{SCRUBBED}]:443 d 2001:db8::10"


def test_extra_addresses_are_scrubbed_too() -> None:
    scrubber = Scrubber.for_addresses(USER, ["198.51.100.9"])
    assert scrubber.text(f"{USER} 198.51.100.9") == f"{SCRUBBED} {SCRUBBED}"


def test_refuses_when_percent_encoded_address_survives() -> None:
    scrubber = Scrubber.for_addresses("2001:db8::1")
    with pytest.raises(ScrubbingFailed):
        scrubber.scrub({"url": "https://example.org/?ip=2001%3Adb8%3A%3A1"})


def test_refuses_when_base64_body_carries_the_address() -> None:
    scrubber = Scrubber.for_addresses(USER)
    blob = base64.b64encode(b"\xff\xfe " + USER.encode()).decode()
    with pytest.raises(ScrubbingFailed):
        scrubber.scrub({"body": {"format": "base64", "data": blob}})


def test_binary_body_is_scrubbed_before_encoding() -> None:
    scrubber = Scrubber.for_addresses(USER)
    encoded = encode_body(b"\xff\xfe " + USER.encode(), scrubber)
    assert isinstance(encoded, dict) and encoded["format"] == "base64"
    scrubber.ensure_scrubbed({"body": encoded})
    assert encode_body(f"hello {USER}".encode(), scrubber) == f"hello {SCRUBBED}"


def test_nothing_to_scrub_is_a_no_op() -> None:
    scrubber = Scrubber.for_addresses("")
    assert scrubber.text(USER) == USER
    assert not scrubber.leaks({"x": USER})


@given(st.text(max_size=40), st.text(max_size=40))
def test_scrubbed_text_never_contains_the_address(before: str, after: str) -> None:
    scrubber = Scrubber.for_addresses(USER)
    clean = scrubber.text(f"{before} {USER} {after}")
    assert scrubber.text(clean) == clean  # nothing left to replace
    assert SCRUBBED in clean
