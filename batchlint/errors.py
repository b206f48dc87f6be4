"""Errors a user can cause. Each prints as one line and exits 2."""

from __future__ import annotations


class BatchlintError(Exception):
    """A usage or input error, already worded for the user."""


class InputError(BatchlintError):
    """A file that cannot be read or is not what it claims to be."""

    def __init__(self, path: str, message: str, line: int | None = None, col: int | None = None):
        where = path
        if line is not None:
            where += f":{line}"
            if col is not None:
                where += f":{col}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.col = col
