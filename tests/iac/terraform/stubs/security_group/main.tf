# Stands in for terraform-aws-modules/security-group/aws in the vendored examples.
variable "name" { type = string }
variable "description" { default = "" }
variable "vpc_id" { type = string }
variable "ingress_with_self" { default = [] }
variable "egress_cidr_blocks" { default = [] }
variable "egress_rules" { default = [] }
variable "tags" { default = {} }

resource "aws_security_group" "this" {
  name        = var.name
  description = var.description
  vpc_id      = var.vpc_id
  tags        = var.tags
}

output "security_group_id" { value = aws_security_group.this.id }
