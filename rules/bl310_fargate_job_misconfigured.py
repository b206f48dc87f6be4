from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from batchlint import model as m
from batchlint.facts.compute import FARGATE_TYPES, compute_type, is_enabled
from batchlint.facts.jobdefs import containers, on_fargate
from batchlint.facts.network import internet_only_through_gateway
from batchlint.model import Json, Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell
from batchlint.unknowns import because, recording

MIN_GIB, MAX_GIB = 21, 200  # Fargate's ephemeralStorage.sizeInGiB
LOG_DRIVERS = ("awslogs", "splunk")  # the only ones Batch allows on Fargate


class FargateJobMisconfigured(Rule):
    """
    ## What it does
    Reports a job definition for the `FARGATE` platform that has no
    `executionRoleArn`; asks for `ephemeralStorage.sizeInGiB` outside 21-200;
    uses a `logConfiguration.logDriver` other than `awslogs` or `splunk`; or
    leaves `networkConfiguration.assignPublicIp` `DISABLED` (the default) while
    every subnet of every enabled Fargate compute environment in its region
    reaches the internet only through an internet gateway. Each task of an ECS
    multi-container job (`ecsProperties.taskProperties[]`) is checked like
    `containerProperties`. The network clause is not verified when the subnets'
    route tables are not in the data given.

    ## Why is this bad?
    Batch rejects or never runs such jobs: Fargate pulls the image and sends
    logs with the execution role, so without one the job cannot start; storage
    and log drivers outside what Fargate offers are refused. A task without a
    public IP in a subnet whose only way out is an internet gateway cannot reach
    the registry, and fails with `CannotPullContainerError` or
    `ResourceInitializationError`.

    ## Example
    ```json
    {"jobDefinitionName": "etl", "type": "container", "platformCapabilities": ["FARGATE"],
     "containerProperties": {"image": "etl:1.4", "logConfiguration": {"logDriver": "json-file"},
                             "ephemeralStorage": {"sizeInGiB": 500}}}
    ```

    ## Use instead
    ```json
    {"jobDefinitionName": "etl", "type": "container", "platformCapabilities": ["FARGATE"],
     "containerProperties": {
       "image": "etl:1.4",
       "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
       "ephemeralStorage": {"sizeInGiB": 200},
       "networkConfiguration": {"assignPublicIp": "ENABLED"}}}
    ```

    ## References
    - [Job definitions on Fargate](https://docs.aws.amazon.com/batch/latest/userguide/fargate-job-definitions.html)
    - [EphemeralStorage](https://docs.aws.amazon.com/batch/latest/APIReference/API_EphemeralStorage.html)
    - [LogConfiguration](https://docs.aws.amazon.com/batch/latest/APIReference/API_LogConfiguration.html)
    - [NetworkConfiguration](https://docs.aws.amazon.com/batch/latest/APIReference/API_NetworkConfiguration.html)
    - [AWS Batch IAM execution role](https://docs.aws.amazon.com/batch/latest/userguide/execution-IAM-role.html)
    """

    id = "BL310"
    name = "fargate-job-misconfigured"
    summary = ("A Fargate job definition has no execution role, ephemeral storage outside "
               "21-200 GiB, a log driver Fargate lacks, or no way to pull its image.")
    severity = "error"
    kinds = (m.JOB_DEFINITION,)
    tags = ("reliability",)

    reads_unknowns = True  # its checks are independent: one not known hides no other

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        with recording() as hits:
            fargate = on_fargate(resource)
        if not fargate:
            if hits:
                yield self.not_verified(resource, because(hits, resource.label))
            return
        for part in (self._task_settings, self._log_drivers, self._network):
            with recording() as read:
                results = list(part(resource, ctx))
            hits += read
            yield from () if read else results
        if hits:  # what the others found stands
            yield self.not_verified(resource, because(hits, resource.label))

    def _task_settings(self, resource: Resource, ctx: Context) -> Iterator[Result]:
        name = resource.name
        for path, task in _tasks(resource):
            if not task.get("executionRoleArn"):
                yield self.finding(resource, f"Fargate job definition `{name}` sets no "
                                   f"{spell(resource, f'{path}.executionRoleArn')}, so Fargate "
                                   "cannot pull its image or send its logs; set a role that "
                                   "trusts ecs-tasks.amazonaws.com with the "
                                   "AmazonECSTaskExecutionRolePolicy policy", path)
            size = _mapping(task.get("ephemeralStorage")).get("sizeInGiB")
            if isinstance(size, int) and not MIN_GIB <= size <= MAX_GIB:
                at = f"{path}.ephemeralStorage.sizeInGiB"
                yield self.finding(resource, f"Fargate job definition `{name}` asks for "
                                   f"{spell(resource, at)} {size}; Fargate offers "
                                   f"{MIN_GIB}-{MAX_GIB} GiB", at)

    def _log_drivers(self, resource: Resource, ctx: Context) -> Iterator[Result]:
        for container in containers(resource):
            driver = _mapping(container.data.get("logConfiguration")).get("logDriver")
            if isinstance(driver, str) and driver not in LOG_DRIVERS:
                at = f"{container.path}.logConfiguration.logDriver"
                label = container.data.get("name")
                whose = f", container `{label}`," if isinstance(label, str) and label else ""
                yield self.finding(resource, f"Fargate job definition `{resource.name}`{whose} "
                                   f"uses {spell(resource, at)} {driver}; Fargate jobs can use "
                                   f"only {' or '.join(LOG_DRIVERS)}", at)

    def _network(self, resource: Resource, ctx: Context) -> Iterator[Result]:
        private: list[tuple[str, str]] = []  # (where, assignPublicIp in words)
        for path, task in _tasks(resource):
            public = _mapping(task.get("networkConfiguration")).get("assignPublicIp")
            if str(public or "DISABLED").upper() != "ENABLED":
                where = f"{path}.networkConfiguration.assignPublicIp" if public else path
                private.append((where, "DISABLED" if public else "not set (DISABLED)"))
        scope = ("BL310", resource.account, resource.region)  # once per region, not per job
        environments = ctx.memo((*scope, "environments"), lambda: [
            ce for ce in ctx.model.in_region(m.COMPUTE_ENVIRONMENT, resource.account,
                                             resource.region)
            if compute_type(ce) in FARGATE_TYPES and is_enabled(ce)])
        if not private:
            return
        region = resource.region or "its region"
        verdict = ctx.memo((*scope, "verdict"), lambda: internet_only_through_gateway(
            ctx.model, environments) if environments else f"there is no enabled Fargate compute "
            f"environment in {region} in the data")
        where, value = private[0]
        field = spell(resource, where if value == "DISABLED"
                      else f"{where}.networkConfiguration.assignPublicIp")
        names = ctx.memo((*scope, "names"), lambda: ", ".join(f"`{ce.name}`"
                                                               for ce in environments))
        names = f" ({names})" if names else ""
        name = resource.name
        if verdict is True:
            yield self.finding(resource, f"Fargate job definition `{name}` leaves {field} "
                               f"{value}, and every subnet of the Fargate compute environments "
                               f"of its region{names} reaches the internet only through an "
                               "internet gateway, so no task can pull its image; set it "
                               "ENABLED, or route the subnets through a NAT gateway", where)
        elif isinstance(verdict, str):
            yield self.not_verified(resource, f"{field} is {value}, and whether the subnets of "
                                    f"the Fargate compute environments of its region{names} "
                                    "reach the internet only through an internet gateway, so "
                                    f"that a task cannot pull its image, is not known: {verdict}")


def _tasks(jobdef: Resource) -> Iterator[tuple[str, Mapping[str, Json]]]:
    """(path, properties) of what holds a Fargate task's role, storage and network."""
    container = jobdef.data.get("containerProperties")
    if isinstance(container, Mapping):
        yield "containerProperties", container
    tasks = _mapping(jobdef.data.get("ecsProperties")).get("taskProperties")
    for i, task in enumerate(tasks if isinstance(tasks, list) else []):
        if isinstance(task, Mapping):
            yield f"ecsProperties.taskProperties[{i}]", task


def _mapping(value: Json) -> Mapping[str, Json]:
    return value if isinstance(value, Mapping) else {}
