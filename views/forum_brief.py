"""Forum brief: a one-page PDF of the case for the council's multi-agency SHB forum.

The therapist (own case) or the team's supervisor writes the recommendation (prefilled with a
suggestion from the plan's state), chooses the next review date, and picks the full version or the
pseudonymised one (initials only, no one's name). The preview below shows exactly what the PDF
says; the PDF is made when the download button is pressed and is recorded as an export.
"""

import pandas as pd
import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput
from planner.reports.forum_brief import (
    CONFIDENTIAL,
    RECOMMENDATION_LIMIT,
    SECTION_HEADINGS,
    ForumBrief,
    file_name,
    forum_brief,
    forum_brief_defaults,
    forum_brief_pdf,
    validate_inputs,
)
from views.shared import case_id_param, case_menu, engine, md, refuse, require_user, today

REFUSAL = "You do not have access to this case, or it does not exist."
FULL, PSEUDONYMISED = "Full names", "Pseudonymised (initials only)"
FIELD_LABELS = {"recommendation": "Recommendation", "next_review": "Next review"}

user = require_user()
case_id = case_id_param("forum brief")
now = today()
try:
    with unit_of_work(engine()) as session:
        defaults = forum_brief_defaults(session, user, case_id, today=now)
except AccessDenied:
    refuse(REFUSAL)

st.title("Forum brief: " + md(defaults.alias))
case_menu(case_id, defaults.alias)
st.caption(
    "A one-page brief for the multi-agency SHB forum, for members to read before the meeting. "
    "The pseudonymised version shows initials only and names no one."
)

variant = st.radio("Version", [FULL, PSEUDONYMISED], horizontal=True, key=f"forum_variant_{case_id}")
recommendation = st.text_area(
    "Recommendation",
    value=defaults.recommendation,
    height=130,
    key=f"forum_recommendation_{case_id}",
    help=f"Suggested from where the plan stands; change it as you see fit (up to {RECOMMENDATION_LIMIT} characters).",
)
next_review = st.date_input(
    "Next review",
    value=defaults.next_review,
    format="DD/MM/YYYY",
    key=f"forum_next_review_{case_id}",
    help="Suggested: four weeks on (the next monthly forum), or the end of the plan if that comes first.",
)
pseudonymise = variant == PSEUDONYMISED
if pseudonymise:
    st.caption(
        "Every name recorded for this case (its people, the young person, the staff) becomes initials. "
        "A name written in the plan that is not recorded as a person of the case is not known to be a name: "
        "read the preview before you share it."
    )


def show_errors(errors: dict[str, str]) -> None:
    for field, message in errors.items():
        st.error(f"**{FIELD_LABELS.get(field, field)}:** {md(message)}")


problems = validate_inputs(recommendation, next_review, today=now)
if problems:
    show_errors(problems)
    st.stop()

try:
    with unit_of_work(engine()) as session:
        brief: ForumBrief = forum_brief(
            session, user, case_id, today=now, recommendation=recommendation, next_review=next_review, pseudonymise=pseudonymise
        )
except AccessDenied:
    refuse(REFUSAL)
except InvalidInput as error:
    show_errors(error.errors)
    st.stop()

pdf_engine = engine()


def pdf_bytes() -> bytes:
    # Made when the button is pressed (and audited as an export then), not on every rerun.
    with unit_of_work(pdf_engine) as session:
        return forum_brief_pdf(
            session, user, case_id, today=now, recommendation=recommendation, next_review=next_review, pseudonymise=pseudonymise
        )


st.download_button(
    "Download the forum brief (PDF)",
    data=pdf_bytes,
    file_name=file_name(brief),
    mime="application/pdf",
    on_click="ignore",
    icon=":material/download:",
    key="forum_pdf",
)
st.caption(
    md(f"{file_name(brief)}: one A4 page; text too long for the page is cut short and marked, and continues in "
       "the case record. Downloads are recorded.")
)

st.subheader("Preview")
with st.container(border=True, key="forum_preview"):
    st.markdown(f":red[**{md(CONFIDENTIAL)}**]")
    st.markdown(f"### {md(brief.title)}")
    st.markdown(f"**{md(brief.subject)}, age {brief.age}** · {md(brief.plan_line)}")
    who = f"Therapist: {brief.therapist} · " if brief.therapist else ""
    st.caption(
        md(f"{who}{brief.team} · prepared by {brief.prepared_by} on {readable_date(brief.prepared_on)}")
        + (" · pseudonymised: initials only" if brief.pseudonymised else "")
    )
    heads = iter(SECTION_HEADINGS)

    st.markdown(f"#### {next(heads)}")
    if not brief.referral:
        st.markdown("No referral behaviour recorded.")
    for b in brief.referral:
        st.markdown(f"**{md(b.summary)}**")
        st.markdown(md(b.description))
        frequency = f"Frequency: {b.frequency} · " if b.frequency else ""
        st.caption(md(f"{frequency}Hackett continuum: {b.hackett_level} · Brook traffic light: {b.brook_colour}"))

    st.markdown(f"#### {next(heads)}")
    if brief.drivers:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Driver (prioritised)": d.name + (" (strength)" if d.kind == "strength" else ""),
                        "System": d.system,
                        "At intake": "—" if d.at_intake is None else f"{d.at_intake}/10",
                        "Now": "—" if d.now is None else f"{d.now}/10",
                    }
                    for d in brief.drivers
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        more = f"{brief.more_drivers} more prioritised in the case record. " if brief.more_drivers else ""
        st.caption(more + "Needs are rated 0-10 for how strongly they are at work (lower is better).")
    else:
        st.markdown("No drivers prioritised yet.")

    st.markdown(f"#### {next(heads)}")
    if not brief.interventions:
        st.markdown("No planned or active intervention is aimed at these drivers yet.")
    for i in brief.interventions:
        detail = "; ".join(p for p in (i.who, i.frequency, i.status) if p)
        st.markdown("- " + md(f"{i.name} ({detail}). Aimed at: {i.aimed_at}"))
    st.markdown(md("Safety plan: " + brief.safety_plan))

    st.markdown(f"#### {next(heads)}")
    for line in brief.progress_lines:
        st.markdown("- " + md(line))
    for flag in brief.flags:
        st.caption(md(flag))

    st.markdown(f"#### {next(heads)}")
    st.markdown(md(brief.recommendation))

    st.markdown(f"#### {next(heads)}")
    st.markdown(f"**Next review: {md(readable_date(brief.next_review))}**")
