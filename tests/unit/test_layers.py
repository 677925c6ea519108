"""The house rules on imports (shared/architecture.md), checked on every module."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("planner", "drivers", "goals", "views", "bench")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules():
    yield ROOT / "app.py"
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def test_only_app_and_views_import_streamlit():
    # bench/ is tooling, like tests/: it drives pages through streamlit's AppTest.
    offenders = [
        str(p.relative_to(ROOT))
        for p in _modules()
        if "streamlit" in _imports(p) and p.name != "app.py" and p.relative_to(ROOT).parts[0] not in ("views", "bench")
    ]
    assert offenders == []


def test_drivers_and_goals_stand_alone():
    offenders = [
        str(p.relative_to(ROOT))
        for package in ("drivers", "goals")
        for p in (ROOT / package).rglob("*.py")
        if _imports(p) & {"planner", "views", "streamlit", "sqlmodel", "sqlalchemy"}
    ]
    assert offenders == []


def test_planner_does_not_import_views():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "planner").rglob("*.py") if "views" in _imports(p)]
    assert offenders == []


def test_no_unsafe_html_in_pages():
    offenders = [
        str(p.relative_to(ROOT))
        for p in _modules()
        if "unsafe_allow_html=True" in p.read_text(encoding="utf-8").replace(" ", "")
    ]
    assert offenders == []
