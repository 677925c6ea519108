"""The plan store: every table, plus the Create models that validate input.

`table=True` classes do not validate, so user input enters through the `*Create` models below
(FastAPI full-stack template style). Updatable rows carry `version` for optimistic locking:
a save is `UPDATE ... WHERE id = ? AND version = ?`, and zero rows changed means someone else
saved first.

Enumerations are stored as short strings (checked here and in the Create models) rather than
database enum types, so SQLite and PostgreSQL share one schema and adding a value needs no
migration of a type.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import field_validator
from sqlalchemy import Index, MetaData, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from drivers.model import INTERVENTION_TYPES as _INTERVENTION_TYPES
from drivers.model import KINDS as DRIVER_KINDS  # noqa: F401 - the vocabularies live with the fit circle
from drivers.model import STATUSES as HYPOTHESIS_STATUSES  # noqa: F401
from drivers.model import SYSTEMS  # noqa: F401

# A naming convention makes constraint names identical on SQLite and PostgreSQL, which Alembic's
# batch mode needs to alter SQLite tables later.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

ROLES = ("therapist", "supervisor", "family", "admin")
CASE_STATUSES = ("open", "closed")
PARTICIPANT_ROLES = ("caregiver", "key_participant", "sibling", "victim")
HACKETT_LEVELS = ("normal", "inappropriate", "problematic", "abusive", "violent")
BROOK_COLOURS = ("green", "amber", "red")
GOAL_LEVELS = ("overarching", "intermediary")
GOAL_STATUSES = ("open", "met", "partly_met", "not_met")
RATING_SUBJECTS = ("driver", "goal", "overall")
REVIEW_STATUSES = ("draft", "submitted")
INTERVENTION_STATUSES = ("planned", "active", "done", "stopped")
SETTINGS = ("home", "school", "community", "online")
COMMENT_STATUSES = ("open", "addressed")
INTERVENTION_TYPES = tuple(_INTERVENTION_TYPES)
MIN_PLAN_WEEKS, MAX_PLAN_WEEKS, DEFAULT_PLAN_WEEKS = 20, 32, 30
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]*")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _clean_text(value: str) -> str:
    """Strip, and refuse control characters other than line breaks and tabs."""
    value = value.strip()
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value) or "\x7f" in value:
        raise ValueError("must not contain control characters")
    return value


# --------------------------------------------------------------------------- people and teams


class Team(SQLModel, table=True):
    __tablename__ = "team"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)


class User(SQLModel, table=True):
    __tablename__ = "account"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=80)
    role: str = Field(max_length=16)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    password_hash: str = Field(max_length=255)
    active: bool = True
    # Optional second factor for staff (planner.two_factor): the base32 TOTP secret, held as such
    # because the server must compute the same codes as the phone; set but not yet enabled = an
    # enrolment awaiting its first code. The last 30-second step used refuses a code used twice.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled_at: datetime | None = None
    totp_last_step: int | None = None  # a 30-second step number: fits an int for centuries
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class UserCreate(SQLModel):
    username: str = Field(min_length=2, max_length=64)
    display_name: str = Field(min_length=1, max_length=80)
    role: Literal["therapist", "supervisor", "family", "admin"]
    team_id: int | None = None

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not _USERNAME.fullmatch(value):
            raise ValueError("use lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
        return value

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, value: str) -> str:
        return _clean_text(value)


# --------------------------------------------------------------------------- the case


class Case(SQLModel, table=True):
    __tablename__ = "plan_case"
    id: int | None = Field(default=None, primary_key=True)
    alias: str = Field(max_length=60)  # never the young person's legal name
    age: int
    start_date: date
    planned_weeks: int = DEFAULT_PLAN_WEEKS
    status: str = Field(default="open", max_length=8, index=True)
    closed_on: date | None = None
    therapist_id: int = Field(foreign_key="account.id", index=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    # Phase lengths in weeks; NULL means the default split (goals.phases); intervention is the rest.
    phase_engagement_weeks: int | None = None
    phase_generalisation_weeks: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class CaseCreate(SQLModel):
    alias: str = Field(min_length=1, max_length=60)
    age: int = Field(ge=8, le=18)
    start_date: date
    planned_weeks: int = Field(default=DEFAULT_PLAN_WEEKS, ge=MIN_PLAN_WEEKS, le=MAX_PLAN_WEEKS)
    therapist_id: int
    team_id: int

    @field_validator("alias")
    @classmethod
    def _alias(cls, value: str) -> str:
        return _clean_text(value)


class FamilyAccess(SQLModel, table=True):
    """A family account belongs to exactly one case and sees only that case's summary."""

    __tablename__ = "family_access"

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)


class Participant(SQLModel, table=True):
    __tablename__ = "participant"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    name: str = Field(max_length=80)
    relation: str = Field(max_length=80)  # "father", "cousin", "younger brother"
    role: str = Field(max_length=16)
    version: int = 1

    @property
    def restricted(self) -> bool:
        """Victims are never shown to families and never named in pseudonymised exports."""
        return self.role == "victim"


class ReferralBehaviour(SQLModel, table=True):
    """What brought the family in. Restricted: never shown to a family."""

    __tablename__ = "referral_behaviour"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    summary: str = Field(max_length=120)  # label at the centre of the fit circle
    description: str
    frequency: str = Field(default="", max_length=200)
    intensity: str = Field(default="", max_length=200)
    duration: str = Field(default="", max_length=200)
    hackett_level: str = Field(max_length=16)
    brook_colour: str = Field(max_length=8)
    version: int = 1


class DesiredOutcome(SQLModel, table=True):
    __tablename__ = "desired_outcome"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    who: str = Field(max_length=80)  # "Dad", "Social worker", "School"
    outcome: str  # in the participant's own words
    version: int = 1


# --------------------------------------------------------------------------- the fit circle


class Driver(SQLModel, table=True):
    __tablename__ = "driver"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    name: str = Field(max_length=120)
    system: str = Field(max_length=16)
    kind: str = Field(max_length=8)  # need or strength
    description: str = ""
    family_wording: str = Field(default="", max_length=200)
    evidence_for: str = ""
    evidence_against: str = ""
    status: str = Field(default="hypothesised", max_length=16)
    # How strongly the driver is at work now, 0-10 (a need fades as treatment works).
    rating: int | None = None
    changeability: int = 3  # 1-5
    prioritised: bool = False
    catalogue_key: str | None = Field(default=None, max_length=64)
    archived_at: datetime | None = None
    archived_by: int | None = Field(default=None, foreign_key="account.id")
    archive_reason: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class DriverLink(SQLModel, table=True):
    """Driver -> driver, or driver -> the referral behaviour when target_driver_id is NULL."""

    __tablename__ = "driver_link"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    source_driver_id: int = Field(foreign_key="driver.id", index=True)
    target_driver_id: int | None = Field(default=None, foreign_key="driver.id")
    strength: int = 2  # 1-3
    note: str = Field(default="", max_length=200)
    archived_at: datetime | None = None
    version: int = 1


# --------------------------------------------------------------------------- the plan


class Intervention(SQLModel, table=True):
    __tablename__ = "intervention"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    type: str = Field(max_length=32)
    name: str = Field(max_length=120)
    description: str = ""
    who: str = Field(default="", max_length=200)
    frequency: str = Field(default="", max_length=120)
    start_week: int = 1
    end_week: int | None = None
    status: str = Field(default="planned", max_length=8)
    stop_reason: str | None = None
    principles: str = Field(default="", max_length=40)  # MST principles served, e.g. "1,2,7"
    version: int = 1


class InterventionDriver(SQLModel, table=True):
    __tablename__ = "intervention_driver"
    intervention_id: int = Field(foreign_key="intervention.id", primary_key=True)
    driver_id: int = Field(foreign_key="driver.id", primary_key=True)


class Goal(SQLModel, table=True):
    __tablename__ = "goal"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    level: str = Field(max_length=12)  # overarching or intermediary
    text: str
    criterion: str = ""  # how we will know it is met
    family_wording: str = Field(default="", max_length=200)
    week: int | None = None  # the week an intermediary goal was set for
    owner: str = Field(default="", max_length=80)
    status: str = Field(default="open", max_length=12)
    gas_weight: float = 1.0
    gas_score: int | None = None  # latest Goal Attainment Scaling score -2..+2 (overarching goals)
    gas_levels: str = ""  # JSON list of five descriptions, for -2, -1, 0, +1, +2
    # An intermediary goal carried into a later week points at the goal it carries on from.
    carries_on_from: int | None = Field(default=None, foreign_key="goal.id")
    version: int = 1


class GoalDriver(SQLModel, table=True):
    __tablename__ = "goal_driver"
    goal_id: int = Field(foreign_key="goal.id", primary_key=True)
    driver_id: int = Field(foreign_key="driver.id", primary_key=True)


class Rating(SQLModel, table=True):
    """A 0-10 rating of a driver, a goal or the overall safety scale in one week of the plan."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("case_id", "week", "subject", "subject_id", name="uq_rating_subject_week"),
        # The constraint above lets NULLs differ, so the overall scale needs its own: one a week.
        Index("uq_rating_overall_week", "case_id", "week", unique=True, sqlite_where=text("subject = 'overall'"), postgresql_where=text("subject = 'overall'")),
        # The caseload's "latest rating" lookups walk this index backwards, one case at a time.
        Index("ix_rating_case_subject_week", "case_id", "subject", "week"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    week: int
    subject: str = Field(max_length=8)  # driver, goal or overall
    subject_id: int | None = None  # driver or goal id; NULL for the overall scale
    value: int
    recorded_by: int | None = Field(default=None, foreign_key="account.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class GasScore(SQLModel, table=True):
    """An overarching goal's Goal Attainment Scaling score (-2..+2) in one week of the plan."""

    __tablename__ = "gas_score"
    __table_args__ = (UniqueConstraint("goal_id", "week", name="uq_gas_score_goal_week"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    goal_id: int = Field(foreign_key="goal.id")
    week: int
    score: int
    recorded_by: int | None = Field(default=None, foreign_key="account.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class WeeklyReview(SQLModel, table=True):
    """The weekly case summary for supervision. A submitted review is read-only."""

    __tablename__ = "weekly_review"
    __table_args__ = (Index("ix_weekly_review_case_status_week", "case_id", "status", "week"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    week: int
    status: str = Field(default="draft", max_length=10)
    advances: str = ""
    barriers_therapist: str = ""
    barriers_family: str = ""
    barriers_system: str = ""
    fit_update: str = ""
    next_steps: str = ""
    submitted_at: datetime | None = None
    submitted_by: int | None = Field(default=None, foreign_key="account.id")
    signed_off_at: datetime | None = None
    signed_off_by: int | None = Field(default=None, foreign_key="account.id")
    amends_review_id: int | None = Field(default=None, foreign_key="weekly_review.id")
    # While a draft: the typed-but-unsubmitted goal marks, ratings and new goals, as JSON, so
    # nothing the therapist typed is lost between visits. Written into ratings/goals on submit.
    draft_json: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class SafetyRule(SQLModel, table=True):
    __tablename__ = "safety_rule"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    setting: str = Field(max_length=12)
    rule: str  # written positively: "Bedroom doors stay open when cousins visit"
    responsible: str = Field(default="", max_length=200)
    review_date: date | None = None
    archived_at: datetime | None = None
    version: int = 1


class SafetyRuleDriver(SQLModel, table=True):
    __tablename__ = "safety_rule_driver"
    rule_id: int = Field(foreign_key="safety_rule.id", primary_key=True)
    driver_id: int = Field(foreign_key="driver.id", primary_key=True)


class Comment(SQLModel, table=True):
    """A supervisor's comment pinned to a driver, goal, intervention or review of a case."""

    __tablename__ = "comment"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    author_id: int = Field(foreign_key="account.id")
    subject: str = Field(max_length=16)  # case, driver, goal, intervention, review
    subject_id: int | None = None
    body: str
    status: str = Field(default="open", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)
    addressed_at: datetime | None = None
    addressed_by: int | None = Field(default=None, foreign_key="account.id")
    version: int = 1


class CaseAssignment(SQLModel, table=True):
    """Who held a case when: a reassignment adds a row, the history is kept."""

    __tablename__ = "case_assignment"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    therapist_id: int = Field(foreign_key="account.id")
    assigned_at: datetime = Field(default_factory=utcnow)
    assigned_by: int | None = Field(default=None, foreign_key="account.id")
    reason: str = ""


class AdherenceScore(SQLModel, table=True):
    """Monthly MST adherence (fidelity) score for a case, 0..1; below 0.61 is flagged."""

    __tablename__ = "adherence_score"
    __table_args__ = (UniqueConstraint("case_id", "month", name="uq_adherence_score_case_month"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    month: date  # the first day of the month
    score: float
    recorded_by: int | None = Field(default=None, foreign_key="account.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class FamilySummarySnapshot(SQLModel, table=True):
    """A published family summary: the family always sees the latest one, never a draft."""

    __tablename__ = "family_summary_snapshot"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="plan_case.id", index=True)
    published_at: datetime = Field(default_factory=utcnow)
    published_by: int = Field(foreign_key="account.id")
    content_json: str  # built from the family allow-list only


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per user name (known or not), so a page reload does not reset the delay."""

    __tablename__ = "sign_in_throttle"

    username: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_failure_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only record of who did what to which case, and when (UTC).

    Never holds clinical text: only the action, the kind and id of the object, and the outcome.
    """

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    actor: str = Field(max_length=64)  # the user name as typed, for failed sign-ins too
    action: str = Field(max_length=32)  # sign_in, sign_in_failed, view, create, update, ...
    object_type: str = Field(default="", max_length=32)
    object_id: int | None = None
    case_id: int | None = Field(default=None, index=True)
    outcome: str = Field(default="ok", max_length=16)  # ok or denied
    # Tamper evidence: HMAC over this entry and the previous entry's HMAC (key kept outside the DB).
    chain_hmac: str = Field(default="", max_length=64)
