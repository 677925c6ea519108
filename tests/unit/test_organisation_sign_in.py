"""The freshness gate of organisation sign-in, and the tests' own OIDC provider speaking the protocol."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from planner.organisation_sign_in import FRESH_FOR_S, IdentityGate
from tests.oidc_provider import Identity, OIDCProvider

NOW = 1_800_000_000.0


def token(iat=NOW, **extra):
    return {"iss": "http://idp.test", "sub": "abc", "nonce": "n1", "iat": iat} | extra


# --------------------------------------------------------------------------- the gate


def test_a_fresh_identity_passes_once():
    gate = IdentityGate()
    assert gate.admit(token(), NOW + 5)
    assert not gate.admit(token(), NOW + 6)  # the same token again: a reload, a second tab, a replay


def test_a_new_round_trip_passes_again():
    gate = IdentityGate()
    assert gate.admit(token(), NOW)
    assert gate.admit(token(iat=NOW + 30, nonce="n2"), NOW + 31)


@pytest.mark.parametrize("iat", [NOW - FRESH_FOR_S - 1, NOW - 30 * 60, NOW + 3600, None, "1800000000", True])
def test_stale_future_or_malformed_issue_times_are_refused(iat):
    assert not IdentityGate().admit(token(iat=iat), NOW)


def test_an_idle_timeout_does_not_bring_the_cookie_back():
    # Signed in through the organisation, then idle 31 minutes: the same cookie must not sign in again.
    gate = IdentityGate()
    assert gate.admit(token(), NOW + 2)
    assert not gate.admit(token(), NOW + 31 * 60)


def test_the_gate_forgets_old_tokens_but_still_refuses_them():
    gate = IdentityGate()
    assert gate.admit(token(), NOW)
    assert gate.admit(token(iat=NOW + 1000, nonce="later"), NOW + 1000)
    assert len(gate._seen) == 1  # the first one was pruned ...
    assert not gate.admit(token(), NOW + 1000)  # ... and is refused as stale anyway


def test_only_one_of_many_concurrent_sessions_adopts_a_token():
    gate = IdentityGate()
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(gate.admit(token(), NOW))) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1


# --------------------------------------------------------------------------- the test provider

REDIRECT = "http://127.0.0.1:9/oauth2callback"


@pytest.fixture
def provider():
    with OIDCProvider("planner", "s3cret", REDIRECT, lifetime_s=60) as running:
        yield running


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post_token(provider, form, *, basic=("planner", "s3cret")):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
    request = urllib.request.Request(f"{provider.issuer}/token", data=urlencode(form).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def authorize(provider, verifier="v" * 50, nonce="nonce-1", state="st-1"):
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {"response_type": "code", "client_id": "planner", "redirect_uri": REDIRECT, "scope": "openid email profile",
             "state": state, "nonce": nonce, "code_challenge": challenge, "code_challenge_method": "S256"}
    status, headers, _ = get(f"{provider.issuer}/authorize?{urlencode(query)}")
    assert status == 302
    location = urlparse(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def test_metadata_advertises_the_endpoints_and_pkce(provider):
    status, _, body = get(provider.metadata_url)
    metadata = json.loads(body)
    assert status == 200 and metadata["issuer"] == provider.issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["token_endpoint"].startswith(provider.issuer)


def test_code_flow_returns_a_signed_id_token_with_the_nonce(provider):
    provider.next_user = Identity("sub-9", "s.lindqvist", "s.l@org.example", "Sam Lindqvist")
    back = authorize(provider)
    assert back["state"] == "st-1" and provider.record.authorize[-1]["nonce"] == "nonce-1"
    status, body = post_token(provider, {"grant_type": "authorization_code", "code": back["code"],
                                         "redirect_uri": REDIRECT, "code_verifier": "v" * 50})
    assert status == 200, body
    keys = KeySet.import_key_set(json.loads(get(f"{provider.issuer}/jwks")[2]))
    claims = jwt.decode(body["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["iss"] == provider.issuer and claims["aud"] == "planner" and claims["nonce"] == "nonce-1"
    assert claims["preferred_username"] == "s.lindqvist" and claims["exp"] > claims["iat"]
    assert provider.record.token[-1] == {"grant_type": "authorization_code", "auth_method": "client_secret_basic",
                                         "pkce": True, "pkce_verified": True}


@pytest.mark.parametrize("change", ["verifier", "secret", "redirect", "reuse"])
def test_token_endpoint_refuses_what_it_should(provider, change):
    provider.next_user = Identity("sub-9", "s.lindqvist")
    back = authorize(provider)
    form = {"grant_type": "authorization_code", "code": back["code"], "redirect_uri": REDIRECT,
            "code_verifier": "v" * 50}
    basic = ("planner", "s3cret")
    if change == "verifier":
        form["code_verifier"] = "w" * 50
    elif change == "secret":
        basic = ("planner", secrets.token_hex(4))
    elif change == "redirect":
        form["redirect_uri"] = "http://127.0.0.1:9/elsewhere"
    else:
        assert post_token(provider, form)[0] == 200
    status, body = post_token(provider, form, basic=basic)
    assert status in (400, 401) and "id_token" not in body


def test_no_user_set_means_access_denied(provider):
    back = authorize(provider)
    assert back == {"state": "st-1", "error": "access_denied"}


def test_logout_redirects_only_to_the_registered_address(provider):
    status, headers, _ = get(f"{provider.issuer}/logout?{urlencode({'post_logout_redirect_uri': REDIRECT})}")
    assert status == 302 and headers["Location"] == REDIRECT
    status, headers, _ = get(f"{provider.issuer}/logout?{urlencode({'post_logout_redirect_uri': 'http://evil.test/'})}")
    assert status == 200 and "Location" not in headers
    assert len(provider.record.logout) == 2


def test_provider_stops(provider):
    provider.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(provider.metadata_url, timeout=2)
