"""BL108 desired-vcpus-pinned."""

from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import FARGATE_TYPES, compute_type, resources_of
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.unknowns import because

IAC_SOURCES = {"cloudformation": "DesiredvCpus", "terraform": "desired_vcpus"}
# `lifecycle { ignore_changes = [...] }` entries (Terraform source) that leave desired_vcpus
# to Batch: Terraform sets it on create only, so updates never fight Batch's value
UNMANAGED = {"all", "compute_resources", "compute_resources[0]",
             "compute_resources[0].desired_vcpus"}


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
    On Fargate, where Batch has no desired vCPUs, a value other than 0 is reported as
    one that does not apply (the AWS provider does not send 0; a plan's value computed
    by the provider is not reported).
    Terraform source whose `ignore_changes` names `compute_resources[0].desired_vcpus`,
    `compute_resources` or `all` is not reported (a plan does not carry `lifecycle`).

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
        why = resource.unknown.get(("computeResources", "desiredvCpus"))
        if desired is None and why is not None:  # set, whatever its value
            desired = f"a value batchlint cannot tell ({why})"
        ignored = resource.data.get("terraformIgnoreChanges") or []  # only the source has it
        if field is None or any(str(p).replace(".0", "[0]") in UNMANAGED for p in ignored):
            return
        if desired is None and ("computeResources",) in resource.unknown:  # not read at all
            unread = resource.unknown[("computeResources",)]
            yield self.not_verified(resource, because([((), unread, "")], resource.label))
        if desired is None:
            return
        fargate = compute_type(resource) in FARGATE_TYPES  # which has no desired vCPUs
        if not fargate or (isinstance(desired, int) and desired):  # the provider omits a 0
            yield self.finding(resource, f"compute environment `{resource.name}` " + (
                f"sets {field} to {desired}, which does not apply to Fargate — remove it"
                if fargate else f"pins {field} to {desired}; Batch changes it with demand, so "
                "later updates fight it — remove it"), "computeResources.desiredvCpus")
