"""Plan: the interventions aimed at each driver, the goals (with Goal Attainment Scaling) and the safety plan."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from drivers.model import INTERVENTION_TYPES
from goals.gas import SCORE_LABELS
from goals.model import GOAL_STATUSES
from goals.timeline import readable_date, week_label
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.guard import NotFound
from planner.models import INTERVENTION_STATUSES, SETTINGS
from planner.plan import (
    GAS_LEVELS,
    INTERVENTION_STATUS_LABELS,
    MST_PRINCIPLES,
    SETTING_LABELS,
    GoalInput,
    InterventionInput,
    OutcomeInput,
    RuleInput,
    add_goal,
    add_intervention,
    add_outcome,
    add_rule,
    archive_rule,
    negative_wording_hint,
    plan_view,
    principle_label,
    score_gas,
    update_goal,
    update_intervention,
    update_outcome,
    update_rule,
)
from views.shared import case_id_param, case_menu, engine, md, refuse, require_user, today

user = require_user()
case_id = case_id_param("plan")

try:
    with unit_of_work(engine()) as session:
        data = plan_view(session, user, case_id, today=today())
except AccessDenied:
    refuse("You do not have access to this case, or it does not exist.")

st.title("Plan: " + md(data.alias))
case_menu(case_id, data.alias)
st.caption(
    "What is being done about each driver, what the family and the team are aiming for, and the rules that "
    "keep everyone safe. "
    + md(week_label(data.current_week, data.planned_weeks).capitalize() + (" (closed)" if data.closed else "") + ".")
)
if not data.can_edit:
    st.caption("Read-only: only the case's therapist changes the plan.")

FIELD_LABELS = {
    "type": "Type",
    "name": "Name",
    "who": "Who",
    "frequency": "How often",
    "description": "Description",
    "start_week": "Start week",
    "end_week": "End week",
    "status": "Status",
    "stop_reason": "Reason for stopping",
    "principles": "MST principles",
    "drivers": "Drivers",
    "participant": "Who",
    "outcome": "Outcome",
    "text": "Goal",
    "criterion": "How we will know",
    "family_wording": "Family wording",
    "gas_weight": "Weight",
    "gas_levels": "GAS levels",
    "week": "Week",
    "score": "GAS score",
    "setting": "Setting",
    "rule": "Rule",
    "responsible": "Adults responsible",
    "review_date": "Review date",
}
driver_names = dict(zip(data.drivers["id"], data.drivers["name"], strict=True))
driver_kinds = dict(zip(data.drivers["id"], data.drivers["kind"], strict=True))
need_ids = [i for i in driver_names if driver_kinds[i] == "need"]


def show_errors(error: InvalidInput) -> None:
    for field, message in error.errors.items():
        st.error(f"**{FIELD_LABELS.get(field, field)}:** {md(message)}")


def saved(message: str, hint: str | None = None) -> None:
    st.session_state["plan_toast"] = message
    if hint:
        st.session_state["plan_hint"] = hint
    st.rerun()


def fresh(form: str) -> str:
    """The widget-key prefix of an add form: it changes after each save so the browser shows an empty form."""
    return f"{form}{st.session_state.get(f'plan_generation_{form}', 0)}"


def forget(prefix: str, form: str | None = None) -> None:
    """Clear a form's typed values after a successful save (and start a new generation of an add form)."""
    for k in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[k]
    if form is not None:
        st.session_state[f"plan_generation_{form}"] = st.session_state.get(f"plan_generation_{form}", 0) + 1


def edit_at_opened_version(kind: str, row_id: int, version: int, draw_form, save, on_saved) -> int:
    """One row's edit form, kept at the version seen when it was opened, so a save that someone
    else's save beat is refused (StaleEdit) and the next run reopens the form on their version.
    Returns the opened version (an archive action on the same row uses it too)."""
    version_key = f"{kind}_version_{row_id}"
    opened = st.session_state.setdefault(version_key, version)
    edited = draw_form(f"{kind}_edit_{row_id}_{opened}")
    if edited is None:
        return opened
    try:
        with unit_of_work(engine()) as session:
            save(session, edited, opened)
    except InvalidInput as error:
        show_errors(error)
    except (StaleEdit, NotFound) as error:
        st.error(md(error))
        del st.session_state[version_key]  # the next run opens the version saved now
    else:
        del st.session_state[version_key]
        forget(f"{kind}_edit_{row_id}_")
        saved(*on_saved(edited))
    return opened


def driver_label(driver_id: int) -> str:
    name = driver_names.get(driver_id, "?")
    return name + (" (strength)" if driver_kinds.get(driver_id) == "strength" else "")


def live(ids) -> list[int]:
    return [i for i in ids if i in driver_names]


if message := st.session_state.pop("plan_toast", None):
    st.toast(message, icon=":material/check_circle:")

today_ = today()
active = data.interventions[data.interventions["status"] == "active"]
due = [r for r in data.rules if r.review_date is not None and r.review_date < today_]
t_score = data.gas_t_score()
m1, m2, m3, m4 = st.columns(4)
m1.metric("Active interventions", len(active), help=f"{len(data.interventions)} in all, including planned, done and stopped")
m2.metric(
    "Overarching goals met",
    f"{sum(g.status == 'met' for g in data.goals)} of {len(data.goals)}" if data.goals else "—",
)
m3.metric(
    "GAS T-score",
    "—" if t_score is None else f"{t_score:.0f}",
    help="Goal Attainment Scaling summary of each goal's latest score, weighted: 50 means the goals are met as expected, "
    "about 60 one level better, about 40 one level worse.",
)
m4.metric("Safety rules", len(data.rules), delta=f"{len(due)} due for review" if due else None, delta_color="inverse")

tab_interventions, tab_goals, tab_safety = st.tabs(
    ["Interventions", "Goals", "Safety plan"], key="plan_tab", on_change="rerun"
)

# =========================================================================== interventions


def intervention_form(prefix: str, start: InterventionInput, submit_label: str) -> InterventionInput | None:
    """The intervention fields; returns the input when submitted. Typed values stay if saving fails."""
    types = list(INTERVENTION_TYPES)
    with st.form(f"{prefix}_form", clear_on_submit=False):
        c1, c2 = st.columns([2, 3])
        itype = c1.selectbox("Type", types, index=types.index(start.type) if start.type in types else 0, format_func=INTERVENTION_TYPES.get, key=f"{prefix}_type")
        name = c2.text_input("Name", value=start.name, max_chars=120, key=f"{prefix}_name", placeholder="Daily one-to-one time for Dad and Leon")
        c3, c4 = st.columns(2)
        who = c3.text_input("Who does what", value=start.who, max_chars=200, key=f"{prefix}_who", placeholder="Dad and Leon, coached by the therapist")
        frequency = c4.text_input("How often", value=start.frequency, max_chars=120, key=f"{prefix}_freq", placeholder="15 minutes most days")
        c5, c6, c7 = st.columns([1, 1, 2])
        start_week = c5.number_input("Start week", value=start.start_week, step=1, key=f"{prefix}_start", help=f"A week of the plan, 1 to {data.planned_weeks}.")
        end_week = c6.number_input("End week", value=start.end_week, step=1, key=f"{prefix}_end", placeholder="ongoing", help=f"Leave empty while it is ongoing; at most {data.planned_weeks}.")
        status = c7.radio("Status", INTERVENTION_STATUSES, index=INTERVENTION_STATUSES.index(start.status) if start.status in INTERVENTION_STATUSES else 0, format_func=INTERVENTION_STATUS_LABELS.get, horizontal=True, key=f"{prefix}_status")
        stop_reason = st.text_input("Reason for stopping (needed to stop an intervention)", value=start.stop_reason, max_chars=500, key=f"{prefix}_reason")
        drivers = st.multiselect(
            "Aimed at (drivers)", list(driver_names), default=live(start.driver_ids), format_func=driver_label,
            key=f"{prefix}_drivers", placeholder="Choose the drivers it works on",
        )
        principles = st.multiselect(
            "MST principles it serves", list(MST_PRINCIPLES), default=list(start.principles), format_func=principle_label,
            key=f"{prefix}_principles", placeholder="Choose the principles it serves",
        )
        description = st.text_area("Description (optional)", value=start.description, max_chars=4000, key=f"{prefix}_desc")
        if not st.form_submit_button(submit_label, type="primary"):
            return None
    return InterventionInput(
        type=itype,
        name=name,
        who=who,
        frequency=frequency,
        start_week=int(start_week) if start_week is not None else None,
        end_week=int(end_week) if end_week is not None else None,
        status=status,
        stop_reason=stop_reason,
        principles=tuple(principles),
        driver_ids=tuple(drivers),
        description=description,
    )


with tab_interventions:
    frame = data.interventions
    if frame.empty:
        st.info("No interventions yet: add one below and aim it at the prioritised drivers on the driver map.")
    else:
        st.dataframe(
            frame,
            hide_index=True,
            height="content",
            column_order=["name", "aimed_at", "weeks", "status_label", "who", "frequency", "type_label", "principle_names"],
            column_config={
                "name": st.column_config.TextColumn("Intervention", width="medium"),
                "aimed_at": st.column_config.TextColumn("Aimed at", width="medium"),
                "weeks": st.column_config.TextColumn("Weeks", width=130),
                "status_label": st.column_config.TextColumn("Status", width="small"),
                "who": st.column_config.TextColumn("Who", width="medium"),
                "frequency": st.column_config.TextColumn("How often", width="small"),
                "type_label": st.column_config.TextColumn("Type", width="medium"),
                "principle_names": st.column_config.ListColumn("MST principles", width="large"),
            },
        )
        st.caption("Scroll the table sideways for who, how often, the type and the MST principles each intervention serves.")
    aimed = {d for ids in frame[frame["status"].isin(["planned", "active"])]["driver_ids"] for d in ids}
    prioritised = dict(zip(data.drivers["id"], data.drivers["prioritised"], strict=True))
    uncovered = [name for i, name in driver_names.items() if i not in aimed and driver_kinds[i] == "need" and prioritised[i]]
    if uncovered:
        st.warning("Prioritised drivers with no planned or active intervention: " + md("; ".join(sorted(uncovered))))

    if data.can_edit:
        with st.expander("Add an intervention", icon=":material/add:", expanded=frame.empty):
            if not driver_names:
                st.info("Add drivers on the driver map first: every intervention is aimed at one or more drivers.")
            else:
                blank = InterventionInput(type="caregiver_education", name="", who="", frequency="", start_week=data.default_week)
                new = intervention_form(fresh("iv_add"), blank, "Add the intervention")
                if new is not None:
                    try:
                        with unit_of_work(engine()) as session:
                            add_intervention(session, user, case_id, new)
                    except InvalidInput as error:
                        show_errors(error)
                    else:
                        forget(fresh("iv_add") + "_", "iv_add")
                        saved(f"Added “{md(new.name.strip())}” to the plan.")

        st.subheader("Edit / change status")
        if frame.empty:
            st.caption("Nothing to edit yet.")
        else:
            rows = {int(r["id"]): r for r in frame.to_dict("records")}
            chosen = st.selectbox(
                "Intervention", list(rows), format_func=lambda i: f"{rows[i]['name']} ({rows[i]['status_label'][:60]})",
                index=None, placeholder="Choose an intervention to edit, pause or stop", key="iv_edit_choice",
            )
            if chosen is not None:
                record = rows[chosen]
                start = InterventionInput(
                    type=record["type"], name=record["name"], who=record["who"], frequency=record["frequency"],
                    start_week=int(record["start_week"]),
                    end_week=None if pd.isna(record["end_week"]) else int(record["end_week"]),
                    status=record["status"], stop_reason=record["stop_reason"], principles=tuple(record["principles"]),
                    driver_ids=tuple(record["driver_ids"]), description=record["description"],
                )
                edit_at_opened_version(
                    "iv", chosen, int(record["version"]),
                    lambda prefix: intervention_form(prefix, start, "Save changes"),
                    lambda session, edited, opened: update_intervention(session, user, case_id, chosen, edited, version=opened),
                    lambda edited: (f"Saved “{md(edited.name.strip())}”.",),
                )

# =========================================================================== goals


# Overarching goals run the whole plan: "open" reads as in progress (intermediary goals say "not yet marked").
OVERARCHING_STATUS_LABELS = {"open": "In progress", "met": "Met", "partly_met": "Partly met", "not_met": "Not met"}


def goal_form(prefix: str, start: GoalInput, submit_label: str) -> GoalInput | None:
    with st.form(f"{prefix}_form", clear_on_submit=False):
        text = st.text_input("Goal", value=start.text, max_chars=300, key=f"{prefix}_text", placeholder="Dad supervises whenever younger children are present")
        criterion = st.text_area("How we will know it is met (measurable)", value=start.criterion, max_chars=1000, height=80, key=f"{prefix}_criterion", placeholder="Grandmother confirms the plan was kept at every visit for 8 weeks running")
        family_wording = st.text_input("Family wording (plain, warm, non-blaming)", value=start.family_wording, max_chars=200, key=f"{prefix}_family", placeholder="Grown-ups keeping an eye out when cousins visit")
        c1, c2, c3 = st.columns([1, 2, 3])
        weight = c1.number_input("Weight", value=float(start.gas_weight), step=0.5, key=f"{prefix}_weight", help="How much this goal counts in the GAS summary; 1 is ordinary importance.")
        status = c2.selectbox("Status", GOAL_STATUSES, index=GOAL_STATUSES.index(start.status) if start.status in GOAL_STATUSES else 0, format_func=OVERARCHING_STATUS_LABELS.get, key=f"{prefix}_status")
        drivers = c3.multiselect("Linked drivers", list(driver_names), default=live(start.driver_ids), format_func=driver_label, key=f"{prefix}_drivers")
        st.markdown("**Goal Attainment Scaling levels** (optional: describe all five, or none)")
        levels = list(start.gas_levels) if len(start.gas_levels) == 5 else [""] * 5
        typed = [
            st.text_input(f"{level:+d} · {SCORE_LABELS[level]}" if level else f"0 · {SCORE_LABELS[level]}", value=levels[n], max_chars=200, key=f"{prefix}_level_{n}")
            for n, level in enumerate(GAS_LEVELS)
        ]
        if not st.form_submit_button(submit_label, type="primary"):
            return None
    return GoalInput(
        text=text,
        criterion=criterion,
        family_wording=family_wording,
        gas_weight=weight if weight is not None else 0,
        gas_levels=tuple(typed) if any(t.strip() for t in typed) else (),
        driver_ids=tuple(drivers),
        status=status,
    )


def outcome_form(prefix: str, start: OutcomeInput, submit_label: str) -> OutcomeInput | None:
    people = {p.id: p for p in data.participants}
    options = [*people, 0]
    with st.form(f"{prefix}_form", clear_on_submit=False):
        c1, c2 = st.columns(2)
        chosen = c1.selectbox(
            "Person", options, index=options.index(start.participant_id) if start.participant_id in people else (0 if not start.who else len(options) - 1),
            format_func=lambda i: "Someone else (type who)" if i == 0 else f"{people[i].name} ({people[i].relation})",
            key=f"{prefix}_person",
        )
        who = c2.text_input("Who, as they would say it", value=start.who, max_chars=80, key=f"{prefix}_who", placeholder="Dad, School, Social worker", help="Optional when you chose a person: their name is used.")
        outcome = st.text_area("What they want, in their own words", value=start.outcome, max_chars=2000, height=80, key=f"{prefix}_outcome")
        if not st.form_submit_button(submit_label, type="primary"):
            return None
    return OutcomeInput(outcome=outcome, participant_id=None if chosen == 0 else chosen, who=who)


def score_text(score: int | None) -> str:
    return "not scored yet" if score is None else (f"{score:+d}" if score else "0")


with tab_goals:
    st.subheader("Desired outcomes")
    st.caption("What each key person wants, in their own words: the overarching goals are built from these.")
    if data.outcomes.empty:
        st.info("No desired outcomes yet: ask each caregiver, the young person, the social worker and the school what they want.")
    else:
        st.dataframe(
            data.outcomes, hide_index=True, column_order=["who", "outcome"],
            column_config={"who": st.column_config.TextColumn("Who"), "outcome": st.column_config.TextColumn("In their own words", width="large")},
        )
    if data.can_edit:
        with st.expander("Add a desired outcome", icon=":material/add:"):
            new = outcome_form(fresh("oc_add"), OutcomeInput(outcome="", participant_id=data.participants[0].id if data.participants else None), "Add the outcome")
            if new is not None:
                try:
                    with unit_of_work(engine()) as session:
                        add_outcome(session, user, case_id, new)
                except InvalidInput as error:
                    show_errors(error)
                else:
                    forget(fresh("oc_add") + "_", "oc_add")
                    saved("Desired outcome added.")
        if not data.outcomes.empty:
            with st.expander("Edit a desired outcome", icon=":material/edit:"):
                outcome_rows = {int(r["id"]): r for r in data.outcomes.to_dict("records")}
                pick = st.selectbox("Outcome", list(outcome_rows), format_func=lambda i: f"{outcome_rows[i]['who']}: {outcome_rows[i]['outcome'][:70]}", index=None, placeholder="Choose an outcome", key="oc_edit_choice")
                if pick is not None:
                    row = outcome_rows[pick]
                    pid = None if pd.isna(row["participant_id"]) else int(row["participant_id"])
                    start = OutcomeInput(outcome=row["outcome"], participant_id=pid, who=row["who"])
                    edit_at_opened_version(
                        "oc", pick, int(row["version"]),
                        lambda prefix: outcome_form(prefix, start, "Save changes"),
                        lambda session, edited, opened: update_outcome(session, user, case_id, pick, edited, version=opened),
                        lambda edited: ("Desired outcome saved.",),
                    )

    st.subheader("Overarching goals")
    st.caption("Measurable end-of-treatment goals, each scored on Goal Attainment Scaling from -2 (much less than expected) to +2 (much more); 0 is the expected outcome.")
    if not data.goals:
        st.info("No overarching goals yet: build three to five from the desired outcomes above.")
    for goal in data.goals:
        label = f"{md(goal.text)} · {OVERARCHING_STATUS_LABELS.get(goal.status, goal.status)} · GAS {score_text(goal.gas_score)}"
        with st.expander(label, icon=":material/flag:"):
            c1, c2 = st.columns([3, 1])
            with c1:
                st.markdown(f"**How we will know:** {md(goal.criterion)}")
                st.markdown(f"**Family wording:** {md(goal.family_wording) if goal.family_wording else '—'}")
                st.markdown("**Linked drivers:** " + (md("; ".join(goal.driver_names)) if goal.driver_names else "none yet"))
            c2.metric(
                "Latest GAS score", score_text(goal.gas_score) if goal.gas_score is not None else "—",
                help=(f"Scored in week {goal.latest_week}." if goal.latest_week else "Not scored yet.") + f" Weight {goal.gas_weight:g}.",
            )
            if goal.gas_levels:
                st.dataframe(
                    goal.level_table(), hide_index=True,
                    column_config={"score": st.column_config.TextColumn("GAS", width="small"), "meaning": "Meaning", "for this goal": st.column_config.TextColumn("For this goal", width="large")},
                )
            else:
                st.caption("No GAS levels yet: describe what -2 to +2 would look like for this goal in its edit form.")
            if goal.scores:
                changes = [goal.scores[0]] + [s for prev, s in zip(goal.scores, goal.scores[1:]) if s[1] != prev[1]]
                st.caption("GAS over the weeks: " + " → ".join(f"{score_text(score)} (week {week})" for week, score in changes))
            if data.can_edit:
                with st.form(f"gas_{goal.id}_form", clear_on_submit=False):
                    st.markdown("**Score this week**")
                    g1, g2 = st.columns([1, 4])
                    week = g1.number_input("Week", value=data.default_week, step=1, key=f"gas_{goal.id}_week", help=f"A week of the plan, 1 to {data.planned_weeks}. Scoring a week again replaces its score.")
                    levels = dict(zip(GAS_LEVELS, goal.gas_levels, strict=True)) if goal.gas_levels else {}
                    score = g2.radio(
                        "GAS score", GAS_LEVELS, index=2 if goal.gas_score is None else GAS_LEVELS.index(goal.gas_score),
                        format_func=lambda s, levels=levels: f"{s:+d}" if s else "0", horizontal=True, key=f"gas_{goal.id}_score",
                        help=" · ".join(f"{s:+d}: {levels.get(s) or SCORE_LABELS[s]}" for s in GAS_LEVELS),
                    )
                    if st.form_submit_button("Save GAS score"):
                        try:
                            with unit_of_work(engine()) as session:
                                score_gas(session, user, case_id, goal.id, week=int(week) if week is not None else None, score=score)
                        except InvalidInput as error:
                            show_errors(error)
                        except (StaleEdit, NotFound) as error:
                            st.error(md(error))
                        else:
                            saved(f"GAS score {score_text(score)} saved for week {int(week)}.")

    if data.can_edit:
        with st.expander("Add an overarching goal", icon=":material/add:", expanded=not data.goals):
            new_goal = goal_form(fresh("goal_add"), GoalInput(text="", criterion="", family_wording=""), "Add the goal")
            if new_goal is not None:
                try:
                    with unit_of_work(engine()) as session:
                        add_goal(session, user, case_id, new_goal)
                except InvalidInput as error:
                    show_errors(error)
                else:
                    forget(fresh("goal_add") + "_", "goal_add")
                    saved(f"Added the goal “{md(new_goal.text.strip())}”.")
        if data.goals:
            with st.expander("Edit an overarching goal", icon=":material/edit:"):
                goals_by_id = {g.id: g for g in data.goals}
                pick = st.selectbox("Goal", list(goals_by_id), format_func=lambda i: goals_by_id[i].text, index=None, placeholder="Choose a goal to edit", key="goal_edit_choice")
                if pick is not None:
                    record = goals_by_id[pick]
                    start = GoalInput(
                        text=record.text, criterion=record.criterion, family_wording=record.family_wording,
                        gas_weight=record.gas_weight, gas_levels=record.gas_levels, driver_ids=record.driver_ids, status=record.status,
                    )
                    edit_at_opened_version(
                        "goal", pick, record.version,
                        lambda prefix: goal_form(prefix, start, "Save changes"),
                        lambda session, edited, opened: update_goal(session, user, case_id, pick, edited, version=opened),
                        lambda edited: (f"Saved the goal “{md(edited.text.strip())}”.",),
                    )

    st.subheader(f"This week's intermediary goals (week {data.current_week})")
    st.caption("Small steps for this week, set and marked in the weekly review.")
    if data.intermediary.empty:
        st.info(f"No intermediary goals set for week {data.current_week} yet: set them in this week's weekly review.")
    else:
        st.dataframe(
            data.intermediary, hide_index=True,
            column_config={"goal": st.column_config.TextColumn("Goal", width="large"), "owner": "Who", "status": "Status", "drivers": st.column_config.TextColumn("Drivers", width="medium")},
        )

# =========================================================================== safety plan


def rule_form(prefix: str, start: RuleInput, submit_label: str) -> RuleInput | None:
    with st.form(f"{prefix}_form", clear_on_submit=False):
        c1, c2 = st.columns([1, 3])
        setting = c1.selectbox("Setting", SETTINGS, index=SETTINGS.index(start.setting) if start.setting in SETTINGS else 0, format_func=SETTING_LABELS.get, key=f"{prefix}_setting")
        rule = c2.text_area(
            "Rule", value=start.rule, max_chars=500, height=80, key=f"{prefix}_rule",
            placeholder="Bedroom doors stay open when cousins visit",
            help="Write it positively, as what everyone does (“Children play downstairs where an adult can see them”), not as a ban.",
        )
        c3, c4 = st.columns([3, 1])
        responsible = c3.text_input("Adults responsible", value=start.responsible, max_chars=200, key=f"{prefix}_responsible", placeholder="Dad and Jade; Nan at Sunday lunch")
        review_date = c4.date_input("Review date", value=start.review_date, format="DD/MM/YYYY", key=f"{prefix}_review")
        drivers = st.multiselect("Risks it manages (needs)", need_ids, default=[i for i in start.driver_ids if i in need_ids], format_func=driver_label, key=f"{prefix}_drivers", placeholder="Choose the needs this rule manages")
        if not st.form_submit_button(submit_label, type="primary"):
            return None
    return RuleInput(setting=setting, rule=rule, responsible=responsible, review_date=review_date, driver_ids=tuple(drivers))


with tab_safety:
    st.caption("Rules for home, school, community and online, each with the adults who make sure it happens and the risks it manages.")
    if hint := st.session_state.pop("plan_hint", None):
        st.info(md(hint), icon=":material/lightbulb:")
    if not data.rules:
        st.info("No safety rules yet: add one for each setting, written as what everyone does, with the adults responsible.")
    for setting in SETTINGS:
        rules = [r for r in data.rules if r.setting == setting]
        st.subheader(SETTING_LABELS[setting])
        if not rules:
            st.caption(f"No {SETTING_LABELS[setting].lower()} rule yet.")
        for r in rules:
            with st.container(border=True):
                st.markdown(md(r.rule))
                st.caption(
                    md(f"Responsible: {r.responsible or '—'} · Manages: {'; '.join(r.driver_names) or '—'} · "
                       f"Review by {readable_date(r.review_date)}")
                )
                if r.review_date is not None and r.review_date < today_:
                    st.warning(f"Review is due: it was set for {readable_date(r.review_date)}.", icon=":material/event_busy:")
                if data.can_edit and negative_wording_hint(r.rule):
                    st.caption("Tip: this rule reads as a ban; rules written as what to do are easier for a family to keep.")
    if data.archived_rules:
        with st.expander(f"Archived rules ({len(data.archived_rules)})"):
            st.dataframe(
                pd.DataFrame(
                    [
                        {"setting": SETTING_LABELS.get(r.setting, r.setting), "rule": r.rule, "responsible": r.responsible,
                         "archived": readable_date(r.archived_at.date()) if r.archived_at else "—"}
                        for r in data.archived_rules
                    ],
                    columns=["setting", "rule", "responsible", "archived"],
                ),
                hide_index=True,
                column_config={"rule": st.column_config.TextColumn("Rule", width="large")},
            )

    if data.can_edit:
        with st.expander("Add a rule", icon=":material/add:", expanded=not data.rules):
            if not need_ids:
                st.info("Add the needs (risks) on the driver map first: every rule manages at least one.")
            else:
                new_rule = rule_form(fresh("rule_add"), RuleInput(setting="home", rule="", responsible="", review_date=today_ + timedelta(days=28)), "Add the rule")
                if new_rule is not None:
                    try:
                        with unit_of_work(engine()) as session:
                            add_rule(session, user, case_id, new_rule)
                    except InvalidInput as error:
                        show_errors(error)
                    else:
                        forget(fresh("rule_add") + "_", "rule_add")
                        saved(f"Added the {SETTING_LABELS[new_rule.setting].lower()} rule.", negative_wording_hint(new_rule.rule))
        if data.rules:
            with st.expander("Edit or archive a rule", icon=":material/edit:"):
                rules_by_id = {r.id: r for r in data.rules}
                pick = st.selectbox("Rule", list(rules_by_id), format_func=lambda i: f"{SETTING_LABELS[rules_by_id[i].setting]} · {rules_by_id[i].rule[:80]}", index=None, placeholder="Choose a rule", key="rule_edit_choice")
                if pick is not None:
                    record = rules_by_id[pick]
                    start = RuleInput(setting=record.setting, rule=record.rule, responsible=record.responsible, review_date=record.review_date, driver_ids=record.driver_ids)
                    opened = edit_at_opened_version(
                        "rule", pick, record.version,
                        lambda prefix: rule_form(prefix, start, "Save changes"),
                        lambda session, edited, opened: update_rule(session, user, case_id, pick, edited, version=opened),
                        lambda edited: ("Safety rule saved.", negative_wording_hint(edited.rule)),
                    )

                    @st.dialog("Archive this rule?")
                    def confirm_archive():
                        st.write("It leaves the safety plan and is listed under Archived rules. Tell the family and the adults responsible.")
                        st.markdown(md(record.rule))
                        if st.button("Archive", type="primary", key="rule_archive_confirm"):
                            try:
                                with unit_of_work(engine()) as session:
                                    archive_rule(session, user, case_id, pick, version=opened)
                            except (StaleEdit, NotFound) as error:
                                st.error(md(error))
                            else:
                                st.session_state.pop(f"rule_version_{pick}", None)
                                saved("Safety rule archived.")

                    if st.button("Archive this rule…", icon=":material/archive:", key="rule_archive"):
                        confirm_archive()
