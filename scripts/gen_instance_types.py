"""Generate batchlint's bundled instance-type table, batchlint/data/instance_types.json.

The table gives, per EC2 instance type, what BL302 compares jobs with: default
vCPUs, memory (MiB), GPU count and CPU architectures. It is read only when a
scan has no ``ec2 describe-instance-types`` data for a type (see
docs/instance-types.md).

The source is any ``aws ec2 describe-instance-types`` output (``{"InstanceTypes":
[...]}``, gzipped or not) or, by default, the dump of DescribeInstanceTypes that
moto ships (``moto/ec2/resources/instance_types.json.gz``, a mapping of type name
to the same item shape), so the table can be rebuilt offline::

    python scripts/gen_instance_types.py                      # from moto
    aws ec2 describe-instance-types > types.json              # or from AWS, every page
    python scripts/gen_instance_types.py --source types.json

The output is deterministic: one type per line, sorted. The ``generated`` date in
its metadata is today's only when the table's content changes; regenerating
from the same source keeps the date, and so the same bytes (a test checks this).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "batchlint" / "data" / "instance_types.json"
COLUMNS = ["vcpus", "memoryMiB", "gpus", "architectures"]


def moto_source() -> tuple[Path, str]:
    """The path of moto's DescribeInstanceTypes dump and moto's version."""
    import moto  # a test dependency of batchlint, not a runtime one

    return Path(moto.__file__).parent / "ec2" / "resources" / "instance_types.json.gz", \
        moto.__version__


def read_source(path: Path) -> tuple[bytes, list[Mapping[str, Any]]]:
    """The source's (decompressed) bytes and its instance-type items."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    data = json.loads(raw)
    if isinstance(data, Mapping) and isinstance(data.get("InstanceTypes"), list):
        items = data["InstanceTypes"]  # aws ec2 describe-instance-types
    elif isinstance(data, Mapping):
        items = list(data.values())  # moto: {type name: item}
    else:
        items = data
    return raw, [item for item in items if isinstance(item, Mapping)]


def row(item: Mapping[str, Any]) -> list[Any] | None:
    """[vCPUs, MiB, GPUs, architectures] of one DescribeInstanceTypes item; None if unusable."""
    vcpus = (item.get("VCpuInfo") or {}).get("DefaultVCpus")
    memory = (item.get("MemoryInfo") or {}).get("SizeInMiB")
    if not isinstance(vcpus, int) or not isinstance(memory, int):
        return None
    gpus = sum(g.get("Count", 0) for g in (item.get("GpuInfo") or {}).get("Gpus") or []
               if isinstance(g, Mapping) and isinstance(g.get("Count"), int))
    archs = sorted(a for a in (item.get("ProcessorInfo") or {}).get("SupportedArchitectures")
                   or [] if isinstance(a, str))
    return [vcpus, memory, gpus, archs]


def table(items: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    rows = {}
    for item in items:
        name, values = item.get("InstanceType"), row(item)
        if isinstance(name, str) and values is not None:
            rows[name] = values
    return dict(sorted(rows.items()))


def render(rows: Mapping[str, list[Any]], metadata: Mapping[str, Any]) -> str:
    """The table file: metadata first, then one instance type per line."""
    meta = json.dumps(dict(metadata), indent=2, sort_keys=True).replace("\n", "\n  ")
    lines = [f"    {json.dumps(name)}: {json.dumps(values)}" for name, values in rows.items()]
    return ('{\n  "metadata": ' + meta + ',\n  "instanceTypes": {\n'
            + ",\n".join(lines) + "\n  }\n}\n")


def metadata(source: str, version: str | None, digest: str, generated: str,
             count: int) -> dict[str, Any]:
    return {
        "source": source,
        "sourceVersion": version,
        "sourceSha256": digest,
        "generated": generated,
        "generator": "scripts/gen_instance_types.py",
        "count": count,
        "columns": COLUMNS,
    }


def generate(source: Path | None, label: str | None, today: str,
             previous: str | None) -> str:
    """The table's text; ``previous`` (the current file) keeps its date if nothing changed."""
    if source is None:
        source, version = moto_source()
        label = label or ("moto/ec2/resources/instance_types.json.gz: the DescribeInstanceTypes "
                          "dump shipped with the moto package")
    else:
        version = None
        label = label or f"aws ec2 describe-instance-types ({source.name})"
    raw, items = read_source(source)
    rows = table(items)
    digest = hashlib.sha256(raw).hexdigest()
    generated = today
    if previous:
        old = json.loads(previous)
        kept = render(rows, metadata(label, version, digest, old["metadata"]["generated"],
                                     len(rows)))
        if kept == previous:
            return previous
    return render(rows, metadata(label, version, digest, generated, len(rows)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="a describe-instance-types output "
                        "(default: moto's bundled dump)")
    parser.add_argument("--label", help="how to name the source in the metadata")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--date", default=datetime.date.today().isoformat(),
                        help="the generation date to record when the content changes")
    args = parser.parse_args(argv)
    previous = args.output.read_text() if args.output.exists() else None
    text = generate(args.source, args.label, args.date, previous)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    count = json.loads(text)["metadata"]["count"]
    print(f"{args.output}: {count} instance types, {len(text.encode()):,} bytes"
          f"{' (unchanged)' if text == previous else ''}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
