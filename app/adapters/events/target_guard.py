"""Webhook targets checked against server-side request forgery.

A subscriber names the URL; the worker posts to it from inside the platform's network. So, at every
delivery: https only (plain http only in dev and test, to a listed address given as an IP); the host
is resolved and every address it resolves to must be a public one (no loopback, link-local incl. the
cloud metadata address, private, shared, multicast or reserved range) unless an operator listed its
network in COCKPIT_WEBHOOK_ALLOWED_NETWORKS. The request then goes to exactly the address that was
checked (the name only in Host and TLS SNI, so a second DNS answer cannot swap it), redirects are not
followed, and no more than a bounded part of the answer is read.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from app.settings import Settings

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
Resolver = Callable[[str, int], Sequence[str]]


class TargetRefused(OSError):
    """The URL may not be called; the message is German and names the reason (not the address)."""


@dataclass(frozen=True)
class TargetPolicy:
    require_https: bool = True
    allowed_networks: tuple[Network, ...] = ()


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def check_url(url: str, policy: TargetPolicy) -> tuple[str, int]:
    """The static part (scheme, host, no credentials in the URL); (host, port) when it passes."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and policy.require_https):
        raise TargetRefused("Die Empfangs-URL muss mit https:// beginnen.")
    if not parts.hostname:
        raise TargetRefused("Die Empfangs-URL nennt keinen Host.")
    if parts.username or parts.password:
        raise TargetRefused("Die Empfangs-URL darf keine Zugangsdaten enthalten.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("Die Empfangs-URL hat einen ungültigen Port.") from None
    literal = _literal(parts.hostname)
    if parts.scheme == "http" and not (literal and _listed(literal, policy)):
        # plain http is for a receiver on a listed internal address in dev and test, nothing else
        raise TargetRefused("Die Empfangs-URL muss mit https:// beginnen.")
    if literal is not None:
        _check_address(literal, policy)
    return parts.hostname, port


def resolve_target(url: str, policy: TargetPolicy, resolver: Resolver = system_resolver) -> Address:
    """The one address to connect to, after checking every address the host resolves to."""
    host, port = check_url(url, policy)
    literal = _literal(host)
    if literal is not None:
        return literal
    try:
        answers = [ip_address(answer.split("%", 1)[0]) for answer in resolver(host, port)]
    except (OSError, ValueError):
        raise TargetRefused("Der Host der Empfangs-URL lässt sich nicht auflösen.") from None
    if not answers:
        raise TargetRefused("Der Host der Empfangs-URL lässt sich nicht auflösen.")
    for answer in answers:
        _check_address(answer, policy)
    return answers[0]


def _literal(host: str) -> Address | None:
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


def _listed(address: Address, policy: TargetPolicy) -> bool:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in policy.allowed_networks)


def _check_address(address: Address, policy: TargetPolicy) -> None:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if _listed(address, policy):
        return
    if not address.is_global or address.is_multicast:
        raise TargetRefused(
            "Die Empfangs-URL zeigt auf eine interne Adresse (Loopback, Link-Local, privates oder "
            "reserviertes Netz); erlaubt nur, wenn COCKPIT_WEBHOOK_ALLOWED_NETWORKS sie nennt."
        )


class GuardedHttpSender:
    """The worker's HTTP sender with the checks above at every delivery."""

    def __init__(
        self,
        timeout_seconds: float,
        policy: TargetPolicy,
        max_response_bytes: int = 64 * 1024,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout_seconds, follow_redirects=False, trust_env=False, transport=transport
        )
        self._policy = policy
        self._max_response_bytes = max_response_bytes
        self._resolver = resolver

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        address = resolve_target(url, self._policy, self._resolver)
        target = httpx.URL(url)
        pinned = target.copy_with(host=str(address))
        host_header = target.host if target.port is None else f"{target.host}:{target.port}"
        with self._client.stream(
            "POST",
            pinned,
            content=body,
            headers={**headers, "Host": host_header},
            extensions={"sni_hostname": target.host},
        ) as response:
            read = 0
            for chunk in response.iter_raw():
                read += len(chunk)
                if read > self._max_response_bytes:
                    break  # the status is all we need; a flood of an answer is cut off
            return response.status_code

    def close(self) -> None:
        self._client.close()


def target_policy(settings: Settings) -> TargetPolicy:
    """From the settings: plain http only outside production; listed internal networks."""
    from app.settings import Environment

    return TargetPolicy(
        require_https=settings.environment is Environment.PRODUCTION,
        allowed_networks=parse_networks(settings.webhook_allowed_networks),
    )


def parse_networks(value: str) -> tuple[Network, ...]:
    from ipaddress import ip_network

    return tuple(ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())
