from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import quotas
from batchlint.facts.launch_templates import why
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import quoted


class VcpuQuotaBelowMaxVcpus(Rule):
    """The compute environments of a region can use more vCPUs than the EC2 quota allows.

    ## What it does
    Adds up, per account, region and EC2 vCPU quota (On-Demand or Spot, per
    family group: Standard, G and VT, P, …), the `maxvCpus` of every enabled
    managed EC2 and SPOT compute environment whose instance types count against
    that quota, plus the largest such instance each one may launch beyond
    `maxvCpus` (Batch may overshoot by one instance with every allocation strategy
    except `BEST_FIT` On-Demand). It reports when that total exceeds the applied
    quota, once per quota, on the environment with the largest `maxvCpus`.
    Without quota data, or when only the unknown size of the overshoot instance
    could decide, the check is not verified.

    ## Why is this bad?
    EC2 refuses instances beyond the quota, and Batch does not say so on the job:
    jobs wait in `RUNNABLE` while the environment looks healthy. New accounts start
    with 5 Standard vCPUs On-Demand and 5 Spot, and 0 for GPU families, far below
    the `maxvCpus` Batch examples use.

    ## Example
    A Standard On-Demand quota (L-1216C47A) of 5 vCPUs with
    ```json
    {"computeEnvironmentName": "batch-ec2", "type": "MANAGED",
     "computeResources": {"type": "EC2", "maxvCpus": 256, "instanceTypes": ["m5"]}}
    ```

    ## Use instead
    Request an increase of the quota (`aws service-quotas request-service-quota-increase
    --service-code ec2 --quota-code L-1216C47A --desired-value 352`) to at least the
    total, or lower `maxvCpus` to fit the applied quota.

    ## References
    - [On-Demand Instance quotas](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-on-demand-instances.html#ec2-on-demand-instances-limits)
    - [Spot Instance quotas](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html)
    - [Allocation strategies](https://docs.aws.amazon.com/batch/latest/userguide/allocation-strategies.html)
    """

    id = "BL401"
    name = "vcpu-quota-below-max-vcpus"
    summary = ("The summed maxvCpus (plus one overshoot instance) of a region's EC2/SPOT compute "
               "environments exceeds the applied EC2 vCPU quota.")
    severity = "warning"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("availability", "reliability")

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        use = ctx.memo(("BL401", "quota-use"), lambda: quotas.quota_use(ctx.model))
        for itype in use.no_code.get(resource, []):
            yield self.not_verified(resource, f"no EC2 vCPU quota code is known for `{itype}` "
                                              f"on {quotas.market(resource)}, so its vCPUs "
                                              "cannot be compared with a quota")
        for group in use.groups.get(resource, []):
            unknown = [u.unknown for u in group.usages if u.unknown]
            if not group.total and not unknown:
                continue
            quota = ctx.model.lookup(m.SERVICE_QUOTA, group.code, m.SERVICE_QUOTAS,
                                     group.account, group.region)
            value = quota.data.get("Value") if isinstance(quota, Resource) else None
            if not isinstance(value, int | float) or isinstance(value, bool):
                missing = why(quota) if not isinstance(quota, Resource) else "it has no Value"
                verb = "counts" if len(group.usages) == 1 else "count"
                names = quoted(u.ce.name for u in group.usages)
                yield self.not_verified(resource, f"{names} {verb} against "
                                        f"{quotas.describe(group.code)}, and {missing}")
            elif group.total > value:
                yield self.finding(resource, _message(group, value, bool(unknown)),
                                   "computeResources.maxvCpus")
            elif unknown:
                yield self.not_verified(resource, f"{quotas.describe(group.code)} is "
                                        f"{_number(value)}, and {unknown[0]}")


def _message(group: quotas.QuotaGroup, value: float, lower_bound: bool) -> str:
    top, *others = group.usages
    also = f" together with {', '.join(f'`{u.ce.name}`' for u in others)}" if others else ""
    parts = "; ".join(f"`{u.ce.name}` maxvCpus {u.max_vcpus}"
                      + (f" + one {u.overshoot}-vCPU instance" if u.overshoot else "")
                      for u in group.usages)
    total = f"at least {group.total}" if lower_bound else str(group.total)
    return (f"compute environment `{top.ce.name}`{also} can run {total} vCPUs ({parts}), above "
            f"{quotas.describe(group.code)} of {_number(value)} in {group.region or 'its region'}; "
            f"request a quota increase to at least {group.total} vCPUs or lower maxvCpus")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
