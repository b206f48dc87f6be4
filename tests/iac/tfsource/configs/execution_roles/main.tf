# Written for batchlint's tests (BL311): execution roles of Fargate job definitions, their
# trust and their policies written every way Terraform allows (inline_policy blocks,
# aws_iam_role_policy with jsonencode or a heredoc, aws_iam_policy attached by
# aws_iam_role_policy_attachment, managed_policy_arns, a data source read at apply).
# Read from source and planned; see tests/iac/tfsource/test_execution_roles.py.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

locals {
  account = "123456789012"
  image   = "${local.account}.dkr.ecr.us-east-1.amazonaws.com/etl:1.4"
  secret  = "arn:aws:secretsmanager:us-east-1:${local.account}:secret:db-AbCdEf"
  ecs_tasks = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
  sizes = [{ type = "VCPU", value = "1" }, { type = "MEMORY", value = "2048" }]
}

# only s3 in an inline_policy block, and sqs in a heredoc aws_iam_role_policy: cannot pull
resource "aws_iam_role" "no_pull" {
  name               = "exec-no-pull"
  assume_role_policy = local.ecs_tasks
  inline_policy {
    name = "s3"
    policy = jsonencode({ Version = "2012-10-17",
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  }
}

resource "aws_iam_role_policy" "no_pull_sqs" {
  name   = "sqs"
  role   = aws_iam_role.no_pull.id
  policy = <<-POLICY
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}
  POLICY
}

# trusts EC2, not ECS tasks
resource "aws_iam_role" "trusts_ec2" {
  name = "exec-trusts-ec2"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
}

# AmazonECSTaskExecutionRolePolicy attached, and the secret allowed by an aws_iam_policy
resource "aws_iam_role" "ok" {
  name               = "exec-ok"
  assume_role_policy = local.ecs_tasks
}

resource "aws_iam_role_policy_attachment" "ok_execution" {
  role       = aws_iam_role.ok.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_policy" "read_secret" {
  name = "read-db-secret"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
  { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = local.secret }] })
}

resource "aws_iam_role_policy_attachment" "ok_secret" {
  role       = aws_iam_role.ok.name
  policy_arn = aws_iam_policy.read_secret.arn
}

# its only policy comes from a data source that is read at apply
resource "terraform_data" "later" {
  input = "policy"
}

data "aws_iam_policy" "shared" {
  name       = "shared-execution"
  depends_on = [terraform_data.later]
}

resource "aws_iam_role" "from_data" {
  name               = "exec-from-data"
  assume_role_policy = local.ecs_tasks
}

resource "aws_iam_role_policy" "from_data" {
  name   = "shared"
  role   = aws_iam_role.from_data.id
  policy = data.aws_iam_policy.shared.policy
}

# each role named twice: by reference, which a plan knows only after apply, and by its ARN
locals {
  roles = {
    no_pull    = aws_iam_role.no_pull
    trusts_ec2 = aws_iam_role.trusts_ec2
    ok         = aws_iam_role.ok
    from_data  = aws_iam_role.from_data
  }
}

resource "aws_batch_job_definition" "by_reference" {
  for_each              = local.roles
  name                  = "by-reference-${each.key}"
  type                  = "container"
  platform_capabilities = ["FARGATE"]
  retry_strategy {
    attempts = 2
  }
  timeout {
    attempt_duration_seconds = 3600
  }
  container_properties = jsonencode({
    image                = local.image
    executionRoleArn     = each.value.arn
    resourceRequirements = local.sizes
    secrets              = [{ name = "DB", valueFrom = local.secret }]
    networkConfiguration = { assignPublicIp = "ENABLED" }
  })
}

resource "aws_batch_job_definition" "by_arn" {
  for_each              = local.roles
  name                  = "by-arn-${each.key}"
  type                  = "container"
  platform_capabilities = ["FARGATE"]
  retry_strategy {
    attempts = 2
  }
  timeout {
    attempt_duration_seconds = 3600
  }
  container_properties = jsonencode({
    image                = local.image
    executionRoleArn     = "arn:aws:iam::${local.account}:role/${each.value.name}"
    resourceRequirements = local.sizes
    secrets              = [{ name = "DB", valueFrom = local.secret }]
    networkConfiguration = { assignPublicIp = "ENABLED" }
  })
}
