"""The server's rule for its own requests to integrations: which addresses its untrusted HTTP client refuses.

docs/MATTERMOST.md Appendix H: ``ServiceSettings.AllowedUntrustedInternalConnections`` is split on whitespace
and commas; an entry equal to the URL's host allows that host whatever its addresses; otherwise an address in
a reserved range is dialled only when an entry parses as a CIDR containing it. Go dials the first allowed
address, so a host is refused only when every address is. Pure: the caller resolves the host.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_UNTRUSTED_INTERNAL = "ServiceSettings.AllowedUntrustedInternalConnections"
ADDRESS_FORBIDDEN = (
    "address forbidden, you may need to set AllowedUntrustedInternalConnections to allow an integration access "
    "to your internal network"
)

RESERVED_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "0.0.0.0/8",
        "169.254.0.0/16",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "192.88.99.0/24",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "100.64.0.0/10",
        "::/128",
        "::1/128",
        "100::/64",
        "2001::/23",
        "2001:2::/48",
        "2001:db8::/32",
        "2001::/32",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
        "2002::/16",
        "64:ff9b::/96",
        "2001:10::/28",
        "2001:20::/28",
    )  # fmt: skip
)


def allowed_entries(setting: str) -> list[str]:
    return [entry for entry in re.split(r"[\s,]+", setting) if entry]


def is_reserved(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in RESERVED_NETWORKS)


def parse_addresses(texts: Iterable[str]) -> set[IPAddress]:
    out: set[IPAddress] = set()
    for text in texts:
        try:
            out.add(ipaddress.ip_address(text.split("%", 1)[0]))
        except ValueError:
            continue
    return out


def refused(host: str, addresses: Iterable[IPAddress], setting: str) -> bool:
    """Whether the untrusted client refuses ``host`` resolved to ``addresses`` under ``setting``."""
    entries = allowed_entries(setting)
    found = set(addresses)
    if not host or host in entries or not found:
        return False
    cidrs = []
    for entry in entries:
        if "/" not in entry:
            continue
        try:
            cidrs.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    blocked = [ip for ip in found if is_reserved(ip) and not any(ip.version == n.version and ip in n for n in cidrs)]
    return len(blocked) == len(found)
