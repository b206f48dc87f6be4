# Written for batchlint's tests: one configuration read from source and planned, so the two
# readings can be compared. tfvars, locals, for_each over a map, dynamic blocks, a module
# call with for_each, a launch template's disks, heredoc and jsonencode job definitions,
# common functions, a data source.
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

variable "environment" {
  default = "dev"
}

variable "disk_gib" {
  default = 30 # terraform.tfvars raises it to 100
}

variable "use_spot" {
  default = true
}

variable "subnets" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60711"]
}

locals {
  name = format("%s-batch", var.environment)
  tags = merge({ Team = "genomics" }, { Environment = var.environment })
  environments = {
    small = { max_vcpus = 16, types = ["m6i.large"] }
    large = { max_vcpus = 256, types = concat(["m6i"], ["c6i"]) }
  }
  trust = { for service in ["batch", "ec2"] : service => jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "${service}.amazonaws.com" } }]
  }) }
}

resource "terraform_data" "ami" {
  input = "al2023"
}

data "aws_ssm_parameter" "image" { # read at apply: it waits for terraform_data.ami
  name       = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
  depends_on = [terraform_data.ami]
}

resource "aws_iam_role" "service" {
  name               = "${local.name}-service"
  assume_role_policy = local.trust["batch"]
}

resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}

resource "aws_iam_role" "instance" {
  name               = "${local.name}-instance"
  assume_role_policy = lookup(local.trust, "ec2")
}

resource "aws_iam_role_policy_attachment" "instance" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "instance" {
  name = "${local.name}-instance"
  role = aws_iam_role.instance.name
}

resource "aws_launch_template" "disk" {
  name = "${local.name}-disk"
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = var.disk_gib
      volume_type = "gp3"
    }
  }
}

resource "aws_launch_template" "small_disk" {
  name     = "${local.name}-small"
  image_id = data.aws_ssm_parameter.image.value
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
    }
  }
}

resource "aws_batch_compute_environment" "this" {
  for_each                 = local.environments
  compute_environment_name = "${local.name}-${each.key}"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn

  compute_resources {
    type                = var.use_spot ? "SPOT" : "EC2"
    allocation_strategy = var.use_spot ? "SPOT_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE"
    min_vcpus           = 0
    max_vcpus           = each.value.max_vcpus
    instance_type       = each.value.types
    instance_role       = aws_iam_instance_profile.instance.arn
    subnets             = var.subnets
    security_group_ids  = ["sg-0a1b2c3d4e5f60710"]
    tags                = local.tags

    launch_template {
      launch_template_id = each.key == "large" ? aws_launch_template.disk.id : aws_launch_template.small_disk.id
      version            = each.key == "large" ? aws_launch_template.disk.latest_version : "$Latest"
    }

    dynamic "ec2_configuration" {
      for_each = each.key == "large" ? ["ECS_AL2023"] : ["ECS_AL2"]
      content {
        image_type = ec2_configuration.value
      }
    }
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}

resource "aws_batch_compute_environment" "unmanaged" {
  compute_environment_name = "${local.name}-unmanaged"
  type                     = "UNMANAGED"
  service_role             = aws_iam_role.service.arn
}

resource "aws_batch_job_queue" "main" {
  name     = local.name
  state    = "ENABLED"
  priority = tonumber("10")
  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this["large"].arn
  }
  compute_environment_order {
    order               = 2
    compute_environment = aws_batch_compute_environment.this["small"].arn
  }
}

module "jobs" {
  source   = "./modules/compute"
  for_each = toset(["align", "call"])
  name     = "${local.name}-${each.key}"
  image    = each.key == "align" ? "bwa:latest" : "gatk:4.5.0.0"
  queue    = aws_batch_job_queue.main.arn
  vcpus    = each.key == "align" ? 4 : 2
}

resource "aws_batch_job_definition" "heredoc" {
  name                 = "${local.name}-heredoc"
  type                 = "container"
  container_properties = <<-EOT
    {
      "image": "busybox:${tostring(1.36)}",
      "vcpus": 1,
      "memory": 512,
      "privileged": true
    }
  EOT
  retry_strategy {
    attempts = 3
    evaluate_on_exit {
      on_status_reason = "Host EC2*"
      action           = "RETRY"
    }
    evaluate_on_exit {
      on_reason = "*"
      action    = "EXIT"
    }
  }
  timeout {
    attempt_duration_seconds = 3600
  }
}
