"""Local accounts: argon2id password hashes, sign-in, and loading the signed-in person.

Sign-in is one step, or two for staff who switched on a second factor (planner.two_factor): then
a correct password only earns the question for the 6-digit code, and wrong codes count in the
same database throttle as wrong passwords.
"""

from __future__ import annotations

import math
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from planner import audit
from planner.access import Principal
from planner.models import FamilyAccess, SignInThrottle, User, UserCreate

# RFC 9106's low-memory profile: argon2id, 64 MiB, 3 passes (above OWASP's 19 MiB / 2 passes floor).
_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
# Verified against when the user name is unknown, so both failures take about the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10
FREE_ATTEMPTS = 3  # failures before any wait
MAX_DELAY_S = 60  # the wait never grows past this: a slow-down, never a lock-out
SIGN_IN_FAILED = "That user name and password do not match an active account."
CODE_FAILED = "That code did not work. Please type the 6-digit code your authenticator app shows now."
STAFF_ROLES = ("therapist", "supervisor", "admin")  # the roles that may use a second factor


class AccountError(ValueError):
    """Bad account input, with a message fit to show the person who typed it."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return _hasher.hash(password)


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def principal_for(session: Session, user: User) -> Principal:
    family_case_id = None
    if user.role == "family":
        access = session.get(FamilyAccess, user.id)
        family_case_id = access.case_id if access else None
    return Principal(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        team_id=user.team_id,
        family_case_id=family_case_id,
        active=user.active,
    )


def load_principal(session: Session, user_id: int) -> Principal | None:
    """Re-read the signed-in person on every page run: a deactivated account is refused at once."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    return principal_for(session, user)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the person; or None and (when throttled) how long to wait; or,
    after a correct password on an account with two-step sign-in, the account whose code to ask for."""

    principal: Principal | None
    wait_seconds: int = 0
    code_needed_for: int | None = None  # account id: ask for the 6-digit code next
    failure: str = SIGN_IN_FAILED

    @property
    def message(self) -> str:
        if self.wait_seconds:
            return (
                "Too many attempts with this user name. For your safety, please wait "
                f"{self.wait_seconds} second{'s' if self.wait_seconds != 1 else ''} and try again."
            )
        return self.failure


def throttle_wait(session: Session, name: str, now: datetime) -> int:
    row = session.get(SignInThrottle, name)
    if row is None or row.failures < FREE_ATTEMPTS or row.last_failure_at is None:
        return 0
    delay = min(MAX_DELAY_S, 2 ** (row.failures - FREE_ATTEMPTS))
    last = row.last_failure_at if row.last_failure_at.tzinfo else row.last_failure_at.replace(tzinfo=UTC)
    return max(0, math.ceil(delay - (now - last).total_seconds()))


def note_failure(session: Session, name: str, now: datetime) -> None:
    # One upsert, so two failed attempts at the same moment both count.
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SignInThrottle).values(username=name, failures=1, last_failure_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[SignInThrottle.username],
            set_={"failures": SignInThrottle.failures + 1, "last_failure_at": now},
        )
    )


def clear_throttle(session: Session, username: str) -> None:
    """Forget failed sign-ins for a user name (after a successful sign-in or a password reset)."""
    row = session.get(SignInThrottle, username)
    if row is not None:
        session.delete(row)


def authenticate(session: Session, username: str, password: str) -> Principal | None:
    """The person if the password matches an active account, else None (see sign_in; None too when
    the account has two-step sign-in on, since a password alone does not sign it in)."""
    return sign_in(session, username, password).principal


def sign_in(session: Session, username: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Sign in; every failure gets the same answer, and repeated failures a growing wait.

    After FREE_ATTEMPTS failures for a user name (known or not, so the wait reveals nothing), each
    further attempt must wait 1, 2, 4 ... seconds after the last failure, capped at MAX_DELAY_S: a
    slow-down an attacker cannot turn into a permanent lock-out of a real user. The count lives
    in the database, so reloading the page does not reset it; a successful sign-in clears it.
    """
    # Control characters (a NUL breaks PostgreSQL text) cannot be in any user name: made visible as
    # U+FFFD they still key the throttle and the audit entry, and match no account.
    name = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in username.strip().lower()[:64])
    name = name or "(blank)"
    now = now or datetime.now(UTC)
    wait = throttle_wait(session, name, now)
    if wait:
        audit.record(session, actor=None, actor_name=name, action="sign_in_throttled", outcome="denied")
        return SignIn(None, wait)
    user = session.exec(select(User).where(User.username == name)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        matched = user is not None and user.active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        matched = False
    if not matched:
        note_failure(session, name, now)
        audit.record(session, actor=None, actor_name=name, action="sign_in_failed", outcome="denied")
        return SignIn(None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    if two_step_enabled(user):
        # The throttle is not cleared: only a right code does that, so guessing codes after a
        # known password slows down exactly like guessing passwords.
        audit.record(session, actor=principal_for(session, user), action="sign_in_code_asked")
        return SignIn(None, code_needed_for=user.id)
    clear_throttle(session, name)
    principal = principal_for(session, user)
    audit.record(session, actor=principal, action="sign_in")
    return SignIn(principal)


def two_step_enabled(user: User) -> bool:
    return user.role in STAFF_ROLES and user.totp_secret is not None and user.totp_enabled_at is not None


def reset_two_step(session: Session, username: str) -> None:
    """Switch two-step sign-in off for an account (the person lost their phone): an administrator's
    command on the server, audited. The person signs in with their password alone until they enrol again."""
    name = username.strip().lower()
    # No user name holds a control character, and PostgreSQL refuses a NUL in a query: no such account.
    has_control = any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name)
    user = None if has_control else session.exec(select(User).where(User.username == name)).first()
    if user is None:
        raise AccountError(f"There is no account called {username!r}.")
    if user.totp_secret is None and user.totp_enabled_at is None:
        raise AccountError(f"Two-step sign-in is not switched on for {user.username!r}; nothing changed.")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.add(user)
    audit.record(
        session, actor=None, actor_name="system", action="two_step_disabled", object_type="account", object_id=user.id
    )


def create_user(session: Session, user_in: UserCreate, password: str, *, family_case_id: int | None = None) -> User:
    if session.exec(select(User).where(User.username == user_in.username)).first():
        raise AccountError(f"The user name {user_in.username!r} is taken.")
    if user_in.role == "family" and family_case_id is None:
        raise AccountError("A family account must belong to a case.")
    user = User(**user_in.model_dump(), password_hash=hash_password(password))
    session.add(user)
    session.flush()
    if family_case_id is not None:
        session.add(FamilyAccess(account_id=user.id, case_id=family_case_id))
    audit.record(session, actor=None, actor_name="system", action="account_created", object_type="account", object_id=user.id)
    return user
