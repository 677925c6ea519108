"""Field checks for the driver and link forms, with messages a clinician can act on.

``validate_driver_fields`` accepts any values (form input is untrusted) and never raises.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from drivers.model import (
    CHANGEABILITY_RANGE,
    KINDS,
    RATING_RANGE,
    STATUSES,
    SYSTEMS,
    Driver,
    Link,
)

MAX_NAME = 120  # driver.name column
MAX_NOTE = 200  # driver_link.note column

# Bidirectional overrides and isolates can make a name display as something it is not.
_INVISIBLE_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def has_control_characters(text: str) -> bool:
    return any(
        unicodedata.category(ch) in ("Cc", "Cs") or ch in _INVISIBLE_CONTROLS for ch in text
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_driver_fields(
    name: object,
    system: object,
    kind: object,
    rating: object,
    changeability: object,
    status: object,
) -> dict[str, str]:
    """Map each problem field ("name", "system", ...) to a message; empty when all is well."""
    errors: dict[str, str] = {}
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "Please give the driver a name."
    elif len(name.strip()) > MAX_NAME:
        errors["name"] = (
            f"Please keep the name to {MAX_NAME} characters or fewer "
            f"(it is {len(name.strip())}); detail can go in the description."
        )
    elif has_control_characters(name):
        errors["name"] = (
            "The name contains hidden characters (such as a tab or line break "
            "pasted with the text). Please retype it on one line."
        )
    if system not in SYSTEMS:
        errors["system"] = "Please choose a system: individual, family, peers, school or community."
    if kind not in KINDS:
        errors["kind"] = "Please choose whether this driver is a need or a strength."
    low, high = RATING_RANGE
    if rating is not None and not (_is_int(rating) and low <= rating <= high):
        errors["rating"] = (
            f"Please rate from {low} (not at work now) to {high} (strongly at work now), "
            "or leave it unrated."
        )
    low, high = CHANGEABILITY_RANGE
    if not (_is_int(changeability) and low <= changeability <= high):
        errors["changeability"] = (
            f"Please choose changeability from {low} (hard to change) to {high} (very open to change)."
        )
    if status not in STATUSES:
        errors["status"] = "Please choose hypothesised, supported or ruled out."
    return errors


def validate_link(link: Link, drivers: Iterable[Driver], existing_links: Iterable[Link]) -> list[str]:
    """Messages for a new link; empty when it can be saved.

    ``existing_links`` are the case's other links: when editing a link, leave the link
    being edited out, or it will be reported as its own duplicate.
    """
    known = {d.id for d in drivers}
    messages: list[str] = []
    if link.source is None:
        messages.append("Please choose the driver this link starts from.")
    elif link.source not in known:
        messages.append(
            "We can't find the driver this link starts from; it may have been removed. "
            "Please choose it again."
        )
    if link.target is not None and link.target not in known:
        messages.append(
            "We can't find the driver this link points to; it may have been removed. "
            "Please choose it again."
        )
    if link.source is not None and link.source == link.target:
        messages.append("A driver can't drive itself: please choose two different drivers.")
    if any(e.source == link.source and e.target == link.target for e in existing_links):
        messages.append(
            "These two are already linked. To change how strong the link is, edit that link instead."
        )
    if not (_is_int(link.strength) and 1 <= link.strength <= 3):
        messages.append("Please choose a strength: 1 (weak), 2 (moderate) or 3 (strong).")
    if not isinstance(link.note, str):
        messages.append("The note must be text.")
    elif len(link.note) > MAX_NOTE:
        messages.append(
            f"Please keep the note to {MAX_NOTE} characters or fewer (it is {len(link.note)})."
        )
    elif has_control_characters(link.note.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
        messages.append("The note contains characters that cannot be shown (control characters): please retype it.")
    return messages
