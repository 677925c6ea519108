"""Real-browser fixtures: `streamlit run` on a free port, Debian's chromium driven by Playwright.

Every request the page makes is recorded; a test fails if any leaves localhost. Screenshots go to
artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("PLANNER_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@contextmanager
def running_app(database_url: str, extra_args: Sequence[str] = (), *, port: int | None = None) -> Iterator[str]:
    """`streamlit run app.py` exactly as `make run` serves it (plus `extra_args`), on `database_url`, with no other
    PLANNER_ settings from the caller's environment; yields the base URL once /_stcore/health answers (the test
    fails if it does not within 60 s) and stops the server afterwards. `port` for callers that must name the
    address before the app starts (a redirect URI); a free one otherwise."""
    port = port or _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env["PLANNER_DATABASE_URL"] = database_url
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
         *extra_args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.25)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + process.stdout.read().decode(errors="replace")[-2000:])
    try:
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def server(demo_sqlite_url):
    """The app, served by `streamlit run` exactly as `make run` serves it, on a copy of the demo data."""
    with running_app(demo_sqlite_url) as base:
        yield base


class Page:
    """A browser page that records every host it contacts."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if urlparse(url).scheme not in ("data", "blob", "about") and urlparse(url).hostname not in LOCAL_HOSTS]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser):
    def make(width: int = 1400, height: int = 1000) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        made.append(context)
        return Page(context.new_page())

    made: list = []
    yield make
    for context in made:
        context.close()
