"""The errors and warnings a user's input can cause, shared by the rooms that read it."""

from __future__ import annotations


class InputError(ValueError):
    """Bad numbers, a bad file or a bad request. `str()` is one line a user can act on.

    `exit_code` is 2 for a mistake on the command line and 1 for bad data or files.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class InputWarning(UserWarning):
    """A number that does not survive reading as written: beyond the dtype's range (read as
    inf or -inf), or nearer 0 than its smallest subnormal (read as 0)."""
