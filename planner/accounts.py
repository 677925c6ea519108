"""Local accounts: argon2id password hashes, sign-in, and loading the signed-in person."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlmodel import Session, select

from planner import audit
from planner.access import Principal
from planner.models import FamilyAccess, User, UserCreate

# RFC 9106's low-memory profile: argon2id, 64 MiB, 3 passes (above OWASP's 19 MiB / 2 passes floor).
_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
# Verified against when the user name is unknown, so both failures take about the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

MIN_PASSWORD_LENGTH = 10
SIGN_IN_FAILED = "That user name and password do not match an active account."


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


def authenticate(session: Session, username: str, password: str) -> Principal | None:
    """Return the person if the password matches an active account, else None (audited)."""
    name = username.strip().lower()
    user = session.exec(select(User).where(User.username == name)).first() if name else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        matched = user is not None and user.active
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        matched = False
    if not matched:
        audit.record(session, actor=None, actor_name=name or "(blank)", action="sign_in_failed", outcome="denied")
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    principal = principal_for(session, user)
    audit.record(session, actor=principal, action="sign_in")
    return principal


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
