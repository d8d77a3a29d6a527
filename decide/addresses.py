"""The client's address as seen through the configured proxies: the one key every rate limit uses.

`X-Forwarded-For` is believed only when the connection comes from a proxy listed in
`TRUSTED_PROXIES` (addresses or CIDR ranges), and then only as far as the chain of trusted
proxies goes: the header is read from the right, and the first address that is not a trusted
proxy is the client. Whatever a client writes at the left of the header is never believed.
Hand-written rather than django-ipware: ipware matches trusted proxies by string prefix, not by
network, and reads the header from the left by default.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The address of the person, not of our proxy; django-ratelimit and allauth both key on it."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
    client = remote
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _valid(hop):
            break  # a trusted proxy never writes garbage: stop at the last address we could believe
        client = hop
        if not _trusted(hop, networks):
            break
    return client
