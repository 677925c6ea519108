"""The shipped catalogue of common MST-PSB drivers, a starting point for a fit circle.

Therapists pick from it and then reword each driver for the family in front of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from drivers.model import INTERVENTION_TYPES, KINDS, SYSTEMS

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "driver_catalogue.json"

_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")  # fits driver.catalogue_key (64)
_MAX_NAME = 120  # driver.name column
_MAX_FAMILY_WORDING = 200  # driver.family_wording column
_FIELDS = ("key", "name", "system", "kind", "description", "family_wording", "suggested_interventions")


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    name: str
    system: str
    kind: str
    description: str
    family_wording: str
    suggested_interventions: tuple[str, ...]


def load_catalogue(path: str | Path | None = None) -> list[CatalogueEntry]:
    """Read and check the catalogue; raise ValueError naming the first bad entry."""
    path = Path(path) if path is not None else DEFAULT_PATH
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    raw = data.get("drivers") if isinstance(data, dict) else data
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of drivers under 'drivers'")
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        entry = _entry(item, f"catalogue entry {index} ({_label(item)})")
        if entry.key in seen:
            raise ValueError(f"catalogue entry {index} ({entry.key}): duplicate key")
        seen.add(entry.key)
        entries.append(entry)
    return entries


def _label(item: object) -> str:
    return str(item.get("key", "no key")) if isinstance(item, dict) else "not an object"


def _entry(item: object, where: str) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: must be an object")
    missing = [f for f in _FIELDS if f not in item]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    for field in _FIELDS[:-1]:
        if not isinstance(item[field], str) or not item[field].strip():
            raise ValueError(f"{where}: {field} must be non-empty text")
    if not _KEY_PATTERN.match(item["key"]):
        raise ValueError(f"{where}: key must be a lower-case slug (a-z, 0-9, _)")
    if len(item["name"]) > _MAX_NAME:
        raise ValueError(f"{where}: name longer than {_MAX_NAME} characters")
    if len(item["family_wording"]) > _MAX_FAMILY_WORDING:
        raise ValueError(f"{where}: family_wording longer than {_MAX_FAMILY_WORDING} characters")
    if item["system"] not in SYSTEMS:
        raise ValueError(f"{where}: unknown system {item['system']!r}")
    if item["kind"] not in KINDS:
        raise ValueError(f"{where}: unknown kind {item['kind']!r}")
    suggested = item["suggested_interventions"]
    if not isinstance(suggested, list) or not suggested:
        raise ValueError(f"{where}: suggested_interventions must be a non-empty list")
    unknown = [s for s in suggested if not isinstance(s, str) or s not in INTERVENTION_TYPES]
    if unknown:
        raise ValueError(f"{where}: unknown intervention type(s) {unknown!r}")
    return CatalogueEntry(
        key=item["key"],
        name=item["name"].strip(),
        system=item["system"],
        kind=item["kind"],
        description=item["description"].strip(),
        family_wording=item["family_wording"].strip(),
        suggested_interventions=tuple(suggested),
    )
