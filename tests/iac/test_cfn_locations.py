"""A finding on a template's field points at the line the template writes it on, also where
that is not the API path in PascalCase: inside the branch of an ``Fn::If`` the template
takes, and at a list item's own index when ``AWS::NoValue`` leaves an item out before it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.registry import load_rules

RULES = {r.id: r for r in load_rules(entry_points=False)}

TEMPLATE = """\
Parameters:
  Market: {Type: String, Default: spot}
  Gpu: {Type: String, Default: "no"}
Conditions:
  Spot: !Equals [!Ref Market, spot]
  OnGpu: !Equals [!Ref Gpu, "yes"]
  Legacy: !Equals [!Ref "AWS::Region", us-east-1]
Resources:
  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources: !If
        - Spot
        - Type: SPOT
          MaxvCpus: 16
          InstanceTypes: [optimal]
          Subnets: [subnet-1]
          Ec2Configuration:
            - !If [OnGpu, {ImageType: ECS_AL2_NVIDIA}, !Ref "AWS::NoValue"]
            - ImageType: ECS_AL1
        - Type: EC2
          MaxvCpus: 16
          InstanceTypes: [optimal]
          Subnets: [subnet-1]
  Undecided:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources:
        Type: EC2
        MaxvCpus: 16
        InstanceTypes: [optimal]
        Subnets: [subnet-1]
        Ec2Configuration: !If
          - Legacy
          - - ImageType: ECS_AL1
          - - ImageType: ECS_AL1
"""


def _lines(path: Path, rule: str) -> dict[str, tuple[str, str]]:
    """Each finding's resource → (its path, the template's line it points at)."""
    report = run(load_files([str(path)]).models, [RuleRun(RULES[rule], "error", {})])
    text = path.read_text().splitlines()
    return {f.resource.name: (f.path, text[f.location.line - 1].strip())
            for f in report.findings if f.location is not None}


def test_a_field_in_the_branch_of_an_if_after_a_no_value_item(tmp_path: Path) -> None:
    path = tmp_path / "batch.yaml"
    path.write_text(TEMPLATE)
    found = _lines(path, "BL104")
    # the API's ec2Configuration[0] is the template's second item, in the Spot branch
    assert found["Compute"] == (("computeResources", "ec2Configuration", 0, "imageType"),
                                "- ImageType: ECS_AL1")


def test_worlds_that_take_different_branches_point_at_the_field_holding_them(
        tmp_path: Path) -> None:
    path = tmp_path / "batch.yaml"
    path.write_text(TEMPLATE)
    found = _lines(path, "BL104")  # each world takes its own branch: found in both
    assert found["Undecided"] == (("computeResources", "ec2Configuration", 0, "imageType"),
                                  "Ec2Configuration: !If")


@pytest.mark.parametrize("default", ["spot", "on-demand"])
def test_json_template(tmp_path: Path, default: str) -> None:
    """The same in JSON, where Fn::If is a key: the branch the parameter's default takes."""
    spot, ec2 = ({"Type": market, "MaxvCpus": 16, "InstanceTypes": ["optimal"],
                  "Subnets": ["subnet-1"], "Ec2Configuration": [{"ImageType": "ECS_AL1"}]}
                 for market in ("SPOT", "EC2"))
    template = {
        "Parameters": {"Market": {"Type": "String", "Default": default}},
        "Conditions": {"Spot": {"Fn::Equals": [{"Ref": "Market"}, "spot"]}},
        "Resources": {"Compute": {"Type": "AWS::Batch::ComputeEnvironment", "Properties": {
            "Type": "MANAGED", "ComputeResources": {"Fn::If": ["Spot", spot, ec2]}}}}}
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(template, indent=1))
    report = run(load_files([str(path)]).models, [RuleRun(RULES["BL104"], "error", {})])
    [finding] = report.findings
    lines = path.read_text().splitlines()
    image_types = [n for n, line in enumerate(lines, 1) if '"ImageType"' in line]
    assert finding.location is not None
    assert finding.location.line == image_types[0 if default == "spot" else 1]
