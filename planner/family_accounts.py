"""The family's login to their own summary: the case's therapist creates, resets or revokes it.

One login per case. Every change needs Action.EDIT on the case (its therapist), is audited
("account_created", "password_reset", "account_revoked") and saved with `UPDATE ... WHERE id = ?
AND version = ?`. The new password is returned once, for the page to show once, and only its
argon2id hash is stored. Revoking deactivates the account and removes nothing else: the link to
the case and every published summary stay, and a reset brings the login back.

Passwords are three short everyday words and three digits ("otter-maple-drum-482"): easy to read
aloud over the phone and to type on one, about 34 bits from `secrets`, and sign-in is argon2id.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import Session, select

from planner import audit
from planner.access import Action, Principal
from planner.accounts import clear_throttle, hash_password
from planner.errors import InvalidInput, StaleEdit
from planner.guard import check
from planner.models import Case, FamilyAccess, User, UserCreate

# Short, concrete, friendly words; nothing about bodies, secrets or games, and no children's names.
WORDS: tuple[str, ...] = tuple(
    """
    acorn anchor apple apron arrow badge badger bagel ball banjo barn basket beach bean beaver bell
    berry birch bison boat book boot bowl brick bridge brook brush bucket bun button cabin cactus
    cake camel candle canoe cap card carrot castle cedar chair chalk cherry chess cliff clock cloud
    clover coast cocoa comet cookie coral corn cotton cow crab crane creek cup dawn deer desk
    dew dolphin dove drum duck dune eagle easel elm ember fern ferry field fig finch flag flask
    flute fork fox frog frost garden gecko glove goat gold grape grass gull hammer harbour hare hat
    hawk hedge hen heron hill honey hoop horse igloo iron island jacket jar jelly jug kale kayak
    kettle kite kiwi koala ladder lake lamb lamp lantern lark leaf leek lemon lilac lime lion llama
    lobster lake loaf magnet mango map maple marble market meadow melon mint mitten mole moon moose
    moss moth mouse mug nest newt noodle nut oak oar oat ocean onion orange orca otter owl
    paddle panda parrot pasta peach pear pebble pencil penguin pepper piano pickle pier pine
    planet plum pond pony potato puffin pumpkin quail rabbit radio raft rain raven reef rice river
    rocket salad salmon sand scarf seal seed shell sheep ship shore silver skate sled
    snail snow sock soup spade spoon squid stamp star stone stork straw stream sugar summer sun
    swan table teal teapot tent thimble tiger tile toast tomato torch tower tractor train tram tray
    trout tulip tuna turnip umbrella valley van velvet violin wagon walnut walrus wave whale wheat
    wheel willow window winter wolf wren yacht yak yarn zebra
    """.split()
)
WORDS = tuple(dict.fromkeys(WORDS))  # in order, each once

USERNAME_HELP = "Use 2 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit."


@dataclass(frozen=True)
class FamilyLogin:
    account_id: int
    username: str
    active: bool
    created_at: datetime
    version: int


@dataclass(frozen=True)
class IssuedPassword:
    """A new password, to be shown once and never stored in clear."""

    username: str
    password: str


def generate_family_password() -> str:
    return "-".join(secrets.choice(WORDS) for _ in range(3)) + "-" + f"{secrets.randbelow(1000):03d}"


def suggested_username(alias: str, case_id: int) -> str:
    """family-<alias>-<case id>: the alias made plain lower-case ASCII ("Zoë" -> "zoe")."""
    plain = unicodedata.normalize("NFKD", alias).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "case"
    suffix = f"-{case_id}"
    return ("family-" + slug)[: 64 - len(suffix)].rstrip("-") + suffix


def _login(session: Session, case_id: int) -> FamilyLogin | None:
    row = session.exec(
        select(User.id, User.username, User.active, User.created_at, User.version)
        .join(FamilyAccess, FamilyAccess.account_id == User.id)
        .where(FamilyAccess.case_id == case_id, User.role == "family")
        .order_by(User.id)
        .limit(1)
    ).first()
    return FamilyLogin(*row) if row else None


def family_login(session: Session, user: Principal, case_id: int) -> FamilyLogin | None:
    """The case's family login (None if there is none yet)."""
    check(session, user, Action.VIEW, case_id)
    login = _login(session, case_id)
    audit.record(session, actor=user, action="view", object_type="family_account", object_id=login.account_id if login else None, case_id=case_id)
    return login


def create_family_login(session: Session, user: Principal, case_id: int, *, username: str | None = None) -> IssuedPassword:
    """Create the case's family login; `username` defaults to suggested_username (surrounding spaces trimmed)."""
    check(session, user, Action.EDIT, case_id)
    if _login(session, case_id) is not None:
        raise InvalidInput({"username": "This family already has a login. Reset its password instead."})
    alias = session.exec(select(Case.alias).where(Case.id == case_id)).one()
    name = suggested_username(alias, case_id) if username is None or not username.strip() else username.strip()
    try:
        account = UserCreate(username=name, display_name=f"{alias}'s family"[:80], role="family")
    except ValidationError:
        raise InvalidInput({"username": USERNAME_HELP}) from None
    if session.exec(select(User.id).where(User.username == account.username)).first() is not None:
        raise InvalidInput({"username": f"The user name {account.username} is taken. Please choose another."})
    password = generate_family_password()
    row = User(**account.model_dump(), password_hash=hash_password(password))
    session.add(row)
    session.flush()
    session.add(FamilyAccess(account_id=row.id, case_id=case_id))
    audit.record(session, actor=user, action="account_created", object_type="account", object_id=row.id, case_id=case_id)
    return IssuedPassword(row.username, password)


def _existing(session: Session, case_id: int) -> FamilyLogin:
    login = _login(session, case_id)
    if login is None:
        raise InvalidInput({"login": "This family has no login yet. Create one first."})
    return login


def _save(session: Session, login: FamilyLogin, version: int, **values) -> None:
    changed = session.execute(
        update(User).where(User.id == login.account_id, User.version == version).values(**values, version=User.version + 1)
    ).rowcount
    if changed != 1:
        raise StaleEdit("Someone changed this family login since you opened the page. Reload to see it; nothing was changed.")


def reset_family_password(session: Session, user: Principal, case_id: int, *, version: int) -> IssuedPassword:
    """A new password for the family login, which is active again afterwards."""
    check(session, user, Action.EDIT, case_id)
    login = _existing(session, case_id)
    password = generate_family_password()
    _save(session, login, version, password_hash=hash_password(password), active=True)
    clear_throttle(session, login.username)  # a fresh password starts with a clean slate
    audit.record(session, actor=user, action="password_reset", object_type="account", object_id=login.account_id, case_id=case_id)
    return IssuedPassword(login.username, password)


def revoke_family_login(session: Session, user: Principal, case_id: int, *, version: int) -> None:
    """Deactivate the family login (signed out at their next click). Nothing is removed."""
    check(session, user, Action.EDIT, case_id)
    login = _existing(session, case_id)
    if not login.active:
        raise InvalidInput({"login": "This login is already revoked."})
    _save(session, login, version, active=False)
    audit.record(session, actor=user, action="account_revoked", object_type="account", object_id=login.account_id, case_id=case_id)
