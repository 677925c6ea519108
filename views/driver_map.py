"""Driver map: the fit circle of one case, its computed leverage, gaps, and (for its therapist) editing."""

import pandas as pd
import streamlit as st

from drivers.analysis import gap_checks, leverage_ranking, strength_ranking
from drivers.catalogue import load_catalogue
from drivers.history import map_at_week
from drivers.model import KIND_LABELS, LINK_STRENGTHS, STATUS_LABELS, STATUSES, SYSTEM_LABELS, SYSTEMS
from drivers.network_html import map_html
from planner.access import AccessDenied
from planner.db import unit_of_work
from planner.errors import InvalidInput, StaleEdit
from planner.fit_circle import (
    DriverInput,
    add_driver,
    add_link,
    archive_driver,
    archive_link,
    catalogue_input,
    driver_map,
    restore_driver,
    update_driver,
)
from planner.guard import NotFound
from views.shared import case_id_param, case_menu, engine, md, refuse, require_user, today

user = require_user()
case_id = case_id_param("driver map")


def load():
    with unit_of_work(engine()) as session:
        return driver_map(session, user, case_id, today=today())


try:
    data = load()
except AccessDenied:
    refuse("You do not have access to this case, or it does not exist.")

st.title("Driver map: " + md(data.alias))
case_menu(case_id, data.alias)
st.caption(
    "The fit circle: why the behaviour happens. Drivers from five systems around the referral behaviour; "
    "strengths beside needs; arrows show what drives what."
)

# ------------------------------------------------------------------ the map, at any week
last_week = max(1, min(data.current_week, data.planned_weeks))
week = last_week
if last_week > 1:
    week = st.slider(
        "Show the map as it stood in week",
        min_value=1,
        max_value=last_week,
        value=last_week,
        help="Ratings as recorded in each week's review: watch needs fade over treatment.",
    )
drivers_now = data.map_drivers()
drivers_shown = drivers_now if week == last_week else map_at_week(drivers_now, data.ratings_by_week, week)
links = data.map_links()
ranking = leverage_ranking(drivers_shown, links)
strengths = strength_ranking(drivers_shown, links)
gaps = gap_checks(drivers_shown, links, data.interventions)
names = {d.id: d.name for d in drivers_now}

needs = [d for d in drivers_shown if d.kind == "need" and d.status != "ruled_out"]
rated = [d.rating for d in needs if d.rating is not None]
m1, m2, m3, m4 = st.columns(4)
m1.metric("Drivers", len(drivers_shown), help=f"{len(needs)} needs in play, {sum(d.kind == 'strength' for d in drivers_shown)} strengths")
m2.metric("Mean need rating", "—" if not rated else f"{sum(rated) / len(rated):.1f}/10", help="How strongly the needs are at work (0-10)")
m3.metric("Prioritised", sum(d.prioritised for d in drivers_shown))
m4.metric("Gaps to look at", len(gaps.unaddressed_priorities) + len(gaps.idle_interventions) + len(gaps.unlinked_drivers) + len(gaps.empty_systems))

if not drivers_now:
    st.info("No drivers yet: start from the catalogue below.")
else:
    map_col, side_col = st.columns([3, 2])
    with map_col:
        st.iframe(map_html(drivers_shown, links, data.behaviour_label, height_px=600), height=700)
        st.caption(f"Week {week} of {data.planned_weeks}. Hover a driver for its rating, leverage and description; drag to look closer.")
    with side_col:
        st.subheader("Where change would matter most")
        st.caption("Computed leverage: how strongly each need feeds the behaviour, directly and through other drivers, weighted by link strength, current rating and changeability. Your priorities beside it.")
        prioritised_ids = {d.id for d in drivers_shown if d.prioritised}
        for i, lev in enumerate(ranking[:5], start=1):
            mark = "prioritised" if lev.driver_id in prioritised_ids else "not prioritised"
            st.markdown(f"**{i}. {md(lev.name)}**  \n:small[leverage {lev.score:.2f} · {mark}]")
            st.caption(md(lev.reason))
        table = pd.DataFrame(
            [
                {
                    "rank": i,
                    "driver": lev.name,
                    "leverage": round(lev.score, 2),
                    "your priority": lev.driver_id in prioritised_ids,
                    "why": lev.reason,
                }
                for i, lev in enumerate(ranking, start=1)
            ],
            columns=["rank", "driver", "leverage", "your priority", "why"],
        )
        with st.expander(f"Full ranking ({len(table)} needs)"):
            st.dataframe(
                table,
                hide_index=True,
                column_config={
                    "rank": st.column_config.NumberColumn("#", width="small"),
                    "driver": st.column_config.TextColumn("Need", width="medium"),
                    "leverage": st.column_config.NumberColumn("Leverage", format="%.2f"),
                    "your priority": st.column_config.CheckboxColumn("Prioritised"),
                    "why": st.column_config.TextColumn("Why", width="large"),
                },
            )
        top = {lev.driver_id for lev in ranking[:3]}
        prioritised = {d.id for d in drivers_shown if d.prioritised and d.kind == "need"}
        if top - prioritised:
            st.info("Among the top three by leverage but not prioritised: " + md("; ".join(names[i] for i in sorted(top - prioritised))))
        if strengths:
            with st.expander(f"Strengths to build on ({len(strengths)})"):
                st.dataframe(pd.DataFrame([{"strength": s.name, "why": s.reason} for s in strengths]), hide_index=True)

    st.subheader("Gap checks")
    findings = [
        ("Prioritised drivers with no intervention", [names.get(i, "?") for i in gaps.unaddressed_priorities]),
        ("Interventions aimed at no current driver", [i.name for i in data.interventions if i.id in gaps.idle_interventions]),
        ("Drivers with no path to the behaviour", [names.get(i, "?") for i in gaps.unlinked_drivers]),
        ("Systems with no driver considered", [SYSTEM_LABELS[s] for s in gaps.empty_systems]),
        ("Reinforcing loops", list(gaps.loops)),
    ]
    if not any(items for _, items in findings):
        st.success("No gaps: every prioritised driver has an intervention, every driver links to the behaviour, and all five systems are considered.")
    for title, items in findings:
        if items:
            st.warning(f"**{title}:** " + md("; ".join(items)))

# ------------------------------------------------------------------ editing (the case's therapist)
if not data.can_edit:
    st.caption("Read-only: only the case's therapist edits the map.")
    st.stop()


@st.cache_data(show_spinner=False)
def catalogue():
    # The catalogue is shipped data, the same for everyone: safe to cache across users.
    return load_catalogue()


def driver_form(prefix: str, start: DriverInput, submit_label: str) -> DriverInput | None:
    """The driver fields; returns the input when submitted. Values stay in the form if saving fails."""
    with st.form(f"{prefix}_form", clear_on_submit=False):
        name = st.text_input("Name", value=start.name, max_chars=160, key=f"{prefix}_name")
        c1, c2, c3 = st.columns(3)
        system = c1.selectbox("System", SYSTEMS, index=SYSTEMS.index(start.system) if start.system in SYSTEMS else 0, format_func=SYSTEM_LABELS.get, key=f"{prefix}_system")
        kind = c2.radio("Kind", ("need", "strength"), index=0 if start.kind != "strength" else 1, format_func=KIND_LABELS.get, horizontal=True, key=f"{prefix}_kind")
        status = c3.selectbox("Hypothesis", STATUSES, index=STATUSES.index(start.status) if start.status in STATUSES else 0, format_func=STATUS_LABELS.get, key=f"{prefix}_status")
        c4, c5, c6 = st.columns(3)
        unrated = c4.checkbox("Not rated yet", value=start.rating is None, key=f"{prefix}_unrated")
        rating = c4.slider("Rating now (0-10)", 0, 10, value=start.rating if start.rating is not None else 5, key=f"{prefix}_rating", help="How strongly the driver is at work now.")
        changeability = c5.slider("Changeability (1-5)", 1, 5, value=start.changeability, key=f"{prefix}_change", help="1 = hard to change, 5 = very open to change")
        prioritised = c6.checkbox("Prioritised", value=start.prioritised, key=f"{prefix}_prio")
        description = st.text_area("Description (clinical)", value=start.description, max_chars=4000, key=f"{prefix}_desc")
        family_wording = st.text_input("Family wording (plain, warm, non-blaming)", value=start.family_wording, max_chars=200, key=f"{prefix}_family")
        c7, c8 = st.columns(2)
        evidence_for = c7.text_area("Evidence for", value=start.evidence_for, max_chars=4000, key=f"{prefix}_for")
        evidence_against = c8.text_area("Evidence against", value=start.evidence_against, max_chars=4000, key=f"{prefix}_against")
        if not st.form_submit_button(submit_label, type="primary"):
            return None
    return DriverInput(
        name=name,
        system=system,
        kind=kind,
        rating=None if unrated else int(rating),
        changeability=int(changeability),
        prioritised=prioritised,
        status=status,
        description=description,
        family_wording=family_wording,
        evidence_for=evidence_for,
        evidence_against=evidence_against,
        catalogue_key=start.catalogue_key,
    )


FIELD_LABELS = {
    "name": "Name",
    "system": "System",
    "kind": "Kind",
    "rating": "Rating",
    "changeability": "Changeability",
    "status": "Hypothesis",
    "description": "Description",
    "family_wording": "Family wording",
    "evidence_for": "Evidence for",
    "evidence_against": "Evidence against",
    "reason": "Reason",
    "link": "Link",
    "catalogue": "Catalogue",
}


def show_errors(error: InvalidInput) -> None:
    for field, message in error.errors.items():
        st.error(f"**{FIELD_LABELS.get(field, field)}:** {md(message)}")


def saved(message: str) -> None:
    st.session_state["driver_map_toast"] = message
    st.rerun()


if message := st.session_state.pop("driver_map_toast", None):
    st.toast(md(message), icon=":material/check_circle:")  # toasts render markdown: names are user text

st.divider()
tab_add, tab_edit, tab_links, tab_archived = st.tabs(["Add a driver", "Edit a driver", "Links", f"Archived ({len(data.archived)})"])

with tab_add:
    entries = catalogue()
    source = st.radio("Start from", ["The catalogue", "My own wording"], horizontal=True, key="add_source")
    start = DriverInput(name="", system="family", kind="need")
    if source == "The catalogue":
        used = {d.name for d in data.drivers}
        options = [e.key for e in entries]
        labels = {e.key: f"{SYSTEM_LABELS[e.system]} · {e.name}" + (" (on the map)" if e.name in used else "") for e in entries}
        key = st.selectbox("Catalogue driver", options, format_func=labels.get, index=None, placeholder="Choose a common MST-PSB driver", key="add_catalogue")
        if key is None:
            st.caption("Choose a catalogue driver to pre-fill the form, then adjust it to this family.")
        else:
            start = catalogue_input(key)
            entry = next(e for e in entries if e.key == key)
            st.caption(md("Suggested interventions: " + ", ".join(t.replace("_", " ") for t in entry.suggested_interventions)))
    prefix = f"add_{st.session_state.get('add_catalogue') or 'own'}" if source == "The catalogue" else "add_own"
    new = driver_form(prefix, start, "Add to the map")
    if new is not None:
        try:
            with unit_of_work(engine()) as session:
                add_driver(session, user, case_id, new)
        except InvalidInput as error:
            show_errors(error)
        else:
            for k in [k for k in st.session_state if str(k).startswith(prefix)]:
                del st.session_state[k]
            saved(f"Added “{new.name.strip()}” to the map.")

with tab_edit:
    if not data.drivers:
        st.info("No drivers to edit yet.")
    else:
        by_id = {d.id: d for d in data.drivers}
        chosen = st.selectbox("Driver", list(by_id), format_func=lambda i: f"{SYSTEM_LABELS[by_id[i].system]} · {by_id[i].name}", index=None, placeholder="Choose a driver to edit", key="edit_choice")
        if chosen is not None:
            record = by_id[chosen]
            if stale := st.session_state.pop("driver_map_stale", None):
                st.error(md(stale) + " The form below now shows the version they saved: make your change again.")
            # Keep the version seen when the form opened: a later save by someone else is detected.
            version_key = f"edit_version_{chosen}"
            st.session_state.setdefault(version_key, record.version)
            opened_version = st.session_state[version_key]
            start = DriverInput(
                name=record.name, system=record.system, kind=record.kind, rating=record.rating,
                changeability=record.changeability, prioritised=record.prioritised, status=record.status,
                description=record.description, family_wording=record.family_wording,
                evidence_for=record.evidence_for, evidence_against=record.evidence_against,
            )
            edited = driver_form(f"edit_{chosen}_{opened_version}", start, "Save changes")
            if edited is not None:
                try:
                    with unit_of_work(engine()) as session:
                        update_driver(session, user, case_id, chosen, edited, version=opened_version)
                except InvalidInput as error:
                    show_errors(error)
                except StaleEdit as error:
                    # Reopen the form on the version the other person saved, and say why.
                    del st.session_state[version_key]
                    st.session_state["driver_map_stale"] = str(error)
                    st.rerun()
                except NotFound as error:
                    st.error(md(error))
                else:
                    del st.session_state[version_key]
                    saved(f"Saved “{edited.name.strip()}”.")

            @st.dialog("Archive this driver?")
            def confirm_archive():
                st.write("It leaves the map but keeps its history; you can restore it from the Archived tab.")
                reason = st.text_area("Why is it being archived?", max_chars=500, key="archive_reason")
                if st.button("Archive", type="primary"):
                    try:
                        with unit_of_work(engine()) as session:
                            archive_driver(session, user, case_id, chosen, reason=reason, version=opened_version)
                    except InvalidInput as error:
                        show_errors(error)
                    except (StaleEdit, NotFound) as error:
                        st.error(md(error))
                    else:
                        st.session_state.pop(version_key, None)
                        saved(f"Archived “{record.name}”.")

            if st.button("Archive this driver…", icon=":material/archive:"):
                confirm_archive()

with tab_links:
    behaviour = "→ the referral behaviour"
    rows = [
        {
            "from": names.get(k.source, "?"),
            "to": behaviour if k.target is None else names.get(k.target, "?"),
            "strength": LINK_STRENGTHS.get(k.strength, k.strength),
            "sequence": k.note,
        }
        for k in data.links
    ]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={"sequence": st.column_config.TextColumn("Sequence", width="large")})
    else:
        st.info("No links yet: link each need to the behaviour, or to the driver it feeds.")
    if data.drivers:
        ids = [d.id for d in data.drivers]
        with st.form("link_form"):
            c1, c2, c3 = st.columns([2, 2, 1])
            source = c1.selectbox("From", ids, format_func=names.get, index=None, placeholder="Choose a driver", key="link_source")
            target = c2.selectbox("To", [0, *ids], format_func=lambda i: "The referral behaviour" if i == 0 else names[i], key="link_target")
            strength = c3.select_slider("Strength", options=[1, 2, 3], value=2, format_func=LINK_STRENGTHS.get, key="link_strength")
            note = st.text_input("Sequence (what happens)", max_chars=200, placeholder="Dad dismisses the harm → cousins' visits unsupervised", key="link_note")
            if st.form_submit_button("Add link", type="primary"):
                try:
                    with unit_of_work(engine()) as session:
                        add_link(session, user, case_id, source=source, target=None if target == 0 else target, strength=int(strength), note=note)
                except InvalidInput as error:
                    show_errors(error)
                else:
                    saved("Link added.")
    if data.links:
        labels = {k.id: f"{names.get(k.source, '?')} → {'the behaviour' if k.target is None else names.get(k.target, '?')}" for k in data.links}
        versions = {k.id: k.version for k in data.links}
        c1, c2 = st.columns([3, 1])
        remove = c1.selectbox("Archive a link", list(labels), format_func=labels.get, index=None, placeholder="Choose a link", key="link_remove")
        if remove is not None and c2.button("Archive link", key="link_remove_button"):
            try:
                with unit_of_work(engine()) as session:
                    archive_link(session, user, case_id, remove, version=versions[remove])
            except (StaleEdit, NotFound) as error:
                st.error(md(error))
            else:
                saved("Link archived.")

with tab_archived:
    if not data.archived:
        st.caption("Nothing archived. Archived drivers keep their history and can be restored.")
    else:
        st.dataframe(pd.DataFrame([{"driver": d.name, "system": SYSTEM_LABELS.get(d.system, d.system)} for d in data.archived]), hide_index=True)
        archived = {d.id: d for d in data.archived}
        back = st.selectbox("Restore", list(archived), format_func=lambda i: archived[i].name, index=None, placeholder="Choose a driver to restore", key="restore_choice")
        if back is not None and st.button("Restore to the map"):
            try:
                with unit_of_work(engine()) as session:
                    restore_driver(session, user, case_id, back, version=archived[back].version)
            except (StaleEdit, NotFound) as error:
                st.error(md(error))
            else:
                saved(f"Restored “{archived[back].name}”.")
