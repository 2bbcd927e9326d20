"""Webhook targets cannot reach the platform's own network (server-side request forgery)."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import ip_network

import httpx
import pytest

from app.adapters.events.target_guard import (
    GuardedHttpSender,
    TargetPolicy,
    TargetRefused,
    check_url,
    resolve_target,
)

STRICT = TargetPolicy(require_https=True)
LOCAL_TRY = TargetPolicy(require_https=False, allowed_networks=(ip_network("127.0.0.1/32"),))


def _resolver(*answers: str):
    return lambda host, port: list(answers)


@pytest.mark.parametrize(
    "url",
    [
        "http://rav.example/hook",  # plain http
        "https://127.0.0.1/hook",  # loopback
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata (link-local)
        "https://10.1.2.3/hook",  # private
        "https://192.168.1.1/hook",
        "https://100.64.0.1/hook",  # shared address space
        "https://[::ffff:127.0.0.1]/hook",  # loopback in IPv6 clothing
        "https://[fd00:ec2::254]/hook",  # metadata over IPv6 (unique local)
        "https://user:pw@rav.example/hook",  # credentials in the URL
        "ftp://rav.example/hook",
        "https:///hook",
    ],
)
def test_internal_or_odd_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        resolve_target(url, STRICT, _resolver("203.0.113.10"))


def test_a_name_that_resolves_to_an_internal_address_is_refused_at_delivery() -> None:
    check_url("https://rebind.example/hook", STRICT)  # the name alone passes at subscription
    with pytest.raises(TargetRefused, match="interne Adresse"):
        resolve_target("https://rebind.example/hook", STRICT, _resolver("93.184.216.34", "10.0.0.5"))


def test_a_public_target_resolves_to_the_checked_address() -> None:
    address = resolve_target("https://rav.example:8443/hook", STRICT, _resolver("93.184.216.34"))
    assert str(address) == "93.184.216.34"


def test_a_listed_network_may_be_reached_and_plain_http_only_there_outside_production() -> None:
    assert str(resolve_target("http://127.0.0.1:8201/hook", LOCAL_TRY)) == "127.0.0.1"
    with pytest.raises(TargetRefused):
        check_url("http://rav.example/hook", LOCAL_TRY)  # http to a name: never
    with pytest.raises(TargetRefused):
        check_url("http://127.0.0.1/hook", STRICT)


def test_an_unresolvable_host_is_refused() -> None:
    def failing(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    with pytest.raises(TargetRefused, match="auflösen"):
        resolve_target("https://nowhere.example/hook", STRICT, failing)


def test_the_sender_posts_to_the_checked_address_follows_no_redirect_and_reads_a_bounded_answer() -> None:
    seen: list[httpx.Request] = []
    chunks_sent: list[int] = []

    class Flood(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            for number in range(1000):
                chunks_sent.append(number)
                yield b"x" * 1000

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/moved":
            return httpx.Response(302, headers={"Location": "https://10.0.0.5/steal"}, stream=Flood())
        return httpx.Response(200, stream=Flood())

    sender = GuardedHttpSender(
        5,
        STRICT,
        max_response_bytes=1024,
        resolver=_resolver("93.184.216.34"),
        transport=httpx.MockTransport(answer),
    )
    assert sender.post("https://rav.example/hook", b"{}", {}) == 200
    assert len(chunks_sent) <= 2  # the flood of an answer is cut off
    assert sender.post("https://rav.example/moved", b"{}", {}) == 302  # not followed: a failed attempt
    assert [r.url.host for r in seen] == ["93.184.216.34", "93.184.216.34"]
    assert seen[0].headers["Host"] == "rav.example"
    assert seen[0].extensions["sni_hostname"] == "rav.example"
    with pytest.raises(TargetRefused):
        GuardedHttpSender(5, STRICT, resolver=_resolver("127.0.0.1")).post("https://rav.example/h", b"", {})
