# Written for batchlint's tests: Batch environments on networks made in the same plan, for
# BL113 (network path) and BL114 (instance-type offerings). Planned with the vendored
# terraform-aws-modules/vpc v5.21.0 copied beside it as ./vpc (see planner.py).
#
#   isolated   private subnets, no NAT, no endpoints          → BL113 finding
#   natted     private subnets routed to a NAT gateway        → passes
#   endpoints  private subnets, ECS/ECR interface + S3 gateway endpoints → passes
#   closed     natted's subnets, a security group with no egress (Terraform removes AWS's
#              default allow-all rule)                        → BL113 finding
#   lt_closed  natted's subnets, no security groups of its own: its launch template's group
#              has no egress                                 → BL113 finding
#   lt_open    the same with the launch template's group allowing egress → passes
#   outside    subnet ids from a variable (a VPC outside the plan) → not verified
#   module_nat / module_private  the VPC module's private_subnets with and without
#              enable_nat_gateway (single_nat_gateway)
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

variable "outside_subnets" {
  default = ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712"]
}

locals {
  zones              = ["us-east-1a", "us-east-1b"]
  vpcs               = { isolated = "10.1.0.0/16", natted = "10.2.0.0/16", endpoints = "10.3.0.0/16" }
  interface_services = ["ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr"]
}

# -- three hand-written VPCs -----------------------------------------------------------------

resource "aws_vpc" "this" {
  for_each             = local.vpcs
  cidr_block           = each.value
  enable_dns_support   = true
  enable_dns_hostnames = true
}

resource "aws_subnet" "isolated" {
  count             = 2
  vpc_id            = aws_vpc.this["isolated"].id
  cidr_block        = cidrsubnet(local.vpcs["isolated"], 8, count.index)
  availability_zone = local.zones[count.index]
}

resource "aws_subnet" "natted" {
  count             = 2
  vpc_id            = aws_vpc.this["natted"].id
  cidr_block        = cidrsubnet(local.vpcs["natted"], 8, count.index)
  availability_zone = local.zones[count.index]
}

resource "aws_subnet" "endpoints" {
  count             = 2
  vpc_id            = aws_vpc.this["endpoints"].id
  cidr_block        = cidrsubnet(local.vpcs["endpoints"], 8, count.index)
  availability_zone = local.zones[count.index]
}

resource "aws_route_table" "private" {
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
}

resource "aws_route_table_association" "isolated" {
  count          = 2
  subnet_id      = aws_subnet.isolated[count.index].id
  route_table_id = aws_route_table.private["isolated"].id
}

resource "aws_route_table_association" "natted" {
  count          = 2
  subnet_id      = element(aws_subnet.natted[*].id, count.index)
  route_table_id = aws_route_table.private["natted"].id
}

resource "aws_route_table_association" "endpoints" {
  count          = 2
  subnet_id      = aws_subnet.endpoints[count.index].id
  route_table_id = aws_route_table.private["endpoints"].id
}

# natted: a public subnet with an internet gateway and a NAT gateway
resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.this["natted"].id
  cidr_block              = "10.2.100.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
}

resource "aws_internet_gateway" "natted" {
  vpc_id = aws_vpc.this["natted"].id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this["natted"].id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.natted.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "natted" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_route" "natted" {
  route_table_id         = aws_route_table.private["natted"].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.natted.id
}

# endpoints: what instances need to reach ECS, ECR and S3 without a NAT
resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(local.interface_services)
  vpc_id              = aws_vpc.this["endpoints"].id
  service_name        = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.endpoints[*].id
  security_group_ids  = [aws_security_group.https["endpoints"].id]
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this["endpoints"].id
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
}

resource "aws_vpc_endpoint_route_table_association" "s3" {
  route_table_id  = aws_route_table.private["endpoints"].id
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
}

# -- security groups ---------------------------------------------------------------------------

resource "aws_security_group" "https" {
  for_each = local.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "closed" { # no egress block: Terraform removes the default
  vpc_id = aws_vpc.this["natted"].id
}

resource "aws_security_group" "by_rule" { # egress from a separate rule
  vpc_id = aws_vpc.this["natted"].id
}

resource "aws_vpc_security_group_egress_rule" "by_rule" {
  security_group_id = aws_security_group.by_rule.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}

# -- the VPC module, with and without NAT ------------------------------------------------------

module "vpc_nat" {
  source             = "./vpc"
  name               = "batch-nat"
  cidr               = "10.10.0.0/16"
  azs                = local.zones
  private_subnets    = ["10.10.1.0/24", "10.10.2.0/24"]
  public_subnets     = ["10.10.101.0/24", "10.10.102.0/24"]
  enable_nat_gateway = true
  single_nat_gateway = true
}

module "vpc_private" {
  source          = "./vpc"
  name            = "batch-private"
  cidr            = "10.20.0.0/16"
  azs             = local.zones
  private_subnets = ["10.20.1.0/24", "10.20.2.0/24"]
}

resource "aws_security_group" "module" {
  for_each = { nat = module.vpc_nat.vpc_id, private = module.vpc_private.vpc_id }
  vpc_id   = each.value
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# -- Batch -------------------------------------------------------------------------------------

resource "aws_iam_role" "service" {
  name = "batch-service"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "batch.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole"
}

resource "aws_batch_compute_environment" "isolated" {
  compute_environment_name = "isolated"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m6i"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = aws_subnet.isolated[*].id
    security_group_ids = [aws_security_group.https["isolated"].id]
  }
}

resource "aws_batch_compute_environment" "natted" {
  compute_environment_name = "natted"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m6i"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = [aws_subnet.natted[0].id, aws_subnet.natted[1].id]
    security_group_ids = [aws_security_group.by_rule.id]
  }
}

resource "aws_batch_compute_environment" "endpoints" {
  compute_environment_name = "endpoints"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["p4d.24xlarge"] # an exact type: BL114 needs offerings
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = aws_subnet.endpoints[*].id
    security_group_ids = [aws_security_group.https["endpoints"].id]
  }
}

resource "aws_batch_compute_environment" "closed" {
  compute_environment_name = "closed"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m6i"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = [aws_subnet.natted[0].id]
    security_group_ids = [aws_security_group.closed.id]
  }
}

resource "aws_launch_template" "closed" {
  name                   = "groups-closed"
  vpc_security_group_ids = [aws_security_group.closed.id]
}

resource "aws_launch_template" "open" {
  name                   = "groups-open"
  vpc_security_group_ids = [aws_security_group.by_rule.id]
}

resource "aws_batch_compute_environment" "lt_closed" {
  compute_environment_name = "lt-closed"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type          = "EC2"
    max_vcpus     = 16
    instance_type = ["m6i"]
    instance_role = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets       = [aws_subnet.natted[0].id]
    launch_template {
      launch_template_id = aws_launch_template.closed.id
      version            = aws_launch_template.closed.latest_version
    }
  }
}

resource "aws_batch_compute_environment" "lt_open" {
  compute_environment_name = "lt-open"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type          = "EC2"
    max_vcpus     = 16
    instance_type = ["m6i"]
    instance_role = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets       = [aws_subnet.natted[0].id]
    launch_template {
      launch_template_id = aws_launch_template.open.id
      version            = aws_launch_template.open.latest_version
    }
  }
}

resource "aws_batch_compute_environment" "outside" {
  compute_environment_name = "outside"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["c5.large"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = var.outside_subnets
    security_group_ids = [aws_security_group.https["natted"].id]
  }
}

resource "aws_batch_compute_environment" "module_nat" {
  compute_environment_name = "module-nat"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m6i"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = module.vpc_nat.private_subnets
    security_group_ids = [aws_security_group.module["nat"].id]
  }
}

resource "aws_batch_compute_environment" "module_private" {
  compute_environment_name = "module-private"
  type                     = "MANAGED"
  service_role             = aws_iam_role.service.arn
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["m6i"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    subnets            = module.vpc_private.private_subnets
    security_group_ids = [aws_security_group.module["private"].id]
  }
}
