"""Terraform modules read from source: variables, locals, outputs and module calls.

A :class:`Module` is one module *instance* (``module.a["x"].module.b``): its variables
take the call's arguments, else their defaults (and, in the root module, the tfvars);
locals and outputs are evaluated when read. Local module calls (``source = "./…"``) are
followed at any depth; a remote module's outputs are unknown.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from batchlint.loaders.tfplan_refs import Outside, Part, render
from batchlint.loaders.tfsource_eval import EvalError, Lazy, Unknown
from batchlint.loaders.tfsource_expand import META, Expansion, expand
from batchlint.loaders.tfsource_expr import evaluate
from batchlint.loaders.tfsource_guard import check_call
from batchlint.loaders.tfsource_hcl import Attr, Block, HclFile
from batchlint.loaders.tfsource_types import convert

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_resource import ResourceNode, Run

Thunk = Callable[[], Any]


@dataclass
class ModuleDef:
    """The blocks of one module directory."""

    directory: str
    files: list[HclFile]
    variables: dict[str, tuple[Block, HclFile]] = field(default_factory=dict)
    locals: dict[str, tuple[Attr, HclFile]] = field(default_factory=dict)
    resources: dict[str, tuple[Block, HclFile]] = field(default_factory=dict)
    calls: dict[str, tuple[Block, HclFile]] = field(default_factory=dict)
    outputs: dict[str, tuple[Block, HclFile]] = field(default_factory=dict)
    data: dict[str, tuple[Block, HclFile]] = field(default_factory=dict)

    @staticmethod
    def of(directory: str, files: list[HclFile]) -> ModuleDef:
        out = ModuleDef(directory, files)
        for file in files:
            for block in file.blocks:
                kind, labels = block.type, block.labels
                if kind == "variable" and len(labels) == 1:
                    out.variables[labels[0]] = (block, file)
                elif kind == "locals":
                    out.locals.update({n: (a, file) for n, a in block.body.attrs.items()})
                elif kind == "resource" and len(labels) == 2:
                    out.resources[f"{labels[0]}.{labels[1]}"] = (block, file)
                elif kind == "module" and len(labels) == 1:
                    out.calls[labels[0]] = (block, file)
                elif kind == "output" and len(labels) == 1:
                    out.outputs[labels[0]] = (block, file)
                elif kind == "data" and len(labels) == 2:
                    out.data[f"{labels[0]}.{labels[1]}"] = (block, file)
        return out


class Module:
    """One module instance, and the scope its expressions are evaluated in."""

    def __init__(self, run: Run, definition: ModuleDef, parts: list[Part],
                 inputs: dict[str, Thunk] | None, root_values: dict[str, Any] | None = None,
                 call_site: ModuleCall | None = None):
        self.run, self.definition, self.parts = run, definition, parts
        self.call_site = call_site  # None: the root module
        self.inputs = inputs  # None: the root module
        self.root_values = root_values or {}
        self.prefix = render(parts) + "." if parts else ""
        self._vars: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._busy: set[str] = set()
        self.resources: dict[str, ResourceNode] = {}
        self.calls: dict[str, ModuleCall] = {}

    # -- Scope ------------------------------------------------------------------------
    def root(self, name: str) -> Any:
        if name == "var":
            return _Namespace(self.variable)
        if name == "local":
            return _Namespace(self.local)
        if name == "module":
            return _Namespace(lambda n: self.call(n).value())
        if name == "data":
            return _Namespace(lambda t: _Namespace(lambda n: self.data(t, n)))
        if name == "path":  # as `terraform` run in the root module's directory has them
            found = os.path.relpath(self.definition.directory, self.run.root_dir)
            return {"module": found.replace(os.sep, "/"), "root": ".",
                    "cwd": os.path.abspath(self.run.root_dir)}
        if name == "terraform":
            return {"workspace": "default"}
        if name in ("count", "each", "self"):
            raise EvalError(f"`{name}` is not available here")
        return _Namespace(lambda n: self.resource(f"{name}.{n}").value())

    def decide(self, condition: str, value: Unknown) -> bool | None:
        label = f"`{condition}`" + (f" in `{self.prefix[:-1]}`" if self.prefix else "")
        return self.run.decide(label, value)

    def work_dir(self) -> str:
        return self.run.root_dir

    # -- names ------------------------------------------------------------------------
    def _once(self, table: dict[str, Any], key: str, make: Thunk) -> Any:
        if key in table:
            return table[key]
        if key in self._busy:
            raise EvalError(f"`{key}` refers to itself")
        self._busy.add(key)
        try:
            table[key] = make()
        except EvalError as exc:
            table[key] = Unknown((Outside(f"{self.prefix}{key}"),),
                                 f"comes from `{key}`, which batchlint cannot evaluate: {exc}")
        finally:
            self._busy.discard(key)
        return table[key]

    def variable(self, name: str) -> Any:
        if name not in self.definition.variables:
            raise EvalError(f"no variable `{name}`")
        return self._once(self._vars, f"var.{name}", lambda: self._variable(name))

    def _variable(self, name: str) -> Any:
        block, file = self.definition.variables[name]
        if self.inputs is not None and name in self.inputs:
            value = self.inputs[name]()
        elif self.inputs is None and name in self.root_values:
            value = self.root_values[name]
        elif "default" in block.body.attrs:
            value = evaluate(file, self, block.body.attrs["default"].expr)
        else:
            where = " and no value in a tfvars file" if self.inputs is None else ""
            return Unknown((Outside(f"{self.prefix}var.{name}"),),
                           f"comes from `var.{name}`, which has no default{where}")
        kind = block.body.attrs.get("type")
        return value if kind is None else convert(file, kind.expr, value)

    def local(self, name: str) -> Any:
        if name not in self.definition.locals:
            raise EvalError(f"no local value `{name}`")
        attr, file = self.definition.locals[name]
        return self._once(self._locals, f"local.{name}", lambda: evaluate(file, self, attr.expr))

    def data(self, kind: str, name: str) -> Any:
        """A data source: read from AWS, but for those the configuration decides (policy
        documents built from their blocks, the provider's partition and region, a policy's ARN)."""
        found = self.definition.data.get(f"{kind}.{name}")
        if found is None:
            raise EvalError(f"no data source `data.{kind}.{name}`")
        address = f"{self.prefix}data.{kind}.{name}"
        from batchlint.loaders import tfsource_iam_data, tfsource_policy, tfsource_provider

        reads: dict[str, Thunk] = {
            "aws_iam_policy_document": lambda: tfsource_policy.instances(self, *found, address),
            "aws_iam_policy": lambda: tfsource_iam_data.instances(self, *found, address),
            **dict.fromkeys(tfsource_provider.KINDS,
                            lambda: tfsource_provider.instances(self, kind, *found, address))}
        read = reads.get(kind)
        return self._once(self._locals, f"data.{kind}.{name}", read) if read else _Data(address)

    def resource(self, key: str) -> ResourceNode:
        node = self.resources.get(key)
        if node is None:
            if key not in self.definition.resources:
                raise EvalError(f"no resource `{key}`")
            from batchlint.loaders.tfsource_resource import ResourceNode

            block, file = self.definition.resources[key]
            node = self.resources[key] = ResourceNode(self, key, block, file)
        return node

    def call(self, name: str) -> ModuleCall:
        found = self.calls.get(name)
        if found is None:
            if name not in self.definition.calls:
                raise EvalError(f"no module call `{name}`")
            block, file = self.definition.calls[name]
            found = self.calls[name] = ModuleCall(self, name, block, file)
        return found

    def everything(self) -> None:
        """Expand every resource and module call of this instance, recursively."""
        for key in self.definition.resources:
            self.resource(key).expand()
        for name in self.definition.calls:
            for child in self.call(name).children():
                child.everything()

    def output(self, name: str) -> Any:
        if name not in self.definition.outputs:
            raise EvalError(f"no output `{name}`")
        block, file = self.definition.outputs[name]
        value = block.body.attrs.get("value")
        if value is None:
            return None
        return self._once(self._locals, f"output.{name}",
                          lambda: evaluate(file, self, value.expr))


class ModuleCall:
    def __init__(self, parent: Module, name: str, block: Block, file: HclFile):
        self.parent, self.name, self.block, self.file = parent, name, block, file
        self._expansion: Expansion | None = None
        self._children: list[Module] = []
        source = block.body.attrs.get("source")
        text = evaluate(file, parent, source.expr) if source is not None else None
        self.source = text if isinstance(text, str) else ""
        key = ".".join([*(p[0] for p in parent.parts[1::2]), name])  # as modules.json has it
        self.directory = parent.run.downloads.directory(
            parent.run.root_dir, parent.definition.directory, key, self.source)
        check_call(self)  # a module that calls itself: Terraform refuses it

    def expand(self) -> Expansion:
        if self._expansion is None:
            self._expansion = expand(self.parent, self.block, self.file,
                                     f"{self.parent.prefix}module.{self.name}")
            keys = self._expansion.keys if isinstance(self._expansion.keys, list) else []
            definition = self.parent.run.module(self.directory) if self.directory else None
            for key, scope in zip(keys, self._expansion.scopes, strict=True):
                if definition is None:
                    continue
                parts: list[Part] = [*self.parent.parts, ("module", None), (self.name, key)]
                inputs = {n: _thunk(self.file, scope, a) for n, a in self.block.body.attrs.items()
                          if n not in META}
                self._children.append(Module(self.parent.run, definition, parts, inputs,
                                             call_site=self))
        return self._expansion

    def children(self) -> list[Module]:
        self.expand()
        return self._children

    def value(self) -> Any:
        expansion = self.expand()
        if not self.directory:
            where = f"`{self.source}`" if self.source else "a source batchlint cannot read"
            return _Remote(f"{self.parent.prefix}module.{self.name}",
                           f"comes from module `{self.name}` ({where}), which is not "
                           "downloaded (run `terraform init`)")
        objects = [_Outputs(c) for c in self._children]
        return expansion.shape(objects)


def _thunk(file: HclFile, scope: Any, attr: Attr) -> Thunk:
    return lambda: evaluate(file, scope, attr.expr)


class _Namespace(Lazy):
    def __init__(self, read: Callable[[str], Any]):
        self.read = read

    def get(self, name: str) -> Any:
        return self.read(name)


class _Outputs(Lazy):
    def __init__(self, module: Module):
        self.module = module

    def get(self, name: str) -> Any:
        return self.module.output(name)

    def whole(self) -> Any:
        return {n: self.module.output(n) for n in self.module.definition.outputs}


class _Data(Lazy):
    """A data source (read by Terraform when it plans or applies): not known to batchlint."""

    def __init__(self, text: str):
        self.text, self.why = text, f"comes from `{text}`, a data source batchlint does not read"

    def get(self, name: str) -> Any:
        return Unknown((Outside(self.text, f"{self.text}.{name}"),), self.why)

    def index(self, key: Any) -> Any:
        return self

    def whole(self) -> Any:
        return Unknown((Outside(self.text, self.text),), self.why)


class _Remote(Lazy):
    def __init__(self, text: str, why: str):
        self.text, self.why = text, why

    def get(self, name: str) -> Any:
        return Unknown((Outside(f"{self.text}.{name}"),), self.why)

    def index(self, key: Any) -> Any:
        return self

    def whole(self) -> Any:
        return Unknown((Outside(self.text),), self.why)
