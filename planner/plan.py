"""The plan of one case: interventions aimed at drivers, desired outcomes, overarching goals with
Goal Attainment Scaling, and the safety plan.

Reads need Action.VIEW; every change needs Action.EDIT (archiving a safety rule, Action.ARCHIVE), is
validated with goals.validation (weeks, required text, GAS scores and weights), saved with
`UPDATE ... WHERE id = ? AND version = ?` (a concurrent save is refused, never overwritten) and
audited without any clinical text. Nothing is deleted: interventions are stopped with a reason,
safety rules archived.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from drivers.model import INTERVENTION_TYPES as INTERVENTION_TYPE_LABELS
from goals.gas import SCORE_LABELS, gas_t_score
from goals.model import GOAL_STATUS_LABELS
from goals.timeline import plan_week
from goals.validation import (
    validate_gas_score,
    validate_gas_weight,
    validate_required,
    validate_week,
    validate_week_range,
)
from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput, StaleEdit
from planner.versioned import versioned_update
from planner.guard import NotFound, check
from planner.models import (
    GOAL_STATUSES,
    INTERVENTION_STATUSES,
    SETTINGS,
    Case,
    DesiredOutcome,
    Driver,
    GasScore,
    Goal,
    GoalDriver,
    Intervention,
    InterventionDriver,
    Participant,
    SafetyRule,
    SafetyRuleDriver,
    utcnow,
)

# --------------------------------------------------------------------------- vocabularies

MST_PRINCIPLES: dict[int, str] = {
    1: "Finding the fit",
    2: "Positive and strength-focused",
    3: "Increasing responsibility",
    4: "Present-focused, action-oriented and well-defined",
    5: "Targeting sequences",
    6: "Developmentally appropriate",
    7: "Continuous effort",
    8: "Evaluation and accountability",
    9: "Generalisation",
}
INTERVENTION_STATUS_LABELS: dict[str, str] = {"planned": "Planned", "active": "Active", "done": "Done", "stopped": "Stopped"}
SETTING_LABELS: dict[str, str] = {"home": "Home", "school": "School", "community": "Community", "online": "Online"}
GAS_LEVELS = (-2, -1, 0, 1, 2)

# Column lengths (planner.models) and sensible limits for unbounded text columns.
MAX_INTERVENTION_NAME = 120
MAX_WHO = 200
MAX_FREQUENCY = 120
MAX_LONG_TEXT = 4000
MAX_REASON = 500
MAX_OUTCOME_WHO = 80
MAX_OUTCOME = 2000
MAX_GOAL_TEXT = 300
MAX_CRITERION = 1000
MAX_FAMILY_WORDING = 200
MAX_GAS_LEVEL = 200
MAX_RULE = 500
MAX_RESPONSIBLE = 200

_NEGATIVE_STARTS = ("don't", "don’t", "do not", "no ", "never", "not ", "mustn't", "must not", "stop ")


# --------------------------------------------------------------------------- inputs (untrusted)


@dataclass(frozen=True)
class InterventionInput:
    type: str
    name: str
    who: str
    frequency: str
    start_week: int
    end_week: int | None = None  # None: ongoing
    status: str = "planned"
    stop_reason: str = ""  # needed when the status is "stopped"
    principles: tuple[int, ...] = ()
    driver_ids: tuple[int, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class OutcomeInput:
    outcome: str
    participant_id: int | None = None  # one of the case's participants (never a victim) ...
    who: str = ""  # ... or a free "who" ("School"); with a participant, defaults to their name


@dataclass(frozen=True)
class GoalInput:
    text: str
    criterion: str
    family_wording: str
    gas_weight: float = 1.0
    gas_levels: tuple[str, ...] = ()  # empty, or five descriptions for -2, -1, 0, +1, +2
    driver_ids: tuple[int, ...] = ()
    status: str = "open"


@dataclass(frozen=True)
class RuleInput:
    setting: str
    rule: str
    responsible: str
    review_date: date | None = None
    driver_ids: tuple[int, ...] = ()  # the needs the rule manages


# --------------------------------------------------------------------------- what the page reads


@dataclass(frozen=True)
class GoalRecord:
    """An overarching goal with its GAS levels, scores and linked drivers."""

    id: int
    text: str
    criterion: str
    family_wording: str
    status: str
    gas_weight: float
    gas_score: int | None
    gas_levels: tuple[str, ...]  # () or five descriptions, -2..+2
    scores: tuple[tuple[int, int], ...]  # (week, score), in week order
    driver_ids: tuple[int, ...]
    driver_names: tuple[str, ...]
    version: int

    @property
    def latest_week(self) -> int | None:
        return self.scores[-1][0] if self.scores else None

    def level_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {"score": f"{level:+d}" if level else "0", "meaning": SCORE_LABELS[level], "for this goal": text}
                for level, text in zip(GAS_LEVELS, self.gas_levels, strict=True)
            ],
            columns=["score", "meaning", "for this goal"],
        )


@dataclass(frozen=True)
class RuleRecord:
    id: int
    setting: str
    rule: str
    responsible: str
    review_date: date | None
    driver_ids: tuple[int, ...]
    driver_names: tuple[str, ...]
    archived_at: object | None
    version: int


@dataclass(frozen=True)
class ParticipantOption:
    id: int
    name: str
    relation: str


@dataclass(frozen=True)
class PlanView:
    case_id: int
    alias: str
    start_date: date
    current_week: int
    planned_weeks: int
    closed: bool
    can_edit: bool
    interventions: pd.DataFrame  # one row per intervention, with the aimed-at driver names
    outcomes: pd.DataFrame  # id, participant_id, who, outcome, version
    goals: list[GoalRecord]  # overarching goals
    intermediary: pd.DataFrame  # this week's intermediary goals: goal, owner, status, drivers
    rules: list[RuleRecord]  # active safety rules
    archived_rules: list[RuleRecord]
    drivers: pd.DataFrame  # live drivers: id, name, kind, prioritised
    participants: list[ParticipantOption] = field(default_factory=list)  # never victims

    @property
    def default_week(self) -> int:
        """The week a new score or intervention defaults to: this week, inside the plan."""
        return max(1, min(self.current_week, self.planned_weeks))

    def gas_t_score(self) -> float | None:
        """The GAS summary T-score of the goals' latest scores (50 = met as expected)."""
        scored = [g for g in self.goals if g.gas_score is not None]
        if not scored:
            return None
        return gas_t_score([g.gas_score for g in scored], [g.gas_weight for g in scored])


INTERVENTION_COLUMNS = [
    "id", "name", "type", "type_label", "aimed_at", "driver_ids", "who", "frequency", "start_week", "end_week",
    "weeks", "status", "status_label", "stop_reason", "principles", "principle_names", "description", "version",
]


def principles_list(stored: str) -> list[int]:
    """"1,2,7" -> [1, 2, 7]; anything unreadable is left out."""
    found = []
    for part in (stored or "").split(","):
        part = part.strip()
        if part.isdigit() and int(part) in MST_PRINCIPLES and int(part) not in found:
            found.append(int(part))
    return sorted(found)


def principle_label(number: int) -> str:
    return f"{number} {MST_PRINCIPLES[number]}"


def weeks_text(start: int, end: int | None) -> str:
    return f"weeks {start}–{end}" if end is not None else f"from week {start}, ongoing"


def read_gas_levels(stored: str) -> tuple[str, ...]:
    """The five level descriptions stored as JSON, or () when there are none (or they are unreadable)."""
    if not stored:
        return ()
    try:
        levels = json.loads(stored)
    except ValueError:
        return ()
    if isinstance(levels, list) and len(levels) == 5 and all(isinstance(x, str) for x in levels):
        return tuple(levels)
    return ()


def negative_wording_hint(rule: str) -> str | None:
    """A kind hint when a safety rule is written as a prohibition; None when it reads positively."""
    start = (rule or "").strip().lower()
    if any(start.startswith(word) for word in _NEGATIVE_STARTS):
        return (
            "Rules work best written as what to do, not what not to do: for example "
            "“Bedroom doors stay open when cousins visit” rather than “Don't close the door”. "
            "It has been saved as written; you can reword it at any time."
        )
    return None


def _driver_frame(drivers: list[Driver]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"id": d.id, "name": d.name, "kind": d.kind, "prioritised": d.prioritised} for d in drivers],
        columns=["id", "name", "kind", "prioritised"],
    )


def plan_view(session: Session, user: Principal, case_id: int, *, today: date) -> PlanView:
    ref = check(session, user, Action.VIEW, case_id)
    case = session.get(Case, case_id)
    current = plan_week(case.start_date, case.closed_on or today)
    drivers = session.exec(
        select(Driver).where(Driver.case_id == case_id).order_by(Driver.kind, Driver.system, Driver.name)
    ).all()
    live = [d for d in drivers if d.archived_at is None]
    names = {d.id: d.name if d.archived_at is None else f"{d.name} (archived)" for d in drivers}

    def named(ids: list[int]) -> tuple[str, ...]:
        return tuple(sorted(names.get(i, "?") for i in ids))

    # ---- interventions
    aimed: dict[int, list[int]] = {}
    for intervention_id, driver_id in session.exec(
        select(InterventionDriver.intervention_id, InterventionDriver.driver_id)
        .join(Intervention, Intervention.id == InterventionDriver.intervention_id)
        .where(Intervention.case_id == case_id)
    ).all():
        aimed.setdefault(intervention_id, []).append(driver_id)
    order = {"active": 0, "planned": 1, "done": 2, "stopped": 3}
    interventions = sorted(
        session.exec(select(Intervention).where(Intervention.case_id == case_id)).all(),
        key=lambda i: (order.get(i.status, 4), i.start_week, i.name, i.id),
    )
    intervention_rows = []
    for i in interventions:
        numbers = principles_list(i.principles)
        ids = sorted(aimed.get(i.id, []))
        intervention_rows.append(
            {
                "id": i.id,
                "name": i.name,
                "type": i.type,
                "type_label": INTERVENTION_TYPE_LABELS.get(i.type, i.type),
                "aimed_at": "; ".join(named(ids)),
                "driver_ids": ids,
                "who": i.who,
                "frequency": i.frequency,
                "start_week": i.start_week,
                "end_week": i.end_week,
                "weeks": weeks_text(i.start_week, i.end_week),
                "status": i.status,
                "status_label": INTERVENTION_STATUS_LABELS.get(i.status, i.status)
                + (f": {i.stop_reason}" if i.status == "stopped" and i.stop_reason else ""),
                "stop_reason": i.stop_reason or "",
                "principles": numbers,
                "principle_names": [principle_label(n) for n in numbers],
                "description": i.description,
                "version": i.version,
            }
        )

    # ---- desired outcomes and participants
    outcomes = pd.DataFrame(
        [
            {"id": o.id, "participant_id": o.participant_id, "who": o.who, "outcome": o.outcome, "version": o.version}
            for o in session.exec(
                select(DesiredOutcome).where(DesiredOutcome.case_id == case_id).order_by(DesiredOutcome.id)
            ).all()
        ],
        columns=["id", "participant_id", "who", "outcome", "version"],
    )
    participants = [
        ParticipantOption(p.id, p.name, p.relation)
        for p in session.exec(select(Participant).where(Participant.case_id == case_id).order_by(Participant.id)).all()
        if p.role != "victim"
    ]

    # ---- goals
    goals = session.exec(select(Goal).where(Goal.case_id == case_id).order_by(Goal.id)).all()
    goal_drivers: dict[int, list[int]] = {}
    for goal_id, driver_id in session.exec(
        select(GoalDriver.goal_id, GoalDriver.driver_id)
        .join(Goal, Goal.id == GoalDriver.goal_id)
        .where(Goal.case_id == case_id)
    ).all():
        goal_drivers.setdefault(goal_id, []).append(driver_id)
    scores: dict[int, list[tuple[int, int]]] = {}
    for goal_id, week, score in session.exec(
        select(GasScore.goal_id, GasScore.week, GasScore.score).where(GasScore.case_id == case_id).order_by(GasScore.week)
    ).all():
        scores.setdefault(goal_id, []).append((week, score))
    overarching = [
        GoalRecord(
            id=g.id,
            text=g.text,
            criterion=g.criterion,
            family_wording=g.family_wording,
            status=g.status,
            gas_weight=g.gas_weight,
            gas_score=g.gas_score,
            gas_levels=read_gas_levels(g.gas_levels),
            scores=tuple(scores.get(g.id, [])),
            driver_ids=tuple(sorted(goal_drivers.get(g.id, []))),
            driver_names=named(goal_drivers.get(g.id, [])),
            version=g.version,
        )
        for g in goals
        if g.level == "overarching"
    ]
    intermediary = pd.DataFrame(
        [
            {
                "goal": g.text,
                "owner": g.owner,
                "status": GOAL_STATUS_LABELS.get(g.status, g.status),
                "drivers": "; ".join(named(goal_drivers.get(g.id, []))),
            }
            for g in goals
            if g.level == "intermediary" and g.week == current
        ],
        columns=["goal", "owner", "status", "drivers"],
    )

    # ---- safety plan
    rule_drivers: dict[int, list[int]] = {}
    for rule_id, driver_id in session.exec(
        select(SafetyRuleDriver.rule_id, SafetyRuleDriver.driver_id)
        .join(SafetyRule, SafetyRule.id == SafetyRuleDriver.rule_id)
        .where(SafetyRule.case_id == case_id)
    ).all():
        rule_drivers.setdefault(rule_id, []).append(driver_id)
    setting_order = {s: n for n, s in enumerate(SETTINGS)}
    rules = [
        RuleRecord(
            id=r.id,
            setting=r.setting,
            rule=r.rule,
            responsible=r.responsible,
            review_date=r.review_date,
            driver_ids=tuple(sorted(rule_drivers.get(r.id, []))),
            driver_names=named(rule_drivers.get(r.id, [])),
            archived_at=r.archived_at,
            version=r.version,
        )
        for r in sorted(
            session.exec(select(SafetyRule).where(SafetyRule.case_id == case_id)).all(),
            key=lambda r: (setting_order.get(r.setting, 9), r.id),
        )
    ]

    audit.record(session, actor=user, action="view", object_type="plan", case_id=case_id)
    return PlanView(
        case_id=case_id,
        alias=case.alias,
        start_date=case.start_date,
        current_week=current,
        planned_weeks=case.planned_weeks,
        closed=case.status == "closed",
        can_edit=is_allowed(user, Action.EDIT, ref),
        interventions=pd.DataFrame(intervention_rows, columns=INTERVENTION_COLUMNS),
        outcomes=outcomes,
        goals=overarching,
        intermediary=intermediary,
        rules=[r for r in rules if r.archived_at is None],
        archived_rules=[r for r in rules if r.archived_at is not None],
        drivers=_driver_frame(live),
        participants=participants,
    )


# --------------------------------------------------------------------------- validation helpers


def _text(errors: dict[str, str], name: str, value: object, label: str, max_len: int, *, required: bool = True, one_line: bool = False) -> str:
    """Check one text field into `errors`; return it stripped (the value that will be saved)."""
    if not isinstance(value, str):
        errors[name] = f"Please fill in {label}."
        return ""
    if not required and not value.strip():
        return ""
    problem = validate_required(value, label, max_len)
    if problem is None and one_line and any(ch in value.strip() for ch in "\n\r\t"):
        problem = f"Please keep {label} on one line."
    if problem:
        errors[name] = problem
    return value.strip()


def _case(session: Session, case_id: int) -> Case:
    return session.get(Case, case_id)


def _check_drivers(
    session: Session, errors: dict[str, str], case_id: int, driver_ids: object, *, needs_only: bool = False,
    required: str | None = None,
) -> list[int]:
    """The chosen drivers, each a live driver of this case (and a need, if `needs_only`)."""
    try:
        ids = sorted({int(i) for i in driver_ids or ()})  # type: ignore[union-attr]
    except (TypeError, ValueError):
        errors["drivers"] = "Please choose drivers from the list."
        return []
    if not ids:
        if required:
            errors["drivers"] = required
        return []
    rows = session.exec(
        select(Driver.id, Driver.kind).where(Driver.case_id == case_id, Driver.id.in_(ids), Driver.archived_at.is_(None))
    ).all()
    found = {i: kind for i, kind in rows}
    if set(found) != set(ids):
        errors["drivers"] = "One of the chosen drivers is not on this case's map any more. Reload and choose again."
    elif needs_only and any(kind != "need" for kind in found.values()):
        errors["drivers"] = "Link the rule to the needs (risks) it manages, not to strengths."
    return ids


def _replace_links(session: Session, table, owner_column, owner_id: int, driver_ids: list[int]) -> None:
    """Set the live drivers an intervention, goal or rule is linked to, keeping links to archived drivers."""
    archived = set(
        session.exec(
            select(table.driver_id)
            .join(Driver, Driver.id == table.driver_id)
            .where(owner_column == owner_id, Driver.archived_at.is_not(None))
        ).all()
    )
    stale = delete(table).where(owner_column == owner_id)
    if archived:
        stale = stale.where(table.driver_id.not_in(archived))
    session.execute(stale)
    owner_field = owner_column.key
    session.add_all([table(**{owner_field: owner_id, "driver_id": d}) for d in driver_ids if d not in archived])
    session.flush()


# --------------------------------------------------------------------------- interventions


def _intervention_values(session: Session, case_id: int, fields: InterventionInput) -> tuple[dict, list[int]]:
    case = _case(session, case_id)
    errors: dict[str, str] = {}
    if fields.type not in INTERVENTION_TYPE_LABELS:
        errors["type"] = "Please choose the type of intervention from the list."
    name = _text(errors, "name", fields.name, "the name", MAX_INTERVENTION_NAME, one_line=True)
    who = _text(errors, "who", fields.who, "who does what", MAX_WHO, one_line=True)
    frequency = _text(errors, "frequency", fields.frequency, "how often", MAX_FREQUENCY, one_line=True)
    description = _text(errors, "description", fields.description, "the description", MAX_LONG_TEXT, required=False)
    start_problem = validate_week(fields.start_week, case.planned_weeks)
    if start_problem:
        errors["start_week"] = start_problem
        if fields.end_week is not None and (end_problem := validate_week(fields.end_week, case.planned_weeks)):
            errors["end_week"] = end_problem
    elif fields.end_week is not None:
        problem = validate_week_range(fields.start_week, fields.end_week, case.planned_weeks)
        if problem:
            errors["end_week"] = problem.removeprefix("End: ")
    if fields.status not in INTERVENTION_STATUSES:
        errors["status"] = "Please choose a status: planned, active, done or stopped."
    stop_reason = None
    if fields.status == "stopped":
        reason = _text(errors, "stop_reason", fields.stop_reason, "why the intervention was stopped", MAX_REASON)
        stop_reason = reason or None
    try:
        principles = sorted({int(p) for p in fields.principles})
    except (TypeError, ValueError):
        principles = [0]
    if any(p not in MST_PRINCIPLES for p in principles):
        errors["principles"] = "MST principles are numbered 1 to 9."
    driver_ids = _check_drivers(
        session, errors, case_id, fields.driver_ids, required="Please choose at least one driver this intervention is aimed at."
    )
    if errors:
        raise InvalidInput(errors)
    values = {
        "type": fields.type,
        "name": name,
        "who": who,
        "frequency": frequency,
        "description": description,
        "start_week": fields.start_week,
        "end_week": fields.end_week,
        "status": fields.status,
        "stop_reason": stop_reason,
        "principles": ",".join(str(p) for p in principles),
    }
    return values, driver_ids


def _intervention(session: Session, case_id: int, intervention_id: int) -> Intervention:
    row = session.get(Intervention, intervention_id)
    if row is None or row.case_id != case_id:
        raise NotFound("That intervention is not in this case.")
    return row


def add_intervention(session: Session, user: Principal, case_id: int, fields: InterventionInput) -> int:
    check(session, user, Action.EDIT, case_id)
    values, driver_ids = _intervention_values(session, case_id, fields)
    row = Intervention(case_id=case_id, **values)
    session.add(row)
    session.flush()
    _replace_links(session, InterventionDriver, InterventionDriver.intervention_id, row.id, driver_ids)
    audit.record(session, actor=user, action="create", object_type="intervention", object_id=row.id, case_id=case_id)
    return row.id


def update_intervention(
    session: Session, user: Principal, case_id: int, intervention_id: int, fields: InterventionInput, *, version: int
) -> None:
    """Change an intervention, including its status (stopping needs a reason)."""
    check(session, user, Action.EDIT, case_id)
    _intervention(session, case_id, intervention_id)
    values, driver_ids = _intervention_values(session, case_id, fields)
    versioned_update(session, Intervention, intervention_id, version, values, "intervention")
    _replace_links(session, InterventionDriver, InterventionDriver.intervention_id, intervention_id, driver_ids)
    audit.record(session, actor=user, action="update", object_type="intervention", object_id=intervention_id, case_id=case_id)


# --------------------------------------------------------------------------- desired outcomes


def _outcome_values(session: Session, case_id: int, fields: OutcomeInput) -> dict:
    errors: dict[str, str] = {}
    participant = None
    if fields.participant_id is not None:
        participant = session.get(Participant, fields.participant_id)
        if participant is None or participant.case_id != case_id or participant.role == "victim":
            errors["participant"] = "Please choose someone from this family's list of people, or type who."
            participant = None
    who_given = isinstance(fields.who, str) and fields.who.strip()
    if participant is not None and not who_given:
        who = participant.name
    else:
        who = _text(errors, "who", fields.who, "who wants this", MAX_OUTCOME_WHO, one_line=True)
    outcome = _text(errors, "outcome", fields.outcome, "the outcome in their own words", MAX_OUTCOME)
    if errors:
        raise InvalidInput(errors)
    return {"participant_id": participant.id if participant else None, "who": who, "outcome": outcome}


def add_outcome(session: Session, user: Principal, case_id: int, fields: OutcomeInput) -> int:
    check(session, user, Action.EDIT, case_id)
    row = DesiredOutcome(case_id=case_id, **_outcome_values(session, case_id, fields))
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="create", object_type="desired_outcome", object_id=row.id, case_id=case_id)
    return row.id


def update_outcome(session: Session, user: Principal, case_id: int, outcome_id: int, fields: OutcomeInput, *, version: int) -> None:
    check(session, user, Action.EDIT, case_id)
    row = session.get(DesiredOutcome, outcome_id)
    if row is None or row.case_id != case_id:
        raise NotFound("That desired outcome is not in this case.")
    values = _outcome_values(session, case_id, fields)
    versioned_update(session, DesiredOutcome, outcome_id, version, values, "desired outcome")
    audit.record(session, actor=user, action="update", object_type="desired_outcome", object_id=outcome_id, case_id=case_id)


# --------------------------------------------------------------------------- overarching goals and GAS


def _goal_values(session: Session, case_id: int, fields: GoalInput) -> tuple[dict, list[int]]:
    errors: dict[str, str] = {}
    text = _text(errors, "text", fields.text, "the goal", MAX_GOAL_TEXT)
    criterion = _text(errors, "criterion", fields.criterion, "how you will know it is met", MAX_CRITERION)
    family_wording = _text(errors, "family_wording", fields.family_wording, "the family wording", MAX_FAMILY_WORDING, one_line=True)
    weight_problem = validate_gas_weight(fields.gas_weight)
    if weight_problem is None and fields.gas_weight > 100:
        weight_problem = "Please keep the weight to 100 or less (1 means ordinary importance)."
    if weight_problem:
        errors["gas_weight"] = weight_problem
    if fields.status not in GOAL_STATUSES:
        errors["status"] = "Please choose a status from the list."
    levels = tuple(fields.gas_levels or ())
    stored_levels = ""
    if any(isinstance(x, str) and x.strip() for x in levels):
        if len(levels) != 5 or not all(isinstance(x, str) and x.strip() for x in levels):
            errors["gas_levels"] = "Please describe all five GAS levels (-2 to +2), or leave them all empty."
        else:
            level_errors: dict[str, str] = {}
            cleaned = [
                _text(level_errors, f"{score:+d}", text_, f"level {score:+d}", MAX_GAS_LEVEL, one_line=True)
                for score, text_ in zip(GAS_LEVELS, levels, strict=True)
            ]
            if level_errors:
                errors["gas_levels"] = " ".join(level_errors.values())
            stored_levels = json.dumps(cleaned, ensure_ascii=False)
    driver_ids = _check_drivers(session, errors, case_id, fields.driver_ids)
    if errors:
        raise InvalidInput(errors)
    values = {
        "text": text,
        "criterion": criterion,
        "family_wording": family_wording,
        "gas_weight": float(fields.gas_weight),
        "gas_levels": stored_levels,
        "status": fields.status,
    }
    return values, driver_ids


def _overarching_goal(session: Session, case_id: int, goal_id: int) -> Goal:
    goal = session.get(Goal, goal_id)
    if goal is None or goal.case_id != case_id or goal.level != "overarching":
        raise NotFound("That overarching goal is not in this case.")
    return goal


def add_goal(session: Session, user: Principal, case_id: int, fields: GoalInput) -> int:
    """Add an overarching goal (intermediary goals are set in the weekly review)."""
    check(session, user, Action.EDIT, case_id)
    values, driver_ids = _goal_values(session, case_id, fields)
    row = Goal(case_id=case_id, level="overarching", owner="Family and therapist", **values)
    session.add(row)
    session.flush()
    _replace_links(session, GoalDriver, GoalDriver.goal_id, row.id, driver_ids)
    audit.record(session, actor=user, action="create", object_type="goal", object_id=row.id, case_id=case_id)
    return row.id


def update_goal(session: Session, user: Principal, case_id: int, goal_id: int, fields: GoalInput, *, version: int) -> None:
    check(session, user, Action.EDIT, case_id)
    _overarching_goal(session, case_id, goal_id)
    values, driver_ids = _goal_values(session, case_id, fields)
    versioned_update(session, Goal, goal_id, version, values, "goal")
    _replace_links(session, GoalDriver, GoalDriver.goal_id, goal_id, driver_ids)
    audit.record(session, actor=user, action="update", object_type="goal", object_id=goal_id, case_id=case_id)


def score_gas(session: Session, user: Principal, case_id: int, goal_id: int, *, week: int, score: int) -> None:
    """Record an overarching goal's GAS score for a week (a second score for that week replaces the
    first) and set the goal's latest score to the score of its latest scored week."""
    check(session, user, Action.EDIT, case_id)
    case = _case(session, case_id)
    _overarching_goal(session, case_id, goal_id)
    errors: dict[str, str] = {}
    if problem := validate_week(week, case.planned_weeks):
        errors["week"] = problem
    if problem := validate_gas_score(score):
        errors["score"] = problem
    if errors:
        raise InvalidInput(errors)
    values = {"score": int(score), "recorded_by": user.id, "recorded_at": utcnow()}
    existing = session.exec(select(GasScore.id).where(GasScore.goal_id == goal_id, GasScore.week == week)).first()
    if existing is not None:
        session.execute(update(GasScore).where(GasScore.id == existing).values(**values))
        score_id, action = existing, "update"
    else:
        row = GasScore(case_id=case_id, goal_id=goal_id, week=week, **values)
        session.add(row)
        try:
            session.flush()
        except IntegrityError as error:  # the same goal and week scored elsewhere a moment ago
            raise StaleEdit(
                f"Someone else scored this goal for week {week} at the same moment, so your score was not "
                "saved. Reload to see theirs, then score again if it needs changing."
            ) from error
        score_id, action = row.id, "create"
    latest = session.exec(
        select(GasScore.score).where(GasScore.goal_id == goal_id).order_by(GasScore.week.desc()).limit(1)
    ).one()
    # The latest score is derived from the score rows, so it does not change the goal's version
    # (an open edit of the goal's wording is not made stale by scoring it).
    session.execute(update(Goal).where(Goal.id == goal_id).values(gas_score=latest))
    audit.record(session, actor=user, action=action, object_type="gas_score", object_id=score_id, case_id=case_id)


# --------------------------------------------------------------------------- safety plan


def _rule_values(session: Session, case_id: int, fields: RuleInput) -> tuple[dict, list[int]]:
    errors: dict[str, str] = {}
    if fields.setting not in SETTINGS:
        errors["setting"] = "Please choose a setting: home, school, community or online."
    rule = _text(errors, "rule", fields.rule, "the rule", MAX_RULE)
    responsible = _text(errors, "responsible", fields.responsible, "the adults responsible", MAX_RESPONSIBLE, one_line=True)
    if fields.review_date is not None and not isinstance(fields.review_date, date):
        errors["review_date"] = "Please choose the review date from the calendar."
    driver_ids = _check_drivers(
        session, errors, case_id, fields.driver_ids, needs_only=True,
        required="Please choose at least one risk (need) this rule manages.",
    )
    if errors:
        raise InvalidInput(errors)
    return {"setting": fields.setting, "rule": rule, "responsible": responsible, "review_date": fields.review_date}, driver_ids


def _live_rule(session: Session, case_id: int, rule_id: int) -> SafetyRule:
    rule = session.get(SafetyRule, rule_id)
    if rule is None or rule.case_id != case_id or rule.archived_at is not None:
        raise NotFound("That safety rule is not in this case's plan any more.")
    return rule


def add_rule(session: Session, user: Principal, case_id: int, fields: RuleInput) -> int:
    check(session, user, Action.EDIT, case_id)
    values, driver_ids = _rule_values(session, case_id, fields)
    row = SafetyRule(case_id=case_id, **values)
    session.add(row)
    session.flush()
    _replace_links(session, SafetyRuleDriver, SafetyRuleDriver.rule_id, row.id, driver_ids)
    audit.record(session, actor=user, action="create", object_type="safety_rule", object_id=row.id, case_id=case_id)
    return row.id


def update_rule(session: Session, user: Principal, case_id: int, rule_id: int, fields: RuleInput, *, version: int) -> None:
    check(session, user, Action.EDIT, case_id)
    _live_rule(session, case_id, rule_id)
    values, driver_ids = _rule_values(session, case_id, fields)
    versioned_update(session, SafetyRule, rule_id, version, values, "safety rule")
    _replace_links(session, SafetyRuleDriver, SafetyRuleDriver.rule_id, rule_id, driver_ids)
    audit.record(session, actor=user, action="update", object_type="safety_rule", object_id=rule_id, case_id=case_id)


def archive_rule(session: Session, user: Principal, case_id: int, rule_id: int, *, version: int) -> None:
    """Take a rule out of the safety plan, keeping it (listed as archived); who and when are audited."""
    check(session, user, Action.ARCHIVE, case_id)
    _live_rule(session, case_id, rule_id)
    versioned_update(session, SafetyRule, rule_id, version, {"archived_at": utcnow()}, "safety rule")
    audit.record(session, actor=user, action="archive", object_type="safety_rule", object_id=rule_id, case_id=case_id)
