# Stands in for terraform-aws-modules/vpc/aws//modules/vpc-endpoints in the vendored
# examples: it takes the same inputs and plans no resource (batchlint reads none of them).
variable "vpc_id" { type = string }
variable "security_group_ids" { default = [] }
variable "endpoints" { default = {} }
variable "tags" { default = {} }
