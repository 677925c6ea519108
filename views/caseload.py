"""My cases (therapist) or Team cases (supervisor): the caseload, one row a case."""

import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.cases import caseload
from planner.dashboard import caseload_flags
from planner.db import unit_of_work
from views.shared import engine, refuse, require_user, today

user = require_user()
is_supervisor = user.role == "supervisor"
st.title("Team cases" if is_supervisor else "My cases")
st.caption(
    "Your team's open cases: where each plan stands this week. Select a row to open the case."
    if is_supervisor
    else "The families you are working with: where each plan stands this week. Select a row to open the case."
)

show_closed = st.toggle("Include closed cases", value=False)
try:
    with unit_of_work(engine()) as session:
        cases = caseload(session, user, today=today(), include_closed=show_closed)
        flags = caseload_flags(session, user, today=today())
except AccessDenied:
    refuse()

open_cases = cases[cases["status"] == "open"]
col1, col2, col3, col4 = st.columns(4)
col1.metric("Open cases", len(open_cases))
col2.metric(
    "Flagged cases",
    sum(bool(flags.get(case_id)) for case_id in open_cases["case_id"]),
    help="Open cases the on-track rules flag: an intermediary goal not met two weeks running, a prioritised "
    "need not improving for four weeks, an overarching goal unmet near the planned end, a review overdue. "
    "Each case's Timeline page, On track tab, says which.",
)
overdue = open_cases[(open_cases["week"] - open_cases["last_review_week"].fillna(0)) > 2]
col3.metric("Weekly review overdue", len(overdue), help="Open cases whose last submitted review is over two weeks old.")
col4.metric(
    "Median safety scale",
    "—" if open_cases["overall"].dropna().empty else f"{open_cases['overall'].median():.0f}/10",
    help="The 0-10 overall safety scale at each case's latest rating (10 = safe enough to close).",
)

if cases.empty:
    st.info(
        "No cases yet. Your supervisor allocates new cases; they will appear here."
        if not is_supervisor
        else "Your team has no open cases."
    )
    st.stop()

table = cases.assign(
    plan=[f"week {w} of {p}" for w, p in zip(cases["week"], cases["planned_weeks"])],
    started=[readable_date(d) for d in cases["start_date"]],
    flags=[flags.get(case_id, []) for case_id in cases["case_id"]],
)
columns = ["alias", "age", "plan", "overall", "flags", "last_review_week", "open_comments", "started", "status"]
if is_supervisor:
    columns.insert(1, "therapist")
selection = st.dataframe(
    table,
    column_order=columns,
    column_config={
        "alias": st.column_config.TextColumn("Young person"),
        "age": st.column_config.NumberColumn("Age"),
        "therapist": st.column_config.TextColumn("Therapist"),
        "plan": st.column_config.TextColumn("Plan"),
        "overall": st.column_config.ProgressColumn(
            "Safety scale", min_value=0, max_value=10, format="%d/10", help="Latest overall 0-10 rating"
        ),
        "flags": st.column_config.ListColumn("On-track flags", width="medium", help="See the case's Timeline page, On track tab"),
        "last_review_week": st.column_config.NumberColumn("Last review (week)"),
        "open_comments": st.column_config.NumberColumn(
            "Open comments", help="Supervisor comments not yet marked addressed (see the case's Supervision page)"
        ),
        "started": st.column_config.TextColumn("Started"),
        "status": st.column_config.TextColumn("Status"),
    },
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key="caseload_table",
)
rows = selection.selection.rows if selection else []
if rows:
    st.switch_page("views/case_overview.py", query_params={"case": str(int(table.iloc[rows[0]]["case_id"]))})

st.caption("Open a case")
links = st.columns(4)
for i, row in enumerate(table.itertuples()):
    links[i % 4].page_link(
        "views/case_overview.py",
        label=f"{row.alias}, {row.age}" + (" (closed)" if row.status == "closed" else ""),
        query_params={"case": str(row.case_id)},
        icon=":material/folder_open:",
    )
