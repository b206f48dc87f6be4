"""A value compared with null is decided when it is known not to be null, whatever it holds
(`terraform console`: `{ a = terraform_data.x.id } != null` is true, `== null` false,
while comparing it with another map is known only after apply)."""

from __future__ import annotations

from pathlib import Path

from .test_tfsource import lint, results, write


def test_a_map_holding_an_unknown_is_not_null(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": '''
variable "subnet" {}
locals {
  environments = { spot = { subnet = var.subnet } }
}
resource "aws_batch_compute_environment" "spot" {
  count = local.environments != null ? 1 : 0
  type  = "MANAGED"
  compute_resources {
    type      = "FARGATE_SPOT"
    max_vcpus = 16
    subnets   = [local.environments.spot.subnet]
  }
}
resource "aws_batch_job_queue" "q" {
  count                = local.environments == null ? 0 : 1
  name                 = "q"
  state                = "ENABLED"
  priority             = 1
  compute_environments = [aws_batch_compute_environment.spot[0].arn]
}
'''})
    _, report = lint([str(tmp_path)], "BL203")
    found, gaps = results(report)
    assert found == {("BL203", "aws_batch_job_queue.q[0]")}
    assert gaps == {}
