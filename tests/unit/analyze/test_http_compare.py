import pytest

from byway.analyze.http_compare import (
    COMMON_HEADERS,
    body_length_match,
    body_proportion,
    headers_match,
    status_code_match,
    title_match,
)


def test_body_proportion_threshold_is_strict() -> None:
    assert body_length_match(71, 100, truncated=False) == (True, 0.71)
    assert body_length_match(70, 100, truncated=False) == (False, 0.7)


def test_truncated_body_is_not_compared() -> None:
    assert body_length_match(10, 1000, truncated=True) == (None, None)


def test_empty_bodies_are_not_compared() -> None:
    assert body_proportion(0, 100) is None
    assert body_proportion(100, 0) is None


@pytest.mark.parametrize(
    ("probe", "control", "expected"),
    [
        (200, 200, True),
        (403, 200, False),
        (200, 500, None),
        (404, 503, None),
        (0, 200, None),
        (302, 301, False),
    ],
)
def test_status_code_match(probe: int, control: int, expected: bool | None) -> None:
    assert status_code_match(probe, control) is expected


def test_common_headers_are_ooni_s_list() -> None:
    assert len(COMMON_HEADERS) == 25
    assert {
        "date",
        "server",
        "set-cookie",
        "content-type",
        "cache-control",
        "via",
        "cf-ray",
    } <= COMMON_HEADERS


def test_headers_match_needs_an_uncommon_shared_name() -> None:
    assert headers_match([("Server", "a"), ("X-Served-By", "1")], [("x-served-by", "2")])
    assert not headers_match([("Server", "a"), ("Date", "x")], [("Server", "b"), ("X-Cache", "HIT")])
    assert headers_match([("Server", "a")], [("server", "b")])  # the same set of names
    assert not headers_match([], [])


def test_title_match_needs_a_long_shared_word() -> None:
    assert title_match("Welcome to Example", "Example Domain") is True
    assert title_match("Blocked page", "Example Domain") is False
    assert title_match("A b c", "x y") is None
    assert title_match("", "Example Domain") is None
    assert title_match("EXAMPLE", "example") is True
