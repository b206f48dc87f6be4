"""The Terraform pre-commit hook, for real: `pre-commit try-repo` of this repository against
a temporary git repository of `.tf` files, with a finding and then clean."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import REPO

PRE_COMMIT = shutil.which("pre-commit")
ENVIRONMENT = '''
resource "aws_batch_compute_environment" "spot" {
  type = "MANAGED"
  compute_resources {
    type                = "SPOT"
    allocation_strategy = "SPOT_CAPACITY_OPTIMIZED"
    max_vcpus           = 16
    instance_type       = ["optimal"]
    subnets             = ["subnet-1"]
  }
}
'''
QUEUE = '''
resource "aws_batch_job_queue" "main" {
  name     = "main"
  state    = "ENABLED"
  priority = 1
  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.spot.arn
  }
}
'''


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(consumer: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(REPO), "batchlint-terraform",
                           "--verbose", "--files", *files], cwd=consumer, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is installed by the test extras")
def test_terraform_hook_reads_the_module_of_a_changed_file(tmp_path: Path) -> None:
    consumer = tmp_path / "infra"
    (consumer / "batch").mkdir(parents=True)
    _git(consumer, "init", "-q")
    (consumer / "batch" / "compute.tf").write_text(ENVIRONMENT)
    (consumer / "batch" / "queues.tf").write_text(QUEUE)
    (consumer / "README.md").write_text("infra\n")
    _git(consumer, "add", ".")
    home = tmp_path / "pre-commit-home"

    # only the queue changed; its module directory holds the Spot-only environment
    failing = _try_repo(consumer, home, "batch/queues.tf")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    # no instance_role: BL102 at the compute_resources block; the queue's note names it
    assert "batch/compute.tf:4:3  error   BL102" in failing.stdout
    assert "batch/queues.tf:6:3  note    BL203" in failing.stdout

    (consumer / "batch" / "compute.tf").write_text(
        "# batchlint:ignore=BL103\n" + ENVIRONMENT.lstrip().replace(
            '"SPOT_CAPACITY_OPTIMIZED"', '"SPOT_CAPACITY_OPTIMIZED"\n'
            '    instance_role = "arn:aws:iam::123456789012:instance-profile/ecs"'))
    _git(consumer, "add", ".")
    passing = _try_repo(consumer, home, "batch/queues.tf")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
