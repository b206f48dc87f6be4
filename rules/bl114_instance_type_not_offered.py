from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import is_managed_ec2
from batchlint.facts.placement import describe, exact_types, offered_zones, subnet_zones
from batchlint.model import Resource, Unknown
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell


class InstanceTypeNotOffered(Rule):
    """
    ## What it does
    Reports an exact instance type (such as `p4d.24xlarge`) in a managed EC2/SPOT
    compute environment's `instanceTypes` that is offered in none of the Availability
    Zones of the environment's subnets. Families (`m6i`) and `optimal` are not
    checked: Batch picks among the sizes a zone offers.

    ## Why is this bad?
    Batch launches only in the environment's subnets. A type no zone of theirs offers
    is never launched: jobs that need it stay `RUNNABLE`, and an environment that
    names only such types never scales up.

    ## Example
    ```json
    {"computeEnvironmentName": "gpu", "computeResources": {
      "type": "EC2", "instanceTypes": ["p4d.24xlarge"], "subnets": ["subnet-in-us-east-1f"]}}
    ```

    ## Use instead
    Add subnets in zones that offer the type (`aws ec2 describe-instance-type-offerings
    --location-type availability-zone --filters Name=instance-type,Values=p4d.24xlarge`),
    or name a type those zones offer.

    ## References
    - [DescribeInstanceTypeOfferings](https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html)
    - [Finding an Amazon EC2 instance type](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-discovery.html)
    """

    id = "BL114"
    name = "instance-type-not-offered"
    summary = ("An exact instance type of a managed EC2/SPOT compute environment is offered "
               "in none of the Availability Zones of its subnets.")
    severity = "warning"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("availability",)

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        types = exact_types(resource)
        if not is_managed_ec2(resource) or not types:
            return
        subnets = subnet_zones(ctx.model, resource)
        if not subnets.zones:
            if subnets.unknown:
                yield self.not_verified(resource, subnets.unknown[0])
            return
        for i, itype in types:
            offered = offered_zones(ctx.model, itype, resource.account, resource.region,
                                    resource.origin.source)
            if isinstance(offered, Unknown):
                yield self.not_verified(resource, offered.reason)
                continue
            if offered & subnets.zones.keys():
                continue
            if subnets.unknown:
                yield self.not_verified(resource, f"`{itype}` is offered in none of "
                                        f"{describe(subnets.zones)}, and "
                                        f"{subnets.unknown[0]}")
                continue
            zones = describe(subnets.zones)
            where = f"only in {', '.join(sorted(offered))}, none of them a zone of its " \
                f"subnets ({zones})" if offered else f"in no Availability Zone of " \
                f"{resource.region or 'the region'} (its subnets are in {zones})"
            yield self.finding(resource, f"compute environment `{resource.name}` names "
                               f"instance type `{itype}`, which is offered {where}, so Batch "
                               "can never "
                               "launch it; add subnets in a zone that offers it or change "
                               f"{spell(resource, 'computeResources.instanceTypes')}",
                               f"computeResources.instanceTypes[{i}]")
