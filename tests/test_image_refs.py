"""Image references (BL306): which parts not known before deployment may hold the tag, and
a not-verified reason that names only those."""

from __future__ import annotations

import pytest

from batchlint.facts.image_refs import image_tag, tag_holes, tag_reason

HOST = "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com"


@pytest.mark.parametrize(("image", "tag", "holes"), [
    ("busybox", None, ()),
    ("registry.example.com:5000/tools/samtools", None, ()),
    (f"{HOST}/${{name of Repo}}", None, ()),  # a repository name: no `:`
    (f"{HOST}/${{Team}}/samtools", None, ()),  # only an earlier segment is not known
    (f"{HOST}/${{Image}}", None, ("${Image}",)),  # the whole last segment may be `x:tag`
    (f"{HOST}/${{name of Repo}}:${{Tag}}", "unknown", ("${Tag}",)),
    ("gcc:ubuntu-${Tag}", "ubuntu-unknown", ()),  # never `latest`
    ("registry.example.com/${ImportValue team/repo}", None, ("${ImportValue team/repo}",)),
    ("repo:${name of Repo}", "name", ("${name of Repo}",)),  # a name may be the tag
])
def test_tag_and_the_parts_that_may_hold_it(image: str, tag: str | None,
                                            holes: tuple[str, ...]) -> None:
    assert (image_tag(image), tag_holes(image)) == (tag, holes)


CFN_WHY = ("`ContainerProperties.Image` depends on `AWS::AccountId`, known only at deployment "
           "and `AWS::Region`, known only at deployment and parameter `Image`, which has no "
           "default")


def test_the_reason_leaves_out_the_parts_that_cannot_hold_the_tag() -> None:
    assert tag_reason(f"{HOST}/${{Image}}", CFN_WHY) == (
        "`ContainerProperties.Image` depends on parameter `Image`, which has no default")
    # a repository name's why, and the whys it is made of, go with it
    why = ("`Image` depends on `AWS::AccountId`, known only at deployment and the name of "
           "`Repo`, which depends on parameter `App`, which has no default and parameter "
           "`Env`, which has no default and parameter `Tag`, which has no default")
    assert tag_reason(f"{HOST}/${{name of Repo}}:${{Tag}}", why) == (
        "`Image` depends on parameter `Tag`, which has no default")


def test_the_reason_is_unchanged_when_every_part_may_hold_the_tag() -> None:
    why = "`container_properties.image` comes from `var.repo`, which has no default"
    assert tag_reason("registry.example.com/${var.repo}", why) == why


def test_without_a_why_of_its_own_the_reason_names_the_parts() -> None:
    # Terraform gives the why of the first unknown part only: here the registry's
    why = ("`container_properties.image` comes from `var.registry`, which has no default and "
           "no value in a tfvars file")
    assert tag_reason("${var.registry}/${var.image}", why) == "it may be in `${var.image}`"
