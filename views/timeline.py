"""Timeline and progress: the seven-month plan, its interventions over time, and whether it is on track."""

import altair as alt
import pandas as pd
import streamlit as st

from drivers.model import INTERVENTION_TYPES
from goals.on_track import DRIVER_NOT_IMPROVING, GOAL_NOT_MET_TWICE, GOAL_UNMET_NEAR_END, REVIEW_OVERDUE
from goals.timeline import readable_date, week_label
from planner.access import AccessDenied
from planner.case_progress import progress_view, set_phase_lengths
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from views.shared import case_id_param, case_menu, chart, engine, md, refuse, require_user, today

# Okabe-Ito, as in the driver map: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#999999"]
PHASE_COLOURS = ["#E8F1F8", "#FFFFFF", "#EAF6F0"]
FLAG_TITLES = {
    REVIEW_OVERDUE: "Weekly review overdue",
    GOAL_NOT_MET_TWICE: "Intermediary goal not met two weeks running",
    DRIVER_NOT_IMPROVING: "Prioritised driver not improving for four weeks",
    GOAL_UNMET_NEAR_END: "Overarching goal unmet near the planned end",
}

user = require_user()
case_id = case_id_param("timeline and progress")
try:
    with unit_of_work(engine()) as session:
        view = progress_view(session, user, case_id, today=today())
except AccessDenied:
    refuse("You do not have access to this case, or it does not exist.")

st.title("Timeline and progress: " + md(view.alias))
case_menu(case_id, view.alias)
st.caption("The plan from week 1 to its planned end: phases, interventions over time, and whether the case is on track.")

m1, m2, m3, m4 = st.columns(4)
m1.metric("Week", week_label(view.current_week, view.planned_weeks))
m2.metric("Phase", view.current_phase.label)
latest = view.overall["value"].iloc[-1] if not view.overall.empty else None
m3.metric(
    "Safety scale now",
    "—" if latest is None else f"{latest}/10",
    delta=None if len(view.overall) < 2 else f"{latest - view.overall['value'].iloc[0]:+d} since intake",
)
m4.metric("On-track flags", len(view.flags), delta=None, help="Rules: see the On track tab.")

# What every chart on this page shares: the plan's weeks, this week and the phases (see views.shared.chart).
frame = (view.planned_weeks, view.current_week, [(p.label, p.start_week, p.end_week) for p in view.phases])
weeks_axis = alt.Scale(domain=[0.5, view.planned_weeks + 0.5], nice=False)


def phase_bands():
    return (
        alt.Chart(pd.DataFrame([{"phase": p.label, "start": p.start_week - 0.5, "end": p.end_week + 0.5} for p in view.phases]))
        .mark_rect(opacity=0.6)
        .encode(
            x=alt.X("start:Q", scale=weeks_axis, title="week of plan"),
            x2=alt.X2("end"),
            color=alt.Color(
                "phase:N",
                scale=alt.Scale(domain=[p.label for p in view.phases], range=PHASE_COLOURS),
                legend=alt.Legend(title="Phase", orient="bottom", labelLimit=260, symbolStrokeColor="#8c8c8c"),
            ),
            tooltip=[alt.Tooltip("phase:N")],
        )
    )


def now_rule():
    return alt.Chart(pd.DataFrame({"week": [view.current_week]})).mark_rule(color="#D55E00", strokeDash=[4, 3], size=2).encode(
        x=alt.X("week:Q", scale=weeks_axis)
    )


def tips(*fields: str) -> list:
    # Channel objects, not shorthand strings: Altair rebuilds its schema map for every shorthand (about 8 ms a chart).
    return [alt.Tooltip(field) for field in fields]


tab_plan, tab_progress, tab_flags = st.tabs(["Timeline", "Progress", f"On track ({len(view.flags)})"])

with tab_plan:
    st.caption(
        f"Started {readable_date(view.start_date)}; planned for {view.planned_weeks} weeks. "
        "The dashed line is this week; shaded bands are the phases."
    )
    if view.interventions.empty:
        st.info("No interventions yet: add them on the Plan page, each aimed at a prioritised driver.")
    else:
        def gantt():
            bars = (
                alt.Chart(view.interventions.assign(
                    start=view.interventions["start_week"] - 0.5, end=view.interventions["end_week"] + 0.5,
                    stopped=view.interventions["status"] == "stopped",
                ))
                .mark_bar(cornerRadius=3, height=16)
                .encode(
                    x=alt.X("start:Q", scale=weeks_axis, title="week of plan"),
                    x2=alt.X2("end"),
                    y=alt.Y("name:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
                    color=alt.Color(
                        "type:N",
                        # Every type keeps its colour from case to case; ten types need two past Okabe-Ito's eight.
                        scale=alt.Scale(domain=list(INTERVENTION_TYPES.values()), range=[*PALETTE, "#000000", "#882255"]),
                        legend=alt.Legend(
                            title="Type", orient="top", direction="horizontal", columns=2, labelLimit=320, symbolLimit=0,
                            values=[t for t in INTERVENTION_TYPES.values() if t in set(view.interventions["type"])],
                        ),
                    ),
                    opacity=alt.Opacity("stopped:N", scale=alt.Scale(domain=[False, True], range=[1.0, 0.35]), legend=None),
                    tooltip=tips("name:N", "type:N", "start_week:Q", "end_week:Q", "status:N"),
                )
            )
            # A fixed step per intervention, so every row keeps its label however many there are.
            return alt.layer(phase_bands(), bars, now_rule()).resolve_scale(color="independent").properties(height=alt.Step(30))

        chart("timeline.gantt", (frame, view.interventions), gantt)
    st.dataframe(
        view.phase_table.assign(
            start_date=view.phase_table["start_date"].map(readable_date), end_date=view.phase_table["end_date"].map(readable_date)
        ),
        hide_index=True,
        column_config={"phase": "Phase", "start_week": "From week", "end_week": "To week", "start_date": "From", "end_date": "To"},
    )
    if view.can_edit:
        with st.expander("Change the phase lengths" + (" (custom)" if view.custom_phases else " (defaults)")):
            # Saved at the version seen when the form was first drawn, not re-read on the submitting run,
            # so a colleague's save in between is refused rather than silently overwritten.
            phases_version_key = f"phases_version_{case_id}"
            opened_version = st.session_state.setdefault(phases_version_key, view.version)
            with st.form("phases"):
                engagement_weeks = view.phases[0].end_week - view.phases[0].start_week + 1
                generalisation_weeks = view.phases[2].end_week - view.phases[2].start_week + 1
                c1, c2 = st.columns(2)
                engagement = c1.number_input("Engagement and assessment (weeks)", 1, view.planned_weeks, engagement_weeks, key="phase_engagement")
                generalisation = c2.number_input("Generalisation and discharge (weeks)", 1, view.planned_weeks, generalisation_weeks, key="phase_generalisation")
                st.caption("The intervention phase takes the weeks in between.")
                if st.form_submit_button("Save phases", type="primary"):
                    try:
                        with unit_of_work(engine()) as session:
                            set_phase_lengths(session, user, case_id, engagement=int(engagement), generalisation=int(generalisation), version=opened_version)
                    except InvalidInput as error:
                        st.error("**Phases:** " + md(error.errors["phases"]))
                    except StaleEdit as error:
                        st.error(md(error))
                        del st.session_state[phases_version_key]  # the next run shows the lengths saved now
                    else:
                        del st.session_state[phases_version_key]
                        st.session_state["timeline_toast"] = "Phases saved."
                        st.rerun()

if message := st.session_state.pop("timeline_toast", None):
    st.toast(message, icon=":material/check_circle:")

with tab_progress:
    if view.overall.empty:
        st.info("No weekly ratings yet. Charts appear after the first weekly review is submitted.")
    else:
        zero_ten = alt.Scale(domain=[0, 10])
        st.subheader("Overall safety scale")
        st.caption("0 = the child cannot safely live at home; 10 = safe enough to close.")

        def overall():
            line = (
                alt.Chart(view.overall)
                .mark_line(point=True, color="#0072B2", strokeWidth=3)
                .encode(x=alt.X("week:Q", scale=weeks_axis, title="week of plan"), y=alt.Y("value:Q", scale=zero_ten, title="0-10"), tooltip=tips("week:Q", "value:Q"))
            )
            return alt.layer(phase_bands(), line, now_rule()).resolve_scale(color="independent").properties(height=260)

        chart("timeline.overall", (frame, view.overall), overall)

        st.subheader("Prioritised drivers")
        st.caption("How strongly each prioritised need is at work (0-10): falling lines are progress.")
        if view.drivers.empty:
            st.info("No ratings of prioritised drivers yet.")
        else:
            def driver_lines():
                lines = (
                    alt.Chart(view.drivers)
                    .mark_line(point=alt.OverlayMarkDef(size=30))
                    .encode(
                        x=alt.X("week:Q", scale=weeks_axis, title="week of plan"),
                        y=alt.Y("value:Q", scale=zero_ten, title="0-10"),
                        color=alt.Color("driver:N", scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="bottom", columns=2, labelLimit=360, title=None)),
                        strokeDash=alt.StrokeDash("driver:N", legend=None),  # dash patterns: not colour alone
                        tooltip=tips("week:Q", "driver:N", "value:Q"),
                    )
                )
                return alt.layer(lines, now_rule()).properties(height=280)

            chart("timeline.drivers", (frame, view.drivers), driver_lines)

        c1, c2 = st.columns(2)
        with c1:
            st.subheader("Intermediary goals met")
            if view.goals_by_week.empty:
                st.info("No intermediary goals marked yet.")
            else:
                long = view.goals_by_week.melt(id_vars=["week"], value_vars=["met", "partly met", "not met"], var_name="status", value_name="goals")

                def stacked():
                    return (
                        alt.Chart(long)
                        .mark_bar()
                        .encode(
                            x=alt.X("week:O", title="week of plan"),
                            y=alt.Y("goals:Q", title="goals", stack="zero"),
                            color=alt.Color(
                                "status:N",
                                scale=alt.Scale(domain=["met", "partly met", "not met"], range=["#009E73", "#E69F00", "#CC79A7"]),
                                legend=alt.Legend(orient="bottom", title=None),
                            ),
                            order=alt.Order("status:N", sort="descending"),
                            tooltip=tips("week:O", "status:N", "goals:Q"),
                        )
                        .properties(height=240)
                    )

                chart("timeline.goals", (long,), stacked)
        with c2:
            st.subheader("Goal Attainment Scaling")
            st.caption("T-score of the overarching goals: 50 means goals met as expected.")
            if view.gas.empty:
                st.info("No GAS scores yet: score the overarching goals on the Plan page.")
            else:
                def gas():
                    line = (
                        alt.Chart(view.gas)
                        .mark_line(point=True, color="#009E73", strokeWidth=3)
                        .encode(
                            x=alt.X("week:Q", scale=weeks_axis, title="week of plan"),
                            y=alt.Y("t_score:Q", title="T-score", scale=alt.Scale(zero=False)),
                            tooltip=tips("week:Q", "t_score:Q"),
                        )
                    )
                    expected = alt.Chart(pd.DataFrame({"t": [50]})).mark_rule(color="#000000", strokeDash=[2, 2]).encode(y=alt.Y("t:Q"))
                    return alt.layer(line, expected).properties(height=240)

                chart("timeline.gas", (frame, view.gas), gas)

with tab_flags:
    st.caption(
        "Flags the rules raise this week: an intermediary goal not met two weeks running; a prioritised driver not "
        "improving for four weeks; an overarching goal unmet within six weeks of the planned end; a weekly review overdue."
    )
    if not view.flags:
        st.success("On track: no rule is tripped this week.")
    for flag in view.flags:
        st.warning(f"**{FLAG_TITLES.get(flag.kind, flag.kind)}** (week {flag.week}): " + md(flag.message))
