"""What a rule is: metadata, documentation and one check, written once.

A Python rule subclasses :class:`Rule`, sets the metadata as class attributes,
writes its documentation as the class docstring (ruff's sections) and
implements :meth:`Rule.check`. The check is pure: it reads one resource and the
read-only model and yields :class:`Finding` and :class:`NotVerified` values.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from batchlint.facts.credentials import credential_kind, redacted
from batchlint.facts.jobdefs import REDACTED
from batchlint.locations import Location
from batchlint.model import JOB, JOB_DEFINITION, LINTED_KINDS, Model, Pointer, Resource, parse_path
from batchlint.redact import (
    credential_shaped,
    environment_value,
    is_reference,
    redact_job_definition,
    redact_tags,
)
from batchlint.refs import ResourceRef, ref
from batchlint.unknowns import plain, remember

SEVERITIES = ("note", "warning", "error")  # ascending
RULE_KINDS = (*LINTED_KINDS, JOB)  # the kinds the engine runs rules on
TAGS = ("reliability", "cost", "security", "performance", "availability")
PRECISIONS = ("very-high", "high", "medium", "low")
DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")
ID_PATTERN = re.compile(r"^BL\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

T = TypeVar("T")


@dataclass(frozen=True)
class Finding:
    """A finished finding: its resource's reference, and (once the engine has resolved
    it) where ``path`` lies in the file the resource was read from."""

    rule_id: str
    rule_name: str
    severity: str
    message: str
    resource: ResourceRef
    path: Pointer = ()
    internal: bool = False  # the rule raised; always an error, whatever the config says
    # Resources whose findings by other rules explain this one (a stuck queue's compute
    # environments): the engine names those findings in the message after the run.
    related: tuple[ResourceRef, ...] = ()
    suppressed_by: str = ""  # why a suppressed finding is muted (tag, Metadata, config reason)
    location: Location | None = None  # None for live data

    def at(self, location: Location | None) -> Finding:
        """This finding at ``location`` (``dataclasses.replace`` costs 30 µs a call)."""
        return Finding(self.rule_id, self.rule_name, self.severity, self.message, self.resource,
                       self.path, self.internal, self.related, self.suppressed_by, location)


@dataclass(frozen=True)
class NotVerified:
    rule_id: str
    rule_name: str
    resource: ResourceRef
    reason: str
    location: Location | None = None  # the resource's own place in its file

    def at(self, location: Location | None) -> NotVerified:
        return NotVerified(self.rule_id, self.rule_name, self.resource, self.reason, location)


Result = Finding | NotVerified


@dataclass(frozen=True)
class Option:
    """A typed rule option that configuration may override; a number may be given the
    range it must lie in (``minimum``, ``maximum``, both included)."""

    default: int | float | str | bool
    description: str
    minimum: int | float | None = None
    maximum: int | float | None = None

    def allows(self, value: Any) -> bool:
        """Whether ``value`` (of the option's type) lies in its range: a number must be
        finite (nan and inf are never an option's value)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        if isinstance(value, float) and not math.isfinite(value):
            return False
        return ((self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum))

    @property
    def range(self) -> str:
        """What ``allows`` asks, in words: ``between 0 and 100``, ``at least 1``, …"""
        if self.minimum is not None and self.maximum is not None:
            return f"between {self.minimum} and {self.maximum}"
        if self.minimum is not None:
            return f"at least {self.minimum}"
        if self.maximum is not None:
            return f"at most {self.maximum}"
        return "a finite number"


@dataclass
class Context:
    """What a check may read besides its resource: the model, options, a per-run memo."""

    model: Model
    options: Mapping[str, Any] = field(default_factory=dict)
    _memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def now(self) -> datetime.datetime:
        """When the data was read (a live scan, or a snapshot that records it), else now."""
        return self.model.collected_at or datetime.datetime.now(datetime.UTC)

    def option(self, name: str) -> Any:
        return self.options[name]

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """Compute a value once per run (for rules that look at a whole region)."""
        return remember(self._memo, key, compute)


class Rule:
    """Base of every rule. Subclasses set the metadata and implement ``check``."""

    id: str = ""
    name: str = ""
    summary: str = ""
    severity: str = "warning"
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    options: Mapping[str, Option] = {}
    enabled_by_default: bool = True
    precision: str = "high"
    source: str = ""  # the file the rule was loaded from
    # True when the check weighs unknown values itself (see batchlint.unknowns); else a
    # check that read one is not verified, whatever it answered
    reads_unknowns: bool = False

    @property
    def doc(self) -> str:
        return _dedent(type(self).__doc__ or "")

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        raise NotImplementedError

    def finding(self, resource: Resource, message: str, path: str | Pointer = (),
                related: tuple[Resource, ...] = ()) -> Finding:
        return Finding(self.id, self.name, self.severity, message, ref(resource),
                       parse_path(path), related=tuple(ref(r) for r in related) if related else ())

    def not_verified(self, resource: Resource, reason: str) -> NotVerified:
        return NotVerified(self.id, self.name, ref(resource), reason)


_URL = re.compile(r"https?://[^\s)>\]]+")
WEB_URL = re.compile(r"https?://[^\s\"'<>]+\Z", re.IGNORECASE)  # what a reference may be


def doc_references(doc: str) -> tuple[str, ...]:
    """The links of a rule's ``## References`` section, in order."""
    _, _, section = doc.partition("## References")
    return tuple(dict.fromkeys(url.rstrip(".,") for url in _URL.findall(section)))


def _dedent(text: str) -> str:
    import textwrap

    lines = text.strip("\n").splitlines()
    if not lines:
        return ""
    first, rest = lines[0].strip(), textwrap.dedent("\n".join(lines[1:]))
    return (first + "\n" + rest).strip() + "\n"


def metadata_problems(rule: Rule) -> list[str]:
    """Why a rule's metadata is unusable; empty when it is fine."""
    problems = []
    if not ID_PATTERN.match(rule.id):
        problems.append(f"id {rule.id!r} is not of the form BLnnn")
    if not NAME_PATTERN.match(rule.name):
        problems.append(f"name {rule.name!r} is not kebab-case")
    if rule.severity not in SEVERITIES:
        problems.append(f"severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}")
    if not rule.summary:
        problems.append("summary is empty")
    if not rule.kinds:
        problems.append("kinds is empty")
    unknown_kinds = [k for k in rule.kinds if k not in RULE_KINDS]
    if unknown_kinds:
        problems.append(f"unknown kinds {unknown_kinds} (kinds: {', '.join(RULE_KINDS)})")
    if not isinstance(rule.options, Mapping) or not all(
            isinstance(name, str) and isinstance(opt, Option)
            for name, opt in rule.options.items()):
        problems.append("options must map names to Option(default, description)")
    else:
        problems += [f"option {name} default {opt.default!r} is not {opt.range}"
                     for name, opt in rule.options.items() if not opt.allows(opt.default)]
    unknown_tags = [t for t in rule.tags if t not in TAGS]
    if unknown_tags:
        problems.append(f"unknown tags {unknown_tags}")
    not_web = [r for r in rule.references if not (isinstance(r, str) and WEB_URL.match(r))]
    if not_web:  # a report links them: javascript:, data: or file: must not be a link
        problems.append(f"references {not_web} are not http or https URLs")
    if rule.precision not in PRECISIONS:
        problems.append(f"precision {rule.precision!r} is not one of {', '.join(PRECISIONS)}")
    return problems


def shown(resource: Resource) -> Any:
    """The resource's data as a message may show it (SPEC: secrets never reach output):
    what a snapshot keeps of it (batchlint.redact), every environment value redacted,
    and no string that has the shape of a credential."""
    data = plain(resource.data)  # a copy
    if resource.kind in (JOB, JOB_DEFINITION):
        redact_job_definition(data, keep_env_values=False)
    redact_tags(data)
    return no_secret(data)


def no_secret(value: Any, key: str = "", shape: bool = True) -> Any:
    """``value`` with the value of every environment entry redacted as a snapshot redacts
    it, and every string with a credential's shape redacted: BL303's precise shapes, and
    with ``shape`` the broader ones a snapshot redacts. A whole ARN or ``{{resolve:…}}``
    stays."""
    if isinstance(value, dict):
        return {k: no_secret(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [no_secret(item) for item in value]
        if key in ("environment", "env"):  # a job's container, an EKS container
            return [{**i, "value": environment_value(i["value"])}
                    if isinstance(i, dict) and "value" in i else i for i in items]
        return items
    if not isinstance(value, str) or is_reference(value):
        return value
    kind = credential_kind(value)  # BL303's shapes; then the broader ones export redacts
    return redacted(kind) if kind else REDACTED if shape and credential_shaped(value) else value


def option_values(rule: Rule, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's options with configured overrides applied (types checked by caller)."""
    values: dict[str, Any] = {name: opt.default for name, opt in rule.options.items()}
    values.update(overrides)
    return values
