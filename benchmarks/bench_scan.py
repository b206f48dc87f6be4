"""How fast ``batchlint scan`` starts and how it scales. Run: ``python benchmarks/bench_scan.py``.

Every figure is a fresh process (``sys.executable -m batchlint``, the batchlint
installed for this interpreter), so start-up, imports and rule loading count:

1. Start-up: the median wall time of scanning the example account files
   (``examples/account/*.json``) beside ``python -c pass`` and
   ``python -c "import boto3"``. Target: under 0.12 s, and faster than
   importing boto3.
2. Imports: whether a file scan imports boto3/botocore (it must not), and the
   slowest top-level imports (``-X importtime``).
3. Scale: a generated snapshot (``generate.py``) of 1,000 compute
   environments, 1,000 job queues and 10,000 job definitions, and the same at
   1/4 and 1/2 size, scanned with ``--format json --output /dev/null --fail-on
   never``: wall time, peak memory (the child's own ``ru_maxrss`` from
   ``os.wait4``) and the time per resource, which should stay flat as the size
   grows. Target for the full size: under 2 s and 200 MiB.

``--check`` makes the exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # the sibling modules, found through the line above
from timing import Sample, run_once

REPO = Path(__file__).resolve().parent.parent
FALLBACK = REPO / "tests" / "rules" / "cases" / "bl107" / "fail.json"
STARTUP_TARGET_S = 0.12
SCALE_TARGET_S = 2.0
SCALE_TARGET_MIB = 200.0
FULL = (1000, 1000, 10000)  # compute environments, job queues, job definitions


def checked_run(cmd: Sequence[str], cwd: str) -> subprocess.CompletedProcess[str]:
    """One untimed run (a warm-up for the page cache and .pyc files) that must not fail."""
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    return done


def measure(commands: dict[str, list[str]], runs: int, cwd: str) -> dict[str, Sample]:
    """Median over ``runs``, the commands interleaved so that drift hits all alike."""
    samples = {label: Sample(label) for label in commands}
    for cmd in commands.values():
        checked_run(cmd, cwd)
    for _ in range(runs):
        for label, cmd in commands.items():
            elapsed, rss, _ = run_once(cmd, cwd)
            samples[label].times.append(elapsed)
            samples[label].rss_kib.append(rss)
    return samples


def example_files() -> tuple[list[str], str]:
    files = sorted(glob.glob(str(REPO / "examples" / "account" / "*.json")))
    if files:
        return files, "examples/account/*.json"
    return [str(FALLBACK)], f"{FALLBACK.relative_to(REPO)} (examples/account/ is empty)"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def startup(args: argparse.Namespace, cwd: str, misses: list[str]) -> float:
    files, described = example_files()
    py = sys.executable
    commands = {
        "python -c pass": [py, "-c", "pass"],
        "python -c 'import boto3'": [py, "-c", "import boto3"],
        "python -m batchlint scan": [py, "-m", "batchlint", "scan", *files],
    }
    script = Path(py).parent / "batchlint"
    if script.is_file():
        commands["batchlint scan (console script)"] = [str(script), "scan", *files]
    print(f"1. Start-up: {args.runs} fresh processes each, median (min)")
    print(f"   files: {described}, {sum(os.path.getsize(f) for f in files):,} bytes")
    samples = measure(commands, args.runs, cwd)
    width = max(len(label) for label in samples)
    for label, sample in samples.items():
        print(f"   {label:<{width}}  {sample.median * 1000:7.1f} ms  "
              f"({min(sample.times) * 1000:6.1f} ms)  peak {sample.peak_mib:5.1f} MiB")
    scan = samples["python -m batchlint scan"].median
    boto3 = samples["python -c 'import boto3'"].median
    ratio = scan / boto3
    ok = scan < STARTUP_TARGET_S and scan < boto3
    print(f"   scan / import boto3 = {ratio:.2f}")
    print(f"   target: scan < {STARTUP_TARGET_S * 1000:.0f} ms and faster than importing "
          f"boto3 -> {verdict(ok)}")
    if not ok:
        misses.append(f"start-up {scan * 1000:.0f} ms (boto3 import {boto3 * 1000:.0f} ms)")
    print()
    return scan


_PROBE = r"""
import json, os, sys
paths = sys.argv[1:]
sys.argv = ["batchlint", "scan", *paths, "--output", os.devnull, "--fail-on", "never"]
from batchlint.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
watch = ("boto3", "botocore", "s3transfer", "urllib3", "pydantic", "rich", "typer", "jmespath")
print(json.dumps({"exit": code, "modules": len(sys.modules),
                  "loaded": [name for name in watch if name in sys.modules]}))
"""

_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def imports(cwd: str, misses: list[str]) -> None:
    files, _ = example_files()
    done = subprocess.run([sys.executable, "-c", _PROBE, *files], cwd=cwd, capture_output=True,
                          text=True, check=False)
    print("2. Imports of a file scan (CLI main run in-process, then sys.modules read)")
    if done.returncode != 0:
        print(f"   probe failed ({done.returncode}):\n{done.stderr}")
        misses.append("import probe failed")
        return
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    boto = [name for name in ("boto3", "botocore") if name in probe["loaded"]]
    print(f"   exit {probe['exit']}; {probe['modules']} modules; "
          f"boto3/botocore imported: {'YES (' + ', '.join(boto) + ')' if boto else 'no'}")
    print(f"   of {{boto3, botocore, s3transfer, urllib3, pydantic, rich, typer, jmespath}} "
          f"loaded: {', '.join(probe['loaded']) or 'none'}")
    if boto:
        misses.append("a file scan imports boto3/botocore")
    timed = subprocess.run([sys.executable, "-X", "importtime", "-m", "batchlint", "scan",
                            *files, "--output", os.devnull, "--fail-on", "never"],
                           cwd=cwd, capture_output=True, text=True, check=False)
    top: list[tuple[int, str]] = []
    for line in timed.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match and len(match.group(3)) == 1:  # one space: a top-level import
            top.append((int(match.group(2)), match.group(4)))
    total = sum(us for us, _ in top)
    top.sort(reverse=True)
    print(f"   -X importtime: {total / 1000:.1f} ms in top-level imports; slowest: "
          + ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in top[:6]))
    print()


def scale(args: argparse.Namespace, cwd: str, baseline: float, misses: list[str]) -> None:
    fractions = (0.25, 0.5, 1.0)
    print(f"3. Scale: generated snapshots, {args.big_runs} runs each, median wall time, "
          "peak RSS of the scan process")
    header = (f"   {'size':>5}  {'CEs':>5} {'JQs':>5} {'JDs':>6}  {'file':>8}  {'wall':>7}  "
              f"{'peak':>8}  {'per resource':>12}  {'minus start-up':>14}  findings")
    print(header)
    rows = []
    for fraction in fractions:
        counts = tuple(int(n * args.scale * fraction) for n in FULL)
        path = os.path.join(cwd, f"snapshot-{fraction}.json")
        # generated in a process of its own: a child forked from a bench process that
        # held the snapshot would report the bench's memory as its own peak
        subprocess.run([sys.executable, generate.__file__, "--compute-environments",
                        str(counts[0]), "--job-queues", str(counts[1]), "--job-definitions",
                        str(counts[2]), "--seed", str(args.seed), "-o", path],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        size = os.path.getsize(path)
        report = os.path.join(cwd, "report.json")
        base = [sys.executable, "-m", "batchlint", "scan", path, "--format", "json",
                "--fail-on", "never"]
        checked_run([*base, "--output", report], cwd)
        with open(report, encoding="utf-8") as fh:
            summary = json.load(fh)["summary"]
        os.remove(report)
        sample = Sample(str(fraction))
        for _ in range(args.big_runs):
            elapsed, rss, code = run_once([*base, "--output", os.devnull], cwd)
            if code != 0:
                sys.exit(f"bench: scan of {path} exited {code}")
            sample.times.append(elapsed)
            sample.rss_kib.append(rss)
        if not args.keep:
            os.remove(path)
        resources = sum(counts)
        per = sample.median / resources * 1e6
        marginal = max(sample.median - baseline, 0.0) / resources * 1e6
        found = ", ".join(f"{summary[k]} {k}" for k in ("error", "warning", "note",
                                                        "not_verified"))
        rows.append((fraction, sample, marginal))
        print(f"   {fraction:>5}  {counts[0]:>5} {counts[1]:>5} {counts[2]:>6}  "
              f"{size / 2**20:>5.1f} MiB  {sample.median:>5.2f} s  {sample.peak_mib:>5.0f} MiB  "
              f"{per:>9.0f} µs  {marginal:>11.0f} µs  {found}")
    (_, small, small_marginal), (_, full, full_marginal) = rows[0], rows[-1]
    growth = full.median / small.median
    print(f"   4x the resources -> {growth:.2f}x the wall time; marginal cost per resource "
          f"{small_marginal:.0f} -> {full_marginal:.0f} µs "
          f"({'linear' if full_marginal <= small_marginal * 1.25 else 'SUPERLINEAR'})")
    if args.scale == 1.0:
        ok = full.median < SCALE_TARGET_S and full.peak_mib < SCALE_TARGET_MIB
        print(f"   target at full size: < {SCALE_TARGET_S:.0f} s and < "
              f"{SCALE_TARGET_MIB:.0f} MiB -> {verdict(ok)} "
              f"({full.median:.2f} s, {full.peak_mib:.0f} MiB)")
        if not ok:
            misses.append(f"full-size scan {full.median:.2f} s, {full.peak_mib:.0f} MiB")
    if full_marginal > small_marginal * 1.25:
        misses.append("cost per resource grows with size")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="start-up runs per command")
    parser.add_argument("--big-runs", type=int, default=3, help="runs per snapshot size")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the snapshot sizes (the targets apply at 1.0)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-scale", action="store_true", help="only start-up and imports")
    parser.add_argument("--keep", action="store_true", help="keep the generated snapshots")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    version = subprocess.run([sys.executable, "-m", "batchlint", "--version"],
                             capture_output=True, text=True, check=False).stdout.strip()
    print(f"{version or 'batchlint ?'} on Python {sys.version.split()[0]} ({sys.executable}); "
          f"{os.cpu_count()} CPUs; commands run from a temporary folder")
    print()
    misses: list[str] = []
    work = tempfile.mkdtemp(prefix="batchlint-bench-")
    baseline = startup(args, work, misses)
    imports(work, misses)
    if not args.skip_scale:
        scale(args, work, baseline, misses)
    if args.keep:
        print(f"kept {work}")
    else:
        for leftover in os.listdir(work):
            os.remove(os.path.join(work, leftover))
        os.rmdir(work)
    print("targets: " + ("all met" if not misses else "missed: " + "; ".join(misses)))
    return 1 if args.check and misses else 0


if __name__ == "__main__":
    sys.exit(main())
