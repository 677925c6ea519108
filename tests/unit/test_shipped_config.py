"""The configuration we ship, read as shipped: a setting drifting is a test failure, not a surprise."""

import re
import tomllib
from pathlib import Path

from planner.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_config_is_locked_down():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] <= 5
    assert config["global"]["developmentMode"] is False


def test_secrets_are_not_committed():
    ignored = (ROOT / ".gitignore").read_text()
    assert ".streamlit/secrets.toml" in ignored
    assert "data/*.db" in ignored


def test_every_setting_is_documented():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in SETTINGS if name not in readme]
    assert missing == []


def test_requirements_are_pinned_exactly():
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][0-9A-Za-z.]*", line), line


def test_streamlit_is_past_the_published_advisories():
    pins = dict(
        line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line and not line.startswith("#")
    )
    major, minor, *_ = (int(x) for x in pins["streamlit"].split("."))
    assert (major, minor) >= (1, 54)  # 1.54.0 fixed the last six published advisories


def test_every_environment_variable_the_code_reads_is_registered():
    read = set()
    for folder in ("planner", "views", "drivers", "goals", "bench", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            read |= set(re.findall(r"\b(PLANNER_[A-Z_]+)\b", path.read_text(encoding="utf-8")))
    assert read - set(SETTINGS) == set()
