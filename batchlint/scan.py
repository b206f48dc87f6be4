"""``batchlint scan``: config → rules → loaders (files or live AWS) → engine → reporter →
exit code."""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from batchlint import config as cfg
from batchlint.engine import Report, RuleRun, run
from batchlint.errors import BatchlintError
from batchlint.fileio import DEFAULT_LIMITS, Limits, atomic_output, check_distinct
from batchlint.loaders import Loaded, load_files, load_live
from batchlint.model import LINTED_KINDS
from batchlint.registry import load_rules
from batchlint.reporters import REPORTERS, ReportInput, Writer, writer
from batchlint.rule import SEVERITIES
from batchlint.selectors import check_selectors
from batchlint.terminal import escape

if TYPE_CHECKING:
    from batchlint.aws.live import LiveOptions


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


def run_scan(options: ScanOptions) -> int:
    """Scan, write the report, return the exit code."""
    with _without_gc():
        return _scan(options)


@contextlib.contextmanager
def _without_gc() -> Iterator[None]:
    """A scan's objects live until it ends and form almost no garbage cycles, but the
    cyclic collector keeps walking the growing heap: on a 10,000-job-definition
    snapshot that was half the run time, and made the cost per resource grow."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _collect_young_garbage() -> None:
    """From here on (the reports) garbage cycles do appear — the JSON encoder's closures,
    one set per document it writes — so collect again, but only among new objects:
    everything the scan built is frozen out of the collector's sight."""
    gc.freeze()
    gc.enable()


def _scan(options: ScanOptions) -> int:
    write = _writer(options)
    _check_outputs(options)
    config = cfg.load_config(options.config or cfg.find_config())
    rules = load_rules([*config.rules_dirs, *options.rules_dirs])
    unknown = cfg.unknown_rule_settings(rules, config)
    if unknown:
        raise BatchlintError(f"{config.path}: [rules.{unknown[0]}] names no rule")
    select = cfg.split_selectors(options.select)
    ignore = cfg.split_selectors(options.ignore) or ()
    check_selectors(rules, [*(select or ()), *ignore])
    chosen = cfg.choose_rules(
        rules,
        select if select is not None else config.select,
        [*config.ignore, *ignore],
    )
    warnings: list[str] = []
    if not chosen:
        given = "--select is empty" if select == () else "the selection names no enabled rule"
        warnings.append(f"{given}: no rule was run, nothing was checked")
    runs = [RuleRun(rule, *cfg.settings_for(rule, config)) for rule in chosen]
    known = None
    if options.baseline:  # read before anything is written: it may be --write-baseline too
        from batchlint.baseline import read_baseline

        known = read_baseline(options.baseline)
    loaded, read = _load(options)
    for note in loaded.notes:
        print(f"batchlint: {escape(note)}", file=sys.stderr)
    report = run(loaded.models, runs)
    checked = sum(1 for model in loaded.models for kind in LINTED_KINDS
                  for _ in model.linted(kind))
    sources = read or _sources(options, loaded)
    loaded.release()  # reports need the files' text for positions, not the parsed data
    if not checked:
        warnings.append(f"no AWS Batch resource was read (read: {sources})")
    if config.excludes:
        from batchlint.excludes import apply_excludes

        for note in apply_excludes(report, config.excludes):
            print(f"batchlint: {escape(note)}", file=sys.stderr)
            loaded.notes.append(note)
    if options.write_baseline:
        from batchlint.baseline import write_baseline

        write_baseline(options.write_baseline, report.findings)
        print(f"batchlint: wrote {_plural(len(report.findings), 'finding')} to the baseline "
              f"{escape(options.write_baseline)}", file=sys.stderr)
    hidden = None
    if known is not None:
        from batchlint.baseline import new_findings

        before = len(report.findings)
        report.findings = new_findings(report.findings, known)
        hidden = before - len(report.findings)
        print(f"batchlint: the baseline {escape(options.baseline or '')} hid "
              f"{_plural(hidden, 'finding')}", file=sys.stderr)
    strict = options.strict or bool(config.strict)
    for warning in warnings:
        print(f"batchlint: warning: {escape(warning)}"
              + (" (an error under --strict)" if strict else ""), file=sys.stderr)
    _collect_young_garbage()
    result = ReportInput(
        report, loaded.documents, tuple(loaded.notes), checked,
        {r.rule.id: r.severity for r in runs}, options.sarif_category, options.verbose,
        options.width, hidden, (sources,))
    with _output(options.output) as out:
        write(result, out)
    if warnings and strict:
        return 2
    fail_on = options.fail_on or config.fail_on or "warning"
    return exit_code(report, fail_on, strict, bool(loaded.failures))


def _writer(options: ScanOptions) -> Writer:
    """The chosen reporter's write(); a format no reporter has is a usage error."""
    if options.output_format not in REPORTERS:
        raise BatchlintError(f"unknown format {escape(options.output_format)[:40]!r} "
                             f"(formats: {', '.join(REPORTERS)})")
    if not options.statistics:
        return writer(options.output_format)
    from batchlint.reporters import statistics

    if options.output_format not in statistics.FORMATS:
        raise BatchlintError(f"--statistics is written as {', '.join(statistics.FORMATS)}, "
                             f"not {options.output_format}")
    return functools.partial(statistics.write, output_format=options.output_format)


def _sources(options: ScanOptions, loaded: Loaded) -> str:
    """What a scan of files read, for a warning: how many paths, how many skipped."""
    skipped = sum(1 for note in loaded.notes if note.startswith("skipped "))
    count = _plural(len(options.paths), "path")
    return f"{count}, {skipped} skipped" if skipped else count


def _regions_read(snapshot: dict[str, Any]) -> str:
    """``account 1234 (eu-west-1, us-east-1)``: what a live scan read."""
    parts = []
    for account in snapshot.get("accounts", []):
        regions = sorted(str(r.get("region")) for r in account.get("regions", []))
        parts.append(f"account {account.get('account')} ({', '.join(regions) or 'no region'})")
    return "; ".join(parts) or "no account"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _load(options: ScanOptions) -> tuple[Loaded, str]:
    """What was read, and for a live scan the accounts and regions it read."""
    if options.paths or options.live is None:
        return load_files(options.paths, options.all_revisions, options.limits,
                          options.var_files), ""
    from batchlint.aws import live
    from batchlint.export import normalise

    step, stop = live.progress_printer()
    try:
        collection = live.collect(options.live, step)
    finally:
        stop()
    if options.snapshot:  # findings then point into the snapshot, as SARIF needs
        from batchlint.export import dumps, save

        save(options.snapshot, dumps(normalise(collection.snapshot, keep_env_values=False)))
        loaded = load_files([options.snapshot], options.all_revisions, options.limits)
        loaded.notes[:0] = collection.notes
        loaded.failures = collection.failures
        return loaded, _regions_read(collection.snapshot)
    return load_live(normalise(collection.snapshot), collection.notes, options.all_revisions,
                     collection.failures), _regions_read(collection.snapshot)


def exit_code(report: Report, fail_on: str, strict: bool, unread: bool = False) -> int:
    """``unread``: a live account or region could not be read at all."""
    if strict and (report.not_verified or unread):
        return 1
    if fail_on == "never":
        return 0
    threshold = SEVERITIES.index(fail_on)
    return int(any(SEVERITIES.index(f.severity) >= threshold for f in report.findings))


def _check_outputs(options: ScanOptions) -> None:
    """No file this run writes may be one it reads (a baseline may be both: it is read
    first, then replaced)."""
    inputs = [("PATH", path) for path in options.paths]
    for option, path in (("--baseline", options.baseline), ("--config", options.config)):
        if path:
            inputs.append((option, path))
    check_distinct(options.output, [*inputs, ("--write-baseline", options.write_baseline or ""),
                                    ("--snapshot", options.snapshot or "")])
    check_distinct(options.write_baseline, [(o, p) for o, p in inputs if o != "--baseline"])
    check_distinct(options.snapshot, [*inputs, ("--write-baseline",
                                                options.write_baseline or "")])


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or a file that is replaced only once the whole report is written."""
    if path is None or path == "-":
        yield sys.stdout
        return
    with atomic_output(path) as fh:
        yield fh
