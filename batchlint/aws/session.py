"""boto3 sessions for live scans: read-only, enforced, with adaptive retries.

boto3 is imported only here and in the collector, never for a file scan.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from batchlint.errors import BatchlintError

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config

    from batchlint.aws.faults import CallBudget

READ_PREFIXES = ("Describe", "List", "Get")
# Calls that change nothing in the account: assuming --role-arn/--org-role, and what
# the default credential chain makes to get credentials (web identity as in EKS IRSA
# and GitHub OIDC, an SSO session's token refresh).
ALSO_ALLOWED = {("sts", "AssumeRole"), ("sts", "GetCallerIdentity"),
                ("sts", "AssumeRoleWithWebIdentity"),
                ("sso-oidc", "CreateToken")}
# Batch's fixed API rate, per account and Region ("throttles all API requests for AWS
# accounts based on the AWS Region of the account": repost.aws aws-batch-requests-error)
BATCH_CALLS_PER_SECOND = 50


class ReadOnlyViolation(BatchlintError):
    """An AWS call that is not Describe*/List*/Get* was about to be sent."""


def refuse_writes(model: Any, **_: Any) -> None:
    """botocore ``before-parameter-build`` hook: refuse any call that could change state."""
    service = model.service_model.service_name
    if model.name.startswith(READ_PREFIXES) or (service, model.name) in ALSO_ALLOWED:
        return
    raise ReadOnlyViolation(f"refused {service}:{model.name}: batchlint only reads "
                            "(Describe*, List*, Get*)")


class RateLimiter:
    """At most ``rate`` calls a second, shared by every thread of one account and region."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def __call__(self, **_: Any) -> None:
        with self._lock:
            now = self.clock()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            time.sleep(wait)


def client_config() -> Config:
    from botocore.config import Config

    # timeouts and attempts come from the session's CallBudget (faults.py)
    return Config(max_pool_connections=16)


def guard(session: boto3.Session, batch_limiter: RateLimiter | None = None,
          budget: CallBudget | None = None) -> boto3.Session:
    """Install the read-only refusal (and Batch's rate limit, and the scan's time budget)
    on every client of ``session``."""
    if budget is None:
        from batchlint.aws.faults import CallBudget

        budget = CallBudget()
    budget.install(session)
    events = session._session.get_component("event_emitter")
    events.register("before-parameter-build", refuse_writes, unique_id="batchlint-read-only")
    if batch_limiter is not None:
        events.register("before-call.batch", batch_limiter, unique_id="batchlint-batch-rate")
    return session


def base_session(profile: str | None, region: str | None,
                 budget: CallBudget | None = None) -> boto3.Session:
    """The user's session: boto3's default credential chain, ``--profile`` when given."""
    import boto3
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except ProfileNotFound as exc:  # --profile, or AWS_PROFILE when it is not given
        name = profile or exc.kwargs.get("profile")
        raise BatchlintError(f"AWS profile {name!r} not found in the AWS config files") from None
    except BotoCoreError as exc:  # a config file that cannot be read
        raise BatchlintError(f"cannot read the AWS configuration: {one_line(exc)}") from None
    named = profile or session._session.profile  # AWS_PROFILE when --profile is not given
    where = f"profile {named!r}" if named else "the default credential chain"
    guard(session, budget=budget)  # before credentials: the chain may call STS or SSO
    try:
        credentials = session.get_credentials()
    except BotoCoreError as exc:  # credential_process failed, source_profile missing, …
        raise BatchlintError(f"cannot get AWS credentials for {where}: {one_line(exc)}") \
            from None
    if credentials is None:
        raise BatchlintError(f"no AWS credentials for {where}")
    return session


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def assumed_session(base: boto3.Session, role_arn: str, region: str | None,
                    budget: CallBudget | None = None) -> boto3.Session:
    """A session for ``role_arn``, assumed with the base session's credentials."""
    import boto3

    sts = base.client("sts", region_name=region or base.region_name or "us-east-1",
                      config=client_config())
    from batchlint.aws.faults import reply_field

    creds = reply_field(sts, "assume_role",
                        sts.assume_role(RoleArn=role_arn, RoleSessionName="batchlint"),
                        "Credentials")
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                            aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"],
                            region_name=region or base.region_name)
    return guard(session, budget=budget)


def warm(session: boto3.Session) -> None:
    """Read the models (and endpoint rules) of the clients each region's worker makes
    (collect.RegionCollector) once into the loader that :func:`frozen_copy` shares with
    every worker: workers starting together would each parse them again (~0.3 s of CPU),
    one after the other under the GIL."""
    region, config = session.region_name or "us-east-1", client_config()
    session.client("batch", region_name=region, config=config)
    session.client("ec2", region_name=region, config=config)
    session.client("service-quotas", region_name=region, config=config)


def frozen_copy(session: boto3.Session, region: str, limiter: RateLimiter | None = None,
                budget: CallBudget | None = None) -> boto3.Session:
    """A session for one worker thread (boto3 sessions are not thread-safe), with the
    same credentials resolved once."""
    import boto3

    creds = session.get_credentials()
    if creds is None:
        raise BatchlintError("no AWS credentials")
    frozen = creds.get_frozen_credentials()
    copy = boto3.Session(aws_access_key_id=frozen.access_key,
                         aws_secret_access_key=frozen.secret_key,
                         aws_session_token=frozen.token, region_name=region)
    # reading botocore's service models again costs ~0.1 s of CPU per region, and the
    # GIL serialises it: share the loader (its cache is read-only once warm)
    loader = session._session.get_component("data_loader")
    copy._session.register_component("data_loader", loader)
    return guard(copy, limiter, budget)
