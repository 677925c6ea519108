"""Plain data for the fit circle: drivers, the links between them, and interventions.

The dataclasses do not validate themselves (see ``drivers.validation``): stored data that
has drifted out of range must still load, draw and analyse rather than crash a page.
"""

from __future__ import annotations

from dataclasses import dataclass

SYSTEMS: tuple[str, ...] = ("individual", "family", "peers", "school", "community")
KINDS: tuple[str, ...] = ("need", "strength")
STATUSES: tuple[str, ...] = ("hypothesised", "supported", "ruled_out")

SYSTEM_LABELS: dict[str, str] = {
    "individual": "Individual",
    "family": "Family",
    "peers": "Peers",
    "school": "School",
    "community": "Community",
}
KIND_LABELS: dict[str, str] = {"need": "Need", "strength": "Strength"}
STATUS_LABELS: dict[str, str] = {
    "hypothesised": "Hypothesised",
    "supported": "Supported by evidence",
    "ruled_out": "Ruled out",
}

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. The same colours
# are meant for the map, the charts and every legend.
SYSTEM_COLOURS: dict[str, str] = {
    "individual": "#E69F00",  # orange
    "family": "#0072B2",  # blue
    "peers": "#009E73",  # bluish green
    "school": "#CC79A7",  # reddish purple
    "community": "#D55E00",  # vermillion
}
BEHAVIOUR_COLOUR = "#000000"
RULED_OUT_COLOUR = "#9E9E9E"

RATING_RANGE = (0, 10)
CHANGEABILITY_RANGE = (1, 5)
LINK_STRENGTHS: dict[int, str] = {1: "weak", 2: "moderate", 3: "strong"}

# Intervention types a catalogue entry may suggest (mirrors the MST-PSB intervention menu).
INTERVENTION_TYPES: dict[str, str] = {
    "caregiver_education": "Caregiver education about harmful sexual behaviour",
    "safety_planning": "Safety and supervision plan",
    "warmth_building": "Warmth-building time between caregiver and young person",
    "family_communication": "Family communication work",
    "clarification_apology": "Clarification and, where right, apology work",
    "sex_consent_education": "Sex, bodies and consent education",
    "peers": "Peer relations work",
    "school_liaison": "School liaison",
    "caregiver_denial_work": "Work on caregiver denial and minimisation",
    "other": "Other",
}


@dataclass(frozen=True)
class Driver:
    """One driver in the fit circle.

    ``rating`` is how strongly the driver is at work now, 0..10 (None = not rated yet):
    for a need, high means strongly present; for a strength, high means a strong
    protective factor. ``changeability`` 1..5 is how open it is to change in treatment.
    """

    id: int
    name: str
    system: str
    kind: str
    rating: int | None
    changeability: int
    prioritised: bool
    status: str = "supported"
    description: str = ""
    family_wording: str = ""

    @property
    def ruled_out(self) -> bool:
        return self.status == "ruled_out"


@dataclass(frozen=True)
class Link:
    """``source`` drives ``target`` (for a strength: protects against it).

    ``target`` None means the referral behaviour, the centre of the fit circle. ``source``
    is typed ``int | None`` to mirror the form before a driver is chosen; a link must start
    at a driver (the database agrees), so links with no source are ignored by the graph.
    """

    source: int | None
    target: int | None
    strength: int
    note: str = ""


@dataclass(frozen=True)
class Intervention:
    id: int
    name: str
    driver_ids: tuple[int, ...]
