"""What every browser test does with a Streamlit page: sign in, wait for a run to finish, pick from a list.

Streamlit reruns the script after most clicks; an open drop-down list closes when the rerun redraws it,
so a test that clicks a widget and then an option must wait for the run to end, and retry if a late
rerun closed the list anyway.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD


def sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def settled(p) -> None:
    """Wait until the app has finished the run a change started."""
    expect(p.locator("[data-testid='stApp'][data-test-script-state='notRunning']")).to_be_attached(timeout=30_000)


def pick(p, opener, option, typed: str | None = None, *, chosen=None, attempts: int = 4) -> None:
    """Open a select box (`opener`, a locator), optionally type to filter it, and click `option` (a locator),
    retrying if a rerun closed the list. `chosen` (a locator; multiselects, whose chips carry the text) shows
    the choice took: a rerun that redraws the widget after the click can drop it, so it is checked once the
    page has settled, and picked again if gone."""
    for attempt in range(attempts):
        settled(p)
        opener.click()
        if typed:
            opener.press_sequentially(typed)
        try:
            expect(option).to_be_visible(timeout=5_000)
            option.click(timeout=5_000)
            if chosen is None:
                return
            if p.get_by_role("listbox").count():  # a multiselect keeps its list open: close it
                p.keyboard.press("Escape")
            settled(p)
            expect(chosen).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            pass
        except Exception as error:  # a Playwright timeout: the list closed between seeing and clicking
            if "Timeout" not in type(error).__name__:
                raise
        if attempt == attempts - 1:
            raise AssertionError(f"could not pick {option} after {attempts} attempts")
        p.keyboard.press("Escape")
        if typed:
            opener.fill("")


def select_box(p, label: str):
    """The Streamlit select box or multiselect whose combobox is called `label`."""
    box = p.get_by_role("combobox", name=label, exact=True)
    return p.locator("[data-testid='stSelectbox'], [data-testid='stMultiSelect']").filter(has=box)
