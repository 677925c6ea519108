"""Export and import: one case as a JSON file, to move it between installations without losing work.

Export: a therapist's own cases, a supervisor's team cases; the file is made (and audited) only when
asked for. Import (therapists): the file is checked in full and previewed first; importing makes a
new case in the therapist's own caseload. A file that fails any check is refused with the reason,
and nothing is written. The services (planner.case_transfer) do the access checks and the audit.
"""

import hashlib
import re

import streamlit as st

from goals.timeline import readable_date
from planner.access import AccessDenied, Action, is_allowed
from planner.case_transfer import COLLECTIONS, export_case_json, import_case, preview
from planner.cases import caseload
from planner.db import unit_of_work
from planner.errors import InvalidInput
from views.shared import engine, md, refuse, require_user, today

REFUSAL = "You do not have access to this page."
COUNT_LABELS = {"drivers": "drivers", "weekly_reviews": "weekly reviews", "ratings": "ratings", "goals": "goals",
                "interventions": "interventions", "safety_rules": "safety rules"}

user = require_user()
st.title("Export and import")
try:
    with unit_of_work(engine()) as session:
        cases = caseload(session, user, today=today(), include_closed=True)
except AccessDenied:
    refuse(REFUSAL)


def file_name(alias: str) -> str:
    """case-<alias>-<date>.json with the alias cut down to safe file-name characters."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", alias).strip("-")[:40] or "case"
    return f"case-{safe}-{today().isoformat()}.json"


st.header("Export a case", divider="gray")
st.caption(
    "The whole case as one file: drivers, plan, goals, ratings, weekly reviews, safety plan, comments. "
    "It leaves out the family's login and the audit trail."
)
if cases.empty:
    st.info("There are no cases to export yet.")
else:
    choices = {int(row.case_id): row for row in cases.itertuples()}

    def describe(case_id: int) -> str:
        row = choices[case_id]
        who = f" · {row.therapist}" if user.role == "supervisor" else ""
        closed = " · closed" if row.status == "closed" else ""
        return f"{row.alias}, {row.age} · started {readable_date(row.start_date)}{who}{closed}"

    chosen = st.selectbox("Case", list(choices), format_func=describe, key="case_transfer_export_case")
    st.warning(
        "The file holds sensitive information about a child and family, including the harmful behaviour. "
        "Keep it only on approved, encrypted storage, send it only by an approved secure route, and delete "
        "it once it has been imported.",
        icon=":material/shield:",
    )
    prepared = st.session_state.get("case_transfer_file")
    if st.button("Prepare the export file", icon=":material/file_export:"):
        try:
            with unit_of_work(engine()) as session:
                data = export_case_json(session, user, chosen)
        except AccessDenied:
            refuse("You do not have access to this case, or it does not exist.")
        prepared = {"case_id": chosen, "name": file_name(choices[chosen].alias), "data": data}
        st.session_state["case_transfer_file"] = prepared
    if prepared and prepared["case_id"] == chosen:
        st.download_button(
            f"Download {prepared['name']}",
            data=prepared["data"],
            file_name=prepared["name"],
            mime="application/json",
            icon=":material/download:",
        )
        st.caption(md(f"{len(prepared['data']) / 1024:.0f} KB"))

st.header("Import a case", divider="gray")
if not is_allowed(user, Action.IMPORT_CASE):
    st.info("Therapists import cases into their own caseload. Ask the therapist who will hold the case to import it.")
    st.stop()
st.caption(
    "A file exported from this planner (here or elsewhere) becomes a new case in your caseload. "
    "The file is checked in full first; a file with any problem is refused and nothing changes."
)
uploaded = st.file_uploader("Case export file", type=["json"], key="case_transfer_upload")
if uploaded is None:
    st.stop()
data = uploaded.getvalue()
digest = hashlib.sha256(data).hexdigest()
try:
    shown = preview(data)
except InvalidInput as problem:
    st.error(md(problem.errors.get("file", str(problem))), icon=":material/error:")
    st.stop()

st.subheader(md(shown.alias))
counted = [key for key in (c.key for c in COLLECTIONS) if key in COUNT_LABELS]
for column, key in zip(st.columns(len(counted)), counted, strict=True):
    column.metric(COUNT_LABELS[key].capitalize(), shown.counts[key])

done = st.session_state.get("case_transfer_imported")
if done and done["digest"] == digest:
    st.success(md(f"Imported as a new case: {done['alias']}."), icon=":material/check_circle:")
    for note in done["notes"]:
        st.caption(md(note))
    st.page_link("views/case_overview.py", label="Open the new case", icon=":material/arrow_forward:",
                 query_params={"case": str(done["case_id"])})
    st.stop()

if st.button("Import as a new case", type="primary", icon=":material/file_upload:"):
    try:
        with unit_of_work(engine()) as session:
            result = import_case(session, user, data)
    except AccessDenied:
        refuse(REFUSAL)
    except InvalidInput as problem:
        st.error(md(problem.errors.get("file", str(problem))), icon=":material/error:")
        st.stop()
    st.session_state["case_transfer_imported"] = {
        "digest": digest, "case_id": result.case_id, "alias": result.alias, "notes": result.notes,
    }
    st.rerun()
