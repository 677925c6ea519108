"""The fit circle of one case: read the driver map (as it stands or at a past week) and edit it.

Reads need Action.VIEW; every change needs Action.EDIT, is validated by drivers.validation, saved
with `UPDATE ... WHERE id = ? AND version = ?` (a concurrent save is refused, never overwritten)
and audited. Drivers and links are archived with who, when and why, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from drivers.catalogue import load_catalogue
from drivers.model import Driver as MapDriver
from drivers.model import Intervention as MapIntervention
from drivers.model import Link as MapLink
from drivers.validation import has_control_characters, validate_driver_fields, validate_link
from goals.timeline import plan_week
from planner import audit
from planner.access import Action, Principal, is_allowed
from planner.errors import InvalidInput
from planner.guard import NotFound, check
from planner.versioned import versioned_update
from planner.models import (
    Case,
    Driver,
    DriverLink,
    Intervention,
    InterventionDriver,
    Rating,
    ReferralBehaviour,
    utcnow,
)

MAX_LONG_TEXT = 4000  # description and evidence fields


@dataclass(frozen=True)
class DriverInput:
    """What the driver form sends. Untrusted: validated before anything is saved."""

    name: str
    system: str
    kind: str
    rating: int | None = None
    changeability: int = 3
    prioritised: bool = False
    status: str = "hypothesised"
    description: str = ""
    family_wording: str = ""
    evidence_for: str = ""
    evidence_against: str = ""
    catalogue_key: str | None = None


@dataclass(frozen=True)
class DriverRecord:
    """A driver with everything the edit form needs, including the version it was read at."""

    id: int
    name: str
    system: str
    kind: str
    rating: int | None
    changeability: int
    prioritised: bool
    status: str
    description: str
    family_wording: str
    evidence_for: str
    evidence_against: str
    version: int


@dataclass(frozen=True)
class LinkRecord:
    id: int
    source: int
    target: int | None
    strength: int
    note: str
    version: int


@dataclass(frozen=True)
class MapData:
    case_id: int
    alias: str
    behaviour_label: str
    current_week: int
    planned_weeks: int
    drivers: list[DriverRecord]
    archived: list[DriverRecord]
    links: list[LinkRecord]
    interventions: list[MapIntervention]
    ratings_by_week: dict[int, dict[int, int]] = field(default_factory=dict)  # week -> driver -> rating
    can_edit: bool = False  # the case's therapist; supervisors read

    def map_drivers(self) -> list[MapDriver]:
        return [
            MapDriver(
                id=d.id,
                name=d.name,
                system=d.system,
                kind=d.kind,
                rating=d.rating,
                changeability=d.changeability,
                prioritised=d.prioritised,
                status=d.status,
                description=d.description,
                family_wording=d.family_wording,
            )
            for d in self.drivers
        ]

    def map_links(self) -> list[MapLink]:
        return [MapLink(source=k.source, target=k.target, strength=k.strength, note=k.note) for k in self.links]


def _record(d: Driver) -> DriverRecord:
    return DriverRecord(
        id=d.id,
        name=d.name,
        system=d.system,
        kind=d.kind,
        rating=d.rating,
        changeability=d.changeability,
        prioritised=d.prioritised,
        status=d.status,
        description=d.description,
        family_wording=d.family_wording,
        evidence_for=d.evidence_for,
        evidence_against=d.evidence_against,
        version=d.version,
    )


def driver_map(session: Session, user: Principal, case_id: int, *, today) -> MapData:
    ref = check(session, user, Action.VIEW, case_id)
    case = session.get(Case, case_id)
    drivers = session.exec(select(Driver).where(Driver.case_id == case_id).order_by(Driver.system, Driver.name)).all()
    live_ids = {d.id for d in drivers if d.archived_at is None}
    links = session.exec(
        select(DriverLink).where(DriverLink.case_id == case_id, DriverLink.archived_at.is_(None)).order_by(DriverLink.id)
    ).all()
    aimed = session.exec(
        select(Intervention.id, Intervention.name, InterventionDriver.driver_id)
        .join(InterventionDriver, InterventionDriver.intervention_id == Intervention.id, isouter=True)
        .where(Intervention.case_id == case_id, Intervention.status != "stopped")
    ).all()
    by_intervention: dict[int, tuple[str, list[int]]] = {}
    for intervention_id, name, driver_id in aimed:
        entry = by_intervention.setdefault(intervention_id, (name, []))
        if driver_id in live_ids:
            entry[1].append(driver_id)
    ratings: dict[int, dict[int, int]] = {}
    for week, driver_id, value in session.exec(
        select(Rating.week, Rating.subject_id, Rating.value).where(Rating.case_id == case_id, Rating.subject == "driver")
    ).all():
        ratings.setdefault(week, {})[driver_id] = value
    behaviours = session.exec(select(ReferralBehaviour.summary).where(ReferralBehaviour.case_id == case_id)).all()
    audit.record(session, actor=user, action="view", object_type="driver_map", case_id=case_id)
    return MapData(
        case_id=case_id,
        alias=case.alias,
        behaviour_label=" / ".join(behaviours) or "Referral behaviour",
        current_week=plan_week(case.start_date, case.closed_on or today),
        planned_weeks=case.planned_weeks,
        drivers=[_record(d) for d in drivers if d.archived_at is None],
        archived=[_record(d) for d in drivers if d.archived_at is not None],
        links=[
            LinkRecord(k.id, k.source_driver_id, k.target_driver_id, k.strength, k.note, k.version)
            for k in links
            if k.source_driver_id in live_ids and (k.target_driver_id is None or k.target_driver_id in live_ids)
        ],
        interventions=[MapIntervention(id=i, name=n, driver_ids=tuple(ids)) for i, (n, ids) in sorted(by_intervention.items())],
        ratings_by_week=ratings,
        can_edit=is_allowed(user, Action.EDIT, ref),
    )


def _validate(fields: DriverInput) -> dict[str, str]:
    errors = validate_driver_fields(
        fields.name, fields.system, fields.kind, fields.rating, fields.changeability, fields.status
    )
    for name in ("description", "evidence_for", "evidence_against"):
        value = getattr(fields, name)
        if len(value) > MAX_LONG_TEXT:
            errors[name] = f"Please keep this to {MAX_LONG_TEXT} characters or fewer (it is {len(value)})."
        elif has_control_characters(value.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
            errors[name] = "This text contains hidden characters (pasted from another program?). Please retype it."
    if len(fields.family_wording) > 200:
        errors["family_wording"] = "Please keep the family wording to 200 characters or fewer."
    elif has_control_characters(fields.family_wording.replace("\n", " ")):
        errors["family_wording"] = "The family wording contains hidden characters. Please retype it."
    return errors


def _values(fields: DriverInput) -> dict:
    return {
        "name": fields.name.strip(),
        "system": fields.system,
        "kind": fields.kind,
        "rating": fields.rating,
        "changeability": fields.changeability,
        "prioritised": fields.prioritised,
        "status": fields.status,
        "description": fields.description.strip(),
        "family_wording": fields.family_wording.strip(),
        "evidence_for": fields.evidence_for.strip(),
        "evidence_against": fields.evidence_against.strip(),
    }


def _live_driver(session: Session, case_id: int, driver_id: int) -> Driver:
    driver = session.get(Driver, driver_id)
    if driver is None or driver.case_id != case_id or driver.archived_at is not None:
        raise NotFound("That driver is not in this case any more.")
    return driver


def add_driver(session: Session, user: Principal, case_id: int, fields: DriverInput) -> int:
    check(session, user, Action.EDIT, case_id)
    errors = _validate(fields)
    if errors:
        raise InvalidInput(errors)
    driver = Driver(case_id=case_id, catalogue_key=fields.catalogue_key, **_values(fields))
    session.add(driver)
    session.flush()
    audit.record(session, actor=user, action="create", object_type="driver", object_id=driver.id, case_id=case_id)
    return driver.id


def catalogue_input(key: str) -> DriverInput:
    """A new driver's fields, pre-filled from the catalogue entry `key`."""
    for entry in load_catalogue():
        if entry.key == key:
            return DriverInput(
                name=entry.name,
                system=entry.system,
                kind=entry.kind,
                description=entry.description,
                family_wording=entry.family_wording,
                catalogue_key=entry.key,
            )
    raise InvalidInput({"catalogue": "That catalogue entry does not exist."})


def update_driver(session: Session, user: Principal, case_id: int, driver_id: int, fields: DriverInput, *, version: int) -> None:
    check(session, user, Action.EDIT, case_id)
    _live_driver(session, case_id, driver_id)
    errors = _validate(fields)
    if errors:
        raise InvalidInput(errors)
    versioned_update(session, Driver, driver_id, version, _values(fields), "driver")
    audit.record(session, actor=user, action="update", object_type="driver", object_id=driver_id, case_id=case_id)


def archive_driver(session: Session, user: Principal, case_id: int, driver_id: int, *, reason: str, version: int) -> None:
    """Take a driver off the map, keeping it (and its rating history) with who, when and why."""
    check(session, user, Action.ARCHIVE, case_id)
    _live_driver(session, case_id, driver_id)
    reason = reason.strip()
    if not reason:
        raise InvalidInput({"reason": "Please say why this driver is being archived."})
    if len(reason) > 500:
        raise InvalidInput({"reason": "Please keep the reason to 500 characters or fewer."})
    if has_control_characters(reason.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
        raise InvalidInput({"reason": "The reason contains characters that cannot be shown (control characters): please retype it."})
    versioned_update(
        session, Driver, driver_id, version, {"archived_at": utcnow(), "archived_by": user.id, "archive_reason": reason}, "driver"
    )
    audit.record(session, actor=user, action="archive", object_type="driver", object_id=driver_id, case_id=case_id)


def restore_driver(session: Session, user: Principal, case_id: int, driver_id: int, *, version: int) -> None:
    check(session, user, Action.EDIT, case_id)
    driver = session.get(Driver, driver_id)
    if driver is None or driver.case_id != case_id or driver.archived_at is None:
        raise NotFound("That driver is not archived in this case.")
    versioned_update(session, Driver, driver_id, version, {"archived_at": None, "archived_by": None, "archive_reason": None}, "driver")
    audit.record(session, actor=user, action="restore", object_type="driver", object_id=driver_id, case_id=case_id)


def add_link(session: Session, user: Principal, case_id: int, *, source: int | None, target: int | None, strength: int, note: str = "") -> int:
    """Link a driver to another driver, or (target None) to the referral behaviour."""
    check(session, user, Action.EDIT, case_id)
    data = driver_map_for_edit(session, case_id)
    link = MapLink(source=source, target=target, strength=strength, note=note.strip())
    messages = validate_link(link, data[0], data[1])
    if messages:
        raise InvalidInput({"link": " ".join(messages)})
    row = DriverLink(case_id=case_id, source_driver_id=source, target_driver_id=target, strength=strength, note=note.strip())
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="create", object_type="driver_link", object_id=row.id, case_id=case_id)
    return row.id


def archive_link(session: Session, user: Principal, case_id: int, link_id: int, *, version: int) -> None:
    check(session, user, Action.ARCHIVE, case_id)
    link = session.get(DriverLink, link_id)
    if link is None or link.case_id != case_id or link.archived_at is not None:
        raise NotFound("That link is not in this case any more.")
    versioned_update(session, DriverLink, link_id, version, {"archived_at": utcnow()}, "link")
    audit.record(session, actor=user, action="archive", object_type="driver_link", object_id=link_id, case_id=case_id)


def driver_map_for_edit(session: Session, case_id: int) -> tuple[list[MapDriver], list[MapLink]]:
    """The live drivers and links, for validating a new link (no access check: callers have done it)."""
    drivers = session.exec(select(Driver).where(Driver.case_id == case_id, Driver.archived_at.is_(None))).all()
    links = session.exec(select(DriverLink).where(DriverLink.case_id == case_id, DriverLink.archived_at.is_(None))).all()
    return (
        [MapDriver(d.id, d.name, d.system, d.kind, d.rating, d.changeability, d.prioritised, d.status) for d in drivers],
        [MapLink(k.source_driver_id, k.target_driver_id, k.strength, k.note) for k in links],
    )
