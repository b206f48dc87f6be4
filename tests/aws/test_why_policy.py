"""`batchlint iam-policy` is enough for `batchlint why JOB_ID`: a principal holding exactly
the printed policy explains a job as an administrator does (moto's IAM enforcement, see
``enforcement.py``); without `batch:DescribeJobs` it is told so in one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from moto.core import set_initial_no_auth_action_count

from batchlint.aws.policy import WHY_ACTIONS

from .conftest import EAST, GENEROUS, Hooks, inject_quotas
from .enforcement import any_case_actions, principal
from .test_why_live import MEMORY_REASON, huge, submit

__all__ = ["huge"]  # the fixture, used here
pytestmark = pytest.mark.usefixtures("account")


def _why_as(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, keys: dict[str, str],
            job_id: str) -> Any:
    any_case_actions(monkeypatch)
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    return set_initial_no_auth_action_count(0)(
        lambda: cli("why", job_id, "--region", EAST, "--format", "json"))()


def test_the_printed_policy_is_enough_for_why(cli: Callable[..., Any], hooks: Hooks,
                                              monkeypatch: pytest.MonkeyPatch,
                                              huge: str) -> None:
    inject_quotas(hooks, GENEROUS)
    job_id = submit(huge, "RUNNABLE", MEMORY_REASON)
    admin = cli("why", job_id, "--region", EAST, "--format", "json")
    assert admin.exit_code == 0, admin.stderr
    printed = json.loads(cli("iam-policy").stdout)
    assert set(WHY_ACTIONS) <= set(printed["Statement"][0]["Action"])
    keys = principal("batchlint-why", printed)
    result = _why_as(cli, monkeypatch, keys, job_id)
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == json.loads(admin.stdout)
    assert json.loads(result.stdout)["causes"][0]["rule_id"] == "BL302"


def test_without_describe_jobs_why_says_which_call_was_refused(
        cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, huge: str) -> None:
    job_id = submit(huge, "RUNNABLE", MEMORY_REASON)
    printed = json.loads(cli("iam-policy").stdout)
    printed["Statement"][0]["Action"].remove("batch:DescribeJobs")
    keys = principal("batchlint-why-no-describe-jobs", printed)
    result = _why_as(cli, monkeypatch, keys, job_id)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"batchlint: error: cannot read job {job_id}: ")
    assert result.stderr.endswith(" on batch:DescribeJobs\n") and result.stderr.count("\n") == 1
