from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.compute import resources_of
from batchlint.facts.launch_templates import user_data
from batchlint.facts.node_images import ignored_fields, nodes
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule


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
    template version that is not in the data given makes the check not verified, and
    so does user data whose MIME header is not known before deployment (a parameter, a
    variable, `templatefile(…)`, a data source); its body alone may be unknown.

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
        scope = nodes(ctx.model, resource)
        if scope is None or scope.unknown:
            if scope:
                yield self.not_verified(resource, f"the launch template's fields are not known: "
                                                  f"{scope.unknown}")
            return
        ignored = ignored_fields(scope.template,
                                 lambda: resources_of(resource).get("instanceRole"), ctx.model)
        if ignored:
            them = "them" if len(ignored) > 1 else "it"
            yield self.finding(resource, f"{scope.uses}, which sets what Batch ignores: "
                               f"{'; '.join(ignored)}; remove {them} from the template",
                               "computeResources.launchTemplate")
        kind, unsure = user_data(scope.version)
        if unsure:
            yield self.not_verified(resource, f"{scope.uses}, whose user data's MIME header is "
                                              f"not known: {unsure}")
        elif kind is not None and not kind.startswith("multipart/"):
            what = f"Content-Type {kind}" if kind else "no MIME Content-Type header"
            yield self.finding(resource, f"{scope.uses}, whose user data is not a MIME "
                               f"multi-part archive ({what}), so Batch cannot merge it with its "
                               "own and the environment goes INVALID; wrap it in a `Content-Type: "
                               "multipart/mixed` document", "computeResources.launchTemplate")
