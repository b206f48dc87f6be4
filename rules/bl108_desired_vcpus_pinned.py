"""BL108 desired-vcpus-pinned."""

from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import resources_of
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule

IAC_SOURCES = {"cloudformation": "DesiredvCpus", "terraform": "desired_vcpus"}


class DesiredVcpusPinned(Rule):
    """## What it does
    Reports compute environments whose CloudFormation template or Terraform
    configuration sets the desired vCPUs (`DesiredvCpus`, `desired_vcpus`).

    ## Why is this bad?
    Batch moves `desiredvCpus` between `minvCpus` and `maxvCpus` by itself, to
    follow the queue's demand. A value pinned in a template is stale after the
    first scaling: the next stack update tries to set it back and fails with
    "Manually scaling down compute environment is not supported", or Terraform
    shows a diff on every plan. In a live account the value is Batch's own, so
    only templates and plans are checked.

    ## Example
    ```yaml
    ComputeEnvironment:
      Type: AWS::Batch::ComputeEnvironment
      Properties:
        Type: MANAGED
        ComputeResources:
          Type: EC2
          MinvCpus: 0
          DesiredvCpus: 4
          MaxvCpus: 256
    ```

    ## Use instead
    Leave it out, and keep instances warm with `MinvCpus` or
    `ScalingPolicy.MinScaleDownDelayMinutes` if you must:
    ```yaml
        ComputeResources:
          Type: EC2
          MinvCpus: 0
          MaxvCpus: 256
    ```
    In Terraform, drop `desired_vcpus` (or add it to `lifecycle.ignore_changes`).

    ## References
    - [ComputeResource: desiredvCpus](https://docs.aws.amazon.com/batch/latest/APIReference/API_ComputeResource.html)
    - [AWS::Batch::ComputeEnvironment ComputeResources](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-batch-computeenvironment-computeresources.html)
    - [Terraform provider fix for desired_vcpus drift](https://github.com/hashicorp/terraform-provider-aws/pull/4855)
    """

    id = "BL108"
    name = "desired-vcpus-pinned"
    summary = "A template or plan sets desiredvCpus, which Batch manages itself."
    severity = "note"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability",)
    precision = "very-high"
    reads_unknowns = True  # a value set, even one not known before deployment, is pinned

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        field = IAC_SOURCES.get(resource.origin.source)
        desired = resources_of(resource).get("desiredvCpus")
        if desired is None and ("computeResources", "desiredvCpus") in resource.unknown:
            desired = "a value known only at deploy time"  # set, whatever its value
        if field is None or desired is None:
            return
        yield self.finding(
            resource, f"compute environment `{resource.name}` pins {field} to {desired}; Batch "
                      "changes it with demand, so later updates fight it — remove it",
            "computeResources.desiredvCpus")
