"""Account administration for admins: list accounts, deactivate and reactivate them."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import update
from sqlmodel import Session, select

from planner import audit
from planner.access import Action, Principal
from planner.errors import StaleEdit
from planner.guard import check
from planner.models import Team, User


class AccountRuleError(ValueError):
    """A change the rules refuse, with a message to show."""


def list_accounts(session: Session, user: Principal) -> pd.DataFrame:
    check(session, user, Action.MANAGE_ACCOUNTS)
    rows = session.exec(
        select(User, Team.name).join(Team, Team.id == User.team_id, isouter=True).order_by(User.role, User.username)
    ).all()
    audit.record(session, actor=user, action="view", object_type="accounts")
    return pd.DataFrame.from_records(
        [
            {
                "id": u.id,
                "username": u.username,
                "name": u.display_name,
                "role": u.role,
                "team": team or "",
                "active": u.active,
                "version": u.version,
            }
            for u, team in rows
        ],
        columns=["id", "username", "name", "role", "team", "active", "version"],
    )


def set_active(session: Session, user: Principal, account_id: int, *, active: bool, version: int) -> None:
    """Deactivate or reactivate an account; a deactivated person is signed out at their next click."""
    check(session, user, Action.MANAGE_ACCOUNTS)
    if account_id == user.id and not active:
        raise AccountRuleError("You cannot deactivate your own account.")
    changed = session.execute(
        update(User)
        .where(User.id == account_id, User.version == version)
        .values(active=active, version=User.version + 1)
    ).rowcount
    if changed != 1:
        raise StaleEdit("This account was changed by someone else since you opened the page. Reload to see it.")
    audit.record(
        session, actor=user, action="reactivate" if active else "deactivate", object_type="account", object_id=account_id
    )
