# Stands in for terraform-aws-modules/vpc/aws as a user with an existing VPC has it: the
# same inputs, and outputs that are ids known when planning (as from variables or tfvars).
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

output "vpc_id" { value = "vpc-0a1b2c3d4e5f60718" }
output "private_subnets" {
  value = ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60712", "subnet-0a1b2c3d4e5f60713"]
}
output "private_route_table_ids" { value = ["rtb-0a1b2c3d4e5f60719"] }
