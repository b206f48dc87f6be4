"""batchlint against checkov on Terraform source: ``python benchmarks/bench_tfsource.py``.

Both tools read one generated module directory of 200 Terraform resources (compute
environments, job queues, job definitions, roles, policy attachments, instance profiles
and launch templates over 10 ``.tf`` files, with variables, locals, ``for_each`` and
references between them), without a plan. The tools live in the virtualenv that
``bench_iac.py`` prepares (``--venv``, by default ``<temp dir>/batchlint-bench-iac``,
created on the first run; batchlint reinstalled from a copy of the repository at each run,
checkov installed from PyPI when missing). The commands, run from an empty folder::

    batchlint scan DIR --fail-on never --format json
    checkov -d DIR --framework terraform --quiet --compact -o json --skip-download

Each runs once untimed (warm-up, whose JSON report must read: checkov exits 1 both for
failed checks and when it cannot start), then ``--runs`` times interleaved; the table shows
the median wall time, the median CPU time (user + system, which a machine busy with other
work stretches far less than wall time), the peak memory and checkov/batchlint for both.
``--check`` exits 1 unless batchlint is at least 10x faster in wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_iac import DEFAULT_VENV, child_env, prepare_venv, venv_bin, versions, warm_up
from timing import Sample, run_once

TARGET_RATIO = 10.0
FILES = 10


def write_module(directory: Path, resources: int = 200) -> int:
    """A root module of ``resources`` resources (20 per file); the number written."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "variables.tf").write_text(
        'variable "subnets" {\n  default = ["subnet-0a1b2c3d4e5f60711"]\n}\n'
        'variable "disk" {\n  default = 100\n}\n'
        'locals {\n  tags = { Team = "genomics" }\n  trust = jsonencode({ Version = '
        '"2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", '
        'Principal = { Service = "ec2.amazonaws.com" } }] })\n}\n')
    written = 0
    for f in range(FILES):
        per = resources // FILES
        text = f'''
resource "aws_iam_role" "instance_{f}" {{
  name               = "instance-{f}"
  assume_role_policy = local.trust
}}
resource "aws_iam_role_policy_attachment" "instance_{f}" {{
  role       = aws_iam_role.instance_{f}.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}}
resource "aws_iam_instance_profile" "instance_{f}" {{
  name = "instance-{f}"
  role = aws_iam_role.instance_{f}.name
}}
resource "aws_launch_template" "disk_{f}" {{
  name = "disk-{f}"
  block_device_mappings {{
    device_name = "/dev/xvda"
    ebs {{
      volume_size = var.disk
    }}
  }}
}}
'''
        written += 4
        for i in range((per - 4) // 4):
            n = f"{f}_{i}"
            text += f'''
resource "aws_batch_compute_environment" "ce_{n}" {{
  compute_environment_name = "ce-{n}"
  type                     = "MANAGED"
  compute_resources {{
    type          = "{"SPOT" if i % 2 else "EC2"}"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    max_vcpus     = {16 * (i + 1)}
    instance_type = ["m6i", "c6i"]
    subnets       = var.subnets
    instance_role = aws_iam_instance_profile.instance_{f}.arn
    tags          = local.tags
    launch_template {{
      launch_template_id = aws_launch_template.disk_{f}.id
      version            = aws_launch_template.disk_{f}.latest_version
    }}
  }}
}}
resource "aws_batch_job_queue" "queue_{n}" {{
  name     = "queue-{n}"
  state    = "ENABLED"
  priority = {i + 1}
  compute_environment_order {{
    order               = 1
    compute_environment = aws_batch_compute_environment.ce_{n}.arn
  }}
}}
'''
            for j in range(2):
                text += f'''
resource "aws_batch_job_definition" "job_{n}_{j}" {{
  name = "job-{n}-{j}"
  type = "container"
  container_properties = jsonencode({{
    image   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/pipeline:{j}.{i}"
    command = ["run", "step-{j}"]
    resourceRequirements = [{{ type = "VCPU", value = "2" }}, {{ type = "MEMORY", value = "4096" }}]
  }})
  retry_strategy {{
    attempts = {j + 1}
  }}
}}
'''
            written += 4
        (directory / f"batch_{f}.tf").write_text(text)
    return written


def children_cpu() -> float:
    """User + system seconds of the waited-for child processes so far (a busy machine
    stretches wall time; a tool's CPU seconds stay nearly what they are)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_report(tool: str, path: str) -> None:
    """A warm-up's JSON report, so that a tool that fails to start is not timed (checkov
    exits 1 for failed checks, and also when an import fails)."""
    try:
        with open(path, encoding="utf-8") as fh:
            report = json.load(fh)
    except ValueError:
        sys.exit(f"bench: {tool} did not write a JSON report; is it installed whole? (a "
                 "python-hcl2 installed after checkov overwrites its bc-python-hcl2's `hcl2`)")
    if tool == "checkov" and not ((isinstance(report, dict) and "results" in report)
                                  or isinstance(report, list)):
        sys.exit("bench: checkov's report has no results")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    prepare_venv(args.venv, not args.no_install, False)
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions(args.venv).items()
                                   if k in ("batchlint", "checkov")))
    with tempfile.TemporaryDirectory(prefix="bench-tfsource-") as work:
        module = Path(work) / "module"
        count = write_module(module, args.resources)
        cwd = Path(work) / "run"
        cwd.mkdir()
        env = child_env(args.venv)
        cmds = {
            "batchlint": [str(venv_bin(args.venv, "batchlint")), "scan", str(module),
                          "--fail-on", "never", "--format", "json"],
            "checkov": [str(venv_bin(args.venv, "checkov")), "-d", str(module), "--framework",
                        "terraform", "--quiet", "--compact", "-o", "json", "--skip-download"],
        }
        for tool, cmd in cmds.items():
            warm_up(tool, cmd, str(cwd), env, os.path.join(work, f"out-{tool}"))
            read_report(tool, os.path.join(work, f"out-{tool}"))
        samples = {tool: Sample(tool) for tool in cmds}
        cpu: dict[str, list[float]] = {tool: [] for tool in cmds}
        for _ in range(args.runs):
            for tool, cmd in cmds.items():
                before = children_cpu()
                elapsed, rss, code = run_once(cmd, str(cwd), env)
                if code not in ((0,) if tool == "batchlint" else (0, 1)):
                    sys.exit(f"bench: {' '.join(cmd)} exited {code}")
                samples[tool].times.append(elapsed)
                samples[tool].rss_kib.append(rss)
                cpu[tool].append(children_cpu() - before)
    ratio = samples["checkov"].median / samples["batchlint"].median
    cpu_ratio = statistics.median(cpu["checkov"]) / statistics.median(cpu["batchlint"])
    print(f"\nmodule directory: {count} resources in {FILES + 1} .tf files, "
          f"{args.runs} runs, medians (load average {os.getloadavg()[0]:.1f})")
    print(f"{'tool':<10} {'median s':>9} {'cpu s':>7} {'peak MiB':>9}")
    for tool, s in samples.items():
        print(f"{tool:<10} {s.median:>9.2f} {statistics.median(cpu[tool]):>7.2f} "
              f"{s.peak_mib:>9.0f}")
    print(f"checkov / batchlint: {ratio:.1f}x wall, {cpu_ratio:.1f}x cpu "
          f"(target {TARGET_RATIO:.0f}x wall)")
    return 1 if args.check and ratio < TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
