"""Team dashboard (the supervisor's home page): every open case of the team, with what needs attention.

One row a case from planner.dashboard.team_dashboard: therapist, week and phase, the safety scale
now and its last twelve weeks, goals met lately, prioritised needs with no intervention, the
on-track flags, days since the last review, open comments and adherence. Filter and sort, then
select a row (or a link) to open the case.
"""

import streamlit as st

from goals.on_track import REVIEW_OVERDUE
from planner.access import AccessDenied
from planner.dashboard import LOW_ADHERENCE, TREND_WEEKS, team_dashboard
from planner.db import unit_of_work
from views.shared import engine, md, refuse, require_user, today

# Sort choices: (columns, ascending). Cases without a value (no review, no rating yet) go last.
SORTS = {
    "Most flags first": (["flag_count", "uncovered_count", "alias"], [False, False, True]),
    "Longest since a weekly review": (["days_since_review", "alias"], [False, True]),
    "Lowest safety scale first": (["overall", "alias"], [True, True]),
    "Furthest into the plan": (["week", "alias"], [False, True]),
    "Most needs without an intervention": (["uncovered_count", "alias"], [False, True]),
    "Young person (A to Z)": (["alias"], [True]),
    "Therapist": (["therapist", "alias"], [True, True]),
}
MAX_LINKS = 100  # links below the table; the table itself shows every case

user = require_user()
st.title("Team dashboard")
try:
    with unit_of_work(engine()) as session:
        cases = team_dashboard(session, user, today=today())
except AccessDenied:
    refuse()

st.caption(
    "Your team's open cases and what needs your attention this week. Flags follow the plan's on-track rules "
    "(the same as each case's Timeline page). Select a row, or a link below the table, to open the case."
)

col1, col2, col3, col4 = st.columns(4)
col1.metric("Open cases", len(cases))
col2.metric("Cases with flags", int((cases["flag_count"] > 0).sum()), help="Open cases with at least one on-track flag.")
col3.metric(
    "Reviews overdue",
    int(sum(REVIEW_OVERDUE in kinds for kinds in cases["flag_kinds"])),
    help="Open cases whose weekly review for last week (or earlier) has not been submitted.",
)
col4.metric(
    "Low adherence",
    int(cases["low_adherence"].sum()),
    help=f"Open cases whose latest monthly MST adherence score is below {LOW_ADHERENCE:.2f}.",
)

if cases.empty:
    st.info(
        "Your team has no open cases at the moment. When a therapist in your team starts a case, it appears here.",
        icon=":material/inbox:",
    )
    st.stop()

f1, f2, f3, f4 = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
therapists = f1.multiselect(
    "Therapist", sorted(cases["therapist"].unique(), key=str.casefold), placeholder="All therapists", key="dash_therapists"
)
search = f2.text_input("Find a young person", placeholder="Name", key="dash_search").strip()
sort_by = f3.selectbox("Sort by", list(SORTS), index=0, key="dash_sort")
only_flagged = f4.toggle("Only cases with flags", value=False, key="dash_only_flagged")

shown = cases
if therapists:
    shown = shown[shown["therapist"].isin(therapists)]
if search:
    shown = shown[shown["alias"].str.contains(search, case=False, regex=False)]
if only_flagged:
    shown = shown[shown["flag_count"] > 0]
by, ascending = SORTS[sort_by]
shown = shown.sort_values(by, ascending=ascending, na_position="last", kind="stable").reset_index(drop=True)

if shown.empty:
    st.info("No open case matches these filters. Clear a filter to see more.", icon=":material/filter_alt_off:")
    st.stop()

st.caption(f"{len(shown)} of {len(cases)} open cases shown. Click a column heading to sort by it.")
selection = st.dataframe(
    shown,
    column_order=[
        "alias", "therapist", "plan", "flags", "overall", "trend", "goals", "uncovered",
        "days_since_review", "open_comments", "adherence", "phase",
    ],
    column_config={
        "alias": st.column_config.TextColumn("Young person", pinned=True),
        "therapist": st.column_config.TextColumn("Therapist"),
        "plan": st.column_config.TextColumn("Plan", help="Week of the plan now, of the planned weeks"),
        "phase": st.column_config.TextColumn("Phase"),
        "overall": st.column_config.ProgressColumn(
            "Safety scale", min_value=0, max_value=10, format="%d/10",
            help="Latest overall 0-10 rating (10 = safe enough to close)",
        ),
        "trend": st.column_config.LineChartColumn(
            "Last 12 weeks", y_min=0, y_max=10, help=f"The overall safety scale over the last {TREND_WEEKS} rated weeks"
        ),
        "goals": st.column_config.TextColumn(
            "Goals met (4 weeks)", help="Intermediary goals met, of those marked, in this week and the three before"
        ),
        "flags": st.column_config.ListColumn("Flags", help="On-track flags raised by the plan's rules", width="large"),
        "uncovered": st.column_config.ListColumn(
            "Needs with no intervention", help="Prioritised needs with no planned or active intervention aimed at them"
        ),
        "days_since_review": st.column_config.NumberColumn(
            "Days since review", help="Days since the last weekly review was submitted"
        ),
        "open_comments": st.column_config.NumberColumn(
            "Open comments", help="Your comments the therapist has not yet addressed"
        ),
        "adherence": st.column_config.NumberColumn(
            "Adherence", format="%.2f", help=f"Latest monthly MST adherence score (below {LOW_ADHERENCE:.2f} is low)"
        ),
    },
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="dashboard_table",
)
rows = selection.selection.rows if selection else []
if rows:
    st.switch_page("views/case_overview.py", query_params={"case": str(int(shown.iloc[rows[0]]["case_id"]))})

flagged = shown[shown["flag_count"] > 0]
if not flagged.empty:
    with st.expander(f"What the flags say ({len(flagged)} cases)", icon=":material/flag:"):
        for row in flagged.itertuples():
            st.markdown(f"**{md(row.alias)}** ({md(row.therapist)}, {md(row.plan)})")
            st.markdown("\n".join(f"- {md(message)}" for message in row.flag_messages))

st.subheader("Open a case")
for row in shown.head(MAX_LINKS).itertuples():
    query = {"case": str(row.case_id)}
    name, overview, timeline, supervision = st.columns([2, 1, 1, 1], vertical_alignment="center")
    flags = f" · {row.flag_count} flag{'s' if row.flag_count != 1 else ''}" if row.flag_count else ""
    name.markdown(f"**{md(row.alias)}** · {md(row.therapist)}{md(flags)}")
    overview.page_link("views/case_overview.py", label="Case overview", query_params=query, icon=":material/description:")
    timeline.page_link("views/timeline.py", label="On track", query_params=query, icon=":material/timeline:")
    supervision.page_link("views/supervision.py", label="Supervision", query_params=query, icon=":material/forum:")
if len(shown) > MAX_LINKS:
    st.caption(f"Links for the first {MAX_LINKS} cases; filter or select a row in the table to open any other.")
