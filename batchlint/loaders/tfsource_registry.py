"""Where a module call's code is: a local path, or what ``terraform init`` downloaded.

``terraform init`` records every module it installed in the root module's
``.terraform/modules/modules.json``: ``{"Modules": [{"Key": "batch.vpc", "Source": …,
"Dir": ".terraform/modules/batch.vpc"}]}``, the key being the calls' names from the root
joined by dots and ``Dir`` relative to the root module. A registry or git module found
there is read like a local one; one not found leaves its outputs unknown, with one note
per module call saying so.
"""

from __future__ import annotations

import json
import os

from batchlint.errors import InputError
from batchlint.fileio import DEFAULT_LIMITS, Limits, read_text

MANIFEST = os.path.join(".terraform", "modules", "modules.json")


def is_local(source: str) -> bool:
    return source.startswith(("./", "../"))


class Downloads:
    """The module manifests of the root modules read, and the notes about missing ones."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS):
        self.limits = limits
        self._manifests: dict[str, dict[str, str] | str] = {}  # str: why it is not read
        self.notes: list[str] = []

    def directory(self, root: str, parent: str, key: str, source: str) -> str:
        """The directory of module call ``key`` (in the module at ``parent``): a local
        path's, else the one ``terraform init`` downloaded; "" when not here (noted)."""
        if is_local(source):
            local = os.path.normpath(os.path.join(parent, source))
            return local if os.path.isdir(local) else ""
        if not source:
            return ""
        manifest = self._manifest(root)
        found = manifest.get(key) if isinstance(manifest, dict) else None
        if found is not None and os.path.isdir(found):
            return found
        where = f"module `{key}` (`{source}`)" if source else f"module `{key}`"
        if isinstance(manifest, str):
            why = manifest
        elif found is not None:
            why = f"{os.path.join(root, MANIFEST)} names {found}, which is not there"
        else:
            why = f"{os.path.join(root, MANIFEST)} does not list it"
        self._note(f"{where} in {root} is not read, so what it creates is not checked: it "
                   f"is a remote module, not downloaded ({why}); run `terraform init` there "
                   "to download it")
        return ""

    def listed(self, root: str) -> set[str]:
        """The module directories ``terraform init`` recorded for ``root``."""
        manifest = self._manifest(root) if os.path.isfile(os.path.join(root, MANIFEST)) else {}
        return set(manifest.values()) if isinstance(manifest, dict) else set()

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def _manifest(self, root: str) -> dict[str, str] | str:
        if root not in self._manifests:
            self._manifests[root] = self._read(root)
        return self._manifests[root]

    def _read(self, root: str) -> dict[str, str] | str:
        path = os.path.join(root, MANIFEST)
        if not os.path.isfile(path):
            return f"there is no {path}"
        try:
            data = json.loads(read_text(path, self.limits))
        except (InputError, ValueError) as exc:
            return f"{path} cannot be read: {exc}"
        modules = data.get("Modules") if isinstance(data, dict) else None
        if not isinstance(modules, list):
            return f"{path} has no list of Modules"
        out: dict[str, str] = {}
        for entry in modules:
            if isinstance(entry, dict) and isinstance(entry.get("Key"), str) \
                    and isinstance(entry.get("Dir"), str) and entry["Key"]:
                out[entry["Key"]] = os.path.normpath(os.path.join(root, entry["Dir"]))
        return out
