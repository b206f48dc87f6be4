from __future__ import annotations

from collections.abc import Iterable, Mapping

from batchlint import model as m
from batchlint.facts.compute import resources_of
from batchlint.model import Json, Resource
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import API, CLOUDFORMATION, TERRAFORM, pick, spell
from batchlint.unknowns import known_text

# how each source pins the number the template itself computes
_PIN = {API: "the version number",
        CLOUDFORMATION: "`!GetAtt {lt}.LatestVersionNumber`",
        TERRAFORM: "`{lt}.latest_version`"}
_SOMEWHERE = {API: "", CLOUDFORMATION: "<template>", TERRAFORM: "aws_launch_template.<name>"}


class LaunchTemplateVersionFloating(Rule):
    """
    ## What it does
    Reports a compute environment whose launch template (or a launch template
    override) has `version` `$Latest` or `$Default`, or no version (which is
    `$Default`). A number, including one the template or plan computes
    (CloudFormation `!GetAtt LT.LatestVersionNumber`, Terraform's
    `latest_version`), is pinned: no finding.

    ## Why is this bad?
    Batch resolves `$Latest` and `$Default` when the environment is created or
    updated, not when it launches an instance. A new template version (a bigger
    disk, a new AMI, fixed user data) therefore does not reach new instances
    until the environment goes through an infrastructure update, and an AMI from
    the template changes only with `updateToLatestImageVersion`. The template
    says one thing and the instances run another, and the next unrelated update
    silently rolls the change out.

    ## Example
    ```yaml
    ComputeResources:
      LaunchTemplate: {LaunchTemplateId: !Ref DiskTemplate, Version: $Latest}
    ```

    ## Use instead
    Pin the version the template computes, so that a new version updates the
    environment with it:
    ```yaml
    ComputeResources:
      LaunchTemplate: {LaunchTemplateId: !Ref DiskTemplate,
                       Version: !GetAtt DiskTemplate.LatestVersionNumber}
    ```

    ## References
    - [LaunchTemplateSpecification (version)](https://docs.aws.amazon.com/batch/latest/APIReference/API_LaunchTemplateSpecification.html)
    - [Perform infrastructure updates](https://docs.aws.amazon.com/batch/latest/userguide/infrastructure-updates.html)
    - [Use Amazon EC2 launch templates with AWS Batch](https://docs.aws.amazon.com/batch/latest/userguide/launch-templates.html)
    """

    id = "BL116"
    name = "launch-template-version-floating"
    summary = ("A compute environment's launch template version is $Latest, $Default or "
               "omitted, which Batch resolves only when the environment is updated.")
    severity = "note"
    kinds = (m.COMPUTE_ENVIRONMENT,)
    tags = ("reliability",)
    precision = "very-high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        spec = resources_of(resource).get("launchTemplate")
        if not isinstance(spec, Mapping):
            return
        overrides = spec.get("overrides")
        specs = [("computeResources.launchTemplate", spec)] + [
            (f"computeResources.launchTemplate.overrides[{i}]", o)
            for i, o in enumerate(overrides if isinstance(overrides, list) else [])
            if isinstance(o, Mapping)]
        for path, entry in specs:
            version, ref = _version(entry), _name(entry)
            if version is None or version.isdigit():
                continue  # no template, or a pinned number
            field = spell(resource, f"{path}.version")
            if version not in ("$Latest", "$Default"):
                yield self.not_verified(resource, f"{field} of launch template `{ref}` is "
                                        f"`{version}`, not a number, $Latest or $Default")
                continue
            # a template of the same file or plan is named as the fix must name it
            given = ctx.model.find_all(m.LAUNCH_TEMPLATE_VERSION, ref, resource.account,
                                       resource.region)
            pin = pick(resource, _PIN).format(lt=ref if given else pick(resource, _SOMEWHERE))
            said = f"{field} {version}" if "version" in entry else f"no {field} ({version})"
            yield self.finding(resource, f"compute environment `{resource.name}` uses launch "
                               f"template `{ref}` with {said}, which Batch resolves "
                               "only when the environment is created or updated, so new "
                               "template versions do not reach new instances; pin "
                               f"{pin} and update the environment when it "
                               "changes", f"{path}.version" if "version" in entry else path)


def _version(entry: Mapping[str, Json]) -> str | None:
    """The version of an entry that names a template (``$Default`` when it has none)."""
    if not _name(entry):
        return None
    version = entry.get("version")
    if isinstance(version, int) and not isinstance(version, bool):
        return str(version)
    text = version.strip() if isinstance(version, str) else ""
    return {"": "$Default", "$latest": "$Latest", "$default": "$Default"}.get(text.lower(), text)


def _name(entry: Mapping[str, Json]) -> str:
    """The template as the user wrote it (``${LaunchTemplateId}`` for a parameter without
    default): only the version decides, so a name not known is no reason to doubt it."""
    with known_text():
        for key in ("launchTemplateName", "launchTemplateId"):
            ref = entry.get(key)
            if isinstance(ref, str) and ref:
                return ref
    return ""
