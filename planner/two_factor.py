"""Optional two-step sign-in for staff: a 6-digit code from an authenticator app (TOTP, RFC 6238).

Therapists, supervisors and administrators may switch it on; family accounts never (a shared
family phone and a code app would be one more barrier for the people least able to ask for help).

Enrolment is two steps: `begin_enrolment` stores a fresh secret and returns it (and the otpauth://
URI for a QR code); it is switched on only when `confirm_enrolment` sees a right code from it, so a
mistyped secret cannot lock anyone out. Switching it off needs a current code too; a person who
lost their phone asks an administrator (`python -m planner user reset-two-step NAME`).

Codes: 30-second steps, one step of clock drift either way (valid_window=1), and each step is
used at most once (`totp_last_step`, moved forward by a conditional UPDATE, so two requests racing
with the same code cannot both win). Wrong codes count in the same database throttle as wrong
passwords (planner.accounts), so guessing a code slows down exactly like guessing a password.

Why the secret is stored as it is (base32, in `account.totp_secret`): unlike a password, a TOTP
secret cannot be hashed, because the server must compute the same codes as the phone. It is
therefore in every database backup: whoever holds a backup can generate this person's codes, but
still needs their password (held only as an argon2id hash). Protect backups like the database.
The audit trail records enabling, disabling and failed codes, never a code or the secret.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from sqlalchemy import or_, update
from sqlmodel import Session

from planner import audit
from planner.access import AccessDenied, Principal
from planner.accounts import (
    CODE_FAILED,
    STAFF_ROLES,
    SignIn,
    clear_throttle,
    note_failure,
    principal_for,
    throttle_wait,
    two_step_enabled,
)
from planner.errors import InvalidInput
from planner.models import User

ISSUER = "MST-PSB Planner"
VALID_WINDOW = 1  # accept the previous and next 30-second step too (phone clocks drift)
_CODE = re.compile(r"[0-9]{6}")  # ASCII only: \d matches other scripts' digits too, which compare_digest rejects


@dataclass(frozen=True)
class Status:
    enabled: bool
    enabled_at: datetime | None
    enrolling: bool  # a secret was issued but not yet confirmed with a code


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, for typing into the app by hand
    uri: str  # otpauth://totp/..., what the QR code holds


def _clean(code: str) -> str | None:
    code = (code or "").replace(" ", "").replace("-", "").strip()
    return code if _CODE.fullmatch(code) else None


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step (within the drift window) whose code is `code`, or None."""
    code = _clean(code)
    if code is None:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_step(session: Session, account_id: int, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was: the replay guard."""
    changed = session.execute(
        update(User)
        .where(User.id == account_id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def _check_code(session: Session, account: User, code: str, now: datetime) -> bool:
    step = matching_step(account.totp_secret or "", code, now) if account.totp_secret else None
    if step is None or not _use_step(session, account.id, step):
        return False
    session.refresh(account)
    return True


def _staff_account(session: Session, user: Principal) -> User:
    account = session.get(User, user.id) if user is not None else None
    if account is None or not account.active or account.role not in STAFF_ROLES:
        audit.record(session, actor=user, action="two_step", object_type="account", outcome="denied")
        session.commit()  # the refusal is kept even though the caller's transaction rolls back
        raise AccessDenied("Two-step sign-in is for staff accounts.")
    return account


def _audit_failure(session: Session, actor: Principal, account: User) -> None:
    audit.record(session, actor=actor, action="two_step_failed", object_type="account", object_id=account.id, outcome="denied")


def _refuse_code(session: Session, user: Principal, account: User, now: datetime, wait: int = 0) -> None:
    """Count a wrong code in the sign-in throttle, audit it, keep both, and say so kindly."""
    if wait:
        plural = "s" if wait != 1 else ""
        message = f"Too many wrong codes. For your safety, please wait {wait} second{plural} and try again."
    else:
        note_failure(session, account.username, now)
        message = CODE_FAILED
    _audit_failure(session, user, account)
    session.commit()
    raise InvalidInput({"code": message})


def status(session: Session, user: Principal) -> Status:
    account = _staff_account(session, user)
    return Status(
        enabled=two_step_enabled(account),
        enabled_at=account.totp_enabled_at,
        enrolling=account.totp_secret is not None and account.totp_enabled_at is None,
    )


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def begin_enrolment(session: Session, user: Principal) -> Enrolment:
    """Issue a new secret (replacing an unconfirmed one); nothing changes at sign-in until it is confirmed."""
    account = _staff_account(session, user)
    if two_step_enabled(account):
        raise InvalidInput({"code": "Two-step sign-in is already on. Switch it off first to use a new phone."})
    account.totp_secret = pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends
    account.totp_enabled_at = None
    account.totp_last_step = None
    session.add(account)
    audit.record(session, actor=user, action="two_step_enrolment", object_type="account", object_id=account.id)
    return Enrolment(account.totp_secret, provisioning_uri(account.totp_secret, account.username))


def pending_enrolment(session: Session, user: Principal) -> Enrolment | None:
    """The secret issued but not yet confirmed, to show again after a page reload."""
    account = _staff_account(session, user)
    if account.totp_secret is None or account.totp_enabled_at is not None:
        return None
    return Enrolment(account.totp_secret, provisioning_uri(account.totp_secret, account.username))


def cancel_enrolment(session: Session, user: Principal) -> None:
    """Forget a secret issued but never confirmed (an enrolment abandoned half-way)."""
    account = _staff_account(session, user)
    if account.totp_secret is not None and account.totp_enabled_at is None:
        account.totp_secret = None
        account.totp_last_step = None
        session.add(account)
        audit.record(session, actor=user, action="two_step_cancelled", object_type="account", object_id=account.id)


def confirm_enrolment(session: Session, user: Principal, code: str, *, now: datetime | None = None) -> None:
    """Switch two-step sign-in on, once a code from the new secret proves the app has it."""
    now = now or datetime.now(UTC)
    account = _staff_account(session, user)
    if two_step_enabled(account):
        raise InvalidInput({"code": "Two-step sign-in is already on."})
    if account.totp_secret is None:
        raise InvalidInput({"code": "Start by adding the planner to your authenticator app."})
    wait = throttle_wait(session, account.username, now)
    if wait or not _check_code(session, account, code, now):
        _refuse_code(session, user, account, now, wait)
    account.totp_enabled_at = now
    session.add(account)
    clear_throttle(session, account.username)
    audit.record(session, actor=user, action="two_step_enabled", object_type="account", object_id=account.id)


def disable(session: Session, user: Principal, code: str, *, now: datetime | None = None) -> None:
    """Switch two-step sign-in off; a current code is needed, so a borrowed open session is not enough."""
    now = now or datetime.now(UTC)
    account = _staff_account(session, user)
    if not two_step_enabled(account):
        raise InvalidInput({"code": "Two-step sign-in is not on."})
    wait = throttle_wait(session, account.username, now)
    if wait or not _check_code(session, account, code, now):
        _refuse_code(session, user, account, now, wait)
    account.totp_secret = None
    account.totp_enabled_at = None
    account.totp_last_step = None
    session.add(account)
    clear_throttle(session, account.username)
    audit.record(session, actor=user, action="two_step_disabled", object_type="account", object_id=account.id)


def verify(session: Session, user: Principal, code: str, *, now: datetime | None = None) -> bool:
    """True if `code` is a current, unused code for this person's switched-on second factor.

    A wrong code is audited and counted in the throttle (and kept, even if the caller rolls back).
    """
    now = now or datetime.now(UTC)
    account = _staff_account(session, user)
    if not two_step_enabled(account):
        return False
    wait = throttle_wait(session, account.username, now)
    if not wait and _check_code(session, account, code, now):
        return True
    if not wait:  # an attempt refused unheard does not lengthen the wait (as in sign_in)
        note_failure(session, account.username, now)
    _audit_failure(session, user, account)
    session.commit()
    return False


def complete_sign_in(session: Session, account_id: int, code: str, *, now: datetime | None = None) -> SignIn:
    """The second step of signing in, for the account whose password was right (planner.accounts.sign_in)."""
    now = now or datetime.now(UTC)
    account = session.get(User, account_id)
    if account is None or not account.active or not two_step_enabled(account):
        return SignIn(None)  # deactivated or reset meanwhile: start again from the password
    wait = throttle_wait(session, account.username, now)
    principal = principal_for(session, account)
    if wait:
        audit.record(session, actor=principal, action="sign_in_throttled", outcome="denied")
        return SignIn(None, wait, code_needed_for=account.id)
    if not _check_code(session, account, code, now):
        note_failure(session, account.username, now)
        _audit_failure(session, principal, account)
        return SignIn(None, code_needed_for=account.id, failure=CODE_FAILED)
    clear_throttle(session, account.username)
    audit.record(session, actor=principal, action="sign_in")
    return SignIn(principal)
