"""What Terraform itself refuses, refused before it costs: an oversized file, a module
that calls itself.

A ``.tf`` file is read by tree-sitter, which takes some 180 bytes of memory for each
character of a string literal (a 30 MB string crashes it), so Terraform files are read
up to :data:`MAX_TERRAFORM_FILE` (real ones are kilobytes), whatever ``--max-file-size``
allows other files.

Module calls that come back to a module they are in (``source = "./"``, ``a`` calling
``b`` calling ``a``, a symbolic link to a parent folder) are an error of ``terraform
init``; batchlint names the cycle, its folders compared by their real paths.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from batchlint.errors import InputError
from batchlint.fileio import Limits, MiB, read_text

if TYPE_CHECKING:
    from batchlint.loaders.tfsource_hcl import Block, HclFile
    from batchlint.loaders.tfsource_module import ModuleCall

MAX_TERRAFORM_FILE = 4 * MiB  # tree-sitter takes about 180 bytes a character: 0.75 GB
Call = tuple[str, str, "Block", "HclFile"]  # (calling folder, called folder, block, file)


def read_terraform(path: str, limits: Limits) -> str:
    """A ``.tf``, ``.tf.json`` or ``.tfvars`` file's text, within the size for Terraform."""
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0  # read_text names the problem
    if MAX_TERRAFORM_FILE < size <= limits.max_file_size:
        raise _too_large(path, size)
    text = read_text(path, limits)
    if len(text) > MAX_TERRAFORM_FILE:  # grown since, or not a regular file's size
        raise _too_large(path, len(text.encode("utf-8")))
    return text


def read_json(path: str, text: str, limits: Limits) -> Any:
    """JSON (a ``.tf.json`` or ``.tfvars.json`` file) as batchlint reads every ``.json``
    input, with the same errors: nested at most ``limits.max_depth`` deep."""
    from batchlint.jsonpos import read_json as read

    return read(path, text, limits.max_depth)[0]


def _too_large(path: str, size: int) -> InputError:
    return InputError(path, f"`{os.path.basename(path)}` is {size / MiB:.1f} MiB: batchlint "
                            f"reads Terraform files up to {MAX_TERRAFORM_FILE // MiB} MiB")


def cycle_error(calls: list[Call]) -> InputError:
    """The error for module calls that come back where they start, at the first call."""
    chain = " → ".join([calls[0][0], *(called for _, called, _, _ in calls)])
    _, _, block, file = calls[0]
    return InputError(file.path, f'module "{block.labels[0]}" is part of a cycle of module '
                                 f"calls ({chain}); Terraform refuses it", block.line,
                      block.column)


def check_call(call: ModuleCall) -> None:
    """A module call to the folder of a module it is in (the instance's callers, up to
    the root module): one InputError naming the cycle."""
    target = _real(call.directory)
    if not target:
        return
    calls: list[Call] = [(call.parent.definition.directory, call.directory, call.block,
                          call.file)]
    module = call.parent
    while _real(module.definition.directory) != target:
        site = module.call_site
        if site is None:
            return
        calls.append((site.parent.definition.directory, site.directory, site.block, site.file))
        module = site.parent
    raise cycle_error(calls[::-1])


def find_cycle(edges: dict[str, list[tuple[str, Call]]]) -> list[Call] | None:
    """A cycle in the calls among folders (``edges``: each folder's real path → the real
    paths it calls, and how), as its calls in order; None when there is none."""
    state: dict[str, bool] = {}  # True: on the path being walked; False: done
    for start in edges:
        if start in state:
            continue
        state[start] = True
        stack: list[tuple[str, Iterator[tuple[str, Call]]]] = [(start, iter(edges[start]))]
        path: list[Call] = []
        while stack:
            step = next(stack[-1][1], None)
            if step is None:
                state[stack.pop()[0]] = False
                if path:
                    path.pop()
                continue
            target, call = step
            if state.get(target):
                return [*path[[n for n, _ in stack].index(target):], call]
            if target not in state and target in edges:
                state[target] = True
                stack.append((target, iter(edges[target])))
                path.append(call)
    return None


def _real(directory: str) -> str:
    return os.path.realpath(directory) if directory else ""
