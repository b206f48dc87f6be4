from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from batchlint import model as m
from batchlint.facts import launch_templates as lt
from batchlint.facts.compute import is_managed_ec2, resources_of
from batchlint.model import Absent, Json, Resource, Unknown
from batchlint.rule import Context, Result, Rule
from batchlint.unknowns import known_text


class LaunchTemplateIgnoredFields(Rule):
    """The launch template sets fields Batch ignores, or user data that is not MIME multi-part.

    ## What it does
    Reads the launch template version a managed EC2 or SPOT compute environment
    launches with and reports the fields Batch ignores: `InstanceType`,
    `IamInstanceProfile` (unless it names the environment's own `instanceRole`,
    when ignoring it changes nothing), a network interface's `SubnetId`,
    `InstanceMarketOptions` and `DisableApiTermination`. It also reports
    `UserData` that is not a MIME multi-part archive (its `Content-Type` header
    is not `multipart/...`; a snapshot keeps just these headers). A launch
    template version that is not in the data given makes the check not verified.

    ## Why is this bad?
    Batch builds its own launch template from yours and takes these settings
    from the compute environment: instance types from `instanceTypes`, the
    instance profile from `instanceRole`, subnets from `subnets`, Spot from the
    environment's type, and it must be free to terminate instances. The ignored
    fields mislead whoever reads the template into thinking they apply. Batch
    also merges your user data with its own, which works only for a MIME
    multi-part archive; otherwise the environment goes `INVALID` with
    `Launch Template UserData is not MIME multipart format`.

    ## Example
    ```json
    {"LaunchTemplateData": {"InstanceType": "m5.large",
      "InstanceMarketOptions": {"MarketType": "spot"},
      "UserData": "IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo="}}
    ```
    (the user data is a plain `#!/bin/bash` script)

    ## Use instead
    Instance types, role, subnets and Spot on the compute environment, and user
    data wrapped in a MIME multi-part archive (base64-encoded in the template):
    ```
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="==BOUNDARY=="

    --==BOUNDARY==
    Content-Type: text/x-shellscript; charset="us-ascii"

    #!/bin/bash
    echo hello

    --==BOUNDARY==--
    ```

    ## References
    - [Launch template support](https://docs.aws.amazon.com/batch/latest/userguide/launch-templates.html)
    - [Amazon EC2 user data in launch templates](https://docs.aws.amazon.com/batch/latest/userguide/launch-templates.html#lt-user-data)
    """

    id = "BL112"
    name = "launch-template-ignored-fields"
    summary = ("A compute environment's launch template sets fields Batch ignores (InstanceType, "
               "IamInstanceProfile, subnets, market options) or non-MIME user data.")
    severity = "warning"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability",)

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        if not is_managed_ec2(resource):
            return
        version = lt.resolve_version(ctx.model, resource)
        if isinstance(version, Absent | Unknown):
            yield self.not_verified(resource, f"the launch template's fields are not known: "
                                              f"{lt.why(version)}")
            return
        data = lt.template_data(version)
        where = f"compute environment `{resource.name}` uses {lt.describe(resource)}"
        ignored = _ignored(data, lambda: resources_of(resource).get("instanceRole"))
        if ignored:
            them = "them" if len(ignored) > 1 else "it"
            yield self.finding(resource, f"{where}, which sets what Batch ignores: "
                               f"{'; '.join(ignored)}; remove {them} from the template",
                               "computeResources.launchTemplate")
        with known_text():  # the MIME header of user data built from values not known
            kind = lt.user_data_type(data)
        if kind is not None and not kind.startswith("multipart/"):
            what = f"Content-Type {kind}" if kind else "no MIME Content-Type header"
            yield self.finding(resource, f"{where}, whose user data is not a MIME multi-part "
                               f"archive ({what}), so Batch cannot merge it with its own and the "
                               "environment goes INVALID; wrap it in a `Content-Type: "
                               "multipart/mixed` document", "computeResources.launchTemplate")


def _profile_name(ref: object) -> str:
    """``arn:…:instance-profile/path/name`` or ``name`` → ``name``."""
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else ""


def _ignored(data: Mapping[str, Json], instance_role: Callable[[], object]) -> list[str]:
    """Each field Batch ignores, with its value and where Batch takes the setting from."""
    out = []
    if isinstance(data.get("InstanceType"), str) and data["InstanceType"]:
        out.append(f"InstanceType `{data['InstanceType']}` (Batch launches the compute "
                   "environment's instanceTypes)")
    profile = data.get("IamInstanceProfile")
    named = profile.get("Arn") or profile.get("Name") if isinstance(profile, Mapping) else None
    if isinstance(named, str) and named and _profile_name(named) != _profile_name(instance_role()):
        out.append(f"IamInstanceProfile `{named}` (instances "
                   "get the compute environment's instanceRole)")
    interfaces = data.get("NetworkInterfaces")
    for i, nic in enumerate(interfaces if isinstance(interfaces, list) else []):
        if isinstance(nic, Mapping) and nic.get("SubnetId"):
            out.append(f"NetworkInterfaces[{i}].SubnetId `{nic['SubnetId']}` (instances go to "
                       "the compute environment's subnets)")
    market = data.get("InstanceMarketOptions")
    # Spot is the environment's to choose; a Capacity Block (`capacity-block`) is how a
    # launch template points Batch at reserved capacity, and is honoured
    if isinstance(market, Mapping) and market and \
            str(market.get("MarketType", "spot")).lower() == "spot":
        out.append(f"InstanceMarketOptions `{market.get('MarketType', '…')}` (Batch controls "
                   "Spot from the compute environment's type)")
    if data.get("DisableApiTermination") is True:
        out.append("DisableApiTermination (Batch must be able to terminate instances)")
    return out
