"""Organisation sign-in (OpenID Connect): from a proven identity to a planner account.

The organisation's identity provider proves who someone is; the planner alone decides what they may
see. So an organisation identity signs in only to a planner account an administrator created first:
an ACTIVE STAFF account (therapist, supervisor, admin) whose user name equals the id token's
`preferred_username` claim. Families never sign in this way. There is deliberately no fallback to the
e-mail's local part: `j.smith@partner.example` and `j.smith@our.example` are two people, and matching
either to the planner's `j.smith` would hand one of them the other's caseload.

An identity is adopted once, and only while fresh. Streamlit keeps the proven identity in a cookie for
30 days and shows it to every new session of that browser; adopting it whenever seen would sign the
person back in silently after the planner's idle timeout, its 12-hour limit, a sign-out or a tab reload.
`IdentityGate` lets an identity through only within FRESH_FOR_S of the id token being issued (that is,
straight after the round trip to the provider) and only once per token (its issuer, subject, issue time
and nonce). Anything else means pressing "Sign in with your organisation" again.

Audit: "sign_in" with object_type "oidc", or "sign_in_failed" (outcome denied) with the claimed user
name as actor. No other claim (e-mail, name, subject) is stored.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, select

from planner import audit
from planner.access import Principal
from planner.accounts import principal_for
from planner.models import User

METHOD = "oidc"  # the audit object_type that marks an organisation sign-in
USERNAME_CLAIM = "preferred_username"
STAFF = ("therapist", "supervisor", "admin")
FRESH_FOR_S = 120  # the callback lands on the app within seconds; two minutes allows a slow network
CLOCK_SKEW_S = 60  # the provider's clock may run a little ahead of ours


def claimed_username(claims: Mapping[str, Any]) -> str:
    """The user name the identity claims, normalised as planner user names are ("" when none)."""
    value = claims.get(USERNAME_CLAIM)
    if not isinstance(value, str):
        return ""
    return value.strip().lower()[:65]  # one character over the limit: too long never matches


def principal_for_identity(session: Session, claims: Mapping[str, Any]) -> Principal | None:
    """The planner person an organisation identity signs in as, or None (audited either way)."""
    name = claimed_username(claims)
    user = session.exec(select(User).where(User.username == name)).first() if 0 < len(name) <= 64 else None
    if user is None or not user.active or user.role not in STAFF:
        audit.record(
            session, actor=None, actor_name=name or "(blank)", action="sign_in_failed", object_type=METHOD,
            outcome="denied",
        )
        return None
    principal = principal_for(session, user)
    audit.record(session, actor=principal, action="sign_in", object_type=METHOD)
    return principal


class IdentityGate:
    """Lets each freshly issued identity through once; thread-safe, holds only hashes for a few minutes."""

    def __init__(self, fresh_for_s: float = FRESH_FOR_S, skew_s: float = CLOCK_SKEW_S) -> None:
        self.fresh_for_s = fresh_for_s
        self.skew_s = skew_s
        self._seen: dict[str, float] = {}  # token fingerprint -> its issue time
        self._lock = threading.Lock()

    def admit(self, claims: Mapping[str, Any], now: float) -> bool:
        """True the first time a fresh identity is offered; False if stale, malformed or seen before."""
        issued = claims.get("iat")
        if isinstance(issued, bool) or not isinstance(issued, int | float):
            return False
        if not now - self.fresh_for_s <= issued <= now + self.skew_s:
            return False
        parts = (claims.get("iss"), claims.get("sub"), issued, claims.get("nonce"))
        fingerprint = hashlib.sha256(repr(parts).encode()).hexdigest()
        with self._lock:
            # Forget what can no longer pass the freshness test anyway: the set stays small.
            for key in [k for k, at in self._seen.items() if at < now - self.fresh_for_s - self.skew_s]:
                del self._seen[key]
            if fingerprint in self._seen:
                return False
            self._seen[fingerprint] = issued
        return True
