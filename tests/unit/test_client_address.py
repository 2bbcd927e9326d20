"""X-Forwarded-For counts only from a trusted proxy, and only its right-most untrusted hop."""

from __future__ import annotations

from starlette.requests import Request

from app.entrypoints.api.client_address import client_address
from app.settings import Settings


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return Request({"type": "http", "headers": headers, "client": (peer, 40000)})


NO_PROXY = Settings(environment="test")
PROXY = Settings(environment="test", trusted_proxies="10.0.0.5, fd00::/64")


def test_without_trusted_proxies_the_header_is_ignored_even_from_loopback() -> None:
    assert client_address(_request("127.0.0.1", "203.0.113.9"), NO_PROXY) == "127.0.0.1"


def test_a_trusted_proxy_names_the_client() -> None:
    assert client_address(_request("10.0.0.5", "203.0.113.9"), PROXY) == "203.0.113.9"


def test_a_forged_left_part_does_not_count() -> None:
    # the client wrote "1.2.3.4" itself; the proxy appended the address it saw
    assert client_address(_request("10.0.0.5", "1.2.3.4, 203.0.113.9"), PROXY) == "203.0.113.9"


def test_an_untrusted_peer_cannot_name_anyone() -> None:
    assert client_address(_request("198.51.100.1", "203.0.113.9"), PROXY) == "198.51.100.1"


def test_garbage_in_the_header_counts_as_the_proxy() -> None:
    assert client_address(_request("10.0.0.5", "nonsense"), PROXY) == "10.0.0.5"
