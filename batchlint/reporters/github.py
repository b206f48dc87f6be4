"""``--format github``: workflow commands that GitHub Actions shows as annotations.

``::error file=…,line=…,col=…,title=BL103 small-node-disk::message`` — notes are
``::notice``; checks that could not be verified are notices too.
"""

from __future__ import annotations

import os
from typing import IO

from batchlint.locations import Location
from batchlint.reporters import ReportInput
from batchlint.reporters.common import findings_of
from batchlint.terminal import escape, escape_keeping_newlines

COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def write(result: ReportInput, out: IO[str]) -> None:
    findings, gaps, _ = findings_of(result.report)
    for item in findings:
        f = item
        out.write(_command(COMMANDS[f.severity], item.location, f"{f.rule_id} {f.rule_name}",
                           f.message))
    for gap in gaps:
        n = gap
        out.write(_command("notice", gap.location, f"{n.rule_id} {n.rule_name} (not verified)",
                           f"{n.resource.label}: {n.reason}"))


def _command(kind: str, location: Location | None, title: str, message: str) -> str:
    params = []
    if location is not None:
        path = os.path.relpath(os.path.abspath(location.path)).replace(os.sep, "/")
        params += [f"file={_property(path)}", f"line={location.line}",
                   f"col={location.column}"]
    params.append(f"title={_property(title)}")
    return f"::{kind} {','.join(params)}::{_data(message)}\n"


def _data(text: str) -> str:
    """A message: newlines encoded as the runner expects, other control characters (ESC
    would reach the log raw) escaped."""
    return _encode(escape_keeping_newlines(text))


def _property(text: str) -> str:
    return _encode(escape(text)).replace(":", "%3A").replace(",", "%2C")


def _encode(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
