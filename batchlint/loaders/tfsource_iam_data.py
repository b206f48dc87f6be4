"""``data "aws_iam_policy"``: the policy's ARN, where the configuration decides it.

What the provider does (hashicorp/aws ``internal/service/iam/policy_data_source.go``):
given ``arn``, it reads that policy (``GetPolicy``) and sets ``arn`` and ``id`` to the ARN
IAM returns for it, the one given (a plan that reads a policy that does not exist fails).
Given ``name`` (``arn`` unset or ``""``) and perhaps ``path_prefix``, it lists every policy
under the prefix (default ``/``), the account's and AWS's alike, keeps those of exactly
that name and requires one: so when the name is that of an AWS managed policy whose path
batchlint knows and the prefix admits that path, a plan that succeeds found that policy
(a customer policy of the same name would make two), in the partition of the provider's
region. ``name`` and ``path_prefix`` are then as written. The document, path,
description and the rest come from AWS at plan time: unknown here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from batchlint.loaders import tfsource_provider
from batchlint.loaders.tfplan_refs import Outside
from batchlint.loaders.tfsource_eval import EvalError, Unknown, plain
from batchlint.loaders.tfsource_expand import expand
from batchlint.loaders.tfsource_expr import Scope, evaluate
from batchlint.loaders.tfsource_hcl import Block, Body, HclFile

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_module import Module

# the AWS managed policies batchlint reads (facts/batch_roles.py, facts/iam_eval.py): path
_AWS_MANAGED = {"AWSBatchServiceRole": "/service-role/",
                "AmazonEC2ContainerServiceforEC2Role": "/service-role/",
                "AmazonECSTaskExecutionRolePolicy": "/service-role/",
                "AdministratorAccess": "/"}
_COMPUTED = ("attachment_count", "description", "name", "path", "policy", "policy_id", "tags")


def instances(module: Module, block: Block, file: HclFile, address: str) -> Any:
    """The data source's value: one object, or a list (``count``) or map (``for_each``)."""
    expansion = expand(module, block, file, address)
    return expansion.shape([_value(module, block, file, scope, address)
                            for scope in expansion.scopes])


def _value(module: Module, block: Block, file: HclFile, scope: Scope, address: str) -> Any:
    attrs = block.body.attrs
    arn, name, prefix = (plain(evaluate(file, scope, attrs[k].expr)) if k in attrs else None
                         for k in ("arn", "name", "path_prefix"))
    if arn is not None and (name is not None or prefix is not None):
        raise EvalError("`arn` of data.aws_iam_policy conflicts with `name` and `path_prefix`")
    out: dict[str, Any] = {k: Unknown((Outside(address, f"{address}.{k}"),)) for k in _COMPUTED}
    out["path_prefix"] = prefix
    if name is not None:
        out["name"] = name
    if arn is not None and arn != "":
        if not isinstance(arn, str | Unknown):
            raise EvalError("`arn` of data.aws_iam_policy is not a string")
        out["arn"] = out["id"] = arn
        return out
    path = _AWS_MANAGED.get(name) if isinstance(name, str) else None
    if path is None or not isinstance(prefix, str | None) or not path.startswith(prefix or "/"):
        out["arn"] = out["id"] = Unknown((Outside(address, f"{address}.arn"),))
        return out
    partition = _partition(module, block, file, address)
    out["arn"] = out["id"] = partition if isinstance(partition, Unknown) else \
        f"arn:{partition}:iam::aws:policy{path}{name}"
    return out


def _partition(module: Module, block: Block, file: HclFile, address: str) -> Any:
    """The partition of the provider configuration the data source uses."""
    chosen = {k: a for k, a in block.body.attrs.items() if k == "provider"}
    found = tfsource_provider.instances(module, "aws_partition", replace(block, body=Body(chosen)),
                                        file, address)
    return found["partition"] if isinstance(found, dict) else found
