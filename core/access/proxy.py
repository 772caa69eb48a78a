"""Who acts in a browser session of ``millplan serve``: a login a trusted reverse proxy vouches for.

textual-serve has no login of its own: every session it starts runs as the OS user who
started the server. People get logins of their own only through a reverse proxy that
authenticates them (nginx with ``auth_basic`` or an SSO module) and names the login in a
request header. That header is believed only when the request comes from the proxy's own
address (anyone else could type it), and only when the server was told its name
(:class:`ProxyTrust`). The server hands the login to the session's process in
:data:`PROXY_LOGIN_ENV`, which only the server sets; the process acts as that login as
``--as`` would, so the server's account must be an admin and each session is audited
(:func:`millplan.core.access.identity.may_vouch`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from millplan.core.domain.errors import InvalidInput, UnknownIdentity
from millplan.core.domain.i18n import _

PROXY_LOGIN_ENV = "MILLPLAN_PROXY_LOGIN"
"""The environment variable the server sets for a session's process: the login the proxy vouched for."""

LOOPBACK_PROXIES = ("127.0.0.1/32", "::1/128")
"""Where the proxy is believed to be unless told otherwise: on the server's own host."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ProxyTrust:
    """The reverse proxy the server believes: ``header`` names the login (``X-Remote-User``),
    and only requests from ``proxies`` (its addresses) may carry it."""

    header: str
    proxies: tuple[Network, ...]


def proxy_trust(header: str | None, proxies: Sequence[str] = ()) -> ProxyTrust | None:
    """The trust ``--trusted-user-header`` and ``--trusted-proxy`` describe, or ``None`` when no
    header is given (every session then runs as the server's user). ``proxies`` are addresses
    or networks (``10.0.0.5``, ``10.0.0.0/24``); none given means the loopback addresses.

    Raises :class:`InvalidInput` for an address that cannot be read, or proxies without a header."""
    if not header:
        if proxies:
            raise InvalidInput(_("--trusted-proxy needs --trusted-user-header: which header names the login?"))
        return None
    networks = []
    for text in proxies or LOOPBACK_PROXIES:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            raise InvalidInput(
                _("--trusted-proxy {address} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)").format(
                    address=text
                )
            ) from None
    return ProxyTrust(header.strip(), tuple(networks))


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server to this machine: ``localhost`` or a loopback
    address. Any other name or address (``0.0.0.0`` above all) reaches the network."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, trust: ProxyTrust | None) -> None:
    """Refuse to serve the workstation on the network with no one to tell people apart.

    Raises :class:`InvalidInput` (exit 2) for a non-loopback ``host`` without ``trust``,
    saying why and how to put an authenticating proxy in front."""
    if trust is None and not is_loopback(host):
        raise InvalidInput(
            _(
                "refusing to serve the workstation on {host}: the browser workstation has no login of its own, so "
                "everyone who reaches it would act as the user who started the server. Put a reverse proxy that "
                "authenticates people in front of it (nginx with auth_basic or single sign-on) and let it pass the "
                "login in a header: run millplan serve on 127.0.0.1 behind it with --trusted-user-header "
                "X-Remote-User, or give --host with --trusted-user-header and --trusted-proxy PROXY-ADDRESS "
                "(README: In a browser)."
            ).format(host=host)
        )


def vouched_login(trust: ProxyTrust, peer: str | None, headers: Mapping[str, str]) -> str:
    """The login ``trust``'s header names on a request from ``peer`` (the connecting address).

    Raises :class:`UnknownIdentity` when the request does not come from a trusted proxy
    (the header could be anyone's) or carries no login."""
    try:
        address = ipaddress.ip_address((peer or "").split("%")[0])
    except ValueError:
        address = None
    if address is None or not any(address in network for network in trust.proxies):
        raise UnknownIdentity(
            _("{peer} is not the trusted proxy: open the workstation through the proxy's address").format(
                peer=peer or _("an unknown address")
            )
        )
    login = (headers.get(trust.header) or "").strip()
    if not login:
        raise UnknownIdentity(
            _("the proxy sent no login in {header}: it must authenticate you first").format(header=trust.header)
        )
    return login
