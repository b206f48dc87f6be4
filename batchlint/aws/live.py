"""A live scan's collection: which accounts and regions, read in parallel, into one snapshot.

Regions (and accounts) are read concurrently by a bounded pool; each worker
has its own boto3 session (sessions are not thread-safe) with the account's
credentials, and keeps under Batch's rate limit, which AWS counts per account and
Region.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from batchlint import __version__
from batchlint.aws import session as sess
from batchlint.aws.collect import (
    NOT_ENABLED,
    Gap,
    RegionCollector,
    RegionData,
    RegionUnavailable,
    describe_error,
    error_code,
)
from batchlint.aws.faults import (
    AWS_FAULTS,
    CREDENTIAL_FAULTS,
    DEFAULT_TIMEOUT,
    CallBudget,
    reply_field,
)
from batchlint.aws.faults import describe_fault as _fault
from batchlint.aws.iam_collect import collect_iam
from batchlint.aws.references import execution_roles, iam_references
from batchlint.errors import BatchlintError
from batchlint.loaders.snapshot import FORMAT_VERSION

MAX_WORKERS = 8


@dataclass(frozen=True)
class LiveOptions:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    all_regions: bool = False
    role_arns: tuple[str, ...] = ()
    org_role: str | None = None
    all_revisions: bool = False
    with_jobs: bool = True
    timeout: float = DEFAULT_TIMEOUT  # seconds one call may take, retries included


@dataclass
class Account:
    account_id: str
    session: Any
    regions: list[RegionData] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    iam: dict[str, Any] | None = None


@dataclass
class Collection:
    snapshot: dict[str, Any]
    notes: list[str]
    # accounts and regions that could not be read: nothing in them was checked, so
    # --strict fails on them as on not-verified checks
    failures: list[str] = field(default_factory=list)


def collect(options: LiveOptions, progress: Callable[[str], None] | None = None) -> Collection:
    """Read every target account and region into one snapshot-shaped document."""
    for region in options.regions:
        check_region(region, "--region")
    budget = CallBudget(options.timeout)
    base = sess.base_session(options.profile, options.regions[0] if options.regions else None,
                             budget)
    if base.region_name and not options.regions:
        check_region(base.region_name, "the profile or AWS_DEFAULT_REGION")
    notes: list[str] = []
    accounts = _accounts(base, options, notes, budget)
    failures = list(notes)  # accounts that could not be assumed
    tasks = [(account, region) for account in accounts
             for region in _regions(account, options, base, notes)]
    report = progress or (lambda _: None)
    for account in accounts:  # before its regions' workers share the account's loader
        if sum(1 for owner, _ in tasks if owner is account) > 1:
            sess.warm(account.session)
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(len(tasks), 1))) as pool:
        results = list(pool.map(
            lambda task: _collect_region(task[0], task[1], options, report, budget), tasks))
    for (account, _), result in zip(tasks, results, strict=True):
        if isinstance(result, RegionData):
            account.regions.append(result)
        else:
            notes.append(result)
            failures.append(result)
    if tasks and not any(account.regions for account in accounts):
        raise BatchlintError("no region could be read: " + "; ".join(failures))
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, max(len(accounts), 1))) as pool:
        list(pool.map(lambda account: _collect_iam(account, report), accounts))
    return Collection(_snapshot(accounts), notes, failures)


def check_region(region: str, given: str) -> None:
    """A region botocore would refuse to build an endpoint for is a usage error."""
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import validate_region_name

    try:
        validate_region_name(region)
    except InvalidRegionError:
        raise BatchlintError(f"invalid region {region!r} (from {given}): a region is a name "
                             "such as us-east-1") from None


def _accounts(base: Any, options: LiveOptions, notes: list[str],
              budget: CallBudget) -> list[Account]:
    role_arns = list(options.role_arns)
    if options.org_role:
        role_arns += [f"arn:aws:iam::{account}:role/{options.org_role}"
                      for account in _organization_accounts(base)]
    if not role_arns:
        if options.org_role:  # not the caller's account instead, as if --org-role were not given
            raise BatchlintError("the organization has no ACTIVE account "
                                 "(organizations:ListAccounts)")
        return [Account(_account_id(base), base)]
    accounts = []
    for arn in dict.fromkeys(role_arns):
        try:
            assumed = sess.assumed_session(base, arn, base.region_name, budget)
            accounts.append(Account(_account_id(assumed), assumed))
        except Exception as exc:  # one account's failure is reported, not fatal
            why = (describe_error(exc, "sts:AssumeRole") if error_code(exc)
                   else _fault(exc, "sts:AssumeRole"))
            notes.append(f"account of {arn} not scanned: {why}")
    if not accounts:
        raise BatchlintError("no account could be scanned: " + "; ".join(notes))
    return accounts


def _organization_accounts(base: Any) -> list[str]:
    from botocore.exceptions import ClientError

    org = base.client("organizations", region_name=base.region_name or "us-east-1",
                      config=sess.client_config())
    try:
        accounts = []
        for page in org.get_paginator("list_accounts").paginate():
            for account in reply_field(org, "list_accounts", page, "Accounts"):
                state = account.get("State") or account.get("Status")
                if state == "ACTIVE":
                    accounts.append(account["Id"])
        return sorted(accounts)
    except ClientError as exc:
        raise BatchlintError("cannot list the organization's accounts: "
                             f"{describe_error(exc, 'organizations:ListAccounts')}") from None
    except AWS_FAULTS as exc:  # unreachable, silent, connection closed, not XML
        raise BatchlintError("cannot list the organization's accounts: "
                             f"{_fault(exc, 'organizations:ListAccounts')}") from None


def _account_id(session: Any) -> str:
    from botocore.exceptions import ClientError

    sts = session.client("sts", region_name=session.region_name or "us-east-1",
                         config=sess.client_config())
    try:
        return str(reply_field(sts, "get_caller_identity", sts.get_caller_identity(), "Account"))
    except ClientError as exc:
        if error_code(exc) in NOT_ENABLED | {"ExpiredToken"}:
            raise BatchlintError(f"AWS rejected the credentials: {error_code(exc)}") from None
        raise BatchlintError(f"cannot reach AWS: {describe_error(exc, 'sts:GetCallerIdentity')}") \
            from None
    except CREDENTIAL_FAULTS as exc:  # a credential provider of the chain failed
        raise BatchlintError(f"cannot get AWS credentials: {_fault(exc, 'credentials')}") \
            from None
    except AWS_FAULTS as exc:
        raise BatchlintError(f"cannot reach AWS: {_fault(exc, 'sts:GetCallerIdentity')}") \
            from None


def _regions(account: Account, options: LiveOptions, base: Any, notes: list[str]) -> list[str]:
    if options.regions:
        return list(dict.fromkeys(options.regions))
    if options.all_regions:
        from botocore.exceptions import ClientError

        ec2 = account.session.client("ec2", region_name=base.region_name or "us-east-1",
                                     config=sess.client_config())
        try:
            regions = reply_field(ec2, "describe_regions", ec2.describe_regions(AllRegions=False),
                                  "Regions")
        except ClientError as exc:
            raise BatchlintError("cannot list the enabled regions: "
                                 f"{describe_error(exc, 'ec2:DescribeRegions')}") from None
        except AWS_FAULTS as exc:
            raise BatchlintError("cannot list the enabled regions: "
                                 f"{_fault(exc, 'ec2:DescribeRegions')}") from None
        return sorted(r["RegionName"] for r in regions)
    if base.region_name:
        return [base.region_name]
    raise BatchlintError("no region: pass --region or --all-regions, or set AWS_DEFAULT_REGION "
                         "or a region in the profile")


def _collect_region(account: Account, region: str, options: LiveOptions,
                    report: Callable[[str], None], budget: CallBudget) -> RegionData | str:
    try:
        limiter = sess.RateLimiter(sess.BATCH_CALLS_PER_SECOND)  # one worker per region
        worker = sess.frozen_copy(account.session, region, limiter, budget)
        data = RegionCollector(worker, region, options.all_revisions, options.with_jobs).collect()
        report(f"{account.account_id} {region}")
        return data
    except RegionUnavailable as exc:
        report(f"{account.account_id} {region}")
        return f"region {region} of account {account.account_id} not scanned: {exc}"
    except AWS_FAULTS as exc:  # credentials that could not be refreshed for this worker
        report(f"{account.account_id} {region}")
        return (f"region {region} of account {account.account_id} not scanned: "
                f"{_fault(exc, 'credentials')}")


def _collect_iam(account: Account, report: Callable[[str], None]) -> None:
    ces = [ce for region in account.regions for ce in region.data["computeEnvironments"]]
    roles, profiles = iam_references(ces, account.account_id)
    jobdefs = [jd for region in account.regions for jd in region.data["jobDefinitions"]]
    data = collect_iam(account.session, roles | execution_roles(jobdefs, account.account_id),
                       profiles)
    account.iam = data.as_json()
    account.gaps.extend(data.gaps)
    report(f"{account.account_id} IAM")


def _snapshot(accounts: list[Account]) -> dict[str, Any]:
    out = []
    for account in sorted(accounts, key=lambda a: a.account_id):
        gaps = [*account.gaps, *(g for r in account.regions for g in r.gaps)]
        entry: dict[str, Any] = {
            "account": account.account_id,
            "regions": [{"region": r.region, **r.data}
                        for r in sorted(account.regions, key=lambda r: r.region)],
        }
        if account.iam is not None:
            entry["iam"] = account.iam
        if gaps:
            entry["notCollected"] = [g.as_json() for g in gaps]
        out.append(entry)
    return {"batchlint_snapshot": FORMAT_VERSION,
            "generator": {"name": "batchlint", "version": __version__},
            "collectedAt": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "accounts": out}


def progress_printer() -> tuple[Callable[[str], None], Callable[[], None]]:
    """A one-line progress display on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        return (lambda _: None), (lambda: None)
    from rich.console import Console
    from rich.status import Status

    done: list[str] = []
    status = Status("reading AWS…", console=Console(stderr=True))
    status.start()

    def step(what: str) -> None:
        done.append(what)
        from rich.markup import escape as markup

        from batchlint.terminal import escape

        status.update(f"reading AWS… {len(done)} done (last: {markup(escape(what))})")

    return step, status.stop
