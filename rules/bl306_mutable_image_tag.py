from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts.image_refs import image_tag, tag_reason, tag_unknown
from batchlint.facts.jobdefs import containers
from batchlint.model import Resource, parse_path
from batchlint.rule import Context, Result, Rule
from batchlint.syntax import spell
from batchlint.unknowns import known_text


class MutableImageTag(Rule):
    """
    ## What it does
    Reports every container image of a job definition (container, multi-node,
    ECS multi-container and EKS containers) that has no tag, or whose tag is
    `latest`. An image pinned by digest (`repo@sha256:…`) passes, with or without
    a tag. A registry port is not a tag: `registry.example.com:5000/tools` has
    none. An image that uses parameter substitution (`Ref::name`) is chosen at
    submission, so it is not verified, and so is one whose tag, or last path segment,
    holds a value known only at deployment. An Amazon ECR repository's URI or name
    (CloudFormation `!GetAtt Repo.RepositoryUri`, `!Ref Repo`) has no tag.

    ## Why is this bad?
    An image without a tag is pulled as `latest`, and `latest` points at whatever
    was pushed last. Two attempts of the same job, or a job and its retry, can run
    different code; a bad push breaks every job at once, and nobody can tell which
    version produced a result or roll back by changing the job definition.

    ## Example
    ```json
    {"containerProperties": {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/align"}}
    ```

    ## Use instead
    A version tag (with ECR tag immutability turned on) or a digest:
    ```json
    {"containerProperties": {"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/align:2.4.1"}}
    ```

    ## References
    - [ContainerProperties (image)](https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerProperties.html)
    - [Amazon ECR image tag mutability](https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html)
    """

    id = "BL306"
    name = "mutable-image-tag"
    summary = "A container image has no tag or uses `latest`: what runs changes with every push."
    severity = "note"
    kinds = (m.JOB_DEFINITION,)
    tags = ("reliability",)
    precision = "very-high"

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        for container in containers(resource):
            with known_text():  # a tag after a value not known is still read
                image = container.data.get("image")
            if not isinstance(image, str) or not image.strip() or "@" in image:
                continue  # no image to judge, or pinned by digest
            path = f"{container.path}.image"
            field, tag = spell(resource, path), image_tag(image)
            if "Ref::" in image:
                yield self.not_verified(resource, f"image `{image}` ({field}) is set through "
                                        "parameter substitution when the job is submitted, so "
                                        "its tag is not in the job definition")
            elif tag_unknown(image):
                why = tag_reason(image, resource.unknown.get(parse_path(path), ""))
                yield self.not_verified(resource, f"the tag of image `{image}` ({field}) is not "
                                        f"known before deployment{': ' + why if why else ''}")
            elif tag in (None, "latest"):
                problem = "uses the `latest` tag" if tag else "has no tag, so it is pulled as " \
                                                              "`latest`"
                yield self.finding(resource, f"job definition `{resource.name}` runs image "
                                   f"`{image}` ({field}), which {problem}, a tag that moves with "
                                   "every push; pin a version tag or a digest (`@sha256:…`)", path)
