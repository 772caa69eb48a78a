"""Who a browser session of ``millplan serve`` is: when a proxy's header is believed, and when
binding beyond this machine is refused (core/access/proxy.py)."""

from __future__ import annotations

import pytest

from millplan.core.access.proxy import check_bind, is_loopback, proxy_trust, vouched_login
from millplan.core.domain.errors import ExitCode, InvalidInput, UnknownIdentity

HEADERS = {"X-Remote-User": "alice"}


def test_no_header_means_no_trust_and_proxies_alone_are_an_error():
    assert proxy_trust(None) is None
    with pytest.raises(InvalidInput, match="--trusted-proxy needs --trusted-user-header"):
        proxy_trust(None, ["10.0.0.5"])
    with pytest.raises(InvalidInput, match="not an IP address"):
        proxy_trust("X-Remote-User", ["proxy.plant.local"])


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_a_loopback_bind_needs_no_proxy(host):
    assert is_loopback(host)
    check_bind(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.7", "plan.plant.local"])
def test_a_network_bind_without_a_proxy_is_refused_saying_how_to_configure_one(host):
    assert not is_loopback(host)
    with pytest.raises(InvalidInput) as refused:
        check_bind(host, None)
    assert refused.value.exit_code == ExitCode.USAGE
    text = str(refused.value)
    assert host in text and "no login of its own" in text and "--trusted-user-header" in text
    check_bind(host, proxy_trust("X-Remote-User", ["10.0.0.5"]))  # with a trusted proxy it is allowed


def test_the_header_is_believed_from_the_loopback_proxy_by_default():
    trust = proxy_trust("X-Remote-User")
    assert vouched_login(trust, "127.0.0.1", HEADERS) == "alice"
    assert vouched_login(trust, "::1", {"X-Remote-User": " alice "}) == "alice"
    with pytest.raises(UnknownIdentity, match="10.0.0.9 is not the trusted proxy"):
        vouched_login(trust, "10.0.0.9", HEADERS)


def test_the_header_is_believed_only_from_the_named_proxies():
    trust = proxy_trust("X-Remote-User", ["10.0.0.5", "192.168.7.0/24"])
    assert vouched_login(trust, "10.0.0.5", HEADERS) == "alice"
    assert vouched_login(trust, "192.168.7.200", HEADERS) == "alice"
    for peer in ("127.0.0.1", "10.0.0.6", None, "not-an-address"):
        with pytest.raises(UnknownIdentity, match="is not the trusted proxy"):
            vouched_login(trust, peer, HEADERS)


def test_a_request_without_the_login_is_refused():
    trust = proxy_trust("X-Remote-User")
    for headers in ({}, {"X-Remote-User": "  "}, {"X-Other": "alice"}):
        with pytest.raises(UnknownIdentity, match="no login in X-Remote-User"):
            vouched_login(trust, "127.0.0.1", headers)


def test_the_refusal_speaks_russian(russian):
    with pytest.raises(
        InvalidInput, match="рабочее место не открыто на 0.0.0.0: у рабочего места в браузере нет своего"
    ):
        check_bind("0.0.0.0", None)
