# data "aws_partition" and "aws_region" decided by the region of the provider they use.
# shown.json beside this file is what `terraform show -json` of a plan of it gives
# (Terraform 1.11.4, hashicorp/aws 5.100.0). The environment's region in that plan is
# us-east-1, which no data source here uses.
variable "region" {
  default = "cn-north-1"
}

provider "aws" {
  region                      = var.region
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

provider "aws" {
  alias                       = "gov"
  region                      = "us-gov-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

data "aws_partition" "current" {}

data "aws_partition" "gov" {
  provider = aws.gov
}

data "aws_region" "current" {}

data "aws_region" "named" {
  name = "eu-west-1"
}

module "inherits" {
  source = "./child"
}

module "given" {
  source = "./child"
  providers = {
    aws = aws.gov
  }
}
