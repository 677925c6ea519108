"""Case export and import as JSON, so a case can move between installations and no work is lost.

The file ("mst-psb-planner/case", version 1) holds one case and everything it owns, with the
database's ids replaced by local references: each participant, driver, intervention, goal, weekly
review and safety rule carries a `ref` (1, 2, 3 ... in the order of the rows), and every reference
inside the case names a ref; accounts are named by user name, never by id or password hash. Rows
come in a fixed order (by id, which an import preserves), so two exports of the same data are
byte-identical apart from `exported_at`.

Left out on purpose: the family's login (`family_access`, accounts and password hashes: re-create
it after the import) and the audit trail (it stays with the system where the work was done).

An import is checked completely before the first row is written; any problem refuses the whole
file with InvalidInput({"file": reason naming where, e.g. case.drivers[3].rating}) and writes
nothing. What necessarily changes on import: the case joins the importing therapist's caseload and
team, and an account named in the file that does not exist here (or is not staff) is replaced by
the importer, which the returned notes say. Round trip: export -> import by the same therapist ->
export gives an identical "case" payload.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, SQLModel, select

from planner import audit
from planner.access import Action, Principal
from planner.errors import InvalidInput
from planner.family import FamilySummary
from planner.guard import check
from planner.models import (
    BROOK_COLOURS,
    CASE_STATUSES,
    COMMENT_STATUSES,
    DRIVER_KINDS,
    GOAL_LEVELS,
    GOAL_STATUSES,
    HACKETT_LEVELS,
    HYPOTHESIS_STATUSES,
    INTERVENTION_STATUSES,
    INTERVENTION_TYPES,
    MAX_PLAN_WEEKS,
    MIN_PLAN_WEEKS,
    PARTICIPANT_ROLES,
    REVIEW_STATUSES,
    SETTINGS,
    SYSTEMS,
    AdherenceScore,
    Case,
    CaseAssignment,
    Comment,
    DesiredOutcome,
    Driver,
    DriverLink,
    FamilySummarySnapshot,
    GasScore,
    Goal,
    GoalDriver,
    Intervention,
    InterventionDriver,
    Participant,
    Rating,
    ReferralBehaviour,
    SafetyRule,
    SafetyRuleDriver,
    Team,
    User,
    WeeklyReview,
)
from planner.weekly_review import TEXT_FIELDS

FORMAT = "mst-psb-planner/case"
VERSION = 1
MAX_FILE_BYTES = 5 * 1024 * 1024  # the app's upload limit (server.maxUploadSize = 5 MB)
LONG_TEXT = 20_000  # columns without a length limit (descriptions, review text); the pages allow 4,000
JSON_TEXT = 200_000  # family summary snapshots
MAX_ROWS = 20_000  # rows in any one list: far above a real case (Leon has 207 ratings)
NOT_INCLUDED = [
    "the family's login (re-create it after importing)",
    "the audit trail (it stays with the system the case came from)",
]
_STAFF = ("therapist", "supervisor")
_MARKS = ("met", "partly_met", "not_met")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Refused(Exception):
    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


# --------------------------------------------------------------------------- field kinds


@dataclass(frozen=True)
class Text:
    max: int
    required: bool = False  # must not be blank
    nullable: bool = False


@dataclass(frozen=True)
class Whole:
    lo: int
    hi: int
    nullable: bool = False


@dataclass(frozen=True)
class Number:
    lo: float
    hi: float
    positive: bool = False  # more than lo, not equal


@dataclass(frozen=True)
class Flag:
    pass


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]


@dataclass(frozen=True)
class Day:
    nullable: bool = False


@dataclass(frozen=True)
class Moment:
    nullable: bool = False


@dataclass(frozen=True)
class Ref:
    collection: str
    nullable: bool = False
    earlier: bool = False  # must name an earlier row of its own list (carries on from, amends)


@dataclass(frozen=True)
class SubjectRef:
    """The ref a rating or comment is about; which list it names depends on the row's `subject`."""

    collections: dict[str, str | None]


@dataclass(frozen=True)
class RefList:
    collection: str  # always drivers here
    link: type[SQLModel]
    own: str
    other: str


@dataclass(frozen=True)
class Account:
    nullable: bool = False


@dataclass(frozen=True)
class GasLevels:
    pass


@dataclass(frozen=True)
class ReviewSnapshot:
    pass


@dataclass(frozen=True)
class SummaryJson:
    pass


_WEEK = Whole(1, MAX_PLAN_WEEKS)
_DRIVERS = "drivers"


@dataclass(frozen=True)
class Collection:
    key: str
    model: type[SQLModel]
    fields: dict[str, tuple[str, Any]]  # file key -> (column, kind)
    has_ref: bool = False
    natural_key: tuple[str, ...] = ()  # file keys that must be unique together


COLLECTIONS: tuple[Collection, ...] = (
    Collection("participants", Participant, {
        "name": ("name", Text(80, required=True)),
        "relation": ("relation", Text(80)),
        "role": ("role", Choice(PARTICIPANT_ROLES)),
    }, has_ref=True),
    Collection("referral_behaviours", ReferralBehaviour, {
        "summary": ("summary", Text(120, required=True)),
        "description": ("description", Text(LONG_TEXT)),
        "frequency": ("frequency", Text(200)),
        "intensity": ("intensity", Text(200)),
        "duration": ("duration", Text(200)),
        "hackett_level": ("hackett_level", Choice(HACKETT_LEVELS)),
        "brook_colour": ("brook_colour", Choice(BROOK_COLOURS)),
    }),
    Collection("desired_outcomes", DesiredOutcome, {
        "participant": ("participant_id", Ref("participants", nullable=True)),
        "who": ("who", Text(80)),
        "outcome": ("outcome", Text(LONG_TEXT)),
    }),
    Collection(_DRIVERS, Driver, {
        "name": ("name", Text(120, required=True)),
        "system": ("system", Choice(SYSTEMS)),
        "kind": ("kind", Choice(DRIVER_KINDS)),
        "description": ("description", Text(LONG_TEXT)),
        "family_wording": ("family_wording", Text(200)),
        "evidence_for": ("evidence_for", Text(LONG_TEXT)),
        "evidence_against": ("evidence_against", Text(LONG_TEXT)),
        "status": ("status", Choice(HYPOTHESIS_STATUSES)),
        "rating": ("rating", Whole(0, 10, nullable=True)),
        "changeability": ("changeability", Whole(1, 5)),
        "prioritised": ("prioritised", Flag()),
        "catalogue_key": ("catalogue_key", Text(64, nullable=True)),
        "created_at": ("created_at", Moment()),
        "archived_at": ("archived_at", Moment(nullable=True)),
        "archived_by": ("archived_by", Account(nullable=True)),
        "archive_reason": ("archive_reason", Text(LONG_TEXT, nullable=True)),
    }, has_ref=True),
    Collection("driver_links", DriverLink, {
        "source": ("source_driver_id", Ref(_DRIVERS)),
        "target": ("target_driver_id", Ref(_DRIVERS, nullable=True)),  # null: the referral behaviour
        "strength": ("strength", Whole(1, 3)),
        "note": ("note", Text(200)),
        "archived_at": ("archived_at", Moment(nullable=True)),
    }),
    Collection("interventions", Intervention, {
        "type": ("type", Choice(INTERVENTION_TYPES)),
        "name": ("name", Text(120, required=True)),
        "description": ("description", Text(LONG_TEXT)),
        "who": ("who", Text(200)),
        "frequency": ("frequency", Text(120)),
        "start_week": ("start_week", _WEEK),
        "end_week": ("end_week", Whole(1, MAX_PLAN_WEEKS, nullable=True)),
        "status": ("status", Choice(INTERVENTION_STATUSES)),
        "stop_reason": ("stop_reason", Text(LONG_TEXT, nullable=True)),
        "principles": ("principles", Text(40)),
        "drivers": ("", RefList(_DRIVERS, InterventionDriver, "intervention_id", "driver_id")),
    }, has_ref=True),
    Collection("goals", Goal, {
        "level": ("level", Choice(GOAL_LEVELS)),
        "text": ("text", Text(LONG_TEXT, required=True)),
        "criterion": ("criterion", Text(LONG_TEXT)),
        "family_wording": ("family_wording", Text(200)),
        "week": ("week", Whole(1, MAX_PLAN_WEEKS, nullable=True)),
        "owner": ("owner", Text(80)),
        "status": ("status", Choice(GOAL_STATUSES)),
        "gas_weight": ("gas_weight", Number(0.0, 100.0, positive=True)),
        "gas_score": ("gas_score", Whole(-2, 2, nullable=True)),
        "gas_levels": ("gas_levels", GasLevels()),
        "carries_on_from": ("carries_on_from", Ref("goals", nullable=True, earlier=True)),
        "drivers": ("", RefList(_DRIVERS, GoalDriver, "goal_id", "driver_id")),
    }, has_ref=True),
    Collection("gas_scores", GasScore, {
        "goal": ("goal_id", Ref("goals")),
        "week": ("week", _WEEK),
        "score": ("score", Whole(-2, 2)),
        "recorded_by": ("recorded_by", Account(nullable=True)),
        "recorded_at": ("recorded_at", Moment()),
    }, natural_key=("goal", "week")),
    Collection("ratings", Rating, {
        "week": ("week", _WEEK),
        "subject": ("subject", Choice(("driver", "goal", "overall"))),
        "subject_ref": ("subject_id", SubjectRef({"driver": _DRIVERS, "goal": "goals", "overall": None})),
        "value": ("value", Whole(0, 10)),
        "recorded_by": ("recorded_by", Account(nullable=True)),
        "recorded_at": ("recorded_at", Moment()),
    }, natural_key=("week", "subject", "subject_ref")),
    Collection("weekly_reviews", WeeklyReview, {
        "week": ("week", _WEEK),
        "status": ("status", Choice(REVIEW_STATUSES)),
        **{name: (name, Text(LONG_TEXT)) for name in TEXT_FIELDS},
        "submitted_at": ("submitted_at", Moment(nullable=True)),
        "submitted_by": ("submitted_by", Account(nullable=True)),
        "signed_off_at": ("signed_off_at", Moment(nullable=True)),
        "signed_off_by": ("signed_off_by", Account(nullable=True)),
        "amends": ("amends_review_id", Ref("weekly_reviews", nullable=True, earlier=True)),
        "snapshot": ("draft_json", ReviewSnapshot()),
        "created_at": ("created_at", Moment()),
    }, has_ref=True),
    Collection("safety_rules", SafetyRule, {
        "setting": ("setting", Choice(SETTINGS)),
        "rule": ("rule", Text(LONG_TEXT, required=True)),
        "responsible": ("responsible", Text(200)),
        "review_date": ("review_date", Day(nullable=True)),
        "archived_at": ("archived_at", Moment(nullable=True)),
        "drivers": ("", RefList(_DRIVERS, SafetyRuleDriver, "rule_id", "driver_id")),
    }, has_ref=True),
    Collection("comments", Comment, {
        "author": ("author_id", Account()),
        "subject": ("subject", Choice(("case", "driver", "goal", "intervention", "review"))),
        "subject_ref": ("subject_id", SubjectRef(
            {"case": None, "driver": _DRIVERS, "goal": "goals", "intervention": "interventions", "review": "weekly_reviews"}
        )),
        "body": ("body", Text(LONG_TEXT, required=True)),
        "status": ("status", Choice(COMMENT_STATUSES)),
        "created_at": ("created_at", Moment()),
        "addressed_at": ("addressed_at", Moment(nullable=True)),
        "addressed_by": ("addressed_by", Account(nullable=True)),
    }),
    Collection("assignments", CaseAssignment, {
        "therapist": ("therapist_id", Account()),
        "assigned_at": ("assigned_at", Moment()),
        "assigned_by": ("assigned_by", Account(nullable=True)),
        "reason": ("reason", Text(LONG_TEXT)),
    }),
    Collection("adherence_scores", AdherenceScore, {
        "month": ("month", Day()),
        "score": ("score", Number(0.0, 1.0)),
        "recorded_by": ("recorded_by", Account(nullable=True)),
        "recorded_at": ("recorded_at", Moment()),
    }, natural_key=("month",)),
    Collection("family_summaries", FamilySummarySnapshot, {
        "published_at": ("published_at", Moment()),
        "published_by": ("published_by", Account()),
        "content": ("content_json", SummaryJson()),
    }),
)
BY_KEY = {c.key: c for c in COLLECTIONS}

CASE_FIELDS: dict[str, tuple[str, Any]] = {
    "alias": ("alias", Text(60, required=True)),
    "age": ("age", Whole(8, 18)),
    "start_date": ("start_date", Day()),
    "planned_weeks": ("planned_weeks", Whole(MIN_PLAN_WEEKS, MAX_PLAN_WEEKS)),
    "status": ("status", Choice(CASE_STATUSES)),
    "closed_on": ("closed_on", Day(nullable=True)),
    "phase_engagement_weeks": ("phase_engagement_weeks", Whole(1, MAX_PLAN_WEEKS, nullable=True)),
    "phase_generalisation_weeks": ("phase_generalisation_weeks", Whole(1, MAX_PLAN_WEEKS, nullable=True)),
    "created_at": ("created_at", Moment()),
}
# Informational on import: the case always joins the importer's caseload and team.
CASE_INFO = {"therapist": Text(64, required=True), "team": Text(80, required=True)}


# --------------------------------------------------------------------------- export


def _iso_moment(value: datetime | None) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass
class _ExportContext:
    refs: dict[str, dict[int, int]] = field(default_factory=dict)  # collection -> id -> ref
    usernames: dict[int, str] = field(default_factory=dict)
    links: dict[str, dict[int, list[int]]] = field(default_factory=dict)  # collection -> row id -> driver ids


def _snapshot_out(raw: str, ctx: _ExportContext) -> dict | None:
    """A review's stored snapshot with its goal, driver and review ids turned into refs."""
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    out: dict[str, Any] = {"v": 1}
    if isinstance(data.get("content"), dict):
        out["content"] = _content_out(data["content"], ctx)
    if data.get("amends") is not None:
        out["amends"] = ctx.refs["weekly_reviews"].get(data["amends"]) if isinstance(data["amends"], int) else None
    if isinstance(data.get("replaced"), dict):
        out["replaced"] = _content_out(data["replaced"], ctx)
    return out


def _as_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _score(value: object) -> int | None:
    number = _as_id(value) if not isinstance(value, str) else None
    return number if number is not None and 0 <= number <= 10 else None


def _content_out(content: dict, ctx: _ExportContext) -> dict:
    """Read as leniently as the app's own reader (ReviewContent.from_dict): what it would drop
    (an id not of this case, a value of the wrong form) is dropped, so the file always imports."""
    goals, drivers = ctx.refs["goals"], ctx.refs[_DRIVERS]

    def text(source: dict, name: str) -> str:
        return source.get(name) if isinstance(source.get(name), str) else ""

    def mapping(name: str) -> dict:
        return content.get(name) if isinstance(content.get(name), dict) else {}

    def listed(value: object) -> list:
        return value if isinstance(value, list) else []

    out: dict[str, Any] = {name: text(content, name) for name in TEXT_FIELDS}
    marks = {goals[i]: v for k, v in mapping("marks").items() if (i := _as_id(k)) in goals and v in _MARKS}
    out["marks"] = {str(ref): marks[ref] for ref in sorted(marks)}
    out["carry_on"] = sorted({goals[i] for x in listed(content.get("carry_on")) if (i := _as_id(x)) in goals})
    ratings = {drivers[i]: _score(v) for k, v in mapping("ratings").items() if (i := _as_id(k)) in drivers}
    out["ratings"] = {str(ref): ratings[ref] for ref in sorted(ratings)}
    out["overall"] = _score(content.get("overall"))
    out["new_goals"] = [
        {
            "text": text(g, "text"),
            "owner": text(g, "owner"),
            "drivers": sorted({drivers[i] for x in listed(g.get("driver_ids")) if (i := _as_id(x)) in drivers}),
        }
        for g in listed(content.get("new_goals"))[:100]
        if isinstance(g, dict)
    ]
    return out


def _value_out(kind: Any, value: Any, row: Any, ctx: _ExportContext) -> Any:
    if isinstance(kind, Ref):
        return None if value is None else ctx.refs[kind.collection].get(value)
    if isinstance(kind, SubjectRef):
        target = kind.collections.get(row.subject)
        return None if target is None or value is None else ctx.refs[target].get(value)
    if isinstance(kind, Account):
        return None if value is None else ctx.usernames.get(value)
    if isinstance(kind, Day):
        return None if value is None else value.isoformat()
    if isinstance(kind, Moment):
        return _iso_moment(value)
    if isinstance(kind, ReviewSnapshot):
        return _snapshot_out(value, ctx)
    if isinstance(kind, SummaryJson):
        try:
            return json.loads(value)
        except ValueError:
            return None
    if isinstance(kind, Number):
        return float(value)
    return value


def export_case(session: Session, user: Principal, case_id: int, *, now: datetime | None = None) -> dict:
    """The case as a JSON-ready dict (see the module docstring); audited as an export."""
    check(session, user, Action.EXPORT, case_id)
    case = session.get(Case, case_id)
    rows: dict[str, list] = {}
    ctx = _ExportContext()
    for collection in COLLECTIONS:
        model = collection.model
        rows[collection.key] = list(session.exec(select(model).where(model.case_id == case_id).order_by(model.id)).all())
        if collection.has_ref:
            ctx.refs[collection.key] = {row.id: n for n, row in enumerate(rows[collection.key], start=1)}
        for kind in (kind for _, kind in collection.fields.values()):
            if isinstance(kind, RefList):
                own, other = getattr(kind.link, kind.own), getattr(kind.link, kind.other)
                ids = [row.id for row in rows[collection.key]]
                links: dict[int, list[int]] = {}
                if ids:
                    for owner, target in session.exec(select(own, other).where(own.in_(ids))).all():
                        links.setdefault(owner, []).append(target)
                ctx.links[collection.key] = links
    account_ids = {case.therapist_id}
    for collection in COLLECTIONS:
        for file_key, (column, kind) in collection.fields.items():
            if isinstance(kind, Account):
                account_ids |= {getattr(row, column) for row in rows[collection.key]} - {None}
    ctx.usernames = dict(session.exec(select(User.id, User.username).where(User.id.in_(account_ids))).all())

    payload: dict[str, Any] = {
        key: _value_out(kind, getattr(case, column), case, ctx) for key, (column, kind) in CASE_FIELDS.items()
    }
    payload["therapist"] = ctx.usernames[case.therapist_id]
    payload["team"] = session.get(Team, case.team_id).name
    for collection in COLLECTIONS:
        items = []
        for row in rows[collection.key]:
            item: dict[str, Any] = {"ref": ctx.refs[collection.key][row.id]} if collection.has_ref else {}
            for file_key, (column, kind) in collection.fields.items():
                if isinstance(kind, RefList):
                    drivers = ctx.refs[kind.collection]
                    item[file_key] = sorted(drivers[d] for d in ctx.links[collection.key].get(row.id, []) if d in drivers)
                else:
                    item[file_key] = _value_out(kind, getattr(row, column), row, ctx)
            if isinstance(collection.fields.get("subject_ref", (None, None))[1], SubjectRef):
                target = collection.fields["subject_ref"][1].collections.get(row.subject)
                if target is not None and item["subject_ref"] is None:
                    continue  # a rating or comment about something no longer in the case: nothing to point at
            items.append(item)
        if collection.key == "ratings":  # by week and subject, so the order does not depend on ids
            items.sort(key=lambda r: (r["week"], r["subject"], r["subject_ref"] or 0))
        if collection.key == "gas_scores":
            items.sort(key=lambda r: (r["goal"], r["week"]))
        if collection.key == "adherence_scores":
            items.sort(key=lambda r: r["month"])
        payload[collection.key] = items
    audit.record(session, actor=user, action="export", object_type="case_json", object_id=case_id, case_id=case_id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso_moment(now or datetime.now(UTC)),
        "not_included": list(NOT_INCLUDED),
        "case": payload,
    }


def to_json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def export_case_json(session: Session, user: Principal, case_id: int, *, now: datetime | None = None) -> bytes:
    """The case as the bytes of a UTF-8 JSON file."""
    return to_json_bytes(export_case(session, user, case_id, now=now))


# --------------------------------------------------------------------------- reading and checking a file


def parse(data: bytes) -> dict:
    """Bytes -> the file's top-level object, or InvalidInput saying why not (before any check of content)."""
    if not isinstance(data, bytes | bytearray):
        raise InvalidInput({"file": "The file could not be read."})
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise InvalidInput({"file": f"The file is larger than {limit} MB, too large for a case export."})
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            {"file": f"The file is not UTF-8 text (byte {error.start + 1} cannot be read), so it is not a case export."}
        ) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            {"file": f"The file is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."}
        ) from None
    except RecursionError:
        raise InvalidInput({"file": "The file is nested too deeply to be a case export."}) from None
    except ValueError as error:  # e.g. a number of more than 4,300 digits
        raise InvalidInput({"file": f"The file is not valid JSON: {str(error)[:120]}."}) from None
    if not isinstance(value, dict):
        raise InvalidInput({"file": "The file is not a case export: it holds a JSON value but not an object."})
    return value


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    names = {int: "a whole number", float: "a number", str: "text", list: "a list", dict: "an object"}
    return names.get(type(value), "something else")


def _keys(obj: Any, path: str, required: set[str], optional: set[str] = frozenset()) -> dict:
    if not isinstance(obj, dict):
        raise _Refused(path, f"should be an object, but is {_type_name(obj)}")
    missing = sorted(required - obj.keys())
    if missing:
        raise _Refused(path, f"is missing {', '.join(missing)}")
    unknown = sorted(obj.keys() - required - optional)
    if unknown:
        raise _Refused(path, f"has an unknown entry {unknown[0][:40]!r}")
    return obj


def _text(value: Any, path: str, kind: Text) -> str | None:
    if value is None and kind.nullable:
        return None
    if not isinstance(value, str):
        raise _Refused(path, f"should be text, but is {_type_name(value)}")
    if len(value) > kind.max:
        raise _Refused(path, f"is {len(value)} characters long; at most {kind.max} are allowed")
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise _Refused(path, "contains hidden control characters")
    if kind.required and not value.strip():
        raise _Refused(path, "must not be empty")
    return value


def _whole(value: Any, path: str, lo: int, hi: int, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(path, f"should be a whole number, but is {_type_name(value)}")
    if not lo <= value <= hi:
        raise _Refused(path, f"should be from {lo} to {hi}, but is {value}")
    return value


def _moment(value: Any, path: str, nullable: bool) -> datetime | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise _Refused(path, f"should be a date and time as text, but is {_type_name(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Refused(path, f"is not a date and time (expected e.g. 2026-06-14T10:00:00+00:00): {value[:40]!r}") from None
    if moment.tzinfo is None:
        raise _Refused(path, "needs a time zone (e.g. +00:00)")
    if not 1990 <= moment.year <= 2200:
        raise _Refused(path, f"has an implausible year {moment.year}")
    return moment.astimezone(UTC)


def _day(value: Any, path: str, nullable: bool) -> date | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _Refused(path, "should be a date like 2026-06-14")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _Refused(path, f"is not a date (expected e.g. 2026-06-14): {value!r}") from None
    if not 1990 <= day.year <= 2200:
        raise _Refused(path, f"has an implausible year {day.year}")
    return day


def _ref(value: Any, path: str, refs: dict[int, int], what: str, nullable: bool) -> int | None:
    """A ref -> its position in its list (or None)."""
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Refused(path, f"should be the ref of one of the {what}, but is {_type_name(value)}")
    if value not in refs:
        raise _Refused(path, f"names {what} ref {value}, which is not in the file")
    return refs[value]


def _ref_list(value: Any, path: str, refs: dict[int, int], what: str) -> list[int]:
    if not isinstance(value, list):
        raise _Refused(path, f"should be a list of {what} refs, but is {_type_name(value)}")
    positions = [_ref(v, f"{path}[{n}]", refs, what, False) for n, v in enumerate(value)]
    if len(set(positions)) != len(positions):
        raise _Refused(path, f"names the same {what} ref twice")
    return positions


def _account(value: Any, path: str, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not value or len(value) > 64:
        raise _Refused(path, f"should be a user name, but is {_type_name(value)}")
    return value


@dataclass
class _Checked:
    """A checked file: values ready to write, refs turned into list positions."""

    case: dict[str, Any]
    info: dict[str, str]  # the therapist and team named in the file
    rows: dict[str, list[dict[str, Any]]]  # collection -> rows of column values (refs as _Later positions)
    links: dict[str, list[list[int]]]  # collection -> per row, driver positions
    usernames: set[str]


@dataclass(frozen=True)
class _Later:
    collection: str
    position: int


def _snapshot_in(value: Any, path: str, refs: dict[str, dict[int, int]], own: int) -> Any:
    if value is None:
        return None
    obj = _keys(value, path, {"v"}, {"content", "amends", "replaced"})
    if obj["v"] != 1 or isinstance(obj["v"], bool):
        raise _Refused(f"{path}.v", "should be 1")
    out: dict[str, Any] = {"v": 1}
    if "content" in obj:
        out["content"] = _content_in(obj["content"], f"{path}.content", refs)
    if "amends" in obj:
        position = _ref(obj["amends"], f"{path}.amends", refs["weekly_reviews"], "weekly_reviews", True)
        if position is not None and position >= own:
            raise _Refused(f"{path}.amends", "must name an earlier review")
        out["amends"] = None if position is None else _Later("weekly_reviews", position)
    if "replaced" in obj:
        out["replaced"] = _content_in(obj["replaced"], f"{path}.replaced", refs)
    return out


def _content_in(value: Any, path: str, refs: dict[str, dict[int, int]]) -> dict:
    obj = _keys(value, path, set(TEXT_FIELDS) | {"marks", "carry_on", "ratings", "overall", "new_goals"})
    out: dict[str, Any] = {name: _text(obj[name], f"{path}.{name}", Text(LONG_TEXT)) for name in TEXT_FIELDS}

    def keyed(name: str, collection: str) -> dict[str, Any]:
        mapping = obj[name]
        if not isinstance(mapping, dict):
            raise _Refused(f"{path}.{name}", f"should be an object, but is {_type_name(mapping)}")
        result = {}
        for key, item in mapping.items():
            if not (key.isascii() and key.isdigit()) or len(key) > 9:
                raise _Refused(f"{path}.{name}", f"has a key {key[:20]!r} that is not a ref")
            result[key] = (_ref(int(key), f"{path}.{name}.{key}", refs[collection], collection, False), item)
        return result

    marks = {}
    for key, (position, status) in keyed("marks", "goals").items():
        if status not in _MARKS:
            raise _Refused(f"{path}.marks.{key}", "should be met, partly_met or not_met")
        marks[_Later("goals", position)] = status
    out["marks"] = marks
    if not isinstance(obj["carry_on"], list):
        raise _Refused(f"{path}.carry_on", f"should be a list, but is {_type_name(obj['carry_on'])}")
    out["carry_on"] = [_Later("goals", p) for p in _ref_list(obj["carry_on"], f"{path}.carry_on", refs["goals"], "goals")]
    out["ratings"] = {
        _Later(_DRIVERS, position): _whole(item, f"{path}.ratings.{key}", 0, 10, nullable=True)
        for key, (position, item) in keyed("ratings", _DRIVERS).items()
    }
    out["overall"] = _whole(obj["overall"], f"{path}.overall", 0, 10, nullable=True)
    if not isinstance(obj["new_goals"], list) or len(obj["new_goals"]) > 100:
        raise _Refused(f"{path}.new_goals", "should be a list of at most 100 goals")
    out["new_goals"] = []
    for n, goal in enumerate(obj["new_goals"]):
        where = f"{path}.new_goals[{n}]"
        goal = _keys(goal, where, {"text", "owner", "drivers"})
        out["new_goals"].append({
            "text": _text(goal["text"], f"{where}.text", Text(LONG_TEXT)),
            "owner": _text(goal["owner"], f"{where}.owner", Text(80)),
            "driver_ids": [_Later(_DRIVERS, p) for p in _ref_list(goal["drivers"], f"{where}.drivers", refs[_DRIVERS], _DRIVERS)],
        })
    return out


def _gas_levels(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _Refused(path, f"should be text, but is {_type_name(value)}")
    if value == "":
        return value
    try:
        levels = json.loads(value)
    except (ValueError, RecursionError):
        raise _Refused(path, "should hold the five level descriptions as a JSON list") from None
    if not (isinstance(levels, list) and len(levels) == 5 and all(isinstance(x, str) and len(x) <= 200 for x in levels)):
        raise _Refused(path, "should hold exactly five level descriptions of at most 200 characters")
    _text(value, path, Text(LONG_TEXT))
    return value


def _summary(value: Any, path: str) -> str:
    if not isinstance(value, dict):
        raise _Refused(path, f"should be an object, but is {_type_name(value)}")
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > JSON_TEXT:
        raise _Refused(path, f"is too long ({len(text)} characters)")
    try:
        FamilySummary.from_json(text)  # what the family's page will read must read
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        raise _Refused(path, "is not a family summary this version can show") from None
    _text(text, path, Text(JSON_TEXT))
    return text


def _field(kind: Any, value: Any, path: str, row: dict, refs: dict[str, dict[int, int]], own: int, usernames: set[str]) -> Any:
    if isinstance(kind, Text):
        return _text(value, path, kind)
    if isinstance(kind, Whole):
        return _whole(value, path, kind.lo, kind.hi, kind.nullable)
    if isinstance(kind, Number):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Refused(path, f"should be a number, but is {_type_name(value)}")
        if not math.isfinite(value) or not kind.lo <= value <= kind.hi:
            raise _Refused(path, f"should be from {kind.lo:g} to {kind.hi:g}, but is {value}")
        if kind.positive and value <= kind.lo:
            raise _Refused(path, f"should be more than {kind.lo:g}")
        return float(value)
    if isinstance(kind, Flag):
        if not isinstance(value, bool):
            raise _Refused(path, f"should be true or false, but is {_type_name(value)}")
        return value
    if isinstance(kind, Choice):
        if not isinstance(value, str) or value not in kind.values:
            shown = repr(value[:40]) if isinstance(value, str) else _type_name(value)
            raise _Refused(path, f"should be one of {', '.join(kind.values)}, but is {shown}")
        return value
    if isinstance(kind, Day):
        return _day(value, path, kind.nullable)
    if isinstance(kind, Moment):
        return _moment(value, path, kind.nullable)
    if isinstance(kind, Ref):
        position = _ref(value, path, refs[kind.collection], kind.collection, kind.nullable)
        if position is not None and kind.earlier and position >= own:
            raise _Refused(path, f"must name an earlier entry of {kind.collection}")
        return None if position is None else _Later(kind.collection, position)
    if isinstance(kind, SubjectRef):
        target = kind.collections[row["subject"]]
        if target is None:
            if value is not None:
                raise _Refused(path, f"should be null for the subject {row['subject']}")
            return None
        return _Later(target, _ref(value, path, refs[target], target, False))
    if isinstance(kind, Account):
        name = _account(value, path, kind.nullable)
        if name is not None:
            usernames.add(name)
        return name
    if isinstance(kind, GasLevels):
        return _gas_levels(value, path)
    if isinstance(kind, ReviewSnapshot):
        return _snapshot_in(value, path, refs, own)
    if isinstance(kind, SummaryJson):
        return _summary(value, path)
    raise AssertionError(kind)  # pragma: no cover - every kind is handled above


def check_file(top: dict) -> _Checked:
    """Check the whole file against the format; raise InvalidInput naming the first problem."""
    try:
        return _check(top)
    except _Refused as problem:
        raise InvalidInput(
            {"file": f"This file cannot be imported: {problem.path} {problem.reason}. Nothing was changed."}
        ) from None
    except RecursionError:
        raise InvalidInput({"file": "This file cannot be imported: it is nested too deeply. Nothing was changed."}) from None


def _check(top: dict) -> _Checked:
    _keys(top, "the file", {"format", "version", "case"}, {"exported_at", "not_included"})
    if top["format"] != FORMAT:
        shown = repr(top["format"][:60]) if isinstance(top["format"], str) else _type_name(top["format"])
        raise _Refused("format", f"should be {FORMAT!r} (this is not a case export from this planner), but is {shown}")
    if isinstance(top["version"], bool) or top["version"] != VERSION:
        raise _Refused("version", f"is {top['version']!r}; this planner reads version {VERSION} only")
    if "exported_at" in top:
        _moment(top["exported_at"], "exported_at", nullable=True)
    if "not_included" in top:
        if not isinstance(top["not_included"], list) or len(top["not_included"]) > 20:
            raise _Refused("not_included", "should be a short list of text")
        for n, item in enumerate(top["not_included"]):
            _text(item, f"not_included[{n}]", Text(500))
    case = _keys(top["case"], "case", set(CASE_FIELDS) | set(CASE_INFO) | {c.key for c in COLLECTIONS})
    usernames: set[str] = set()
    checked_case = {
        column: _field(kind, case[key], f"case.{key}", case, {}, 0, usernames) for key, (column, kind) in CASE_FIELDS.items()
    }
    info = {key: _text(case[key], f"case.{key}", kind) for key, kind in CASE_INFO.items()}
    if checked_case["closed_on"] is not None and checked_case["closed_on"] < checked_case["start_date"]:
        raise _Refused("case.closed_on", "is before the start date")

    # First every list's refs, so that any row may name a row of any list.
    refs: dict[str, dict[int, int]] = {}
    for collection in COLLECTIONS:
        items = case[collection.key]
        if not isinstance(items, list):
            raise _Refused(f"case.{collection.key}", f"should be a list, but is {_type_name(items)}")
        if len(items) > MAX_ROWS:
            raise _Refused(f"case.{collection.key}", f"has {len(items)} entries; at most {MAX_ROWS} are allowed")
        if collection.has_ref:
            seen: dict[int, int] = {}
            for n, item in enumerate(items):
                if not isinstance(item, dict):
                    raise _Refused(f"case.{collection.key}[{n}]", f"should be an object, but is {_type_name(item)}")
                if "ref" not in item:
                    raise _Refused(f"case.{collection.key}[{n}]", "is missing ref")
                ref = _whole(item["ref"], f"case.{collection.key}[{n}].ref", 1, 10**9)
                if ref in seen:
                    raise _Refused(f"case.{collection.key}[{n}].ref", f"repeats ref {ref} (already used by [{seen[ref]}])")
                seen[ref] = n
            refs[collection.key] = seen

    rows: dict[str, list[dict[str, Any]]] = {}
    links: dict[str, list[list[int]]] = {}
    for collection in COLLECTIONS:
        rows[collection.key], links[collection.key] = [], []
        keys_seen: dict[tuple, int] = {}
        link_pairs: set[tuple] = set()
        for n, item in enumerate(case[collection.key]):
            where = f"case.{collection.key}[{n}]"
            _keys(item, where, set(collection.fields) | ({"ref"} if collection.has_ref else set()))
            values: dict[str, Any] = {}
            driver_positions: list[int] = []
            for key, (column, kind) in collection.fields.items():
                if isinstance(kind, RefList):
                    driver_positions = _ref_list(item[key], f"{where}.{key}", refs[kind.collection], kind.collection)
                else:
                    values[column] = _field(kind, item[key], f"{where}.{key}", item, refs, n, usernames)
            if collection.natural_key:
                key = tuple(item[k] for k in collection.natural_key)
                if key in keys_seen:
                    raise _Refused(where, f"repeats the {' and '.join(collection.natural_key)} of [{keys_seen[key]}]")
                keys_seen[key] = n
            _row_rules(collection.key, values, where, link_pairs)
            rows[collection.key].append(values)
            links[collection.key].append(driver_positions)
    return _Checked(checked_case, info, rows, links, usernames)


def _row_rules(key: str, values: dict, where: str, link_pairs: set[tuple]) -> None:
    """Rules across the fields of one row, as the app's own forms enforce them."""
    if key == "driver_links":
        if values["target_driver_id"] == values["source_driver_id"]:
            raise _Refused(where, "links a driver to itself")
        if values["archived_at"] is None:
            pair = (values["source_driver_id"], values["target_driver_id"])
            if pair in link_pairs:
                raise _Refused(where, "repeats a link that is already in the file")
            link_pairs.add(pair)
    if key == "interventions" and values["end_week"] is not None and values["end_week"] < values["start_week"]:
        raise _Refused(f"{where}.end_week", "is before the start week")
    if key == "adherence_scores" and values["month"].day != 1:
        raise _Refused(f"{where}.month", "should be the first day of a month")


# --------------------------------------------------------------------------- import


def _resolve(value: Any, ids: dict[str, list[int]]) -> Any:
    if isinstance(value, _Later):
        return ids[value.collection][value.position]
    if isinstance(value, dict):
        return {(str(_resolve(k, ids)) if isinstance(k, _Later) else k): _resolve(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    return value


@dataclass(frozen=True)
class Preview:
    alias: str
    counts: dict[str, int]


def preview(data: bytes) -> Preview:
    """What a file holds, checked fully but without touching the database (for the page's preview)."""
    checked = check_file(parse(data))
    return Preview(alias=checked.case["alias"], counts={key: len(items) for key, items in checked.rows.items()})


@dataclass(frozen=True)
class ImportResult:
    case_id: int
    alias: str
    notes: list[str]


def import_case(session: Session, user: Principal, data: bytes) -> ImportResult:
    """Bring the case in `data` (an export's bytes) into `user`'s caseload as a new case.

    Checks everything first; any problem raises InvalidInput and nothing is written.
    """
    check(session, user, Action.IMPORT_CASE)
    checked = check_file(parse(data))
    notes: list[str] = []
    names = sorted(checked.usernames)
    known: dict[str, int] = {}
    if names:
        known = dict(
            session.exec(select(User.username, User.id).where(User.username.in_(names), User.role.in_(_STAFF))).all()
        )
    missing = [n for n in names if n not in known]
    if missing:
        shown = ", ".join(missing[:10]) + (" and others" if len(missing) > 10 else "")
        notes.append(f"These accounts are not staff accounts here, so their entries are recorded as yours: {shown}.")
    if checked.info["therapist"] != user.username:
        notes.append(f"The file's case was {checked.info['therapist']}'s; it is now in your caseload and team.")
    notes.append("The family's login is not part of an export: create one on the Family summary page if needed.")

    def account(name: str | None) -> int | None:
        return None if name is None else known.get(name, user.id)

    case = Case(**checked.case, therapist_id=user.id, team_id=user.team_id)
    session.add(case)
    session.flush()
    ids: dict[str, list[int]] = {}
    for collection in COLLECTIONS:
        accounts = [column for column, kind in collection.fields.values() if isinstance(kind, Account)]
        written: list[int] = []
        for values, driver_positions in zip(checked.rows[collection.key], checked.links[collection.key], strict=True):
            values = dict(values)
            for column in accounts:
                values[column] = account(values[column])
            if collection.model is WeeklyReview:
                snapshot = values["draft_json"]
                values["draft_json"] = (
                    "" if snapshot is None else json.dumps(_resolve(snapshot, ids), ensure_ascii=False, sort_keys=True)
                )
            row = collection.model(case_id=case.id, **_resolve(values, ids))
            session.add(row)
            if collection.has_ref:
                session.flush()  # one at a time: ids follow the file's order, and later rows name earlier ones
                written.append(row.id)
                kind = next((k for _, k in collection.fields.values() if isinstance(k, RefList)), None)
                if kind is not None:
                    for position in driver_positions:
                        session.add(kind.link(**{kind.own: row.id, kind.other: ids[kind.collection][position]}))
        session.flush()
        ids[collection.key] = written
    audit.record(session, actor=user, action="import", object_type="case_json", object_id=case.id, case_id=case.id)
    return ImportResult(case_id=case.id, alias=case.alias, notes=notes)
