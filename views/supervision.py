"""Supervision of one case: weekly reviews to sign off, comments pinned to the plan, reassignment.

The team's supervisor reads each submitted review here and signs it off, leaves comments pinned to
the case, a driver, a goal, an intervention or a weekly review, and can hand the case to another
therapist of the team (the history is kept). The case's therapist sees the same comments and marks
them addressed, and sees which of their reviews have been signed off. Everyone else is refused.
"""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.supervision import (
    MAX_COMMENT,
    MAX_REASON,
    SUBJECT_LABELS,
    CommentRow,
    ReviewRow,
    SupervisionPage,
    add_comment,
    mark_addressed,
    reassign_case,
    reopen_comment,
    sign_off_review,
    supervision_page,
)
from views.shared import case_id_param, case_menu, engine, md, refuse, require_user

TOAST = "supervision_toast"
REASSIGN_FLAG = "supervision_reassign_open"
FIELD_LABELS = {"subject": "Pinned to", "body": "Comment", "therapist": "New therapist", "reason": "Reason", "case": "Case"}
PIN_KINDS = {  # what the "Pin to" choice offers, and what the item list is called for each
    "case": "the case",
    "driver": "a driver",
    "goal": "a goal",
    "intervention": "an intervention",
    "review": "a weekly review",
}

user = require_user()
case_id = case_id_param("supervision")
REFUSAL = "You do not have access to this case, or it does not exist."


def load() -> SupervisionPage:
    with unit_of_work(engine()) as session:
        return supervision_page(session, user, case_id)


try:
    page = load()
except AccessDenied:
    refuse(REFUSAL)


def stamp(moment: datetime | None) -> str:
    """25 Nov 2026, 14:05 UTC (stored times are UTC; SQLite hands them back without a zone)."""
    if moment is None:
        return "—"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{readable_date(moment.date())}, {moment:%H:%M} UTC"


def signed_off_line(review: ReviewRow) -> str:
    return f"Signed off by {review.signed_off_by} on {stamp(review.signed_off_at)}"


def show_errors(error: InvalidInput) -> None:
    for field, message in error.errors.items():
        st.error(f"**{FIELD_LABELS.get(field, field)}:** {md(message)}")


def done(message: str) -> None:
    st.session_state[TOAST] = message
    st.rerun()


def attempt(action, success: str, then=None) -> None:
    """Run one change in its own transaction; kind messages for refusals, stale saves and bad input. Once it is
    saved, `then()` (if given) tidies up before the rerun that shows `success`."""
    try:
        with unit_of_work(engine()) as session:
            action(session)
    except InvalidInput as error:
        show_errors(error)
    except StaleEdit as error:
        st.error(md(error))
    except AccessDenied:
        st.error(REFUSAL)
    else:
        if then is not None:
            then()
        done(success)


if message := st.session_state.pop(TOAST, None):
    st.toast(md(message), icon=":material/check_circle:")

st.title("Supervision: " + md(page.alias))
case_menu(case_id, page.alias)
st.caption(
    md(
        f"Therapist {page.therapist} · {page.open_comments} open comment{'s' if page.open_comments != 1 else ''} · "
        f"{len(page.awaiting)} review{'s' if len(page.awaiting) != 1 else ''} awaiting sign-off"
        + (" · closed" if page.status == "closed" else "")
    )
)

tab_reviews, tab_comments, tab_therapist = st.tabs(
    [f"Sign-off ({len(page.awaiting)} waiting)", f"Comments ({page.open_comments} open)", "Therapist and history"]
)

# ------------------------------------------------------------------ weekly reviews and sign-off

REVIEW_PARTS = [
    ("advances", "Advances"),
    ("barriers_therapist", "Barriers: therapist"),
    ("barriers_family", "Barriers: family"),
    ("barriers_system", "Barriers: system"),
    ("fit_update", "Fit update"),
    ("next_steps", "Next steps"),
]


def show_review_text(review: ReviewRow) -> None:
    for attribute, label in REVIEW_PARTS:
        value = getattr(review, attribute)
        st.markdown(f"**{label}:** " + (md(value) if value.strip() else "_none written_"))


def review_heading(review: ReviewRow) -> str:
    text = f"Week {review.week}" + (" (amendment)" if review.is_amendment else "")
    text += f" · submitted {stamp(review.submitted_at)}"
    return text + (f" by {review.submitted_by}" if review.submitted_by else "")


with tab_reviews:
    st.subheader("Awaiting sign-off")
    if not page.awaiting:
        st.info("Every submitted weekly review of this case has been signed off.")
    elif page.can_sign_off:
        st.caption(
            "Read each submitted review, then sign it off: your name and the time are recorded, and the therapist "
            "sees it. A review that needs changing is amended by the therapist, never edited here."
        )
    else:
        st.caption("Your supervisor signs each submitted review off after reading it.")
    for number, review in enumerate(page.awaiting):
        with st.expander(md(review_heading(review)), expanded=number == 0):
            show_review_text(review)
            if st.button("Open in the weekly review page", key=f"open_review_{review.id}", icon=":material/open_in_new:"):
                st.session_state[f"wr_week_{case_id}"] = review.week  # the week that page opens on
                st.switch_page("views/weekly_review.py", query_params={"case": str(case_id)})
            if page.can_sign_off:
                if st.button("Sign off", key=f"sign_off_{review.id}", type="primary", icon=":material/task_alt:"):
                    attempt(
                        lambda session, r=review: sign_off_review(session, user, r.id, r.version),
                        f"Signed off week {review.week}.",
                    )
            else:
                st.caption("Waiting for the supervisor's sign-off.")

    st.subheader("Signed off")
    signed = page.signed_off
    if not signed:
        st.caption("No review has been signed off yet.")
    else:
        latest = signed[0]
        st.success(md(f"Week {latest.week}: {signed_off_line(latest)}."), icon=":material/task_alt:")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "week": r.week,
                        "review": ("amendment" if r.is_amendment else "review")
                        + (" (amended since)" if r.superseded else ""),
                        "submitted": stamp(r.submitted_at),
                        "sign_off": signed_off_line(r),
                    }
                    for r in signed
                ],
                columns=["week", "review", "submitted", "sign_off"],
            ),
            hide_index=True,
            column_config={
                "week": st.column_config.NumberColumn("Week"),
                "review": "Review",
                "submitted": "Submitted",
                "sign_off": st.column_config.TextColumn("Sign-off", width="large"),
            },
        )

# ------------------------------------------------------------------ comments


def comment_status(comment: CommentRow) -> str:
    if comment.status == "open":
        return "Open"
    by = f" by {comment.addressed_by}" if comment.addressed_by else ""
    return f"Addressed{by} on {stamp(comment.addressed_at)}" if comment.addressed_at else f"Addressed{by}"


def show_comment(comment: CommentRow) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(comment.label)}**")
        st.caption(md(f"{comment.author} · {stamp(comment.created_at)} · {comment_status(comment)}"))
        st.markdown(md(comment.body))
        if comment.status == "open" and page.can_address:
            if st.button("Mark addressed", key=f"address_{comment.id}", icon=":material/done:"):
                attempt(
                    lambda session, c=comment: mark_addressed(session, user, c.id, c.version),
                    "Marked addressed: your supervisor sees it.",
                )
        elif comment.status == "addressed" and page.can_comment:
            if st.button("Reopen", key=f"reopen_{comment.id}", icon=":material/undo:"):
                attempt(lambda session, c=comment: reopen_comment(session, user, c.id, c.version), "Reopened the comment.")


with tab_comments:
    if page.can_comment:
        st.subheader("Add a comment")
        kinds = [kind for kind in PIN_KINDS if any(s.subject == kind for s in page.subjects)]
        kind = st.radio("Pin to", kinds, format_func=PIN_KINDS.get, horizontal=True, key="comment_kind")
        items = [s for s in page.subjects if s.subject == kind]
        chosen = items[0]
        if kind != "case":
            chosen = st.selectbox(
                f"Which {SUBJECT_LABELS[kind].lower()}", items, format_func=lambda s: s.label, key=f"comment_item_{kind}"
            )
        body_key = f"comment_body_{st.session_state.get('comment_round', 0)}"  # a new key empties the box
        body = st.text_area(
            "Comment",
            key=body_key,
            max_chars=MAX_COMMENT,
            placeholder="What should the therapist think about, check or change?",
            help="The therapist sees it on this page and on the case overview until they mark it addressed.",
        )
        if st.button("Add comment", type="primary", icon=":material/add_comment:"):
            try:
                with unit_of_work(engine()) as session:
                    add_comment(session, user, case_id, chosen.subject, chosen.subject_id, body)
            except InvalidInput as error:
                show_errors(error)
            except AccessDenied:
                st.error(REFUSAL)
            else:
                st.session_state["comment_round"] = st.session_state.get("comment_round", 0) + 1
                done(f"Comment added to {chosen.label}.")

    open_comments = [c for c in page.comments if c.status == "open"]
    addressed = [c for c in page.comments if c.status != "open"]
    st.subheader(f"Open comments ({len(open_comments)})")
    if not open_comments:
        st.info("No open comments." if page.comments else "No comments on this case yet.")
    elif page.can_address:
        st.caption("Comments from your supervisor. Mark each addressed once you have acted on it.")
    for comment in open_comments:
        show_comment(comment)
    if addressed:
        with st.expander(f"Addressed comments ({len(addressed)})"):
            for comment in addressed:
                show_comment(comment)

# ------------------------------------------------------------------ therapist and history


def close_reassign() -> None:
    st.session_state.pop(REASSIGN_FLAG, None)


@st.dialog("Reassign this case?", on_dismiss=close_reassign)
def confirm_reassign() -> None:
    new = next((t for t in page.therapists if t.id == st.session_state.get("reassign_therapist")), None)
    name = new.name if new else "the therapist you chose"
    st.markdown(
        md(
            f"{name} will hold {page.alias}'s case from now on, and {page.therapist} will no longer see it. "
            "The reason and the earlier holders stay in the case's history."
        )
    )
    c1, c2 = st.columns(2)
    if c2.button("Cancel", key="reassign_cancel"):
        close_reassign()
        st.rerun()
    if c1.button("Reassign", type="primary", key="reassign_confirm"):

        def reassign(session) -> None:
            reassign_case(
                session,
                user,
                case_id,
                st.session_state.get("reassign_therapist"),
                st.session_state.get("reassign_reason", ""),
                page.case_version,
            )

        def forget_choice() -> None:
            close_reassign()
            st.session_state.pop("reassign_reason", None)

        attempt(reassign, f"Reassigned to {name}.", then=forget_choice)


with tab_therapist:
    st.markdown("**Therapist now:** " + md(page.therapist))
    if page.can_reassign:
        st.subheader("Reassign the case")
        if page.status != "open":
            st.caption("A closed case cannot be reassigned.")
        elif not page.therapists:
            st.info("There is no other active therapist in this team to hand the case to.")
        else:
            st.selectbox(
                "New therapist",
                [t.id for t in page.therapists],
                format_func={t.id: t.name for t in page.therapists}.get,
                key="reassign_therapist",
            )
            st.text_area(
                "Reason",
                key="reassign_reason",
                max_chars=MAX_REASON,
                placeholder="For example: caseload balancing after a therapist's leave",
                help="Kept in the case's history.",
            )
            if st.button("Reassign…", icon=":material/swap_horiz:"):
                st.session_state[REASSIGN_FLAG] = True
            if st.session_state.get(REASSIGN_FLAG):
                confirm_reassign()

    st.subheader("Who has held the case")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "therapist": row.therapist,
                    "from": stamp(row.since) if row.assigned_by else readable_date(row.since.date()),
                    "until": "now" if row.until is None else stamp(row.until),
                    "by": row.assigned_by or "allocated when the case opened",
                    "reason": row.reason,
                }
                for row in page.history
            ],
            columns=["therapist", "from", "until", "by", "reason"],
        ),
        hide_index=True,
        column_config={
            "therapist": "Therapist",
            "from": "From",
            "until": "Until",
            "by": "Assigned by",
            "reason": st.column_config.TextColumn("Reason", width="large"),
        },
    )
