# Stands in for terraform-aws-modules/vpc/aws (a registry module, fetched over the network)
# in the vendored examples: the same inputs, the outputs the examples read, and real
# resources whose ids are known only after apply.
variable "name" { type = string }
variable "cidr" { type = string }
variable "azs" { type = list(string) }
variable "public_subnets" { type = list(string) }
variable "private_subnets" { type = list(string) }
variable "enable_nat_gateway" { default = false }
variable "single_nat_gateway" { default = false }
variable "public_route_table_tags" { default = {} }
variable "public_subnet_tags" { default = {} }
variable "private_route_table_tags" { default = {} }
variable "private_subnet_tags" { default = {} }
variable "enable_dhcp_options" { default = false }
variable "enable_dns_hostnames" { default = false }
variable "dhcp_options_domain_name" { default = "" }
variable "tags" { default = {} }

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_hostnames = var.enable_dns_hostnames
  tags                 = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "private" {
  count             = length(var.private_subnets)
  vpc_id            = aws_vpc.this.id
  cidr_block        = var.private_subnets[count.index]
  availability_zone = var.azs[count.index]
  tags              = merge(var.tags, var.private_subnet_tags)
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, var.private_route_table_tags)
}

output "vpc_id" { value = aws_vpc.this.id }
output "private_subnets" { value = aws_subnet.private[*].id }
output "private_route_table_ids" { value = [aws_route_table.private.id] }
