"""Registry and git modules read from where ``terraform init`` downloaded them
(``.terraform/modules/modules.json``), and a note per module that is not downloaded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from batchlint import model as m
from batchlint.loaders import load_files
from tests.iac.terraform.planner import Planner, unavailable

from .test_tfsource import ROLES, ce, lint, write

CALLER = '''
module "batch" {
  source  = "acme/batch/aws"
  version = "1.2.0"
  count   = 2
  name    = "ce-${count.index}"
}
'''
MODULE = ROLES + ce("this", top="compute_environment_name = var.name") + '''
variable "name" {}
module "jobs" {
  source = "git::https://example.com/jobs.git"
}
output "image" {
  value = module.jobs.image
}
'''
JOBS = '''
variable "image" {
  default = "public.ecr.aws/x/y:1"
}
resource "aws_batch_job_definition" "j" {
  name = "j"
  type = "container"
  container_properties = jsonencode({ image = var.image })
}
output "image" {
  value = var.image
}
'''


def _manifest(root: Path, *modules: tuple[str, str, str]) -> None:
    path = root / ".terraform" / "modules" / "modules.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Modules": [{"Key": "", "Source": "", "Dir": "."}, *(
        {"Key": k, "Source": s, "Dir": d} for k, s, d in modules)]}))


def _names(loaded: object, kind: str) -> list[str]:
    return sorted(r.name for r in loaded.templates[0].of_kind(kind))  # type: ignore[attr-defined]


def test_downloaded_modules_are_read_like_local_ones(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": CALLER, ".gitignore": ".terraform/\n",
                     ".terraform/modules/batch/main.tf": MODULE,
                     ".terraform/modules/batch.jobs/main.tf": JOBS})
    _manifest(tmp_path, ("batch", "registry.terraform.io/acme/batch/aws",
                         ".terraform/modules/batch"),
              ("batch.jobs", "git::https://example.com/jobs.git", ".terraform/modules/batch.jobs"))
    loaded = load_files([str(tmp_path)])
    # the walk reads no file under .terraform, the modules it calls are read all the same
    assert loaded.notes == [f"skipped in {tmp_path}: 1 folder (.terraform)"]
    assert _names(loaded, m.COMPUTE_ENVIRONMENT) == [
        f"module.batch[{i}].aws_batch_compute_environment.this" for i in (0, 1)]
    assert _names(loaded, m.JOB_DEFINITION) == [
        f"module.batch[{i}].module.jobs.aws_batch_job_definition.j" for i in (0, 1)]
    [finding] = [f for f in lint([str(tmp_path)], "BL103")[1].findings
                 if f.resource.name.startswith("module.batch[0]")]
    assert finding.location is not None
    assert finding.location.path == str(tmp_path / ".terraform/modules/batch/main.tf")


def test_a_module_not_downloaded_is_one_note_and_its_outputs_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": CALLER + ROLES + ce("a", body=(
        "launch_template {\n launch_template_id = module.batch[0].lt\n}"))})
    loaded, report = lint([str(tmp_path)], "BL103")
    assert loaded.notes == [
        f"module `batch` (`acme/batch/aws`) in {tmp_path} is not read, so what it creates is "
        f"not checked: it is a remote module, not downloaded (there is no {tmp_path}/.terraform"
        "/modules/modules.json); run `terraform init` there to download it"]
    [gap] = report.not_verified
    assert gap.reason.endswith("`compute_resources.launch_template.launch_template_id` comes "
                               "from module `batch` (`acme/batch/aws`), which is not "
                               "downloaded (run `terraform init`)")


@pytest.mark.parametrize(("manifest", "why"), [
    ('{"Modules": [{"Key": "other", "Dir": "x"}]}', "{m} does not list it"),
    ('{"Modules": [{"Key": "batch", "Dir": ".terraform/modules/gone"}]}',
     "{m} names {root}/.terraform/modules/gone, which is not there"),
    ("{not json", "{m} cannot be read: Expecting property name enclosed in double quotes: "
                  "line 1 column 2 (char 1)"),
    ('{"Modules": {}}', "{m} has no list of Modules"),
])
def test_a_manifest_without_the_module_is_a_note(tmp_path: Path, manifest: str,
                                                 why: str) -> None:
    write(tmp_path, {"main.tf": CALLER, ".terraform/modules/modules.json": manifest})
    loaded = load_files([str(tmp_path)])
    path = f"{tmp_path}/.terraform/modules/modules.json"
    assert loaded.notes == [
        f"skipped {tmp_path}: Terraform without AWS Batch resources",
        f"module `batch` (`acme/batch/aws`) in {tmp_path} is not read, so what it creates is "
        f"not checked: it is a remote module, not downloaded ({why.format(m=path, root=tmp_path)}"
        "); run `terraform init` there to download it",
        f"skipped in {tmp_path}: 1 folder (.terraform)"]


_WHY_NOT = unavailable()


@pytest.mark.skipif(_WHY_NOT is not None, reason=f"no real plans: {_WHY_NOT}")
def test_the_manifest_terraform_init_writes_is_read(tmp_path: Path) -> None:
    """`terraform init` of a local module source writes the manifest; the same call then
    naming a registry source is read from the directory the manifest gives."""
    root = write(tmp_path / "root", {
        "main.tf": CALLER.replace("acme/batch/aws", "./vendored/batch").replace(
            '  version = "1.2.0"\n', ""),
        "vendored/batch/main.tf": MODULE.replace("git::https://example.com/jobs.git", "./jobs"),
        "vendored/batch/jobs/main.tf": JOBS})
    Planner(tmp_path / "work").init(root)
    written = json.loads((root / ".terraform/modules/modules.json").read_text())
    assert {"Key": "batch", "Source": "./vendored/batch", "Dir": "vendored/batch"} in written[
        "Modules"]
    assert {"Key": "batch.jobs", "Source": "./jobs", "Dir": "vendored/batch/jobs"} in written[
        "Modules"]
    (root / "main.tf").write_text(CALLER)  # now a registry source: found by its key
    (root / "vendored/batch/main.tf").write_text(MODULE)
    shutil.rmtree(root / ".terraform" / "providers", ignore_errors=True)
    loaded = load_files([str(root)])
    assert loaded.notes == [f"skipped in {root}: 1 other file, 1 folder (.terraform)"]
    assert _names(loaded, m.JOB_DEFINITION) == [
        f"module.batch[{i}].module.jobs.aws_batch_job_definition.j" for i in (0, 1)]
