from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "account"


@pytest.fixture
def cli() -> Callable[..., Any]:
    from batchlint.cli import app

    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args))

    return invoke


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[[str, Any], str]:
    def write(name: str, data: Any) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(data, indent=2))
        return str(path)

    return write


def compute_environment(name: str, **overrides: Any) -> dict[str, Any]:
    ce: dict[str, Any] = {
        "computeEnvironmentName": name,
        "computeEnvironmentArn": f"arn:aws:batch:us-east-1:123456789012:compute-environment/{name}",
        "type": "MANAGED",
        "state": "ENABLED",
        "status": "VALID",
        "computeResources": {"type": "EC2", "minvCpus": 0, "maxvCpus": 16,
                             "instanceTypes": ["optimal"]},
    }
    ce.update(overrides)
    return ce
