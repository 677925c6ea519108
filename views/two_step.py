"""Two-step sign-in: see whether it is on, switch it on with an authenticator app, or off with a code.

For staff only (therapists, supervisors, administrators). The QR code is drawn here on the server
(segno) and sent as an image: the secret never goes to any other host.
"""

import io

import segno
import streamlit as st

from goals.timeline import readable_date
from planner import two_factor
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput
from views.shared import engine, md, refuse, require_user

user = require_user()
st.title("Two-step sign-in")
st.caption(
    "With two-step sign-in on, signing in needs your password and a 6-digit code from an authenticator app "
    "on your phone, so a stolen password alone is not enough."
)

try:
    with unit_of_work(engine()) as session:
        state = two_factor.status(session, user)
        enrolment = two_factor.pending_enrolment(session, user) if state.enrolling else None
except AccessDenied:
    refuse("Two-step sign-in is for staff accounts. There is nothing to set up here for your account.")


def qr_png(uri: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def run(action, success: str) -> None:
    """Run one change; a refused code shows kindly, a success reloads the page with a note."""
    try:
        with unit_of_work(engine()) as session:
            action(session)
    except InvalidInput as error:
        st.error(md(error.errors.get("code", str(error))))
    except AccessDenied:
        refuse("Two-step sign-in is for staff accounts.")
    else:
        st.session_state["two_step_notice"] = success
        st.rerun()


notice = st.session_state.pop("two_step_notice", None)
if notice:
    st.success(notice, icon=":material/check_circle:")  # one of the constant notes below

if state.enabled:
    st.info(f"Two-step sign-in is **on**, since {md(readable_date(state.enabled_at.date()))}.", icon=":material/lock:")
    st.subheader("Switch it off")
    st.write(
        "You will then sign in with your password alone. To move to a new phone, switch it off here and set it up "
        "again. Lost your phone? Ask your service administrator to switch it off for you."
    )
    with st.form("two_step_off", clear_on_submit=True):
        code = st.text_input("6-digit code from your app", max_chars=9, autocomplete="one-time-code")
        off = st.form_submit_button("Switch off", type="secondary")
    if off:
        run(lambda session: two_factor.disable(session, user, code), "Two-step sign-in is off.")
elif enrolment is None:
    st.info("Two-step sign-in is **off**.", icon=":material/lock_open:")
    st.write(
        "You need an authenticator app on your phone (for example FreeOTP, Aegis, Google Authenticator or "
        "Microsoft Authenticator). Setting up takes about a minute."
    )
    if st.button("Set up two-step sign-in", type="primary", icon=":material/phonelink_lock:"):
        with unit_of_work(engine()) as session:
            two_factor.begin_enrolment(session, user)
        st.rerun()
else:
    st.subheader("Set up two-step sign-in")
    st.markdown("**1.** In your authenticator app, add an account and scan this code:")
    st.image(qr_png(enrolment.uri), caption="QR code for MST-PSB Planner", width=240)
    st.markdown("Cannot scan? Choose to type a key instead, and enter this key (time-based, 6 digits):")
    st.code(grouped(enrolment.secret), language=None)
    with st.expander("The full setup link, for apps that accept one"):
        st.code(enrolment.uri, language=None, wrap_lines=True)
    st.markdown("**2.** Type the 6-digit code the app now shows, to prove it works. Until then nothing changes.")
    with st.form("two_step_on", clear_on_submit=True):
        code = st.text_input("6-digit code from your app", max_chars=9, autocomplete="one-time-code")
        on = st.form_submit_button("Switch on", type="primary")
    if on:
        run(
            lambda session: two_factor.confirm_enrolment(session, user, code),
            "Two-step sign-in is on. Next time you sign in, you will be asked for a code from your app.",
        )
    if st.button("Cancel setup", key="two_step_cancel"):
        run(lambda session: two_factor.cancel_enrolment(session, user), "Setup cancelled; nothing changed.")
