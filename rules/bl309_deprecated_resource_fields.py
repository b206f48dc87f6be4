from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.jobdefs import containers, on_fargate
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import API, CLOUDFORMATION, pick, spell

_TYPES = {"vcpus": "VCPU", "memory": "MEMORY"}
# one resourceRequirements entry, as each source writes it (Terraform's is JSON, as the API's)
_ENTRY = {API: '{{"type": "{type}", "value": "{value}"}}',
          CLOUDFORMATION: '{{Type: {type}, Value: "{value}"}}'}


class DeprecatedResourceFields(Rule):
    """
    ## What it does
    Reports the deprecated top-level `vcpus` and `memory` fields of a container
    job's `containerProperties` and of each multi-node range's `container`.
    (ECS multi-container and EKS jobs have no such fields.)

    ## Why is this bad?
    AWS deprecated both fields: "use resourceRequirements" says the API
    reference. `resourceRequirements` is also the only way to ask for GPUs and
    the only form that Fargate accepts, so a definition on the old fields has to
    be rewritten the day it needs either, and it states its size differently from
    every current example and tool.

    ## Example
    ```json
    {"containerProperties": {"image": "align:2.4.1", "vcpus": 4, "memory": 15000}}
    ```

    ## Use instead
    ```json
    {"containerProperties": {"image": "align:2.4.1", "resourceRequirements": [
      {"type": "VCPU", "value": "4"}, {"type": "MEMORY", "value": "15000"}]}}
    ```

    ## References
    - [ContainerProperties (vcpus, memory)](https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerProperties.html)
    - [ResourceRequirement](https://docs.aws.amazon.com/batch/latest/APIReference/API_ResourceRequirement.html)
    """

    id = "BL309"
    name = "deprecated-resource-fields"
    summary = ("A container job uses the deprecated top-level vcpus/memory instead of "
               "resourceRequirements.")
    severity = "note"
    kinds = (m.JOB_DEFINITION,)
    tags = ("reliability",)
    precision = "very-high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        for container in containers(resource):
            if not container.path.endswith(("containerProperties", ".container")):
                continue  # ECS multi-container and EKS containers have no vcpus/memory
            old = {key: container.data.get(key) for key in _TYPES}
            # 0 is no request (an unset field echoed as 0 must not count as one)
            used = {key: value for key, value in old.items()
                    if isinstance(value, int) and not isinstance(value, bool) and value > 0}
            if not used:
                continue
            fields = " and ".join(f"{spell(resource, key)} {value}" for key, value in used.items())
            entry = pick(resource, _ENTRY)
            pairs = ", ".join(entry.format(type=_TYPES[key], value=value)
                              for key, value in used.items())
            requirements = spell(resource, f"{container.path}.resourceRequirements")
            where = (f"; Fargate accepts only {requirements}" if on_fargate(resource) else "")
            yield self.finding(resource, f"job definition `{resource.name}` sets the deprecated "
                               f"{fields} in {spell(resource, container.path)}{where}; state "
                               f"it as {requirements}: [{pairs}]",
                               f"{container.path}.{next(iter(used))}")
