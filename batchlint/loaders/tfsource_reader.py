"""Reading source instances as a plan's, with the known text of partly known strings.

A plan says nothing of a value known only after apply; the source may know its text but
for some parts (:mod:`tfsource_partial`). The reader gives such a string, with its unknown
parts written ``${…}``, wherever the plan reader reads text (an image, user data), recorded
as unknown for the reason the plan's reader gives, so a rule reads it only for its known
text (:func:`batchlint.unknowns.known_text`). A JSON document (a job definition's
``container_properties``) whose unknown parts sit inside string literals is read as the
document, only those strings unknown, as ``jsonencode({…})`` of the same values is.
"""

from __future__ import annotations

from typing import Any

from batchlint.loaders.tfplan_values import display, reason
from batchlint.loaders.tfsource_eval import Partial
from batchlint.loaders.tfsource_index import SourceReader
from batchlint.loaders.tfsource_partial import decode
from batchlint.model import Json, Pointer
from batchlint.unknowns import value_at


class PartialReader(SourceReader):
    def get(self, api: Pointer, *path: str | int, text: bool = False,
            ref: bool = False, whole: bool = True) -> Json:
        found = self._partial(path)
        # a string built around a reference is not the resource it names: no `ref` then
        value = super().get(api, *path, text=text, ref=ref and found is None, whole=whole)
        if found is not None and text and api in self.unknown:
            return found.text
        return value

    def encoded(self, api: Pointer, *path: str | int) -> Json:
        found = self._partial(path)
        document = decode(found) if found is not None and found.pieces else None
        if not isinstance(document, dict):
            return super().encoded(api, *path)
        self.unknown.pop(api, None)
        known: Json = self._known(document, api, path)
        return known

    def _known(self, value: Any, api: Pointer, path: tuple[str | int, ...]) -> Any:
        if isinstance(value, Partial):  # its text, never the resource a reference names
            self.unknown[api] = (f"`{display(path)}` {value.why}" if value.why
                                 else reason(display(path), list(value.origins)))
            return value.text
        return super()._known(value, api, path)

    def _partial(self, path: tuple[str | int, ...]) -> Partial | None:
        # the value at the path itself, not one above it
        value = value_at(self.source_index.raw.get(self.inst.address), path)
        return value if isinstance(value, Partial) else None
