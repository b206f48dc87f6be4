from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import FARGATE_TYPES, compute_type, is_managed
from batchlint.facts.network import NONE, network_path
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell


class ComputeWithoutNetworkPath(Rule):
    """
    ## What it does
    Reports a managed compute environment whose instances cannot reach the ECS, ECR
    and S3 endpoints. A subnet has a path when its route table (its explicit
    association, else the VPC's main table) has an active `0.0.0.0/0` route to a NAT
    gateway or NAT instance; or to an internet gateway while instances get a public
    IP (EC2/SPOT: the subnet's `MapPublicIpOnLaunch` or the launch template's
    `AssociatePublicIpAddress`; Fargate: see BL310); or when the VPC has interface
    endpoints with private DNS for `ecs`, `ecs-agent`, `ecs-telemetry`, `ecr.api` and
    `ecr.dkr`, and an `s3` endpoint. It fires when no subnet has a path, or when the
    environment's security groups together allow no outbound TCP 443. A blackhole
    route is no route; a default route to a transit gateway, peering connection,
    virtual private gateway, network interface or firewall endpoint is not verified.

    ## Why is this bad?
    Instances that cannot reach ECS never register with the cluster, so jobs stay
    `RUNNABLE` for ever; Fargate tasks that cannot reach ECR fail with
    `ResourceInitializationError` or `CannotPullContainerError`. Nothing in Batch
    says why: the environment stays `VALID`.

    ## Example
    A private subnet whose route table has only the `local` route, in a VPC without
    endpoints:
    ```json
    {"computeEnvironmentName": "genomics", "type": "MANAGED",
     "computeResources": {"type": "EC2", "subnets": ["subnet-private"],
                          "securityGroupIds": ["sg-batch"]}}
    ```

    ## Use instead
    Route the subnet's `0.0.0.0/0` to a NAT gateway (`{"DestinationCidrBlock":
    "0.0.0.0/0", "NatGatewayId": "nat-0abc"}`), or add the `ecs`, `ecs-agent`,
    `ecs-telemetry`, `ecr.api`, `ecr.dkr` interface endpoints with private DNS and an
    `s3` gateway endpoint, and allow outbound TCP 443 in the security group.

    ## References
    - [Compute environment networking](https://docs.aws.amazon.com/batch/latest/userguide/create-public-private-vpc.html)
    - [Why is my job stuck in RUNNABLE?](https://repost.aws/knowledge-center/batch-job-stuck-runnable-status)
    - [ECS interface VPC endpoints](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html)
    - [ECR interface VPC endpoints](https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html)
    """

    id = "BL113"
    name = "compute-without-network-path"
    summary = ("A managed compute environment's instances cannot reach ECS, ECR and S3 "
               "(no NAT, public IP or VPC endpoints; no outbound TCP 443).")
    severity = "error"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability", "availability")

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        if not is_managed(resource) or compute_type(resource) is None:
            return
        verdict = network_path(ctx.model, resource)
        name = resource.name
        fargate = compute_type(resource) in FARGATE_TYPES
        result = "tasks never pull their image" if fargate else \
            "instances never join the cluster"
        if verdict.reaches is False:
            why = "; ".join(s.why for s in verdict.subnets if s.state == NONE)
            yield self.finding(resource, f"compute environment `{name}` has no network path "
                               f"to ECS, ECR and S3: {why}, so its {result} and jobs stay "
                               f"RUNNABLE; route {spell(resource, 'computeResources.subnets')}"
                               " through a NAT gateway, give instances a public IP behind an "
                               "internet gateway, or add the ecs, ecs-agent, ecs-telemetry, "
                               "ecr.api, ecr.dkr and s3 VPC endpoints",
                               "computeResources.subnets")
        if verdict.egress is False:
            where = spell(resource, verdict.fix_groups) if verdict.fix_groups else "them"
            yield self.finding(resource, f"compute environment `{name}`: {verdict.egress_why}, "
                               f"so its {result}; add an outbound rule for TCP 443 to {where}",
                               "computeResources.securityGroupIds")
        if verdict.reaches is not False and verdict.egress is not False and verdict.reasons:
            yield self.not_verified(resource, "; ".join(verdict.reasons))
