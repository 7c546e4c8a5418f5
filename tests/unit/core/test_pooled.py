"""A pool is kept per origin *and* TLS settings (core/pooled.py): a GET with other settings for the same
origin must not be sent over a pool set up for the first ones."""

from __future__ import annotations

from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from confarchive.core.pooled import Pooled


def _pool_for(pooled: Pooled, session: requests.Session, url: str, verify: object) -> object:
    wire = requests.PreparedRequest()
    wire.method, wire.url = "GET", url
    adapter = session.get_adapter(url)
    assert isinstance(adapter, HTTPAdapter)
    return pooled._pool(adapter, wire, {"verify": verify, "cert": None, "proxies": {}})


def test_a_kept_pool_has_the_tls_settings_it_was_asked_for_and_other_settings_get_another(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")  # read only when connecting
    session = requests.Session()
    pooled = Pooled(session, lambda url: {}, 5.0)
    try:
        checked = _pool_for(pooled, session, "https://cdn.example.org/a.png", str(bundle))
        assert _pool_for(pooled, session, "https://cdn.example.org/b.png", str(bundle)) is checked
        assert (checked.cert_reqs, checked.ca_certs) == ("CERT_REQUIRED", str(bundle))
        unchecked = _pool_for(pooled, session, "https://cdn.example.org/c.png", False)
        assert unchecked is not checked
        assert unchecked.cert_reqs == "CERT_NONE"
        assert (checked.cert_reqs, checked.ca_certs) == ("CERT_REQUIRED", str(bundle))  # left as it was
    finally:
        session.close()
