from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.jobdefs import containers, on_fargate
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell


class PrivilegedContainer(Rule):
    """
    ## What it does
    Reports every container of a job definition that runs privileged:
    `privileged: true` in `containerProperties`, in a multi-node range's
    `container`, in an ECS multi-container task (`ecsProperties`), or
    `securityContext.privileged: true` in an EKS pod's containers and init
    containers. On Fargate (`platformCapabilities: ["FARGATE"]`) the message says
    that Fargate does not support the setting at all.

    ## Why is this bad?
    A privileged container gets root-level access to its host: every device, the
    kernel's interfaces, and the other jobs that Batch packs onto the same
    instance. One compromised or buggy job can take over the node, read other
    jobs' data and use the instance role. Fargate jobs must omit `privileged` or
    set it to `false`. checkov (CKV_AWS_210) and KICS flag the same setting.

    ## Example
    ```json
    {"jobDefinitionName": "mount-s3", "type": "container",
     "containerProperties": {"image": "mountpoint:1.9", "privileged": true}}
    ```

    ## Use instead
    Drop `privileged` and map only the devices the job needs (GPUs come through
    `resourceRequirements`, not a privileged container):
    ```json
    {"containerProperties": {"image": "mountpoint:1.9", "linuxParameters": {"devices": [
      {"hostPath": "/dev/fuse", "permissions": ["READ", "WRITE"]}]}}}
    ```

    ## References
    - [ContainerProperties (privileged)](https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerProperties.html)
    - [EksContainerSecurityContext](https://docs.aws.amazon.com/batch/latest/APIReference/API_EksContainerSecurityContext.html)
    - [Job definitions on Fargate](https://docs.aws.amazon.com/batch/latest/userguide/fargate-job-definitions.html)
    """

    id = "BL304"
    name = "privileged-container"
    summary = "A container of the job definition runs privileged, with root access to its host."
    severity = "warning"
    kinds = (m.JOB_DEFINITION,)
    tags = ("security",)
    precision = "very-high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        fargate = on_fargate(resource)
        for container in containers(resource):
            path = container.privileged
            if path is None:
                continue
            label = f"container `{container.name}`" if container.name else "its container"
            what = (f"job definition `{resource.name}` runs {label} privileged "
                    f"({spell(resource, path)})")
            if fargate and not container.eks:
                yield self.finding(resource, f"{what} on Fargate, which does not support "
                                   "privileged containers: Batch requires it omitted or "
                                   "false; remove it", path)
            else:
                devices = spell(resource, f"{container.path}.linuxParameters.devices")
                fix = ("set securityContext.privileged to false" if container.eks
                       else f"remove it and map only the devices the job needs ({devices})")
                yield self.finding(resource, f"{what}, which gives it root access to the host "
                                   f"and every job placed on it; {fix}", path)
