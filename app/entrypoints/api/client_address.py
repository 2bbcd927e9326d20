"""The caller's address for throttling: the TCP peer, or what a trusted proxy says it forwarded.

`X-Forwarded-For` counts only when the peer is one of COCKPIT_TRUSTED_PROXIES (default: none, and
uvicorn's own proxy-header handling is off, see `cockpit serve`). The list is read from the right:
each trusted hop names the one before it; the first address not trusted is the client. Anyone can
write the left part of the header, so it is never taken at face value.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.requests import HTTPConnection

from app.settings import Settings

UNKNOWN = "-"


def client_address(request: HTTPConnection, settings: Settings) -> str:
    peer = request.client.host if request.client else UNKNOWN
    trusted = settings.trusted_proxy_networks
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = [part.strip() for part in ",".join(request.headers.getlist("X-Forwarded-For")).split(",")]
    for hop in reversed([part for part in forwarded if part]):
        if _parse(hop) is None:
            return peer  # a garbled header: count the proxy itself rather than a made-up name
        if not _is_trusted(hop, trusted):
            return hop
    return peer


def _parse(value: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value)
    except ValueError:
        return None


def _is_trusted(value: str, trusted: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    address = _parse(value)
    return address is not None and any(address in network for network in trusted)
