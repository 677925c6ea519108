"""The floor versions in docs/supply-chain.md hold: scanners cannot reach their databases from these machines,
so the advisories each floor clears are recorded there and this test keeps the environment and the pins above them.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "supply-chain.md"
REQUIREMENTS = ("requirements.txt", "requirements-test.txt")
ROW = re.compile(r"^\| `(?P<name>[A-Za-z0-9_.\-]+)` \| (?P<where>[^|]+) \| (?P<floor>[0-9][0-9A-Za-z.]*) \| (?P<why>.+) \|$")


def floors() -> dict[str, tuple[Version, str, str]]:
    """canonical name -> (floor, where pinned, advisories), from the table under '## Floors'."""
    section = DOC.read_text(encoding="utf-8").split("## Floors", 1)[1]
    rows = {}
    for line in section.splitlines():
        if match := ROW.match(line.strip()):
            name = canonicalize_name(match["name"])
            assert name not in rows, f"{match['name']} is listed twice"
            rows[name] = (Version(match["floor"]), match["where"].strip(), match["why"].strip())
    return rows


def pins() -> dict[str, tuple[Version, str]]:
    found = {}
    for file in REQUIREMENTS:
        for line in (ROOT / file).read_text().splitlines():
            line = line.split("#")[0].strip()
            if not line or line.startswith("-r"):
                continue
            name, pinned = line.split("==")
            found[canonicalize_name(re.sub(r"\[.*\]", "", name))] = (Version(pinned), file)
    return found


def test_the_table_is_read_and_covers_the_main_risks():
    rows = floors()
    assert len(rows) >= 30
    assert rows["streamlit"][0] >= Version("1.54.0")  # 1.54.0 fixed the last six published advisories
    for name in ("streamlit", "sqlalchemy", "jinja2", "starlette", "pillow", "protobuf", "requests", "urllib3"):
        assert re.search(r"CVE-\d{4}-\d+|GHSA-", rows[name][2]), f"{name}: no advisory recorded"


def test_every_pin_is_recorded_and_at_or_above_its_floor():
    rows = floors()
    for name, (pinned, file) in pins().items():
        assert name in rows, f"{name} is pinned in {file} but has no row in docs/supply-chain.md"
        floor, where, _ = rows[name]
        assert where == file, f"{name}: the doc says it is pinned in {where!r}, but it is pinned in {file}"
        assert pinned >= floor, f"{name}=={pinned} in {file} is below its floor {floor}"


def test_rows_that_say_pinned_are_pinned():
    pinned = pins()
    for name, (_, where, _) in floors().items():
        if where.startswith("requirements"):
            assert name in pinned, f"{name}: the doc says {where}, but no requirements file pins it"


def test_every_installed_package_meets_its_floor():
    too_old, missing = [], []
    for name, (floor, where, _) in floors().items():
        try:
            installed = Version(version(name))
        except PackageNotFoundError:
            if "not installed" not in where:
                missing.append(name)
            continue
        if installed < floor:
            too_old.append(f"{name} {installed} < {floor}")
    assert too_old == []
    assert missing == [], "packages the doc says are installed but are not (mark them 'not installed')"
