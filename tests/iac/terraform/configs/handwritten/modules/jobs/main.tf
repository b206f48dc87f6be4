variable "compute_environment_arn" { type = string }
variable "execution_role_arn" { type = string }

resource "aws_batch_job_queue" "this" { # its environment comes through two module inputs
  name                 = "pipeline"
  state                = "ENABLED"
  priority             = 1
  compute_environments = [var.compute_environment_arn]
}

resource "aws_batch_job_definition" "known" {
  name = "known"
  type = "container"
  container_properties = jsonencode({
    image                = "busybox:latest"
    privileged           = true
    resourceRequirements = [{ type = "VCPU", value = "2" }, { type = "MEMORY", value = "4096" }]
  })
}

resource "aws_batch_job_definition" "after_apply" {
  name = "after-apply"
  type = "container"
  container_properties = jsonencode({
    image                = "busybox:latest"
    executionRoleArn     = var.execution_role_arn
    resourceRequirements = [{ type = "VCPU", value = "2" }, { type = "MEMORY", value = "4096" }]
  })
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
