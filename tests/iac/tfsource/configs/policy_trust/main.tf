# Instance roles whose trust policies are aws_iam_policy_document data sources (BL102),
# with for_each, count, a source and an override document, and unknown inputs.
data "aws_ssm_parameter" "principal" {
  name = "/trust/principal"
}
data "aws_iam_policy_document" "service" {
  for_each = toset(["ec2", "ecs-tasks"])
  statement {
    sid     = "Trust"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["${each.key}.amazonaws.com"]
    }
  }
}
data "aws_iam_policy_document" "tasks" {
  source_policy_documents = [data.aws_iam_policy_document.service["ec2"].json]
  # the statement of Sid "Trust" replaced: the role trusts only ECS tasks
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "Trust", Effect = "Allow",
  Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })]
}
data "aws_iam_policy_document" "from_data" {
  count = 1
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [data.aws_ssm_parameter.principal.value]
    }
  }
}
data "aws_iam_policy_document" "broken" {
  source_policy_documents = ["{not json"]
}
locals {
  trusts = {
    ec2       = data.aws_iam_policy_document.service["ec2"].json
    tasks     = data.aws_iam_policy_document.tasks.json
    ecs_tasks = data.aws_iam_policy_document.service["ecs-tasks"].json
    from_data = data.aws_iam_policy_document.from_data[0].json
    broken    = data.aws_iam_policy_document.broken.json
  }
}
resource "aws_iam_role" "instance" {
  for_each = local.trusts
  name = "instance-${each.key}"
  assume_role_policy = each.value
}
resource "aws_iam_role_policy_attachment" "instance" {
  for_each = local.trusts
  role       = aws_iam_role.instance[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}
resource "aws_iam_instance_profile" "instance" {
  for_each = local.trusts
  name = "instance-${each.key}"
  role = aws_iam_role.instance[each.key].name
}
resource "aws_batch_compute_environment" "ce" {
  for_each = local.trusts
  compute_environment_name = "ce-${each.key}"
  type                     = "MANAGED"
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m5.large"]
    instance_role      = aws_iam_instance_profile.instance[each.key].arn
    subnets            = ["subnet-1"]
    security_group_ids = ["sg-1"]
  }
}
