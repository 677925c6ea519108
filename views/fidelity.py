"""Fidelity: the case's monthly MST adherence score beside its safety scale, and the MST principles
its interventions serve. The team supervisor records the scores; the therapist reads them."""

import functools
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput
from planner.fidelity import ADHERENCE_THRESHOLD, fidelity_view, record_adherence
from views.shared import case_id_param, case_menu, chart, engine, md, refuse, require_user, today

Y_AXIS_WIDTH = 36
ADHERENCE_COLOUR, FLAG_COLOUR, OVERALL_COLOUR = "#0072B2", "#D55E00", "#009E73"  # Okabe-Ito


def month_label(month: date) -> str:
    return f"{month:%B %Y}"


user = require_user()
case_id = case_id_param("fidelity")
try:
    with unit_of_work(engine()) as session:
        view = fidelity_view(session, user, case_id, today=today())
except AccessDenied:
    refuse("You do not have access to this case, or it does not exist.")

st.title("Fidelity: " + md(view.alias))
case_menu(case_id, view.alias)
st.caption(
    f"How closely the work follows MST: the monthly adherence score (0 to 1; below {ADHERENCE_THRESHOLD} is flagged) "
    "beside the overall safety scale, and which of the nine MST principles the plan's interventions serve."
)
if message := st.session_state.pop("fidelity_toast", None):
    st.toast(message, icon=":material/check_circle:")

latest = view.latest
m1, m2, m3 = st.columns(3)
m1.metric(
    "Latest adherence",
    "—" if latest is None else f"{latest[1]:.2f}",
    help="The most recent monthly score." if latest is None else f"For {month_label(latest[0])}.",
)
m2.metric("Months flagged", f"{view.flagged_months} of {len(view.adherence)}", help=f"Scores below {ADHERENCE_THRESHOLD}.")
m3.metric("MST principles served", f"{9 - len(view.uncovered)} of 9")
if latest is not None and latest[2]:
    st.warning(
        f"Adherence in {month_label(latest[0])} was {latest[1]:.2f}, below {ADHERENCE_THRESHOLD}: "
        "worth a look at supervision and the plan's fit this month.",
        icon=":material/flag:",
    )

st.subheader("Adherence and progress")
if view.adherence.empty and view.overall.empty:
    st.info("No adherence scores or safety-scale ratings yet.")
else:
    st.caption(
        "Top: the monthly adherence score, with the dashed line at the flag level; flagged months are orange "
        "triangles. Bottom: the overall 0-10 safety scale week by week, on the same months."
    )

    @functools.cache  # built at most once a run, whichever of the two charts needs it first
    def charts():
        # Both charts in one builder: they share the month axis.
        first = view.months[0] if view.months else view.start_date
        last = view.months[-1] if view.months else view.start_date
        end = (pd.Timestamp(last) + pd.offsets.MonthBegin(1)).date()
        months_axis = alt.Scale(domain=[pd.Timestamp(first).isoformat(), pd.Timestamp(end).isoformat()])
        x = alt.X("when:T", scale=months_axis, title=None, axis=alt.Axis(format="%b %Y", tickCount="month"))
        adherence = view.adherence.assign(
            when=pd.to_datetime(view.adherence["month"]) + pd.Timedelta(days=14),  # plotted mid-month
            month_name=view.adherence["month"].map(month_label),
            state=view.adherence["flagged"].map({True: "flagged", False: "at or above the flag"}),
        )
        threshold = pd.DataFrame({"level": [ADHERENCE_THRESHOLD], "label": [f"flag: below {ADHERENCE_THRESHOLD}"]})
        rule = alt.Chart(threshold).mark_rule(color=FLAG_COLOUR, strokeDash=[5, 4], size=2).encode(y=alt.Y("level:Q"))
        rule_text = alt.Chart(threshold).mark_text(align="left", dx=4, dy=-6, color=FLAG_COLOUR).encode(
            y=alt.Y("level:Q"), x=alt.XValue(0), text=alt.Text("label:N")
        )
        zero_one = alt.Scale(domain=[0, 1])
        line = alt.Chart(adherence).mark_line(color=ADHERENCE_COLOUR, strokeWidth=2).encode(
            x=x, y=alt.Y("score:Q", scale=zero_one, title="adherence (0-1)", axis=alt.Axis(minExtent=Y_AXIS_WIDTH))
        )
        points = alt.Chart(adherence).mark_point(filled=True, size=110).encode(
            x=x,
            y=alt.Y("score:Q", scale=zero_one),
            color=alt.Color(
                "state:N",
                scale=alt.Scale(domain=["at or above the flag", "flagged"], range=[ADHERENCE_COLOUR, FLAG_COLOUR]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            shape=alt.Shape(
                "state:N", scale=alt.Scale(domain=["at or above the flag", "flagged"], range=["circle", "triangle-down"]), legend=None
            ),
            tooltip=[
                alt.Tooltip("month_name:N", title="month"),
                alt.Tooltip("score:Q", format=".2f"),
                alt.Tooltip("recorded_by:N", title="recorded by"),
            ],
        )
        overall = view.overall.assign(when=pd.to_datetime(view.overall["date"]))
        scale = alt.Chart(overall).mark_line(point=True, color=OVERALL_COLOUR, strokeWidth=2).encode(
            x=x, y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 10]), title="safety scale (0-10)", axis=alt.Axis(minExtent=Y_AXIS_WIDTH)),
            tooltip=[alt.Tooltip("week:Q", title="week"), alt.Tooltip("value:Q", title="safety scale")],
        )
        # Two charts on one month axis (same domain, same y-axis width), so a month lines up in both.
        return alt.layer(rule, rule_text, line, points).properties(height=220), scale.properties(height=180)

    inputs = (view.months, view.start_date, view.adherence, view.overall)
    chart("fidelity.adherence", inputs, lambda: charts()[0])
    chart("fidelity.scale", inputs, lambda: charts()[1])
    if not view.adherence.empty:
        with st.expander("Scores month by month"):
            st.dataframe(
                view.adherence.assign(
                    month=view.adherence["month"].map(month_label),
                    flagged=view.adherence["flagged"].map({True: "flagged", False: ""}),
                    recorded_at=view.adherence["recorded_at"].map(lambda at: readable_date(at.date()) if at is not None else "—"),
                ),
                hide_index=True,
                column_config={
                    "month": "Month",
                    "score": st.column_config.NumberColumn("Score", format="%.2f"),
                    "flagged": f"Below {ADHERENCE_THRESHOLD}",
                    "recorded_by": "Recorded by",
                    "recorded_at": "Recorded on",
                },
            )

st.subheader("MST principles served by the plan")
st.caption(
    "Each intervention on the Plan page names the principles it serves. Planned, active and done interventions count; "
    "stopped ones do not (they no longer deliver the work), and are listed apart."
)
if view.uncovered:
    st.warning(
        "Not served by any intervention: " + "; ".join(md(f"{n} {name}") for n, name in view.uncovered) + ".",
        icon=":material/report:",
    )
else:
    st.success("Every one of the nine principles is served by at least one intervention.", icon=":material/check_circle:")
principles = view.principles.assign(interventions=view.principles["interventions"].replace("", "— none —"))
columns = {
    "number": st.column_config.NumberColumn("No.", width="small"),
    "principle": "Principle",
    "count": st.column_config.NumberColumn("Interventions", width="small"),
    "interventions": "Served by",
}
if (principles["stopped"] != "").any():
    columns["stopped"] = "Stopped (not counted)"
else:
    principles = principles.drop(columns=["stopped"])
st.dataframe(principles[list(columns)], hide_index=True, column_config=columns)

st.subheader("Record an adherence score")
if not view.can_rate:
    st.caption("Adherence scores are recorded by the team supervisor. You can read them here.")
elif not view.months:
    st.info("Scores can be recorded once the case has started.")
else:
    recorded = {m: s for m, s in zip(view.adherence["month"], view.adherence["score"], strict=True)}
    with st.form("adherence"):
        st.caption(
            "One score a month, from the monthly adherence measure (0 to 1). Saving a month that already has a score "
            "replaces it."
        )
        c1, c2 = st.columns(2)
        month = c1.selectbox(
            "Month",
            list(reversed(view.months)),
            format_func=lambda m: month_label(m) + (f" (now {recorded[m]:.2f})" if m in recorded else ""),
            key="adherence_month",
        )
        score = c2.number_input(
            "Score (0 to 1)", min_value=0.0, max_value=1.0, value=None, step=0.01, format="%.2f", key="adherence_score"
        )
        if st.form_submit_button("Save score", type="primary"):
            try:
                with unit_of_work(engine()) as session:
                    saved = record_adherence(session, user, case_id, month, score, today=today())
            except InvalidInput as error:
                for field, problem in error.errors.items():
                    st.error(f"**{'Score' if field == 'score' else 'Month'}:** " + md(problem))
            except AccessDenied:
                refuse("You do not have access to this case, or it does not exist.")
            else:
                note = " (flagged: below the line)" if saved.flagged else ""
                st.session_state["fidelity_toast"] = f"Saved {saved.score:.2f} for {month_label(saved.month)}{note}."
                st.rerun()
