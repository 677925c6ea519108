"""Team learning (supervisors): what recurs across the team's open and closed cases, what followed the
interventions aimed at each kind of driver, and how long drivers took to improve. Counts only: no
case is named here."""

import altair as alt
import pandas as pd
import streamlit as st

from drivers.model import SYSTEM_COLOURS, SYSTEM_LABELS
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.team_learning import team_learning
from views.shared import chart, engine, refuse, require_user, today

SYSTEM_SCALE = alt.Scale(domain=list(SYSTEM_LABELS.values()), range=[SYSTEM_COLOURS[s] for s in SYSTEM_LABELS])

user = require_user()
try:
    with unit_of_work(engine()) as session:
        data = team_learning(session, user, today=today())
except AccessDenied:
    refuse("Team learning is for supervisors: it looks across every case of their team.")

st.title("Team learning")
st.caption(
    f"Across all {data.cases} cases of your team ({data.open_cases} open, {data.closed_cases} closed) and their "
    f"{data.drivers} drivers still on the map (archived and ruled-out drivers are left out). Counts only: no case is named."
)
if data.cases == 0 or data.drivers == 0:
    st.info("Nothing to learn from yet: your team has no cases with drivers.")
    st.stop()

overall = data.time_to_improve.iloc[0]
m1, m2, m3 = st.columns(3)
m1.metric("Cases", data.cases)
m2.metric("Drivers", data.drivers)
m3.metric(
    f"Median weeks to improve by {data.improvement_points}",
    "—" if pd.isna(overall["median_weeks"]) else f"{overall['median_weeks']:g}",
    help=f"Over the {int(overall['reached'])} drivers that improved by {data.improvement_points} points or more.",
)

# ----------------------------------------------------------------------------- frequent drivers
st.subheader("Most frequent drivers by system")
st.caption(
    "How many of the team's cases have each driver (a driver counts once per case). Drivers picked from the "
    "catalogue are grouped by catalogue entry, others by their name (ignoring capitals and punctuation). "
    "The five most frequent needs and strengths of each system."
)
needs_tab, strengths_tab = st.tabs(["Needs", "Strengths"])
for tab, kind in ((needs_tab, "Need"), (strengths_tab, "Strength")):
    with tab:
        rows = data.frequent[data.frequent["kind"] == kind]
        if rows.empty:
            st.info(f"No {kind.lower()}s recorded.")
            continue
        chart(
            f"learning.frequent.{kind}",
            (rows,),
            lambda rows=rows: (
                alt.Chart(rows)
                .mark_bar()
                .encode(
                    x=alt.X("cases:Q", title="cases with this driver", axis=alt.Axis(tickMinStep=1)),
                    y=alt.Y("driver:N", sort=None, title=None, axis=alt.Axis(labelLimit=380)),
                    color=alt.Color("system:N", scale=SYSTEM_SCALE, legend=alt.Legend(title="System", orient="bottom")),
                    tooltip=[alt.Tooltip("system:N"), alt.Tooltip("driver:N"), alt.Tooltip("cases:Q"),
                             alt.Tooltip("share:Q", format=".0%", title="share of cases")],
                )
                .properties(height=alt.Step(22))
            ),
        )
        st.dataframe(
            rows.drop(columns=["kind"]),
            hide_index=True,
            column_config={
                "system": "System",
                "driver": "Driver",
                "cases": "Cases",
                "share": st.column_config.NumberColumn("Share of cases", format="percent"),
                "rank": st.column_config.NumberColumn("Rank in system", width="small"),
            },
            key=f"frequent_{kind.lower()}",
        )

# ----------------------------------------------------------------------------- interventions and drivers
st.subheader("Interventions and how their drivers moved")
st.caption(
    f"Each pair is an intervention that has started and one driver it is aimed at. The change compares the driver's "
    f"rating at the intervention's start week (its latest rating by then) with its rating {data.follow_up_weeks} weeks "
    f"later, or its latest before then if the case ended or has not got that far. Positive means better (a need "
    "falling, a strength rising). Pairs with no later rating are counted as not measurable. This shows what "
    "followed, not what caused it: drivers usually have several interventions aimed at them."
)
effects = data.effects
if effects.empty:
    st.info("No interventions aimed at drivers yet.")
else:
    measured = effects[effects["pairs"] > 0]
    if not measured.empty:
        def heat_map():
            heat = alt.Chart(measured).encode(
                x=alt.X("driver_type:N", title="driver type", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("intervention:N", title=None, axis=alt.Axis(labelLimit=380)),
            )
            cells = heat.mark_rect().encode(
                color=alt.Color(
                    "median_change:Q",
                    scale=alt.Scale(scheme="blueorange", domainMid=0, reverse=True),
                    legend=alt.Legend(title="median change (+ = better)"),
                ),
                tooltip=[
                    alt.Tooltip("intervention:N"),
                    alt.Tooltip("driver_type:N"),
                    alt.Tooltip("pairs:Q", title="pairs"),
                    alt.Tooltip("median_change:Q", title="median change", format="+.1f"),
                    alt.Tooltip("improved:Q"),
                    alt.Tooltip("unchanged:Q"),
                    alt.Tooltip("worse:Q"),
                ],
            )
            labels = heat.mark_text(fontSize=12).encode(text=alt.Text("median_change:Q", format="+.1f"))
            return alt.layer(cells, labels).properties(height=alt.Step(30))

        chart("learning.effects", (measured,), heat_map)
    st.dataframe(
        effects.drop(columns=["type", "driver_type"]),
        hide_index=True,
        column_config={
            "intervention": "Intervention type",
            "system": "Driver system",
            "kind": "Need or strength",
            "pairs": st.column_config.NumberColumn("Pairs measured", width="small"),
            "median_change": st.column_config.NumberColumn("Median change", format="%+.1f"),
            "improved": st.column_config.NumberColumn("Better", width="small"),
            "unchanged": st.column_config.NumberColumn("Same", width="small"),
            "worse": st.column_config.NumberColumn("Worse", width="small"),
            "unmeasured": st.column_config.NumberColumn("Not measurable yet", width="small"),
        },
        key="effects",
    )
    with st.expander("The same, driver by driver"):
        st.dataframe(
            data.effects_by_driver,
            hide_index=True,
            column_config={
                "intervention": "Intervention type",
                "driver": "Driver",
                "pairs": "Pairs measured",
                "median_change": st.column_config.NumberColumn("Median change", format="%+.1f"),
                "improved": "Better",
                "unchanged": "Same",
                "worse": "Worse",
                "unmeasured": "Not measurable yet",
            },
            key="effects_by_driver",
        )

# ----------------------------------------------------------------------------- time to improve
st.subheader(f"Weeks until a driver improved by {data.improvement_points} points")
st.caption(
    f"From a driver's first rating to the first week it was {data.improvement_points} or more points better (a need "
    f"{data.improvement_points} lower, a strength {data.improvement_points} higher). The median is over the drivers "
    "that got there. 'Never' are drivers of closed cases that did not; 'not yet' are drivers of open cases still on "
    f"their way; 'no room' started too near the best end of the scale to move {data.improvement_points} points."
)
times = data.time_to_improve
by_system = times[(times["group"] != "All systems") & times["median_weeks"].notna()]
if not by_system.empty:
    def improvement_bars():
        bars = (
            alt.Chart(by_system)
            .mark_bar()
            .encode(
                x=alt.X("median_weeks:Q", title="median weeks"),
                y=alt.Y("group:N", sort=list(SYSTEM_LABELS.values()), title=None),
                color=alt.Color("group:N", scale=SYSTEM_SCALE, legend=None),
                tooltip=[alt.Tooltip("group:N", title="system"), *(alt.Tooltip(f"{field}:Q") for field in ("median_weeks", "reached", "never", "not_yet"))],
            )
            .properties(height=alt.Step(26))
        )
        rule = alt.Chart(times.iloc[[0]]).mark_rule(color="#000000", strokeDash=[4, 3]).encode(x=alt.X("median_weeks:Q"))
        return alt.layer(bars, rule)

    chart("learning.time_to_improve", (by_system, times.iloc[[0]]), improvement_bars)
    st.caption("The dashed line is the median over all systems.")
st.dataframe(
    times,
    hide_index=True,
    column_config={
        "group": "System",
        "median_weeks": st.column_config.NumberColumn("Median weeks", format="%g"),
        "reached": f"Improved by {data.improvement_points}",
        "never": "Never (closed cases)",
        "not_yet": "Not yet (open cases)",
        "no_room": "No room to improve",
    },
    key="time_to_improve",
)
