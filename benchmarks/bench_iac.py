"""batchlint against cfn-lint and checkov on CloudFormation: ``python benchmarks/bench_iac.py``.

The three tools live in a virtualenv of the benchmark's own (``--venv``, by
default ``<temp dir>/batchlint-bench-iac``, never inside the repository): it is
created on the first run, then reused. Each run reinstalls batchlint from a
copy of the repository (so the figures are for the code as it is now, and no
build files land in the checkout) and installs cfn-lint and checkov from PyPI
when they are missing, at whatever versions pip picks (``--upgrade-tools``
fetches the newest); the versions are printed. ``--no-install`` uses the
virtualenv as it is.

Every figure is a fresh process started from this light process, so that the
child's peak memory (``ru_maxrss`` from ``os.wait4``, the largest process in
the tool's process tree) is its own. The commands, run from an empty temporary
folder, stdout and stderr to /dev/null::

    batchlint scan FILES --fail-on never --format json
    cfn-lint FILES
    checkov -f FILE [-f FILE ...] --framework cloudformation --quiet --compact -o json \
        --skip-download

``--skip-download`` stops checkov from fetching its guideline mappings from
Prisma Cloud at every start; without it checkov's time would include a network
round trip (or a failed DNS look-up), which is not linting. cfn-lint exits
2/4/8 (OR-ed) on findings and checkov 1 on failed checks; those count as
normal runs, but a crash (any other exit code) stops the benchmark.

Inputs: (a) each real template in ``<repo>/../shared/realworld/cfn/`` (skipped
with a message when the folder is absent), (b) all of them in one command and
(c) a generated template of ``--count`` (default 160) compute environments, job
queues and job definitions that share roles, a launch template and a security
group: 485 resources, near CloudFormation's limit of 500 a template (above 165,
cfn-lint reports E3010 and the template could not be deployed).

Each command runs once untimed (a warm-up that fills the page cache and writes
.pyc files, and whose output is summarised below the table), then ``--runs``
times (default 5), the three tools interleaved so that drift hits them alike.
The table shows the median wall time, the peak memory and the ratios
cfn-lint/batchlint and checkov/batchlint. ``--check`` exits 1 unless batchlint
is at least 3x faster than both tools on every input.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import Sample, run_once  # the sibling module, found through the line above

REPO = Path(__file__).resolve().parent.parent
REALWORLD = REPO.parent / "shared" / "realworld" / "cfn"
DEFAULT_VENV = Path(tempfile.gettempdir()) / "batchlint-bench-iac"
TOOLS = ("batchlint", "cfn-lint", "checkov")
TARGET_RATIO = 3.0
SHARED_RESOURCES = 5  # security group, two roles, instance profile, launch template
MAX_RESOURCES = 500  # CloudFormation's limit per template
# cfn-lint exit codes: 2 error, 4 warning, 8 informational, OR-ed; 1 is its own failure
CFN_LINT_OK = {code for code in range(16) if code % 2 == 0}
COPY_IGNORE = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__",
                                     ".venv", ".*_cache", ".hypothesis", "htmlcov", ".coverage")


@dataclass
class Case:
    label: str
    files: list[str]
    samples: dict[str, Sample] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)

    def ratio(self, tool: str) -> float:
        return self.samples[tool].median / self.samples["batchlint"].median


# --- the virtualenv -------------------------------------------------------------------------


def venv_bin(venv: Path, name: str) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / (name + (".exe" if name != "checkov" else ".cmd"))
    return venv / "bin" / name


def run_quiet(cmd: Sequence[str], what: str) -> None:
    """Run an install step; show its output only when it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"bench: {what} failed ({done.returncode}):\n{done.stdout[-4000:]}"
                 f"{done.stderr[-4000:]}")


def prepare_venv(venv: Path, install: bool, upgrade_tools: bool) -> None:
    if venv.resolve().is_relative_to(REPO):
        sys.exit(f"bench: --venv {venv} is inside the repository; put it elsewhere")
    python = venv_bin(venv, "python")
    if not python.exists():
        if not install:
            sys.exit(f"bench: no virtualenv at {venv} (drop --no-install to create it)")
        print(f"creating the virtualenv {venv} ...", flush=True)
        run_quiet([sys.executable, "-m", "venv", str(venv)], "python -m venv")
    if install:
        start = time.perf_counter()
        print("installing batchlint from the repository, cfn-lint and checkov from PyPI "
              f"into {venv} ...", flush=True)
        with tempfile.TemporaryDirectory(prefix="batchlint-src-") as tmp:
            source = Path(tmp) / "batchlint"
            shutil.copytree(REPO, source, ignore=COPY_IGNORE)
            pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            tools = ["cfn-lint", "checkov"]
            run_quiet([*pip, *(["--upgrade", *tools] if upgrade_tools else tools)],
                      "pip install cfn-lint checkov")
            # reinstalled every time: the copy has the same version as what is installed
            run_quiet([*pip, "--force-reinstall", "--no-deps", str(source)],
                      "pip install <repo> (no deps)")
            run_quiet([*pip, str(source)], "pip install <repo>")
        print(f"  done in {time.perf_counter() - start:.0f} s", flush=True)
        check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True,
                               text=True, check=False)
        if check.returncode != 0:  # the three share one environment: say if they disagree
            print("  pip check: " + check.stdout.strip().replace("\n", "\n             "))
    missing = [tool for tool in TOOLS if not venv_bin(venv, tool).exists()]
    if missing:
        sys.exit(f"bench: {', '.join(missing)} missing from {venv}")


_VERSIONS = """
import json, platform
from importlib.metadata import version
print(json.dumps({"python": platform.python_version(),
                  **{name: version(name) for name in ("batchlint", "cfn-lint", "checkov")}}))
"""


def versions(venv: Path) -> dict[str, str]:
    done = subprocess.run([str(venv_bin(venv, "python")), "-c", _VERSIONS], capture_output=True,
                          text=True, check=True)
    found: dict[str, str] = json.loads(done.stdout)
    return found


# --- the inputs -----------------------------------------------------------------------------


def write_template(path: str, count: int) -> None:
    """A valid template of ``count`` compute environments, job queues and job definitions.

    Written piece by piece, so this process never holds the document.
    """
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"""\
AWSTemplateFormatVersion: "2010-09-09"
Description: Generated by benchmarks/bench_iac.py - {count} AWS Batch environments
Parameters:
  VpcId:
    Type: AWS::EC2::VPC::Id
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
  ImageRepository:
    Type: String
    Default: 123456789012.dkr.ecr.us-east-1.amazonaws.com/pipelines
Resources:
  BatchSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: AWS Batch instances
      VpcId: !Ref VpcId
  EcsInstanceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: ec2.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role
        - arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore
  EcsInstanceProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles:
        - !Ref EcsInstanceRole
  JobRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: ecs-tasks.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read-inputs
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - s3:GetObject
                  - s3:ListBucket
                Resource:
                  - arn:aws:s3:::example-pipeline-inputs
                  - arn:aws:s3:::example-pipeline-inputs/*
  BatchLaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions:
          HttpTokens: required
          HttpPutResponseHopLimit: 2
        BlockDeviceMappings:
          - DeviceName: /dev/xvda
            Ebs:
              VolumeSize: 100
              VolumeType: gp3
              Encrypted: true
              DeleteOnTermination: true
""")
        families = ("c6i", "m6i", "r6i", "c7g", "m7g")
        for i in range(count):
            # pairs of one on-demand and one Spot environment of the same instance family,
            # each queue ordering its own environment first and its partner second
            spot = i % 2 == 1
            family = families[i // 2 % len(families)]
            strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED" if spot else "BEST_FIT_PROGRESSIVE"
            fallback = "" if i ^ 1 >= count else (
                "\n        - Order: 2"
                f"\n          ComputeEnvironment: !Ref ComputeEnvironment{i ^ 1:04d}")
            memory = 2048 * (1 + i % 8)
            out.write(f"""\
  ComputeEnvironment{i:04d}:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      ComputeEnvironmentName: pipeline-{i:04d}-{"spot" if spot else "ondemand"}
      Type: MANAGED
      State: ENABLED
      ComputeResources:
        Type: {"SPOT" if spot else "EC2"}
        AllocationStrategy: {strategy}
        MinvCpus: 0
        MaxvCpus: {256 * (1 + i % 4)}
        InstanceTypes:
          - {family}.xlarge
          - {family}.2xlarge
          - {family}.4xlarge
        Subnets: !Ref Subnets
        SecurityGroupIds:
          - !Ref BatchSecurityGroup
        InstanceRole: !GetAtt EcsInstanceProfile.Arn
        Ec2Configuration:
          - ImageType: ECS_AL2023
        LaunchTemplate:
          LaunchTemplateId: !Ref BatchLaunchTemplate
          Version: !GetAtt BatchLaunchTemplate.LatestVersionNumber
        Tags:
          team: team-{i % 8}
  JobQueue{i:04d}:
    Type: AWS::Batch::JobQueue
    Properties:
      JobQueueName: pipeline-{i:04d}
      Priority: {1 + i % 10}
      State: ENABLED
      ComputeEnvironmentOrder:
        - Order: 1
          ComputeEnvironment: !Ref ComputeEnvironment{i:04d}{fallback}
  JobDefinition{i:04d}:
    Type: AWS::Batch::JobDefinition
    Properties:
      JobDefinitionName: pipeline-step-{i:04d}
      Type: container
      PlatformCapabilities:
        - EC2
      ContainerProperties:
        Image: !Sub "${{ImageRepository}}:step-{i:04d}"
        Command:
          - run-step
          - --step
          - "{i}"
        JobRoleArn: !GetAtt JobRole.Arn
        ResourceRequirements:
          - Type: VCPU
            Value: "{1 + i % 4}"
          - Type: MEMORY
            Value: "{memory}"
        Environment:
          - Name: STEP
            Value: "{i}"
          - Name: INPUT_BUCKET
            Value: example-pipeline-inputs
      RetryStrategy:
        Attempts: 3
        EvaluateOnExit:
          - OnStatusReason: "Host EC2*"
            Action: RETRY
          - OnReason: "*"
            Action: EXIT
      Timeout:
        AttemptDurationSeconds: 86400
""")


def inputs(work: str, count: int) -> list[Case]:
    cases: list[Case] = []
    real = sorted(str(p) for p in REALWORLD.glob("*.y*ml")) if REALWORLD.is_dir() else []
    if real:
        cases += [Case(Path(f).name, [f]) for f in real]
        cases.append(Case(f"all {len(real)} at once", real))
    else:
        print(f"note: {REALWORLD} is absent or empty; only the generated template is timed\n")
    generated = os.path.join(work, f"generated-{count}.yaml")
    write_template(generated, count)
    cases.append(Case(f"generated ({count}x CE/JQ/JD)", [generated]))
    return cases


# --- running --------------------------------------------------------------------------------


def commands(venv: Path, files: list[str]) -> dict[str, list[str]]:
    bl, cfn, ck = (str(venv_bin(venv, tool)) for tool in TOOLS)
    checkov_files = [arg for f in files for arg in ("-f", f)]
    return {
        "batchlint": [bl, "scan", *files, "--fail-on", "never", "--format", "json"],
        "cfn-lint": [cfn, *files],
        "checkov": [ck, *checkov_files, "--framework", "cloudformation", "--quiet", "--compact",
                    "-o", "json", "--skip-download"],
    }


def child_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = str(venv_bin(venv, "python").parent) + os.pathsep + env.get("PATH", "")
    return env


def normal_exit(tool: str, code: int) -> bool:
    if tool == "cfn-lint":
        return code in CFN_LINT_OK
    if tool == "checkov":
        return code in (0, 1)
    return code == 0


def warm_up(tool: str, cmd: list[str], cwd: str, env: dict[str, str], report: str) -> None:
    """One untimed run whose output goes to ``report`` (read after all timing is done)."""
    with open(report, "wb") as out:
        done = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE,
                              check=False)
    if not normal_exit(tool, done.returncode):
        sys.exit(f"bench: {' '.join(cmd)} exited {done.returncode}:\n"
                 f"{done.stderr.decode(errors='replace')[-4000:]}")


def measure(cases: list[Case], venv: Path, runs: int, work: str) -> None:
    env = child_env(venv)
    total = len(cases) * runs * len(TOOLS)
    done = 0
    for n, case in enumerate(cases):
        cmds = commands(venv, case.files)
        for tool, cmd in cmds.items():
            warm_up(tool, cmd, work, env, os.path.join(work, f"out-{n}-{tool}"))
        case.samples = {tool: Sample() for tool in cmds}
        for _ in range(runs):
            for tool, cmd in cmds.items():
                elapsed, rss, code = run_once(cmd, work, env)
                if not normal_exit(tool, code):
                    sys.exit(f"bench: {' '.join(cmd)} exited {code} (it did not in the warm-up)")
                case.samples[tool].times.append(elapsed)
                case.samples[tool].rss_kib.append(rss)
                done += 1
        print(f"  [{done}/{total}] {case.label}: " + ", ".join(
            f"{tool} {s.median:.2f} s" for tool, s in case.samples.items()), flush=True)


# --- what each tool reported (from the warm-up runs) ------------------------------------------

_CFN_LINT_RULE = re.compile(r"^([EWI]\d{4}) ", re.MULTILINE)


def summarise(cases: list[Case], work: str) -> None:
    for n, case in enumerate(cases):
        paths = {tool: os.path.join(work, f"out-{n}-{tool}") for tool in TOOLS}
        with open(paths["batchlint"], encoding="utf-8") as fh:
            summary = json.load(fh).get("summary", {})
        case.summaries["batchlint"] = " ".join(
            f"{summary.get(k, 0)}{k[0].upper()}" for k in ("error", "warning", "note")
        ) + f" {summary.get('not_verified', 0)}NV"
        with open(paths["cfn-lint"], encoding="utf-8") as fh:
            ids = _CFN_LINT_RULE.findall(fh.read())
        parse = " PARSE-ERRORS" if "E0000" in ids else ""
        case.summaries["cfn-lint"] = " ".join(
            f"{sum(i[0] == s for i in ids)}{s}" for s in "EWI") + parse
        with open(paths["checkov"], encoding="utf-8") as fh:
            text = fh.read().strip()
        reports = json.loads(text) if text.startswith(("{", "[")) else []
        reports = [reports] if isinstance(reports, dict) else reports
        passed = failed = errors = resources = 0
        for report in reports:
            s = report.get("summary", {})
            passed += s.get("passed", 0)
            failed += s.get("failed", 0)
            errors += s.get("parsing_errors", 0)
            resources += s.get("resource_count", 0)
        case.summaries["checkov"] = (f"{failed} failed {passed} passed on {resources} resources"
                                     + (f" {errors} PARSE-ERRORS" if errors else ""))
        for path in paths.values():
            os.remove(path)


# --- the report -----------------------------------------------------------------------------


def report(cases: list[Case], runs: int, found: dict[str, str]) -> list[str]:
    width = max(len(c.label) for c in cases)
    print(f"\nmedian wall time of {runs} runs, peak RSS; ratio = tool's time / batchlint's")
    print(f"{'input':<{width}}  {'size':>7}  {'batchlint':>16}  {'cfn-lint':>16} {'ratio':>6}  "
          f"{'checkov':>16} {'ratio':>6}")
    misses: list[str] = []
    for case in cases:
        size = sum(os.path.getsize(f) for f in case.files) / 1024
        cells = []
        for tool in TOOLS:
            s = case.samples[tool]
            cells.append(f"{s.median:>6.2f} s {s.peak_mib:>4.0f} MiB")
        cfn, ck = case.ratio("cfn-lint"), case.ratio("checkov")
        print(f"{case.label:<{width}}  {size:>4.0f} KB  {cells[0]}  {cells[1]} {cfn:>5.1f}x  "
              f"{cells[2]} {ck:>5.1f}x")
        for tool, ratio in (("cfn-lint", cfn), ("checkov", ck)):
            if ratio < TARGET_RATIO:
                misses.append(f"{case.label}: only {ratio:.1f}x faster than {tool}")
    for tool in ("cfn-lint", "checkov"):
        ratios = [c.ratio(tool) for c in cases]
        gmean = statistics.geometric_mean(ratios)
        print(f"{tool}/batchlint: geometric mean {gmean:.1f}x, range "
              f"{min(ratios):.1f}x-{max(ratios):.1f}x")
    print("\nwhat each tool reported (warm-up run; E/W/N = error/warning/note, NV = not verified, "
          "cfn-lint E/W/I)")
    for case in cases:
        print(f"{case.label:<{width}}  batchlint {case.summaries['batchlint']:<16} "
              f"cfn-lint {case.summaries['cfn-lint']:<14} checkov {case.summaries['checkov']}")
    print("\nversions: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    return misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                        help=f"the benchmark's virtualenv (default {DEFAULT_VENV})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--count", type=int, default=160,
                        help="compute environments, job queues and job definitions each in the "
                        "generated template")
    parser.add_argument("--no-install", action="store_true",
                        help="use the virtualenv as it is (no pip)")
    parser.add_argument("--upgrade-tools", action="store_true",
                        help="upgrade cfn-lint and checkov to the newest versions")
    parser.add_argument("--keep", action="store_true", help="keep the generated template")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 unless batchlint is {TARGET_RATIO:.0f}x faster than both "
                        "on every input")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.count < 1:
        parser.error("--runs and --count must be at least 1")
    if 3 * args.count + SHARED_RESOURCES > MAX_RESOURCES:
        print(f"note: --count {args.count} makes {3 * args.count + SHARED_RESOURCES} resources, "
              f"over CloudFormation's {MAX_RESOURCES} a template; cfn-lint will say so (E3010)")

    prepare_venv(args.venv, not args.no_install, args.upgrade_tools)
    found = versions(args.venv)
    print(f"{platform.platform()}, {os.cpu_count()} CPUs; tools in {args.venv}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in found.items()) + "\n")
    work = tempfile.mkdtemp(prefix="batchlint-bench-iac-")
    cases = inputs(work, args.count)
    print(f"timing {len(cases)} inputs x {len(TOOLS)} tools x {args.runs} runs (+1 warm-up)",
          flush=True)
    measure(cases, args.venv, args.runs, work)
    summarise(cases, work)
    misses = report(cases, args.runs, found)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work)
    print(f"target: batchlint >= {TARGET_RATIO:.0f}x faster than cfn-lint and checkov on every "
          "input -> " + ("met" if not misses else "MISSED: " + "; ".join(misses)))
    return 1 if args.check and misses else 0


if __name__ == "__main__":
    sys.exit(main())
