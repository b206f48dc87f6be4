"""What the benchmarks share: timing one fresh process and keeping the samples."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Sample:
    label: str = ""
    times: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mib(self) -> float:
        return max(self.rss_kib) / 1024 if self.rss_kib else float("nan")


def run_once(cmd: Sequence[str], cwd: str,
             env: Mapping[str, str] | None = None) -> tuple[float, int, int]:
    """(wall seconds, the child's own peak RSS in KiB, exit code) of one fresh process,
    its output discarded. ``os.wait4`` gives the child's rusage alone; spawn from a
    process that holds no large data, or its fork shows up as the child's peak."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=None if env is None else dict(env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not hasattr(os, "wait4"):  # Windows: no per-child rusage
        code = proc.wait()
        return time.perf_counter() - start, 0, code
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes there
    return elapsed, rss, proc.returncode
