variable "name" { type = string }
variable "image" { type = string }
variable "queue" { type = string }
variable "vcpus" { type = number }
variable "attempts" {
  type    = number
  default = 1
}

resource "aws_batch_job_definition" "this" {
  name = var.name
  type = "container"
  container_properties = jsonencode({
    image = var.image
    resourceRequirements = [
      { type = "VCPU", value = tostring(var.vcpus) },
      { type = "MEMORY", value = tostring(var.vcpus * 2048) },
    ]
  })
  retry_strategy {
    attempts = var.attempts
  }
}

output "arn" {
  value = aws_batch_job_definition.this.arn
}
