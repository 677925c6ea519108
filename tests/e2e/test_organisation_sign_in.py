"""Organisation sign-in in a real browser: st.login against the tests' own OIDC provider, end to end.

The app is served by conftest.py's `running_app` (as the `server` fixture serves it), with a secrets
file (in tmp_path, named by --secrets.files) whose [auth] section points at tests/oidc_provider.py.
Chromium follows the real redirects: app -> /auth/login -> provider /authorize -> /oauth2callback
(Streamlit exchanges the code, checks the id token) -> app, which adopts the identity.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _free_port, running_app
from tests.e2e.ui import settled
from tests.oidc_provider import Identity, OIDCProvider

pytestmark = pytest.mark.e2e
BUTTON = "Sign in with your organisation"
NOT_SET_UP = "Your organisation account is not set up in the planner. Ask your service administrator."
CLIENT_ID = "mst-psb-planner"


@pytest.fixture
def oidc_app(demo_sqlite_url, tmp_path):
    """(base URL, provider): the app on a free port with organisation sign-in configured."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    client_secret = secrets.token_urlsafe(24)
    with OIDCProvider(CLIENT_ID, client_secret, f"{base}/oauth2callback", lifetime_s=600) as provider:
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{base}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "{provider.metadata_url}"\n'
        )
        with running_app(demo_sqlite_url, ["--secrets.files", str(secrets_file)], port=port) as base:
            yield base, provider


def sidebar(p):
    return p.locator("[data-testid='stSidebar']")


def test_supervisor_signs_in_with_the_organisation_once_per_round_trip(oidc_app, page):
    base, provider = oidc_app
    provider.next_user = Identity("0f3c-77", "supervisor", "ruth.mensah@org.example", "Ruth Mensah")
    browser_page = page()
    p = browser_page.page
    p.goto(base)
    expect(p.get_by_role("textbox", name="User name")).to_be_visible(timeout=30_000)  # the password form stays
    p.get_by_role("button", name=BUTTON).click()
    expect(sidebar(p).get_by_text("Ruth Mensah")).to_be_visible(timeout=30_000)
    expect(sidebar(p).get_by_text("Supervisor", exact=True)).to_be_visible()

    # Streamlit used the code flow with PKCE S256 and a nonce; the provider checked the verifier.
    sent = provider.record.authorize[-1]
    assert sent["code_challenge_method"] == "S256" and sent["nonce"] and sent["state"]
    assert provider.record.token[-1]["pkce_verified"] is True

    # A reload starts a new session: the 30-day identity cookie alone must not sign anyone back in.
    p.reload()
    expect(p.get_by_role("button", name=BUTTON)).to_be_visible(timeout=30_000)
    settled(p)
    expect(sidebar(p).get_by_text("Ruth Mensah")).to_have_count(0)

    # Pressing the button again is a new round trip, and signs in again.
    p.get_by_role("button", name=BUTTON).click()
    expect(sidebar(p).get_by_text("Ruth Mensah")).to_be_visible(timeout=30_000)
    assert len(provider.record.token) == 2

    # Signing out ends the organisation session too (the provider's end-session endpoint is called).
    sidebar(p).get_by_role("button", name="Sign out").click()
    expect(p.get_by_role("button", name=BUTTON)).to_be_visible(timeout=30_000)
    assert len(provider.record.logout) == 1
    settled(p)
    expect(sidebar(p).get_by_text("Ruth Mensah")).to_have_count(0)
    assert browser_page.foreign_requests() == []


def test_unknown_organisation_user_gets_the_kind_message(oidc_app, page):
    base, provider = oidc_app
    provider.next_user = Identity("9a9a-01", "n.nobody", "n.nobody@org.example", "Nia Nobody")
    browser_page = page()
    p = browser_page.page
    p.goto(base)
    p.get_by_role("button", name=BUTTON).click()
    expect(p.get_by_text(NOT_SET_UP)).to_be_visible(timeout=30_000)
    expect(p.get_by_role("textbox", name="User name")).to_be_visible()
    expect(sidebar(p).get_by_role("button", name="Sign out")).to_have_count(0)
    assert len(provider.record.token) == 1  # the round trip happened; the planner said no
    assert browser_page.foreign_requests() == []


def test_a_family_identity_is_refused(oidc_app, page):
    base, provider = oidc_app
    provider.next_user = Identity("fam-01", "family", "", "Leon's family")
    p = page().page
    p.goto(base)
    p.get_by_role("button", name=BUTTON).click()
    expect(p.get_by_text(NOT_SET_UP)).to_be_visible(timeout=30_000)
    expect(p.get_by_text("Our progress")).to_have_count(0)
