"""The ``batchlint`` command line (typer).

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it (or
not-verified checks under ``--strict``); 2 usage errors, unreadable or invalid
input. Errors are one line on stderr; reports go to stdout or ``--output``.

The commands' annotations are evaluated when they are defined (no ``from __future__ import
annotations`` here nor in :mod:`cli_options`): typer reads every parameter's type at each
start, and as strings they would be compiled then (building the commands took 24 ms
instead of 7 ms).
"""

import sys
from typing import Annotated

import typer

from batchlint import __version__
from batchlint.cli_errors import user_errors
from batchlint.cli_options import (
    DEFAULT_FORMAT,
    FORMAT_HELP,
    AllRegions,
    AllRevisions,
    FailOn,
    Format,
    ListFormat,
    OrgRole,
    Profile,
    Regions,
    RoleArns,
    Timeout,
    live_options,
)
from batchlint.errors import BatchlintError
from batchlint.usage import OneLineErrors

__all__ = ["Format", "app", "main"]  # Format: the --format choices, for tests and tools

app = typer.Typer(
    name="batchlint",
    help="Linter and account health checker for AWS Batch.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"batchlint {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Linter and account health checker for AWS Batch."""
    # JSON may carry lone surrogates ("\ud800"); print them escaped rather than crash
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


@app.command()
@user_errors
def scan(
    paths: Annotated[list[str] | None, typer.Argument(
        help="What to lint, several forming one view: raw JSON outputs of `aws batch`, "
             "`ec2`, `iam` and `service-quotas` read calls; snapshots written by `batchlint "
             "export`; CloudFormation templates (JSON or YAML); Terraform plans (`terraform "
             "show -json`); Terraform source (.tf files, module directories); directories "
             "(walked for all of these); `-` for one JSON or YAML document on standard "
             "input. None: the live account.")] = None,
    output_format: Annotated[Format, typer.Option(
        "--format", "-f", help=FORMAT_HELP)] = DEFAULT_FORMAT,
    statistics: Annotated[bool, typer.Option(
        "--statistics", help="A count per rule instead of the findings (text, concise or "
                             "json).")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Text: list every check that could not be verified, not "
                                "only their groups.")] = False,
    output: Annotated[str | None, typer.Option("--output", "-o",
                                               help="Write the report here, not stdout.")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(
        "--fail-on", help="Lowest severity that makes the exit code 1 [default: warning].",
        show_default=False)] = None,
    select: Annotated[str | None, typer.Option(
        help="Only these rules: ids, names or id prefixes such as BL1, comma-separated.")] = None,
    ignore: Annotated[str | None, typer.Option(
        help="Skip these rules: ids, names or id prefixes, comma-separated.")] = None,
    config: Annotated[str | None, typer.Option(
        help="Config file [default: .batchlint.toml, else [tool.batchlint] in "
             "pyproject.toml, looked up from the current folder].", show_default=False)] = None,
    rules_dir: Annotated[list[str] | None, typer.Option(
        "--rules-dir", help="A folder of your own rules (repeatable).")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Checks that could not be verified fail the run.")] = False,
    all_revisions: AllRevisions = False,
    profile: Profile = None,
    region: Regions = None,
    all_regions: AllRegions = False,
    role_arn: RoleArns = None,
    org_role: OrgRole = None,
    timeout: Timeout = None,
    snapshot: Annotated[str | None, typer.Option(
        "--snapshot", help="Live scans: write the account's snapshot here and point findings "
                           "at it (SARIF needs a file for every result).")] = None,
    baseline: Annotated[str | None, typer.Option(
        "--baseline", help="Report only findings that are not in this baseline file.")] = None,
    write_baseline: Annotated[str | None, typer.Option(
        "--write-baseline", help="Record the current findings in this baseline file.")] = None,
    sarif_category: Annotated[str, typer.Option(
        "--sarif-category", help="SARIF automationDetails category, for several uploads per "
                                 "commit.")] = "batchlint",
    max_file_size: Annotated[str, typer.Option(
        "--max-file-size", help="Largest input file read, e.g. 256MiB, 1G; a larger file "
                                "is an error.")] = "256MiB",
    max_depth: Annotated[int, typer.Option(
        "--max-depth", min=1, max=400, help="Deepest nesting of objects and lists read in "
                                            "an input file.")] = 200,
    var_file: Annotated[list[str] | None, typer.Option(
        "--var-file", help="Terraform source: a tfvars file of values for the root "
                           "modules' variables, after terraform.tfvars and *.auto.tfvars "
                           "(repeatable).")] = None,
) -> None:
    """Lint AWS Batch files, or the live account when no PATH is given."""
    from batchlint.fileio import Limits, parse_size
    from batchlint.scan import run_scan
    from batchlint.settings import ScanOptions

    live = None
    if paths:
        if profile or region or all_regions or role_arn or org_role or snapshot or \
                timeout is not None:
            raise BatchlintError("account options (--profile, --region, --all-regions, "
                                 "--role-arn, --org-role, --timeout, --snapshot) apply to "
                                 "live scans, without PATH")
    else:
        live = live_options(profile, region, all_regions, role_arn, org_role, all_revisions,
                            timeout=timeout)
    options = ScanOptions(
        paths=list(paths or []), output_format=str(output_format), output=output,
        fail_on=fail_on.value if fail_on else None, select=select, ignore=ignore,
        config=config, rules_dirs=list(rules_dir or []), strict=strict,
        all_revisions=all_revisions, live=live, snapshot=snapshot, baseline=baseline,
        write_baseline=write_baseline, sarif_category=sarif_category,
        limits=Limits(max_file_size=parse_size(max_file_size), max_depth=max_depth),
        var_files=list(var_file or []), statistics=statistics, verbose=verbose,
    )
    raise typer.Exit(run_scan(options))


@app.command()
@user_errors
def export(
    output: Annotated[str, typer.Option("--output", "-o", help="The snapshot file to write "
                                                              "(- for stdout).")],
    profile: Profile = None,
    region: Regions = None,
    all_regions: AllRegions = False,
    role_arn: RoleArns = None,
    org_role: OrgRole = None,
    all_revisions: AllRevisions = False,
    timeout: Timeout = None,
    keep_env_values: Annotated[bool, typer.Option(
        "--keep-env-values", help="Keep container environment values (redacted by "
                                  "default).")] = False,
    include_jobs: Annotated[bool, typer.Option(
        "--include-jobs", help="Also write RUNNABLE jobs (they change by the minute, so a "
                               "snapshot with them no longer diffs cleanly).")] = False,
) -> None:
    """Write a snapshot of the live account(s) for `batchlint scan FILE` and git."""
    from batchlint.export import write_snapshot

    options = live_options(profile, region, all_regions, role_arn, org_role, all_revisions,
                           with_jobs=include_jobs, timeout=timeout)
    write_snapshot(options, output, keep_env_values, include_jobs)


@app.command("iam-policy")
def iam_policy(
    multi_account: Annotated[bool, typer.Option(
        "--multi-account", help="Add what --org-role and --role-arn need in the account the "
                                "scan starts from (organizations:ListAccounts, "
                                "sts:AssumeRole).")] = False,
) -> None:
    """Print the least-privilege, read-only IAM policy a live scan, export and why need."""
    import json

    from batchlint.aws.policy import policy_document

    print(json.dumps(policy_document(multi_account), indent=2))


@app.command("rules")
@user_errors
def list_rules(
    output_format: Annotated[ListFormat, typer.Option("--format", "-f",
                                                      help="Table or JSON.")] = ListFormat.text,
    rules_dir: Annotated[list[str] | None, typer.Option(
        "--rules-dir", help="Also list the rules in this folder (repeatable).")] = None,
) -> None:
    """List every rule."""
    from batchlint.catalog import print_rules

    print_rules(output_format.value, list(rules_dir or []))


@app.command()
@user_errors
def explain(
    rule: Annotated[str, typer.Argument(help="A rule id (BL103) or name (small-node-disk).")],
    rules_dir: Annotated[list[str] | None, typer.Option(
        "--rules-dir", help="Also look in this folder (repeatable).")] = None,
) -> None:
    """Show a rule's full documentation."""
    from batchlint.catalog import print_explanation

    print_explanation(rule, list(rules_dir or []))


@app.command()
@user_errors
def why(
    job_id: Annotated[str, typer.Argument(help="The job's id (a UUID) or ARN.")],
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files holding the job: `aws batch describe-jobs` output, or a snapshot "
             "exported with --include-jobs, with the rest of the setup. None: the live "
             "account (one DescribeJobs, then only what the job's queue needs).")] = None,
    output_format: Annotated[ListFormat, typer.Option(
        "--format", "-f", help="Text or JSON.")] = ListFormat.text,
    profile: Profile = None,
    region: Annotated[str | None, typer.Option(
        "--region", help="Live: the job's region [default: the job ARN's, else the "
                         "profile's].")] = None,
    timeout: Timeout = None,
) -> None:
    """Why a job is RUNNABLE or FAILED, and the rule that would have caught it."""
    from batchlint.why_cli import run_why

    raise typer.Exit(run_why(job_id, list(paths or []), output_format.value, profile, region,
                             timeout))


def main() -> None:
    app(prog_name="batchlint")
