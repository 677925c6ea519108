"""Optional sign-in through the organisation's identity provider (OpenID Connect, via st.login).

Configured = Streamlit's own secrets file (`.streamlit/secrets.toml`, or the files named by the
`secrets.files` option) holds an [auth] section with redirect_uri, cookie_secret, client_id,
client_secret and server_metadata_url. Not configured: no button, nothing changes.

Streamlit does the protocol (authorisation code with PKCE S256 when the provider offers it, state,
nonce, id token signature, issuer, audience and expiry checks) and keeps the proven identity in a
signed cookie for 30 days. The planner adopts that identity only straight after the round trip to the
provider, once (planner.organisation_sign_in.IdentityGate), so its own rules still hold: after the
30-minute idle or 12-hour limit, a sign-out or a reload, the cookie alone signs no one in; pressing
"Sign in with your organisation" again does (the provider decides whether to ask for a password).
"""

from __future__ import annotations

import functools
import logging
import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from planner.access import Principal
from planner.db import unit_of_work
from planner.organisation_sign_in import IdentityGate, principal_for_identity
from views.shared import engine, sign_in_as, sign_out

_LOGGER = logging.getLogger(__name__)
REQUIRED = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
METHOD_KEY = "signed_in_with"  # in st.session_state: "organisation" after an organisation sign-in
NOT_SET_UP = "Your organisation account is not set up in the planner. Ask your service administrator."


def organisation_sign_in_configured() -> bool:
    """True when the secrets hold a complete [auth] section. Never raises, never shows anything."""
    try:
        section = st.secrets.get("auth") if "auth" in st.secrets else None
    except (StreamlitSecretNotFoundError, FileNotFoundError, KeyError):
        return False  # no secrets file at all (the usual case) or one that cannot be read
    if not hasattr(section, "get"):
        return False
    missing = tuple(key for key in REQUIRED if not section.get(key))
    if missing:
        _warn_incomplete(missing)
        return False
    return True


@functools.cache
def _warn_incomplete(missing: tuple[str, ...]) -> None:
    # Once per process and gap, in the server log: the sign-in page itself shows nothing.
    _LOGGER.warning("Organisation sign-in is off: the [auth] secrets lack %s", ", ".join(missing))


@st.cache_resource(show_spinner=False)
def _gate() -> IdentityGate:
    # One per server process: a fresh identity may be adopted by one session only.
    return IdentityGate()


def offer_button() -> None:
    """The "Sign in with your organisation" button (only when configured)."""
    if not organisation_sign_in_configured():
        return
    if st.button("Sign in with your organisation", icon=":material/badge:", key="organisation_sign_in"):
        st.login()  # the browser leaves for the provider and comes back to a new session


def adopt_identity() -> Principal | None:
    """Sign in as the planner account of a freshly proven organisation identity, if there is one.

    Call on the sign-in page before anything else; on success, st.rerun(). An identity that maps to
    no active staff account gets a kind message and is not signed in.
    """
    if not organisation_sign_in_configured() or st.session_state.get("user_id") is not None:
        return None
    if not st.user.get("is_logged_in"):
        return None
    claims = st.user.to_dict()
    if not _gate().admit(claims, time.time()):
        return None  # an old cookie, or one already used: the button signs in again
    with unit_of_work(engine()) as session:
        principal = principal_for_identity(session, claims)
    if principal is None:
        # No st.logout() here: it would send the browser away at once, taking this message with it.
        # The identity was used up by the gate, so leaving the cookie signs no one in.
        st.error(NOT_SET_UP, icon=":material/badge:")
        return None
    sign_in_as(principal)
    st.session_state[METHOD_KEY] = "organisation"
    return principal


def sign_out_everywhere(message: str | None = None) -> None:
    """Sign out of the planner and, after an organisation sign-in, of Streamlit's identity cookie too.

    Ends the run: after an organisation sign-in the browser goes to the provider's sign-out (when it
    offers one) and returns to a fresh sign-in page; otherwise the page reruns showing `message`.
    """
    via_organisation = st.session_state.get(METHOD_KEY) == "organisation"
    sign_out(message)
    if via_organisation and organisation_sign_in_configured():
        st.logout()
        st.stop()
    st.rerun()
