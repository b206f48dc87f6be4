"""moto's IAM enforcement: scans as a principal holding exactly one policy.

moto enforces IAM under ``set_initial_no_auth_action_count(0)``: every request
is authenticated and authorized against the caller's policies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from .conftest import scan_json


def any_case_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """IAM action names are case-insensitive in AWS; moto names Batch's actions by their
    lower-case URL (``batch:describecomputeenvironments``) and matches them
    case-sensitively: this makes moto match actions as AWS does."""
    from moto.iam.access_control import IAMPolicyStatement

    original = IAMPolicyStatement._check_element_matches

    def matches(self: IAMPolicyStatement, element: str, value: str) -> bool:
        if element not in ("Action", "NotAction"):
            return bool(original(self, element, value))
        patterns = self._statement[element]
        return any(re.fullmatch(re.escape(p).replace(r"\*", ".*").replace(r"\?", "."), value,
                                re.IGNORECASE)
                   for p in (patterns if isinstance(patterns, list) else [patterns]))

    monkeypatch.setattr(IAMPolicyStatement, "_check_element_matches", matches)


def principal(name: str, policy: dict[str, Any]) -> dict[str, str]:
    """An IAM user holding exactly ``policy``; its access keys as environment variables."""
    iam = boto3.client("iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="batchlint", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def enforced(cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, keys: dict[str, str],
             *args: str) -> dict[str, Any]:
    """A scan as the principal with ``keys``, every request checked by moto's IAM
    (``set_initial_no_auth_action_count(0)``)."""
    from moto.core import set_initial_no_auth_action_count

    any_case_actions(monkeypatch)
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    scan = set_initial_no_auth_action_count(0)(lambda: scan_json(cli, *args))
    result: dict[str, Any] = scan()
    return result
