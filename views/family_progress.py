"""Our progress: the family's own plan in plain, warm words: the last summary their therapist shared.

`draw_summary` draws a summary exactly as the family sees it; the therapist's preview on the Family
summary page calls the same function. The page itself runs only as a page (Streamlit runs pages as
"__main__"), so the preview can import `draw_summary` without drawing this page.

One column throughout (it is read on phones, 390 px wide), large type, nothing from other hosts.
"""

import altair as alt
import pandas as pd
import streamlit as st

from planner.access import AccessDenied
from planner.accounts import load_principal
from planner.db import unit_of_work
from planner.family import NOTHING_YET, PAGE_TITLE, FamilyPage, family_page, published_family_summary
from planner.reports.family_pdf import PDF_FILE_NAME, family_summary_pdf
from views.shared import chart, engine, md, refuse, require_user

# Static CSS, no user text: larger type for the summary's words, wherever the summary is drawn.
LARGE_TYPE = """<style>
[class*="st-key-family_summary"] [data-testid="stMarkdown"] p,
[class*="st-key-family_summary"] [data-testid="stMarkdown"] li,
[class*="st-key-family_summary"] [data-testid="stAlert"] p { font-size: 1.2rem; line-height: 1.6; }
[class*="st-key-family_summary"] [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
</style>"""


def draw_summary(page: FamilyPage, *, key: str = "family_summary") -> None:
    """Draw the family page's words and chart (single column). `key` must start with "family_summary"."""
    with st.container(key=key):
        st.html(LARGE_TYPE)
        st.title(md(page.title), anchor=False)
        st.caption(md(page.subtitle))
        if page.message:
            st.subheader(md(page.message_heading), anchor=False)
            st.info(md(page.message), icon=":material/chat:")
        for label, value in page.metrics:
            st.metric(label, value)
        for section in page.sections:
            st.header(md(section.heading), anchor=False)
            st.markdown(md(section.intro))
            if section.items:
                st.markdown("\n".join(f"- {md(item)}" for item in section.items))
            else:
                st.markdown(md(section.empty))
        st.header(md(page.scale_heading), anchor=False)
        st.markdown(md(" ".join(page.scale_lines)))
        if page.scale:
            frame = pd.DataFrame(page.scale, columns=["week", "score"])
            chart(
                f"{key}.scale",
                (frame,),
                lambda: (
                    alt.Chart(frame)
                    .mark_line(point=alt.OverlayMarkDef(size=80), strokeWidth=3)
                    .encode(
                        x=alt.X("week:Q", title="Week", axis=alt.Axis(tickMinStep=1, format="d")),
                        y=alt.Y("score:Q", title="Score (0 to 10)", scale=alt.Scale(domain=[0, 10]), axis=alt.Axis(tickMinStep=1)),
                        tooltip=[alt.Tooltip("week:Q", title="Week"), alt.Tooltip("score:Q", title="Score")],
                    )
                    .properties(height=260)
                ),
            )
        st.header(md(page.next_heading), anchor=False)
        st.markdown(md(" ".join(page.next_lines)))
        st.markdown(md(page.closing))


def _page() -> None:
    user = require_user()
    case_id = user.family_case_id
    if case_id is None:
        refuse()
    try:
        with unit_of_work(engine()) as session:
            published = published_family_summary(session, user, case_id)
    except AccessDenied:
        refuse()

    if published is None:
        with st.container(key="family_summary"):
            st.html(LARGE_TYPE)
            st.title(PAGE_TITLE, anchor=False)
            st.info(NOTHING_YET, icon=":material/schedule:")
        st.stop()

    draw_summary(family_page(published.summary, shared_on=published.shared_on))

    database = engine()

    def pdf() -> bytes:
        # Runs when the button is pressed (on its own thread): the person is read again, so a login
        # revoked since the page was drawn gets nothing. The export is audited then, not on every view.
        with unit_of_work(database) as session:
            return family_summary_pdf(session, load_principal(session, user.id), case_id)

    st.download_button(
        "Save or print as a PDF",
        data=pdf,
        file_name=PDF_FILE_NAME,
        mime="application/pdf",
        icon=":material/download:",
        on_click="ignore",
        key="family_pdf",
    )


if __name__ == "__main__":
    _page()
