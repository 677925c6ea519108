"""Errors services raise for the pages to show kindly. None of them carries a traceback to a user."""

from __future__ import annotations


class StaleEdit(RuntimeError):
    """Somebody else saved this record after you opened it; nothing was overwritten."""


class InvalidInput(ValueError):
    """Input the rules refuse: `errors` maps each field to a message to show beside it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
