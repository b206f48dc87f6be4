"""The choices and options the commands share: ``--format`` (the table of reporters),
``--fail-on``, and the account options of ``scan`` (with no PATH) and ``export``
(annotations evaluated at definition, as in :mod:`batchlint.cli`)."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from batchlint.errors import BatchlintError
from batchlint.reporters import REPORTERS

if TYPE_CHECKING:
    from batchlint.aws.live import LiveOptions

if TYPE_CHECKING:
    Format = str
else:  # the --format choices: the table of reporters
    Format = StrEnum("Format", {name: name for name in REPORTERS})
DEFAULT_FORMAT = Format("text")
FORMAT_HELP = "Report format: " + "; ".join(f"{r.name}: {r.summary}" for r in REPORTERS.values())


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


# Account options, shared by `scan` (with no PATH) and `export`.
Profile = Annotated[str | None, typer.Option(
    "--profile", help="AWS profile (else the default credential chain, AWS_PROFILE).")]
Regions = Annotated[list[str] | None, typer.Option(
    "--region", help="Region to read (repeatable) [default: the profile's region].")]
AllRegions = Annotated[bool, typer.Option(
    "--all-regions", help="Every region enabled for the account.")]
RoleArns = Annotated[list[str] | None, typer.Option(
    "--role-arn", help="Assume this role and read its account (repeatable).")]
OrgRole = Annotated[str | None, typer.Option(
    "--org-role", help="Assume this role name in every ACTIVE account of the organization.")]
Timeout = Annotated[float | None, typer.Option(  # None: not given (aws.faults' default)
    "--timeout", min=1, max=3600, show_default=False,
    help="Seconds one AWS call may take, retries included; an endpoint that does not answer "
         "in time is not asked again and what it holds is not verified [default: 60].")]
AllRevisions = Annotated[bool, typer.Option(
    "--all-revisions", help="Every ACTIVE job definition revision, not only the latest of "
                            "each name.")]


def live_options(profile: str | None, region: list[str] | None, all_regions: bool,
                 role_arn: list[str] | None, org_role: str | None, all_revisions: bool,
                 with_jobs: bool = True, timeout: float | None = None) -> "LiveOptions":
    from batchlint.aws.live import LiveOptions

    if region and all_regions:
        raise BatchlintError("--region and --all-regions exclude each other")
    return LiveOptions(profile=profile, regions=tuple(region or ()), all_regions=all_regions,
                       role_arns=tuple(role_arn or ()), org_role=org_role,
                       all_revisions=all_revisions, with_jobs=with_jobs,
                       **({} if timeout is None else {"timeout": timeout}))
