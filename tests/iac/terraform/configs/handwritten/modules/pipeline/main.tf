variable "compute_environment_arn" { type = string }
variable "execution_role_arn" { type = string }

module "jobs" {
  source                  = "../jobs"
  compute_environment_arn = var.compute_environment_arn
  execution_role_arn      = var.execution_role_arn
}
