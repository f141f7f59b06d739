"""What the CLI prints: the API's JSON as it is (``--output json``) or readable tables (``--output table``),
and the exit codes a script can rely on."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

__all__ = [
    "EXIT_API_CLIENT",
    "EXIT_API_SERVER",
    "EXIT_AUTH",
    "EXIT_CODES_HELP",
    "EXIT_OK",
    "EXIT_RUN_FAILED",
    "EXIT_USAGE",
    "BadAnswer",
    "Column",
    "NotFound",
    "Output",
    "UsageError",
    "as_json",
]

EXIT_OK = 0
EXIT_RUN_FAILED = 1
"""``follow`` or a followed run: the run ended other than SUCCEEDED, or did not end within ``--timeout``;
also a per-server operation (``reprotect``, ``failback-cleanup``) where a server failed."""
EXIT_USAGE = 2
EXIT_API_CLIENT = 3
EXIT_API_SERVER = 4
EXIT_AUTH = 5

EXIT_CODES_HELP = """exit codes:
  0  done
  1  the followed run ended other than SUCCEEDED (follow, drill/recovery/failback unless --no-follow),
     or did not end within --timeout; a server failed (reprotect, failback-cleanup)
  2  usage: bad arguments, no API configured, the plan's name not repeated
  3  the API refused the request (HTTP 4xx other than 401), or no plan/group of that name
  4  the API failed (HTTP 5xx) or could not be reached
  5  sign-in failed, or the API did not accept the token (HTTP 401)"""


class UsageError(Exception):
    """The command line asks for something the CLI will not send (exit code 2)."""


class NotFound(LookupError):
    """No plan or group of that name (exit code 3, as the API's 404)."""


class BadAnswer(Exception):
    """The API answered something the CLI cannot trust (exit code 4)."""


def as_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Column:
    """One column of a table: its heading and how a row's cell is read."""

    heading: str
    cell: Callable[[dict[str, Any]], Any]

    @classmethod
    def key(cls, heading: str, key: str) -> Column:
        return cls(heading, lambda row: row.get(key))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(str(item) for item in value) or "-"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class Output:
    """Prints to ``console``: JSON as it is when ``json`` is set, else tables and lines."""

    def __init__(self, console: Console, *, json_output: bool) -> None:
        self.console = console
        self.json = json_output

    def line(self, text: str, *, end: str = "\n") -> None:
        """Plain text, never reflowed nor read as markup."""
        self.console.file.write(text + end)
        self.console.file.flush()

    def error(self, text: str) -> None:
        sys.stderr.write(f"error: {text}\n")
        sys.stderr.flush()

    def value(self, value: Any) -> None:
        self.line(as_json(value))

    def rows(
        self, value: Any, rows: Iterable[dict[str, Any]], columns: Sequence[Column], title: str = ""
    ) -> None:
        """``value`` as JSON, or ``rows`` as a table of ``columns``."""
        if self.json:
            self.value(value)
            return
        shown = list(rows)
        if not shown:
            self.line(f"no {title or 'items'}")
            return
        self.console.print(table(shown, columns, title))

    def fields(self, value: dict[str, Any], fields: Sequence[Column], title: str = "") -> None:
        """``value`` as JSON, or a two-column table of ``fields``."""
        if self.json:
            self.value(value)
            return
        self.console.print(table([value], [], title, transpose=fields))


def table(
    rows: Iterable[dict[str, Any]],
    columns: Sequence[Column],
    title: str = "",
    *,
    transpose: Sequence[Column] = (),
) -> Table:
    """A rich table; ``transpose`` shows the one row as name/value lines instead."""
    shown = Table(
        title=title or None,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title_justify="left",
        show_header=not transpose,
    )
    if transpose:
        shown.add_column("field", style="bold", no_wrap=True)
        shown.add_column("value", overflow="fold")
        row = next(iter(rows))
        for column in transpose:
            shown.add_row(column.heading, _cell(column.cell(row)))
        return shown
    for index, column in enumerate(columns):
        shown.add_column(column.heading, no_wrap=index == 0, overflow="fold")
    for row in rows:
        shown.add_row(*(_cell(column.cell(row)) for column in columns))
    return shown
