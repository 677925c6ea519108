"""Weekly review: mark last week's goals, record advances and barriers, re-rate, set next week's goals.

The therapist's draft is saved as they type (each change is saved when the field is left) and
restored when they come back; submitting asks first, checks everything and then writes the week's
ratings, goal statuses and next goals. A submitted review is read-only: an amendment is a new
version and the original is kept. Supervisors read. The "Case summary" tab is the weekly case
summary for supervision, with a PDF download.
"""

import re
from datetime import datetime

import pandas as pd
import streamlit as st

from drivers.model import SYSTEM_LABELS
from goals.model import GOAL_STATUS_LABELS, RATED_GOAL_STATUSES
from goals.timeline import readable_date, week_label, week_start
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.guard import NotFound
from planner.reports.weekly_summary import SECTION_HEADINGS, weekly_summary, weekly_summary_pdf
from planner.supervision import week_sign_offs
from planner.weekly_review import (
    TEXT_FIELDS,
    NewGoal,
    ReviewContent,
    ReviewPage,
    ReviewVersion,
    review_page,
    save_draft,
    start_amendment,
    submit_review,
)
from views.shared import case_id_param, case_menu, engine, md, refuse, require_user, today

user = require_user()
case_id = case_id_param("weekly review")
WEEK_KEY = f"wr_week_{case_id}"
TOAST_KEY = "weekly_review_toast"
DENIED = "You do not have access to this case, or it does not exist."


def load(week: int | None) -> ReviewPage:
    with unit_of_work(engine()) as session:
        return review_page(session, user, case_id, week=week, today=today())


week_error = None
try:
    requested = st.session_state.get(WEEK_KEY)
    try:
        data = load(requested)
    except InvalidInput as error:
        week_error = error.errors.get("week") or str(error)
        data = load(None)
except AccessDenied:
    refuse(DENIED)

if message := st.session_state.pop(TOAST_KEY, None):
    st.toast(message, icon=":material/check_circle:")

st.title("Weekly review: " + md(data.alias))
case_menu(case_id, data.alias)
st.caption(
    "One review a week: how last week's goals went, advances and barriers, the updated fit, 0-10 ratings "
    "and next week's goals. It is the case summary for supervision."
)

# ------------------------------------------------------------------ which week
st.session_state.setdefault(WEEK_KEY, data.week)
week_col, *metric_cols = st.columns([1.3, 1, 1, 1])
week_col.number_input(
    "Week of the plan",
    step=1,
    key=WEEK_KEY,
    help=f"Weeks 1 to {data.last_week} can be reviewed now. It opens on the first week without a submitted review.",
)
if week_error:
    week_col.error(f"**Week:** {md(week_error)}")
    st.stop()


def prefix_for(page: ReviewPage) -> str:
    if page.draft is not None and page.draft.is_amendment:
        return f"wr{case_id}w{page.week}a{page.draft.amends_review_id}"
    return f"wr{case_id}w{page.week}n"


week = data.week
prefix = prefix_for(data) if data.can_edit else ""
with unit_of_work(engine()) as session:  # the supervisor's sign-off of this week's submitted reviews
    sign_offs = week_sign_offs(session, user, case_id, week)
status = (
    "Submitted" if data.submitted is not None and data.draft is None
    else "Amending" if data.draft is not None and data.draft.is_amendment
    else "Draft" if data.draft is not None or data.has_draft or st.session_state.get(f"{prefix}_id")
    else "Not started"
)
metric_cols[0].metric("Week", f"{week} of {data.planned_weeks}", help=f"Starts {readable_date(week_start(data.case_start, week))}")
metric_cols[1].metric("Review", status)
metric_cols[2].metric(
    "Safety scale last week",
    "—" if data.overall_last_week is None else f"{data.overall_last_week}/10",
    help="Overall 0-10: 0 = the child cannot safely live at home, 10 = safe enough to close.",
)
if week != data.default_week and data.default_week < data.last_week:
    st.info(f"The review for week {data.default_week} is the earliest one not yet submitted.")

goal_names = {g.id: g for g in data.goals}
carried_already = {g.carries_on_from for g in data.next_goals if g.carries_on_from is not None}

FIELD_LABELS = {
    "advances": "Advances",
    "barriers_therapist": "Therapist",
    "barriers_family": "Family",
    "barriers_system": "System",
    "fit_update": "Fit update",
    "next_steps": "Next steps",
    "overall": "Overall safety scale",
    "marks": "Goals",
    "ratings": "Ratings",
    "new_goals": "Next week's goals",
    "review": "Review",
    "week": "Week",
}


def when(moment: datetime | None) -> str:
    return readable_date(moment.date()) if moment else "—"


# ------------------------------------------------------------------ read-only review


def show_review(version: ReviewVersion, *, current: bool) -> None:
    content = version.content
    st.markdown("**Last week's goals** (set for week %d)" % week)
    if data.goals:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "goal": g.text,
                        "owner": g.owner,
                        "replaces": g.drivers,
                        "status": GOAL_STATUS_LABELS.get(content.marks.get(g.id, "open"), "Not yet marked"),
                    }
                    for g in data.goals
                ]
            ),
            hide_index=True,
            column_config={
                "goal": st.column_config.TextColumn("Goal", width="large"),
                "owner": "Owner",
                "replaces": "Replaces",
                "status": "Status",
            },
        )
    else:
        st.caption("No intermediary goals were set for this week.")
    st.markdown("**Advances**")
    st.markdown(md(content.advances) or "—")
    st.markdown("**Barriers**")
    for col, (label, text) in zip(
        st.columns(3),
        [("Therapist", content.barriers_therapist), ("Family", content.barriers_family), ("System", content.barriers_system)],
        strict=True,
    ):
        col.markdown(f"*{label}*  \n" + (md(text) or "None"))
    st.markdown("**Fit update**")
    st.markdown(md(content.fit_update) or "No change to the hypotheses.")
    if content.next_steps:
        st.markdown("**Next steps**")
        st.markdown(md(content.next_steps))
    st.markdown("**Ratings**")
    rows = [
        {"rated": data.driver_names.get(driver_id, "(unknown driver)"), "this week": value}
        for driver_id, value in content.ratings.items()
        if value is not None
    ]
    rows.sort(key=lambda r: r["rated"].casefold())
    rows.append({"rated": "Overall safety scale", "this week": content.overall})
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={"rated": st.column_config.TextColumn("Rated", width="large"), "this week": f"Week {week}"})
    if current and data.next_week_in_plan:
        st.markdown(f"**Goals set for week {week + 1}**")
        if data.next_goals:
            st.dataframe(
                pd.DataFrame(
                    [
                        {"goal": g.text, "owner": g.owner, "replaces": g.drivers, "carried on": g.carries_on_from is not None}
                        for g in data.next_goals
                    ]
                ),
                hide_index=True,
                column_config={
                    "goal": st.column_config.TextColumn("Goal", width="large"),
                    "owner": "Owner",
                    "replaces": "Replaces",
                    "carried on": "Carried on",
                },
            )
        else:
            st.caption("None set.")


def describe(version: ReviewVersion) -> str:
    text = f"Submitted {when(version.submitted_at)}"
    if version.submitted_by:
        text += f" by {version.submitted_by}"
    if version.id in sign_offs:
        name, at = sign_offs[version.id]
        text += f" · Signed off by {md(name)} on {when(at)}"
    if version.is_amendment:
        text += " · an amendment"
    if version.amended:
        text += " · amended (a later version replaces it)"
    return text


# ------------------------------------------------------------------ the draft form


def clear(prefix: str) -> None:
    for key in [k for k in st.session_state if str(k).startswith(prefix + "_")]:
        del st.session_state[key]


def widget_values(prefix: str, content: ReviewContent, *, overwrite: bool) -> None:
    """Put a content's values into the form's widgets (only missing ones unless ``overwrite``)."""
    state = st.session_state
    put = state.__setitem__ if overwrite else state.setdefault
    for name in TEXT_FIELDS:
        put(f"{prefix}_{name}", getattr(content, name))
    for g in data.goals:
        mark = content.marks.get(g.id)
        put(f"{prefix}_mark_{g.id}", mark if mark in RATED_GOAL_STATUSES else None)
        put(f"{prefix}_carry_{g.id}", g.id in content.carry_on)
    for d in data.prioritised:
        put(f"{prefix}_rating_{d.id}", content.ratings.get(d.id))
    put(f"{prefix}_overall", content.overall)
    live = {d.id for d in data.drivers}
    if overwrite or f"{prefix}_rows" not in state:
        state[f"{prefix}_rows"] = list(range(len(content.new_goals)))
        state[f"{prefix}_next_row"] = len(content.new_goals)
    for row, goal in zip(state[f"{prefix}_rows"], content.new_goals, strict=False):
        put(f"{prefix}_ng{row}_text", goal.text)
        put(f"{prefix}_ng{row}_owner", goal.owner)
        put(f"{prefix}_ng{row}_drivers", [d for d in goal.driver_ids if d in live])
    for row in state[f"{prefix}_rows"]:
        state.setdefault(f"{prefix}_ng{row}_text", "")
        state.setdefault(f"{prefix}_ng{row}_owner", "")
        state.setdefault(f"{prefix}_ng{row}_drivers", [])


def collect(prefix: str) -> ReviewContent:
    state = st.session_state
    marks = {g.id: state.get(f"{prefix}_mark_{g.id}") for g in data.goals if state.get(f"{prefix}_mark_{g.id}")}
    carry = tuple(
        g.id
        for g in data.goals
        if marks.get(g.id) in ("not_met", "partly_met") and state.get(f"{prefix}_carry_{g.id}") and g.id not in carried_already
    )
    return ReviewContent(
        **{name: state.get(f"{prefix}_{name}") or "" for name in TEXT_FIELDS},
        marks=marks,
        carry_on=carry if data.next_week_in_plan else (),
        ratings={d.id: state.get(f"{prefix}_rating_{d.id}") for d in data.prioritised},
        overall=state.get(f"{prefix}_overall"),
        new_goals=tuple(
            NewGoal(
                state.get(f"{prefix}_ng{row}_text") or "",
                state.get(f"{prefix}_ng{row}_owner") or "",
                tuple(state.get(f"{prefix}_ng{row}_drivers") or ()),
            )
            for row in state.get(f"{prefix}_rows", [])
        )
        if data.next_week_in_plan
        else (),
    )


def add_row(prefix: str) -> None:
    row = st.session_state[f"{prefix}_next_row"]
    st.session_state[f"{prefix}_next_row"] = row + 1
    st.session_state[f"{prefix}_rows"] = [*st.session_state[f"{prefix}_rows"], row]
    st.session_state[f"{prefix}_ng{row}_text"] = ""
    st.session_state[f"{prefix}_ng{row}_owner"] = ""
    st.session_state[f"{prefix}_ng{row}_drivers"] = []


def remove_row(prefix: str, row: int) -> None:
    st.session_state[f"{prefix}_rows"] = [r for r in st.session_state[f"{prefix}_rows"] if r != row]


def field_error(errors: dict[str, str], key: str, label: str | None = None) -> None:
    if key in errors:
        st.error(f"**{label or FIELD_LABELS.get(key, key)}:** {md(errors[key])}")


def save(page: ReviewPage, content: ReviewContent) -> dict[str, str]:
    """Save the draft; the problems found ({} when saved)."""
    state = st.session_state
    if content == state[f"{prefix}_saved"]:
        return {}
    # Noted before the write: a rerun can interrupt this run right after the commit (at any
    # session-state access), and the next run then recognises the saved draft as its own.
    state[f"{prefix}_pending"] = content
    try:
        with unit_of_work(engine()) as session:
            saved = save_draft(
                session, user, case_id, page.week, content,
                review_id=state[f"{prefix}_id"], version=state[f"{prefix}_version"], today=today(),
            )
    except InvalidInput as error:
        return error.errors
    state[f"{prefix}_id"], state[f"{prefix}_version"] = saved.review_id, saved.version
    state[f"{prefix}_saved"] = content
    state[f"{prefix}_saved_at"] = datetime.now().strftime("%H:%M")
    return {}


def keep_valid(content: ReviewContent, saved: ReviewContent, errors: dict[str, str]) -> ReviewContent:
    """``content`` with each refused value put back to its last saved value."""
    texts = {name: getattr(saved if name in errors else content, name) for name in TEXT_FIELDS}
    marks = dict(saved.marks if "marks" in errors else content.marks)
    ratings = dict(saved.ratings if "ratings" in errors else content.ratings)
    carry = saved.carry_on if "marks" in errors else tuple(i for i in content.carry_on if f"carry_{i}" not in errors)
    goals = list(saved.new_goals if "new_goals" in errors else content.new_goals)
    overall = saved.overall if "overall" in errors else content.overall
    bad_goals = set()
    for key in errors:
        if match := re.fullmatch(r"mark_(\d+)", key):
            marks.pop(int(match.group(1)), None)
            if int(match.group(1)) in saved.marks:
                marks[int(match.group(1))] = saved.marks[int(match.group(1))]
        elif match := re.fullmatch(r"rating_(\d+)", key):
            ratings[int(match.group(1))] = saved.ratings.get(int(match.group(1)))
        elif match := re.fullmatch(r"new_goal_(\d+)_\w+", key):
            bad_goals.add(int(match.group(1)))
    if "new_goals" not in errors:
        goals = [g for i, g in enumerate(goals) if i not in bad_goals]
    return ReviewContent(
        **texts, marks=marks, carry_on=carry, ratings=ratings, overall=overall, new_goals=tuple(goals)
    )


def draft_form(page: ReviewPage) -> None:
    state = st.session_state
    draft = page.draft
    stored = draft.content if draft is not None else ReviewContent()
    if f"{prefix}_version" not in state:
        widget_values(prefix, stored, overwrite=True)
        state[f"{prefix}_id"] = draft.id if draft else None
        state[f"{prefix}_version"] = draft.version if draft else None
        state[f"{prefix}_saved"] = collect(prefix)
    elif draft is not None and (state[f"{prefix}_id"], state[f"{prefix}_version"]) != (draft.id, draft.version):
        if draft.content == state.get(f"{prefix}_pending"):
            # Our own save, whose run was cut short by the next change before it noted the version.
            state[f"{prefix}_id"], state[f"{prefix}_version"] = draft.id, draft.version
            state[f"{prefix}_saved"] = draft.content
            widget_values(prefix, stored, overwrite=False)
        else:
            # Saved from another window since: show that version rather than overwrite it.
            widget_values(prefix, stored, overwrite=True)
            state[f"{prefix}_id"], state[f"{prefix}_version"] = draft.id, draft.version
            state[f"{prefix}_saved"] = collect(prefix)
            st.info("This draft was changed in another window: showing the version saved there.")
    else:
        # Widgets forget their values when you leave the page: put back what was saved.
        widget_values(prefix, state[f"{prefix}_saved"], overwrite=f"{prefix}_advances" not in state)

    # Save what is typed (each change reruns the page).
    errors: dict[str, str] = state.pop(f"{prefix}_submit_errors", {})
    if errors:
        st.error(
            f"The review was not submitted: {len(errors)} thing{'s' if len(errors) != 1 else ''} to put right below. "
            "Your draft is saved."
        )
    content = collect(prefix)
    if content != state[f"{prefix}_saved"]:
        try:
            problems = save(page, content)
            if problems:
                # Keep what is valid (so nothing else typed is lost), and say what is not saved.
                errors = {**problems, **errors}
                if save(page, keep_valid(content, state[f"{prefix}_saved"], problems)):
                    st.warning("Not saved: please put right what is marked below.")
                else:
                    st.warning("Saved, except what is marked below: please put it right.")
        except (StaleEdit, NotFound) as error:
            st.error(md(error))
            if st.button("Load the saved draft"):
                clear(prefix)
                st.rerun()
            st.stop()

    if draft is not None and draft.is_amendment:
        st.info(
            "You are amending the submitted review. The original is kept and stays viewable; submitting the "
            "amendment replaces this week's ratings and goal statuses with the values below."
        )
    for key in ("review", "week", "marks", "ratings", "new_goals"):
        field_error(errors, key)

    # --- last week's goals
    st.subheader(f"Last week's goals (set for week {page.week})")
    if not page.goals:
        st.info(f"No intermediary goals were set for week {page.week}. Set goals for next week below.")
    for g in page.goals:
        with st.container(border=True):
            st.radio(
                md(g.text),
                RATED_GOAL_STATUSES,
                index=None,
                format_func=GOAL_STATUS_LABELS.get,
                horizontal=True,
                key=f"{prefix}_mark_{g.id}",
            )
            st.caption(md(f"Owner: {g.owner or '—'} · replaces: {g.drivers or '—'}"))
            field_error(errors, f"mark_{g.id}", "Mark")
            mark = state.get(f"{prefix}_mark_{g.id}")
            if g.id in carried_already:
                st.caption(f"Carried on into week {page.week + 1}.")
            elif mark in ("not_met", "partly_met") and page.next_week_in_plan:
                st.checkbox(f"Carry on: set this goal again for week {page.week + 1}", key=f"{prefix}_carry_{g.id}")
                field_error(errors, f"carry_{g.id}", "Carry on")

    # --- advances, barriers, fit
    st.subheader("Advances")
    st.text_area("What went well this week (required)", key=f"{prefix}_advances", max_chars=4000, height=110)
    field_error(errors, "advances")
    st.subheader("Barriers")
    st.caption("Leave a level empty if there were none.")
    for col, name in zip(st.columns(3), ("barriers_therapist", "barriers_family", "barriers_system"), strict=True):
        with col:
            st.text_area(f"{FIELD_LABELS[name]} level", key=f"{prefix}_{name}", max_chars=4000, height=110)
            field_error(errors, name)
    st.subheader("Fit update")
    st.text_area(
        "Updated hypotheses: what the week showed about the drivers and how they link",
        key=f"{prefix}_fit_update",
        max_chars=4000,
        height=110,
    )
    field_error(errors, "fit_update")

    # --- ratings
    st.subheader("Ratings (0-10)")
    st.caption(
        "Needs: how strongly each prioritised driver is at work now (0 = not at all, 10 = very strongly). "
        "Overall safety scale: 0 = the child cannot safely live at home, 10 = safe enough to close."
    )
    if not page.prioritised:
        st.info("No prioritised needs on the driver map: prioritise the drivers to work on there.")
    columns = st.columns(3)
    for i, d in enumerate(page.prioritised):
        with columns[i % 3]:
            st.number_input(md(d.name), step=1, value=None, placeholder="0 to 10", key=f"{prefix}_rating_{d.id}")
            st.caption(f"Week {page.week - 1}: {'—' if d.last_week is None else d.last_week} · {SYSTEM_LABELS.get(d.system, d.system).lower()}")
            field_error(errors, f"rating_{d.id}", "Rating")
    with columns[len(page.prioritised) % 3]:
        st.number_input("Overall safety scale", step=1, value=None, placeholder="0 to 10", key=f"{prefix}_overall")
        st.caption(f"Week {page.week - 1}: {'—' if page.overall_last_week is None else page.overall_last_week}")
        field_error(errors, "overall")

    # --- next week's goals
    st.subheader(f"Goals for next week (week {page.week + 1})" if page.next_week_in_plan else "Goals for next week")
    if not page.next_week_in_plan:
        st.caption("This is the last week of the plan: no goals for next week.")
    else:
        if page.next_goals:
            st.caption(md("Already set: " + "; ".join(g.text for g in page.next_goals)))
        carried = [goal_names[g].text for g in collect(prefix).carry_on]
        if carried:
            st.caption(md("Carried on: " + "; ".join(carried)))
        choices = {d.id: d for d in page.drivers}
        rows = state[f"{prefix}_rows"]
        if not rows and not carried:
            st.caption("No new goals yet: add small, concrete steps, each replacing a prioritised driver.")
        for number, row in enumerate(rows, start=1):
            with st.container(border=True):
                c1, c2 = st.columns([3, 1])
                c1.text_input(f"New goal {number}", key=f"{prefix}_ng{row}_text", max_chars=300)
                c2.text_input("Owner", key=f"{prefix}_ng{row}_owner", max_chars=80)
                st.multiselect(
                    "Replaces driver(s)",
                    list(choices),
                    format_func=lambda i: choices[i].name + (" (prioritised)" if choices[i].prioritised and choices[i].kind == "need" else ""),
                    key=f"{prefix}_ng{row}_drivers",
                    placeholder="Choose the driver(s) it replaces",
                )
                index = rows.index(row)
                field_error(errors, f"new_goal_{index}_text", "Goal")
                field_error(errors, f"new_goal_{index}_owner", "Owner")
                field_error(errors, f"new_goal_{index}_drivers", "Replaces")
                st.button("Remove this goal", key=f"{prefix}_ng{row}_remove", on_click=remove_row, args=(prefix, row), icon=":material/close:")
        st.button("Add a goal for next week", on_click=add_row, args=(prefix,), icon=":material/add:")

    st.subheader("Next steps")
    st.text_area("Anything else planned for next week (optional)", key=f"{prefix}_next_steps", max_chars=4000, height=80)
    field_error(errors, "next_steps")

    # --- save and submit
    st.divider()
    saved_at = state.get(f"{prefix}_saved_at")
    if state[f"{prefix}_id"] is None:
        st.caption("Nothing typed yet. Everything you type is kept as a draft until you submit.")
    else:
        st.caption("Draft saved" + (f" at {saved_at}" if saved_at else "") + ": it is kept until you submit, and is here when you come back.")
    c1, c2, _ = st.columns([1, 1, 3])
    if c1.button("Save draft", icon=":material/save:"):
        if not errors:
            st.toast("Draft saved. It is here when you come back.", icon=":material/check_circle:")
    if c2.button("Submit review…", type="primary", icon=":material/send:"):
        state[f"{prefix}_confirm"] = True
    if state.get(f"{prefix}_confirm"):  # kept open across reruns until submitted, cancelled or dismissed
        confirm_submit(page)


def close_confirm() -> None:
    st.session_state.pop(f"{prefix}_confirm", None)


@st.dialog("Submit this review?", on_dismiss=close_confirm)
def confirm_submit(page: ReviewPage) -> None:
    what = "the amendment" if page.draft is not None and page.draft.is_amendment else f"the week {page.week} review"
    st.write(
        f"Submitting {what} records this week's ratings, marks last week's goals and sets next week's goals. "
        "After that the review is read-only: a change needs an amendment."
    )
    c1, c2 = st.columns(2)
    if c2.button("Cancel", key="wr_confirm_cancel"):
        close_confirm()
        st.rerun()
    if c1.button("Submit", type="primary", key="wr_confirm_submit"):
        state = st.session_state
        close_confirm()
        content = collect(prefix)
        try:
            if state[f"{prefix}_id"] is None:
                with unit_of_work(engine()) as session:
                    saved = save_draft(session, user, case_id, page.week, content, today=today())
                state[f"{prefix}_id"], state[f"{prefix}_version"] = saved.review_id, saved.version
                state[f"{prefix}_saved"] = content
            with unit_of_work(engine()) as session:
                submit_review(session, user, case_id, state[f"{prefix}_id"], content, version=state[f"{prefix}_version"], today=today())
        except InvalidInput as error:
            state[f"{prefix}_submit_errors"] = error.errors
            st.rerun()
        except (StaleEdit, NotFound) as error:
            st.error(md(error))
        else:
            clear(prefix)
            state[TOAST_KEY] = f"Week {page.week} review submitted."
            st.rerun()


# ------------------------------------------------------------------ the page

tab_review, tab_summary, tab_weeks = st.tabs(["Review", "Case summary", "All weeks"])

with tab_review:
    if data.can_edit and (data.draft is not None or data.submitted is None):
        draft_form(data)
        if data.draft is not None and data.draft.is_amendment and data.submitted is not None:
            with st.expander("The review being amended, as submitted"):
                st.caption(describe(data.submitted))
                show_review(data.submitted, current=True)
    elif data.submitted is not None:
        st.caption(describe(data.submitted))
        if not data.can_edit:
            st.caption("Read-only: only the case's therapist writes the weekly review.")
        show_review(data.submitted, current=True)
        if data.can_edit:
            st.divider()
            if st.button("Amend this review", icon=":material/edit_note:"):
                try:
                    with unit_of_work(engine()) as session:
                        start_amendment(session, user, case_id, data.submitted.id, today=today())
                except (StaleEdit, NotFound) as error:
                    st.error(md(error))
                else:
                    st.rerun()
            st.caption("An amendment is a new version: this one is kept, labelled “amended”.")
    else:
        st.info(
            f"No review has been submitted for week {week} yet."
            + (" The therapist has a draft in progress." if data.has_draft else "")
        )
    earlier = [v for v in data.history if v.amended]
    if earlier:
        with st.expander(f"Earlier versions ({len(earlier)}, amended)"):
            for version in reversed(earlier):
                st.markdown(f"**{describe(version)}**")
                show_review(version, current=False)
                st.divider()

with tab_summary:
    try:
        with unit_of_work(engine()) as session:
            summary = weekly_summary(session, user, case_id, week)
    except NotFound as error:
        st.info(md(error) + " Once the review is written it appears here, ready for supervision.")
    else:
        if summary.status != "submitted":
            st.warning("Draft: this summary shows the review as typed so far; it is not submitted yet.")
        st.caption(md(f"{summary.title} · therapist {summary.therapist}"))
        pdf_engine = engine()

        def pdf_bytes() -> bytes:
            # Made when the button is pressed (and audited as an export then), not on every rerun.
            with unit_of_work(pdf_engine) as session:
                return weekly_summary_pdf(session, user, case_id, week)

        safe_name = re.sub(r"[^A-Za-z0-9]+", "-", summary.alias).strip("-") or "case"
        st.download_button(
            "Download the summary (PDF)",
            data=pdf_bytes,
            file_name=f"weekly-summary-{safe_name}-week-{week}.pdf",
            mime="application/pdf",
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption("A staff document: it contains details of the harm and of the child who was harmed. Downloads are recorded.")
        heads = iter(SECTION_HEADINGS)
        st.subheader(next(heads))
        for b in summary.referral_behaviours:
            st.markdown(f"**{md(b.summary)}**")
            st.markdown(md(b.description))
            st.caption(md(" · ".join(x for x in (b.frequency, b.intensity, b.duration) if x)))
        st.subheader(next(heads))
        st.dataframe(pd.DataFrame(summary.desired_outcomes, columns=["Who", "Outcome (in their words)"]), hide_index=True)
        st.subheader(next(heads))
        st.dataframe(pd.DataFrame([(g.text, g.status) for g in summary.overarching_goals], columns=["Goal", "Status"]), hide_index=True)
        st.subheader(next(heads))
        st.dataframe(
            pd.DataFrame([(g.text, g.owner, g.drivers, g.status) for g in summary.last_week_goals], columns=["Goal", "Owner", "Replaces", "Status"]),
            hide_index=True,
        )
        st.subheader(next(heads))
        st.markdown(md(summary.advances) or "—")
        st.subheader(next(heads))
        st.dataframe(pd.DataFrame([(level, text or "None") for level, text in summary.barriers], columns=["Level", "Barriers"]), hide_index=True)
        st.subheader(next(heads))
        st.markdown(md(summary.fit_update) or "No change to the hypotheses.")
        st.subheader(next(heads))
        if summary.next_goals:
            st.dataframe(
                pd.DataFrame(
                    [(g.text, g.owner, g.drivers, g.status) for g in summary.next_goals],
                    columns=["Goal", "Owner", "Replaces", "New or carried on"],
                ),
                hide_index=True,
            )
        else:
            st.caption("None set.")
        if summary.next_steps:
            st.markdown("Next steps: " + md(summary.next_steps))
        st.subheader(next(heads))
        st.dataframe(
            pd.DataFrame(
                [(r.subject, r.last_week, r.this_week) for r in summary.ratings],
                columns=["Rated", f"Week {week - 1}" if week > 1 else "Last week", f"Week {week}"],
            ),
            hide_index=True,
        )

with tab_weeks:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Week": w.week,
                    "Starts": readable_date(week_start(data.case_start, w.week)),
                    "Review": w.status,
                    "Submitted": when(w.submitted_at) if w.submitted_at else "",
                    "Signed off": f"{w.signed_off_by}, {when(w.signed_off_at)}" if w.signed_off_at else "",
                }
                for w in reversed(data.weeks)
            ]
        ),
        hide_index=True,
    )
    st.caption(f"Choose a week above to open its review. {week_label(data.current_week, data.planned_weeks).capitalize()} now.")
