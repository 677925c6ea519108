"""Streamlit pages, one file per page: read input, call a service, draw the result."""
