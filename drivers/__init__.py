"""The fit circle: drivers around the referral behaviour, and what they tell a therapist.

Pure functions over plain dataclasses; no Streamlit, no storage, no accounts.

    model         Driver, Link, Intervention and the fixed vocabularies (systems, kinds, colours)
    catalogue     the shipped catalogue of common MST-PSB drivers (data/driver_catalogue.json)
    graph         drivers and links as a networkx graph around the behaviour node
    analysis      leverage ranking and plan gap checks
    validation    kind, field-level messages for driver and link forms
    history       the drivers as they were rated at a past week
    layout        fixed positions: behaviour in the centre, one sector per system
    network_html  the interactive map as one offline, self-contained HTML string

Modules are imported explicitly (``from drivers.analysis import ...``) so that importing the
model does not pull in pyvis.
"""
