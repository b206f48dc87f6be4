# Written for batchlint's tests: count, for_each over a set, a nested module two levels
# deep (with count), provider 5.x `compute_environments` with an element known only after
# apply, `compute_environment_order` blocks, a count = 0 resource that is referenced, and
# a job definition whose container_properties is jsonencode of a value known after apply.
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

variable "subnets" {
  default = ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"]
}

variable "create_spare_role" {
  default = false
}

locals {
  batch_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "batch.amazonaws.com" } }]
  })
  ec2_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

# -- IAM ----------------------------------------------------------------------------------

resource "aws_iam_role" "service" {
  count              = 1
  name_prefix        = "batch-service-"
  assume_role_policy = local.batch_trust
}

resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service[0].name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}

resource "aws_iam_role" "spare" { # count = 0: absent from the plan, referenced in a try()
  count              = var.create_spare_role ? 1 : 0
  name               = "spare"
  assume_role_policy = local.batch_trust
}

resource "aws_iam_role" "instance" {
  name_prefix        = "batch-instance-"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_role_policy_attachment" "instance" {
  for_each = toset([
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ])
  role       = aws_iam_role.instance.name
  policy_arn = each.value
}

resource "aws_iam_instance_profile" "instance" {
  name_prefix = "batch-instance-"
  role        = aws_iam_role.instance.name
}

resource "aws_iam_role" "no_policy" { # trusted by EC2, but lacks the ECS policy
  name_prefix        = "batch-bare-"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_instance_profile" "bare" {
  name_prefix = "batch-bare-"
  role        = aws_iam_role.no_policy.name
}

# -- launch template ----------------------------------------------------------------------

resource "aws_launch_template" "batch" {
  name_prefix = "batch-"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 200
      volume_type = "gp3"
    }
  }
}

# -- compute environments -----------------------------------------------------------------

resource "aws_batch_compute_environment" "ec2" {
  count                           = 2
  compute_environment_name_prefix = "ec2-${count.index}-"
  type                            = "MANAGED"
  service_role                    = try(aws_iam_role.spare[0].arn, aws_iam_role.service[0].arn)

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    min_vcpus           = 0
    max_vcpus           = 64
    instance_type       = ["m6i", "c6i"]
    instance_role       = count.index == 0 ? aws_iam_instance_profile.instance.arn : aws_iam_instance_profile.bare.arn
    subnets             = var.subnets
    security_group_ids  = ["sg-0a1b2c3d4e5f60710"]

    launch_template {
      launch_template_id = aws_launch_template.batch.id
      version            = aws_launch_template.batch.latest_version
    }

    ec2_configuration {
      image_type = "ECS_AL2023"
    }
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}

resource "aws_batch_compute_environment" "bare" { # BL102: its profile's role lacks the policy
  compute_environment_name = "bare"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service[0].arn

  compute_resources {
    type               = "SPOT"
    allocation_strategy = "SPOT_CAPACITY_OPTIMIZED"
    max_vcpus          = 16
    instance_type      = ["optimal"]
    instance_role      = aws_iam_instance_profile.bare.arn
    subnets            = var.subnets
    security_group_ids = ["sg-0a1b2c3d4e5f60710"]

    launch_template {
      launch_template_name = aws_launch_template.batch.name
      version              = aws_launch_template.batch.latest_version
    }
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}

resource "aws_batch_compute_environment" "fargate" {
  for_each                 = toset(["a", "b"])
  compute_environment_name = "fargate-${each.key}"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service[0].arn

  compute_resources {
    type               = "FARGATE"
    max_vcpus          = 16
    subnets            = var.subnets
    security_group_ids = ["sg-0a1b2c3d4e5f60710"]
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}

resource "terraform_data" "suffix" {
  input = "later"
}

# -- queues -------------------------------------------------------------------------------

resource "aws_batch_job_queue" "ec2" { # provider 5.x: a list of ARNs, in order
  name     = "ec2"
  state    = "ENABLED"
  priority = 10
  compute_environments = [
    aws_batch_compute_environment.ec2[0].arn,
    aws_batch_compute_environment.ec2[1].arn,
  ]
}

resource "aws_batch_job_queue" "mixed" { # an element known only after apply, from elsewhere
  name     = "mixed"
  state    = "ENABLED"
  priority = 5
  compute_environments = [
    aws_batch_compute_environment.ec2[0].arn,
    "arn:aws:batch:us-east-1:123456789012:compute-environment/${terraform_data.suffix.id}",
  ]
}

resource "aws_batch_job_queue" "fargate" { # compute_environment_order blocks
  name     = "fargate"
  state    = "ENABLED"
  priority = 1
  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.fargate["a"].arn
  }
  compute_environment_order {
    order               = 2
    compute_environment = aws_batch_compute_environment.fargate["b"].arn
  }
}

resource "aws_batch_job_queue" "by_name" { # names an environment by its literal name
  name                 = "by-name"
  state                = "ENABLED"
  priority             = 1
  compute_environments = ["fargate-a"]
}

resource "aws_iam_role" "execution" {
  name_prefix = "batch-exec-"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

module "pipeline" {
  source                  = "./modules/pipeline"
  count                   = 1
  compute_environment_arn = aws_batch_compute_environment.ec2[1].arn
  execution_role_arn      = aws_iam_role.execution.arn
}
