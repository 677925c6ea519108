"""User text shown through Streamlit's markdown must stay text: no links, images, HTML or directives."""

from hypothesis import given
from hypothesis import strategies as st

from views.shared import md

HOSTILE = [
    "![x](https://example.com/pixel.png)",
    "[click](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    ":red[alarm] :material/warning:",
    "$\\frac{1}{2}$",
    "# heading",
    "**bold** _it_ `code`",
]


def test_every_markup_character_is_escaped():
    for text in HOSTILE:
        escaped = md(text)
        # Every special character is preceded by a backslash, so nothing can open a construct.
        for i, ch in enumerate(escaped):
            if ch in "[]()<>!:$*_`#":
                assert escaped[i - 1] == "\\", (text, escaped)


@given(st.text())
def test_escaping_removes_only_backslashes_it_added(text):
    escaped = md(text)
    unescaped, i = [], 0
    while i < len(escaped):
        if escaped[i] == "\\":
            i += 1
        if escaped.startswith("  \n", i):
            unescaped.append("\n")
            i += 3
            continue
        unescaped.append(escaped[i])
        i += 1
    assert "".join(unescaped) == text
