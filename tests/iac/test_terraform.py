"""Terraform plans (`terraform show -json`): mapping, references through configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batchlint import model as m
from batchlint.engine import RuleRun, run
from batchlint.loaders import load_files
from batchlint.registry import load_rules

PLAN = Path(__file__).parent / "data" / "plan.json"
RULES = {r.id: r for r in load_rules(entry_points=False)}


def _findings(path: Path, *codes: str) -> dict[str, set[str]]:
    loaded = load_files([str(path)])
    report = run(loaded.models, [RuleRun(RULES[c], RULES[c].severity, {}) for c in codes])
    found: dict[str, set[str]] = {}
    for f in report.findings:
        found.setdefault(f.rule_id, set()).add(f.resource.name)
    return found


def test_plan_resources_are_named_by_address() -> None:
    model = load_files([str(PLAN)]).templates[0]
    ce = model.find(m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.spot")
    assert ce is not None and ce.origin.source == "terraform"
    cr = ce.data["computeResources"]
    assert cr["instanceTypes"] == ["m5", "c5"]
    assert cr["instanceRole"] == (
        "arn:aws:iam:::instance-profile/aws_iam_instance_profile.ecs_instance")
    assert cr["launchTemplate"] == {"launchTemplateId": "aws_launch_template.batch",
                                    "version": "$Latest"}
    assert ce.data["serviceRole"] == "arn:aws:iam:::role/service-role/aws_iam_role.batch_service"
    queue = model.find(m.JOB_QUEUE, "aws_batch_job_queue.genomics")
    assert queue is not None
    assert queue.data["computeEnvironmentOrder"] == [
        {"order": 1, "computeEnvironment": "aws_batch_compute_environment.spot"}]
    jd = model.find(m.JOB_DEFINITION, "aws_batch_job_definition.align")
    assert jd is not None and jd.data["containerProperties"]["image"] == "bwa:0.7.17"


def test_rules_on_a_plan() -> None:
    found = _findings(PLAN, "BL101", "BL102", "BL103", "BL108", "BL111", "BL301")
    spot = "aws_batch_compute_environment.spot"
    # the service role has AWSBatchServiceRole through an aws_iam_role_policy_attachment
    assert "BL101" not in found
    assert found == {"BL102": {spot}, "BL103": {spot}, "BL108": {spot}, "BL111": {spot},
                     "BL301": {"aws_batch_job_definition.align"}}


def test_unknown_format_version_is_refused(tmp_path: Path, cli) -> None:
    plan = json.loads(PLAN.read_text())
    plan["format_version"] = "2.0"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = cli("scan", str(path))
    assert (result.exit_code, result.stderr) == (
        2, f"batchlint: error: {path}:1:2: Terraform JSON format '2.0' is not supported "
           "(batchlint reads format 1.x)\n")


def test_plan_without_batch_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.5",
                                "planned_values": {"root_module": {"resources": []}}}))
    assert load_files([str(path)]).notes == [
        f"skipped {path}: a Terraform plan without AWS Batch resources"]


def test_child_modules_and_outside_references(tmp_path: Path) -> None:
    plan = {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"child_modules": [{"resources": [{
                "address": "module.batch.aws_batch_compute_environment.this", "mode": "managed",
                "type": "aws_batch_compute_environment", "name": "this",
                "values": {"type": "MANAGED", "compute_resources": [{
                    "type": "EC2", "max_vcpus": 16, "instance_type": ["optimal"]}]}}]}]}},
            "configuration": {"root_module": {"module_calls": {"batch": {"module": {
                "resources": [{"address": "aws_batch_compute_environment.this",
                               "expressions": {"compute_resources": [{"instance_role": {
                                   "references": ["var.instance_profile_arn"]}}]}}]}}}}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    loaded = load_files([str(path)])
    report = run(loaded.models, [RuleRun(RULES["BL102"], "error", {})])
    assert report.findings == []  # a variable from outside the plan: not verified
    [gap] = report.not_verified
    assert gap.resource.name == "module.batch.aws_batch_compute_environment.this"


def test_scheduling_policy(tmp_path: Path) -> None:
    plan = json.loads(PLAN.read_text())
    plan["planned_values"]["root_module"]["resources"].append({
        "address": "aws_batch_scheduling_policy.fair", "mode": "managed",
        "type": "aws_batch_scheduling_policy", "name": "fair",
        "values": {"name": "fair", "fair_share_policy": [{"share_decay_seconds": 3600}]}})
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    policy = load_files([str(path)]).templates[0].find(m.SCHEDULING_POLICY,
                                                       "aws_batch_scheduling_policy.fair")
    assert policy is not None and policy.data["fairsharePolicy"] == {"shareDecaySeconds": 3600}


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_on_a_plan(cli, fmt: str) -> None:
    result = cli("scan", str(PLAN), "--format", fmt)
    assert result.exit_code == 1
    assert "aws_batch_compute_environment.spot" in result.stdout


# -- real plans: `terraform plan` / `show -json` of configurations in tests/iac/terraform ----

from tests.iac.terraform.planner import Planner, unavailable  # noqa: E402

_WHY_NOT = unavailable()
real = pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real Terraform plans: {_WHY_NOT}")


@pytest.fixture(scope="session")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every real plan, made once per session (offline, in parallel)."""
    return Planner(tmp_path_factory.mktemp("terraform")).all()


def _report(path: Path) -> tuple[set[tuple[str, str]], dict[tuple[str, str], str]]:
    loaded = load_files([str(path)])
    report = run(loaded.models, [RuleRun(r, r.severity, {}) for r in RULES.values()
                                 if r.enabled_by_default])
    found = {(f.rule_id, f.resource.name) for f in report.findings}
    gaps = {(n.rule_id, n.resource.name): n.reason for n in report.not_verified}
    return found, gaps


M = "module.batch."
CE, JQ, JD = (f"{M}aws_batch_compute_environment.this", f"{M}aws_batch_job_queue.this",
              f"{M}aws_batch_job_definition.this")
QUEUE_RULES = ("BL201", "BL202", "BL203")
CONTAINER_RULES = ("BL302", "BL303", "BL304", "BL306", "BL309", "BL311")


@real
def test_module_ec2_example_as_published(plans: dict[str, Path]) -> None:
    """terraform-aws-batch v2.1.0 examples/ec2, its VPC created in the same plan: subnets are
    known only after apply, so the module's dynamic `compute_resources` block is too."""
    found, gaps = _report(plans["ec2"])
    assert found == {
        ("BL107", f'{CE}["c_unmanaged"]'),  # type = "UNMANAGED": a note, true
        ("BL307", f'{JD}["example"]'),  # evaluate_on_exit: EXIT on 0, RETRY on 1, no catch-all
    }
    for ce in ("a_ec2", "b_ec2_spot"):  # every rule reading compute_resources waits for apply
        for rule in ("BL102", "BL103", "BL104", "BL105", "BL106", "BL108", "BL112", "BL113",
                     "BL114", "BL115", "BL116", "BL401"):
            # BL401 sums the region's environments: it names the other one's too
            assert gaps.pop((rule, f'{CE}["{ce}"]')).startswith(
                "it depends on values not known before deployment: `compute_resources` is "
                "known only after apply")
    # BL401 groups c_unmanaged with the others and reads their compute_resources
    assert gaps.pop(("BL401", f'{CE}["c_unmanaged"]')).endswith(
        "`compute_resources` is known only after apply (of compute-environment "
        f'`{CE}["b_ec2_spot"]`)')
    for queue in ("high_priority", "low_priority"):  # the environments' ARNs: after apply
        for rule in QUEUE_RULES:
            assert "it names one of `module.batch.aws_batch_compute_environment.this" \
                   "[\"a_ec2\"]`" in gaps.pop((rule, f'{JQ}["{queue}"]'))
    for rule in CONTAINER_RULES:  # jsonencode() of the log group's id: after apply
        assert gaps.pop((rule, f'{JD}["example"]')).endswith(
            "`container_properties` is known only after apply")
    assert gaps == {}
    # before this loader: BL101 and BL102 errors on both EC2 environments and BL201 errors
    # on both queues (roles and environments known only after apply read as "none")


@real
def test_module_ec2_example_with_existing_subnets(plans: dict[str, Path]) -> None:
    """The same example with subnet ids known when planning (an existing VPC)."""
    found, gaps = _report(plans["ec2-existing-vpc"])
    assert found == {
        ("BL107", f'{CE}["c_unmanaged"]'),
        ("BL108", f'{CE}["a_ec2"]'),  # desired_vcpus = 4 in the example: pinned, true
        ("BL108", f'{CE}["b_ec2_spot"]'),
        ("BL307", f'{JD}["example"]'),
    }
    # BL101 passes: service_role = aws_iam_role.service[0].arn reaches the module's role,
    # which trusts batch.amazonaws.com and has AWSBatchServiceRole through for_each attachments
    assert not any(rule == "BL101" for rule, _ in gaps)
    for ce in ("a_ec2", "b_ec2_spot"):
        # instance_role sits in a dynamic block, whose expressions the plan does not keep
        assert gaps.pop(("BL102", f'{CE}["{ce}"]')).endswith(
            "`compute_resources.instance_role` is known only after apply")
        # ec2_configuration is the provider's to compute; the dynamic block hides whether set
        for rule in ("BL103", "BL104", "BL105", "BL115"):
            assert gaps.pop((rule, f'{CE}["{ce}"]')).endswith(
                "`compute_resources.ec2_configuration` is known only after apply")
        assert "service-quota" in gaps.pop(("BL401", f'{CE}["{ce}"]'))  # no quota data: true
        # the security group comes from the plan's own VPC: known only after apply
        assert gaps.pop(("BL113", f'{CE}["{ce}"]')).endswith(
            "`compute_resources.security_group_ids` is known only after apply")
        # the existing VPC's subnets are outside the plan
        assert gaps.pop(("BL114", f'{CE}["{ce}"]')).startswith(
            "subnet `subnet-0a1b2c3d4e5f60711` is not in the Terraform configuration")
    for queue in ("high_priority", "low_priority"):
        for rule in QUEUE_RULES:
            assert "and the plan does not say which" in gaps.pop((rule, f'{JQ}["{queue}"]'))
    for rule in CONTAINER_RULES:
        assert gaps.pop((rule, f'{JD}["example"]')).endswith(
            "`container_properties` is known only after apply")
    assert gaps == {}


@real
def test_module_fargate_example_with_existing_subnets(plans: dict[str, Path]) -> None:
    found, gaps = _report(plans["fargate-existing-vpc"])
    assert found == {("BL307", f'{JD}["example"]')}  # no catch-all EXIT, as in the ec2 example
    for ce in ("a_fargate", "b_fargate_spot"):  # the plan's security group: after apply
        assert gaps.pop(("BL113", f'{CE}["{ce}"]')).endswith(
            "`compute_resources.security_group_ids` is known only after apply")
    # the Fargate environments pass every rule: their service role resolves, nothing else
    # that rules read waits for apply
    assert not any(name.startswith(CE) for _, name in gaps)
    for queue in ("high_priority", "low_priority"):
        for rule in QUEUE_RULES:
            assert "and the plan does not say which" in gaps.pop((rule, f'{JQ}["{queue}"]'))
    for rule in (*CONTAINER_RULES, "BL310"):  # executionRoleArn and the log group: after apply
        assert gaps.pop((rule, f'{JD}["example"]')).endswith(
            "`container_properties` is known only after apply")
    assert gaps == {}


@real
def test_handwritten_plan(plans: dict[str, Path]) -> None:
    found, gaps = _report(plans["handwritten"])
    jobs = "module.pipeline[0].module.jobs."
    known, later = f"{jobs}aws_batch_job_definition.known", \
        f"{jobs}aws_batch_job_definition.after_apply"
    assert found == {
        # the bare profile's role trusts EC2 but has no AmazonEC2ContainerServiceforEC2Role
        ("BL102", "aws_batch_compute_environment.bare"),
        ("BL301", known),  # no retry_strategy
        ("BL304", known),  # privileged = true
        ("BL305", known),  # no timeout
        ("BL306", known),  # busybox:latest
    }
    # ec2[i]'s instance_role is a conditional on count.index between two profiles
    for i in (0, 1):
        assert gaps.pop(("BL102", f"aws_batch_compute_environment.ec2[{i}]")).endswith(
            "`compute_resources.instance_role` is known only after apply: it is one of "
            "`aws_iam_instance_profile.instance.arn`, `aws_iam_instance_profile.bare.arn`, "
            "and the plan does not say which")
    assert "service-quota" in gaps.pop(("BL401", "aws_batch_compute_environment.ec2[0]"))
    assert "service-quota" in gaps.pop(("BL401", "aws_batch_compute_environment.bare"))
    # no ec2_configuration: the image type is the default of the day it is created (true)
    assert gaps.pop(("BL105", "aws_batch_compute_environment.bare")).startswith(
        "compute_resources.ec2_configuration sets no image_type")
    # its second environment's ARN is built from terraform_data; its first is known and
    # usable, which is all BL201 needs
    for rule in ("BL202", "BL203"):
        assert gaps.pop((rule, "aws_batch_job_queue.mixed")).endswith(
            "`compute_environments[1]` is `terraform_data.suffix.id`, known only after apply")
    for rule in CONTAINER_RULES:  # jsonencode() of the execution role's ARN
        assert gaps.pop((rule, later)).endswith(
            "`container_properties` is known only after apply")
    # the subnets and security group are literal ids of a VPC outside the plan
    for ce in ("bare", "ec2[0]", "ec2[1]", 'fargate["a"]', 'fargate["b"]'):
        assert gaps.pop(("BL113", f"aws_batch_compute_environment.{ce}")).startswith(
            "subnets `subnet-0a1b2c3d4e5f60711`, `subnet-0a1b2c3d4e5f60712` are not in the "
            "Terraform configuration: only the account has them")
    assert gaps == {}


@real
def test_handwritten_plan_model(plans: dict[str, Path]) -> None:
    """References through count, for_each, two module levels and names resolve; a count = 0
    role is absent and referenced by nothing."""
    [model] = load_files([str(plans["handwritten"])]).templates
    names = {r.name for r in model.resources}
    assert "aws_iam_role.spare[0]" not in names
    ce0 = model.find(m.COMPUTE_ENVIRONMENT, "aws_batch_compute_environment.ec2[0]")
    assert ce0 is not None
    assert ce0.data["serviceRole"] == "arn:aws:iam:::role/aws_iam_role.service[0]"
    assert ce0.data["computeResources"]["launchTemplate"] == {
        "launchTemplateId": "aws_launch_template.batch", "version": "1"}  # latest_version
    assert "desiredvCpus" not in ce0.data["computeResources"]  # Batch's, not configured
    def order(queue: str) -> list[object]:
        found = model.find(m.JOB_QUEUE, queue)
        assert found is not None
        return [e.get("computeEnvironment") for e in found.data["computeEnvironmentOrder"]]
    assert order("aws_batch_job_queue.ec2") == [
        "aws_batch_compute_environment.ec2[0]", "aws_batch_compute_environment.ec2[1]"]
    assert order("aws_batch_job_queue.fargate") == [
        'aws_batch_compute_environment.fargate["a"]', 'aws_batch_compute_environment.fargate["b"]']
    assert order("module.pipeline[0].module.jobs.aws_batch_job_queue.this") == [
        "aws_batch_compute_environment.ec2[1]"]  # var → var → the root's reference
    assert order("aws_batch_job_queue.by_name") == ["fargate-a"]
    by_name = model.find(m.COMPUTE_ENVIRONMENT, "fargate-a")  # the name is an alias
    assert by_name is not None and by_name.name == 'aws_batch_compute_environment.fargate["a"]'
    assert order("aws_batch_job_queue.mixed")[0] == "aws_batch_compute_environment.ec2[0]"


def test_a_resource_of_an_unreadable_shape_costs_only_that_resource(tmp_path: Path) -> None:
    plan = json.loads(PLAN.read_text())
    plan["planned_values"]["root_module"]["resources"].append({
        "address": "aws_batch_compute_environment.odd", "mode": "managed",
        "type": "aws_batch_compute_environment", "name": "odd",
        "values": {"type": "MANAGED", "compute_resources": [{"max_vcpus": "many"}]}})
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    loaded = load_files([str(path)])
    report = run(loaded.models, [RuleRun(RULES["BL102"], "error", {})])
    odd = [n for n in report.not_verified if n.resource.name.endswith(".odd")]
    assert [n.reason for n in odd] == [
        "it depends on values not known before deployment: its planned values of "
        "`aws_batch_compute_environment.odd` have a shape batchlint does not read"]
    assert {f.resource.name for f in report.findings} == {"aws_batch_compute_environment.spot"}


def test_plan_findings_point_at_the_attributes_line(tmp_path: Path) -> None:
    """Each finding on a plan points at its own attribute (or, when the plan leaves it out,
    the nearest block that holds it), not at the resource's first line."""
    from typer.testing import CliRunner

    from batchlint.cli import app

    plan = Path(__file__).parent / "data" / "plan.json"
    out = tmp_path / "out.json"
    CliRunner().invoke(app, ["scan", str(plan), "--format", "json", "--output", str(out)])
    lines = plan.read_text().splitlines()
    at = {(f["rule_id"], f["resource"]["name"]): lines[f["location"]["line"] - 1].strip()
          for f in json.loads(out.read_text())["findings"]}
    spot = "aws_batch_compute_environment.spot"
    assert at[("BL102", spot)].startswith('"compute_resources"')  # no instance_role: its block
    assert at[("BL103", spot)].startswith('"launch_template"')
    assert at[("BL108", spot)].startswith('"desired_vcpus": 4')
    assert at[("BL203", "aws_batch_job_queue.genomics")].startswith('"compute_environment_order"')


@pytest.fixture(scope="module")
def lines_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real plan of configs/lines: one SPOT environment with four problems."""
    if _WHY_NOT is not None:
        pytest.skip(f"no real Terraform plans: {_WHY_NOT}")
    return Planner(tmp_path_factory.mktemp("lines")).config("lines")


@real
@pytest.mark.parametrize("indent", [None, 2], ids=["as-terraform-shows-it", "indented"])
def test_real_plan_findings_point_at_their_own_attributes(lines_plan: Path, tmp_path: Path,
                                                          indent: int | None) -> None:
    """`terraform show -json` writes one line, `jq .` of it many: either way BL102, BL103,
    BL108 and BL111 each point at their own attribute, never at the resource's start. The
    instance role is known only after apply, so the plan has no value for it: the finding
    points where the plan marks it unknown (`after_unknown`)."""
    from typer.testing import CliRunner

    from batchlint.cli import app

    plan = lines_plan
    if indent is not None:
        plan = tmp_path / "indented.json"
        plan.write_text(json.dumps(json.loads(lines_plan.read_text()), indent=indent))
    out = tmp_path / "out.json"
    CliRunner().invoke(app, ["scan", str(plan), "--format", "json", "--output", str(out)])
    lines = plan.read_text().splitlines()
    spot = "aws_batch_compute_environment.spot"
    where = {f["rule_id"]: (f["location"]["line"], f["location"]["column"])
             for f in json.loads(out.read_text())["findings"] if f["resource"]["name"] == spot}
    four = ("BL102", "BL103", "BL108", "BL111")
    assert set(four) <= set(where)
    at = {rule: lines[line - 1][column - 1:].replace(" ", "")
          for rule, (line, column) in where.items()}
    assert at["BL102"].startswith('"instance_role":true')  # after_unknown
    assert at["BL103"].startswith('"launch_template":[')
    assert at["BL108"].startswith('"desired_vcpus":16')
    assert at["BL111"].startswith('"spot_iam_fleet_role":null')
    if indent is not None:  # four attributes, four lines
        assert len({where[rule][0] for rule in four}) == 4
