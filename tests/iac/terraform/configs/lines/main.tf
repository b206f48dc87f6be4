# Written for batchlint's tests: one SPOT environment with four problems in four
# attributes, so each finding must point at its own line of the plan (BL102: the
# profile's role lacks the ECS policy; BL103: an 8 GiB root volume; BL108: a pinned
# desired_vcpus; BL111: BEST_FIT without spot_iam_fleet_role).
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
  trust = { for service in ["batch", "ec2"] : service => jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "${service}.amazonaws.com" } }]
  }) }
}

resource "aws_iam_role" "service" {
  name               = "batch-service"
  assume_role_policy = local.trust["batch"]
}

resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}

resource "aws_iam_role" "bare" { # trusted by EC2, without AmazonEC2ContainerServiceforEC2Role
  name               = "batch-bare"
  assume_role_policy = local.trust["ec2"]
}

resource "aws_iam_instance_profile" "bare" {
  name = "batch-bare"
  role = aws_iam_role.bare.name
}

resource "aws_launch_template" "small" {
  name = "batch-small"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 8
      volume_type = "gp3"
    }
  }
}

resource "aws_batch_compute_environment" "spot" {
  compute_environment_name = "spot"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn

  compute_resources {
    type                = "SPOT"
    allocation_strategy = "BEST_FIT"
    bid_percentage      = 60
    min_vcpus           = 0
    desired_vcpus       = 16
    max_vcpus           = 64
    instance_type       = ["m6i"]
    instance_role       = aws_iam_instance_profile.bare.arn
    subnets             = ["subnet-0a1b2c3d4e5f60711"]
    security_group_ids  = ["sg-0a1b2c3d4e5f60710"]

    launch_template {
      launch_template_name = aws_launch_template.small.name
      version              = "1"
    }

    ec2_configuration {
      image_type = "ECS_AL2023"
    }
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}
