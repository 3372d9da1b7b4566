"""The package's own exceptions: a user mistake raises one of these, never a bare traceback."""

from __future__ import annotations


class ShopHealthError(Exception):
    """Base class: the message says what is wrong and what to do. The CLI prints it as one line."""


class DataFileError(ShopHealthError):
    """An input file cannot be used at all (missing, unreadable, empty, a required column absent)."""

    def __init__(
        self,
        path: object,
        problem: str,
        *,
        column: str | None = None,
        expected: str = "",
        todo: str = "",
        row: int | None = None,
    ):
        self.path = str(path)
        self.column = column
        self.row = row
        parts = [f"{self.path}:"]
        if row is not None:
            parts.append(f"row {row}:")
        if column:
            parts.append(f"column '{column}':")
        parts.append(problem)
        if expected:
            parts.append(f"(expected {expected})")
        message = " ".join(parts)
        if todo:
            message += f". {todo}"
        super().__init__(message)


class MappingError(ShopHealthError):
    """A column mapping file or preset is unknown or malformed."""


class ParameterError(ShopHealthError):
    """A parameter (time zone, date, window, ...) is out of range or malformed."""


def unknown(what: str, value: object, choices: list[str] | tuple[str, ...], shown: int = 8) -> ParameterError:
    """The error for a value that is not one of ``choices``: "did you mean" the closest, else some of the choices.

    Examples
    --------
    >>> str(unknown("shop", "shop-qualty", ["shop-quality", "shop-spike"]))
    "unknown shop 'shop-qualty'; did you mean 'shop-quality'? (2 in the data)"
    """
    import difflib

    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=3, cutoff=0.8)
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        some = ", ".join(repr(str(c)) for c in list(choices)[:shown])
        hint = f"use one of {some}" + (" ..." if len(choices) > shown else "")
    return ParameterError(f"unknown {what} {str(value)!r}; {hint} ({len(choices)} in the data)")
