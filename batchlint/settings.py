"""What one scan is asked to do: the command line's options, and ``resolve``, which
merges them with the configuration file into the settings the scan runs with.

``settings = resolve(options, config)`` is pure: it reads the rules' files (and so can
fail on a bad rule) but writes nothing and prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from batchlint import config as cfg
from batchlint.engine import RuleRun
from batchlint.errors import BatchlintError
from batchlint.fileio import DEFAULT_LIMITS, Limits
from batchlint.registry import load_rules
from batchlint.rule import Rule
from batchlint.selectors import check_selectors

if TYPE_CHECKING:
    from batchlint.aws.live import LiveOptions
    from batchlint.excludes import Exclude  # imported when a config file has [[exclude]]


@dataclass
class ScanOptions:
    paths: list[str]
    output_format: str = "text"
    output: str | None = None
    fail_on: str | None = None
    select: str | None = None
    ignore: str | None = None
    config: str | None = None
    rules_dirs: list[str] = field(default_factory=list)
    strict: bool = False
    all_revisions: bool = False
    live: LiveOptions | None = None  # set when no paths are given
    snapshot: str | None = None  # live scans: write the snapshot here and scan it
    baseline: str | None = None
    write_baseline: str | None = None
    sarif_category: str = "batchlint"
    limits: Limits = DEFAULT_LIMITS  # what one input file may cost
    var_files: list[str] = field(default_factory=list)  # Terraform source: --var-file
    statistics: bool = False  # a count per rule instead of the findings
    verbose: bool = False  # text: every not-verified check
    width: int | None = None  # text: wrap to this width (None: the terminal's, if any)


@dataclass(frozen=True)
class Settings:
    """The options and the configuration file, merged."""

    runs: tuple[RuleRun, ...]  # the chosen rules, each with its severity and options
    excludes: tuple[Exclude, ...] = ()
    fail_on: str = "warning"
    strict: bool = False
    warnings: tuple[str, ...] = ()  # about the selection (no rule chosen)

    @property
    def severities(self) -> dict[str, str]:
        return {r.rule.id: r.severity for r in self.runs}


def resolve(options: ScanOptions, config: cfg.Config) -> Settings:
    """The rules to run and how the results are judged: the command line wins over the
    configuration file, which wins over the defaults."""
    rules = load_rules([*config.rules_dirs, *options.rules_dirs])
    unknown = cfg.unknown_rule_settings(rules, config)
    if unknown:
        raise BatchlintError(f"{config.path}: [rules.{unknown[0]}] names no rule")
    select = cfg.split_selectors(options.select)
    ignore = cfg.split_selectors(options.ignore) or ()
    check_selectors(rules, [*(select or ()), *ignore])
    chosen = cfg.choose_rules(rules, select if select is not None else config.select,
                              [*config.ignore, *ignore])
    warnings = []
    if not chosen:
        given = "--select is empty" if select == () else "the selection names no enabled rule"
        warnings.append(f"{given}: no rule was run, nothing was checked")
    return Settings(
        tuple(_run(rule, config) for rule in chosen),
        config.excludes, options.fail_on or config.fail_on or "warning",
        options.strict or bool(config.strict), tuple(warnings))


def _run(rule: Rule, config: cfg.Config) -> RuleRun:
    """The rule with the severity and options the config gives it, each option checked
    against the range the rule declares (its type is checked by ``settings_for``)."""
    severity, options = cfg.settings_for(rule, config)
    for name, value in options.items():
        option = rule.options[name]
        if not option.allows(value):
            raise BatchlintError(f"{config.path or 'config'}: option {name} of rule {rule.id} "
                                 f"must be {option.range}")
    return RuleRun(rule, severity, options)
