"""``data "aws_partition"`` and ``data "aws_region"``: what the AWS provider's region decides.

Terraform reads both at plan time without calling AWS, from the region of the provider
configuration the data source uses (real plans show ``aws-cn`` / ``amazonaws.com.cn``
for ``cn-north-1``, ``aws-us-gov`` for ``us-gov-west-1``: ``tests/iac/tfsource/
test_provider_data.py``). That region is known from source when the ``provider "aws"``
block (the default one, or the alias the data source names, followed up through module
calls and their ``providers`` maps) sets it; when it sets none, the region comes from the
environment (``AWS_REGION``, the profile) and what depends on it is unknown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from batchlint.loaders import tfsource_hcl as hcl
from batchlint.loaders.tfplan_refs import Outside
from batchlint.loaders.tfsource_eval import EvalError, Unknown, plain
from batchlint.loaders.tfsource_expand import expand
from batchlint.loaders.tfsource_expr import Scope, evaluate
from batchlint.loaders.tfsource_hcl import Block, HclFile

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_module import Module

KINDS = ("aws_partition", "aws_region")
# partition, DNS suffix: the partitions whose regions a plan was seen to map
_PARTITIONS = (("cn-", "aws-cn", "amazonaws.com.cn"), ("us-gov-", "aws-us-gov", "amazonaws.com"))
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


def instances(module: Module, kind: str, block: Block, file: HclFile, address: str) -> Any:
    """The data source's value (one object, or a list or map of them)."""
    expansion = expand(module, block, file, address)
    return expansion.shape([_value(module, kind, block, file, scope, address)
                            for scope in expansion.scopes])


def _value(module: Module, kind: str, block: Block, file: HclFile, scope: Scope,
           address: str) -> Any:
    named = block.body.attrs.get("name") if kind == "aws_region" else None
    region = evaluate(file, scope, named.expr) if named is not None else _region(module, block,
                                                                                 file)
    if isinstance(region, Unknown):
        why = region.why or "depends on a provider region known only after apply"
        return Unknown((Outside(address),), f"comes from `{address}`, which {why}")
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        raise EvalError(f"{region!r} is not an AWS region")
    partition, suffix = next(((p, s) for prefix, p, s in _PARTITIONS
                              if region.startswith(prefix)), ("aws", "amazonaws.com"))
    if region.startswith(("us-iso", "eu-iso")):
        return Unknown((Outside(address),), f"comes from `{address}`, in a partition "
                                            "batchlint does not know")
    if kind == "aws_partition":
        return {"partition": partition, "id": partition, "dns_suffix": suffix,
                "reverse_dns_prefix": ".".join(reversed(suffix.split(".")))}
    description = Unknown((Outside(address),), f"comes from `{address}.description`, which "
                                                "batchlint does not know")
    return {"name": region, "id": region, "endpoint": f"ec2.{region}.{suffix}",
            "description": description}


def _region(module: Module, block: Block, file: HclFile) -> Any:
    """The region of the provider configuration a data source of ``module`` uses."""
    chosen = block.body.attrs.get("provider")
    name = file.source(chosen.expr) if chosen is not None else "aws"
    current: Module | None = module
    while current is not None:
        for source in current.definition.files:
            for found in source.blocks:
                if found.type == "provider" and found.labels == ["aws"] \
                        and _alias(found, source, current) == name:
                    region = found.body.attrs.get("region")
                    if region is None:
                        return Unknown(why=f"depends on the region of provider `{name}`, which "
                                           "the configuration does not set (the environment "
                                           "or profile does)")
                    return plain(evaluate(source, current, region.expr))
        call = current.call_site
        if call is None:
            break
        passed = call.block.body.attrs.get("providers")
        if passed is not None:
            given = _passed(call.file, passed.expr)
            if name not in given:
                return Unknown(why=f"depends on provider `{name}`, which module "
                                   f"`{call.name}` is not given")
            name = given[name]
        current = call.parent
    return Unknown(why=f"depends on the region of provider `{name}`, which has no provider "
                       "block (the environment or profile sets it)")


def _alias(block: Block, file: HclFile, scope: Scope) -> str:
    alias = block.body.attrs.get("alias")
    return "aws" if alias is None else f"aws.{evaluate(file, scope, alias.expr)}"


def _passed(file: HclFile, node: hcl.Node) -> dict[str, str]:
    """A module call's ``providers = { aws = aws.other }``: names in the module → outside."""
    found = hcl.unwrap(node)
    if found.type != "object":
        raise EvalError("`providers` is not a map")
    out = {}
    for elem in hcl.kids(found):
        key, value = elem.child_by_field_name("key"), elem.child_by_field_name("val")
        if elem.type == "object_elem" and key is not None and value is not None:
            out[file.source(key)] = file.source(value)
    return out
