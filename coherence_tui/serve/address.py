"""The address phones in the room use to reach this machine.

Nothing here sends a packet: the LAN address is read from the routing table by
``connect()`` on a UDP socket (which only picks a route and a source address) and,
failing that, from the host name. Pure standard library.
"""

from __future__ import annotations

import ipaddress
import socket

ANY_HOSTS = frozenset({"0.0.0.0", "::", ""})
"""Bind addresses that mean "every interface": a phone can reach none of them as such."""

_PROBE = ("10.254.254.254", 9)
"""Any non-local IPv4 address: a UDP ``connect`` to it sends nothing, only picks a route."""


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local or ip.is_multicast)


def lan_address() -> str | None:
    """This machine's address on the room's network (IPv4), or None when it has none."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(_PROBE)
        address = str(probe.getsockname()[0])
        if _usable(address):
            return address
    except OSError:
        pass
    finally:
        probe.close()
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if _usable(address):
            return address
    return None


def url_host(host: str) -> str:
    """``host`` as it is written in a URL (IPv6 literals in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def base_url(host: str, port: int, *, public_url: str | None = None) -> tuple[str, str | None]:
    """The base URL phones should open, and a warning when there is no good one.

    ``public_url`` wins. A server bound to every interface is reached through this
    machine's LAN address, never ``0.0.0.0`` or ``localhost``.
    """
    if public_url:
        return public_url.rstrip("/"), None
    if host in ANY_HOSTS:
        lan = lan_address()
        if lan is None:
            return (
                f"http://127.0.0.1:{port}",
                "no network address found: phones cannot reach this machine "
                "(connect to the room's network, or give --public-url)",
            )
        return f"http://{lan}:{port}", None
    return f"http://{url_host(host)}:{port}", None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
