# aws_iam_policy_document as the provider renders it. rendered.json beside this file is
# the json and minified_json that `terraform show -json` of a plan of it shows (Terraform
# 1.11.4, hashicorp/aws 5.100.0): every document known at plan time, without AWS calls.
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

variable "bucket" {
  default = "data"
}

data "aws_iam_policy_document" "multi" {
  policy_id = "pid"
  statement {
    sid       = "First"
    actions   = ["s3:GetObject", "ecr:BatchGetImage", "logs:PutLogEvents", "s3:GetObject"]
    resources = ["arn:aws:s3:::${var.bucket}/*", "arn:aws:s3:::a", "*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::333333333333:root", "arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
    }
    principals {
      type        = "Service"
      identifiers = ["b.amazonaws.com", "a.amazonaws.com", "c.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["1", "3", "2"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceOwner"
      values   = ["0"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:aws:ecs:us-east-1:123456789012:*", "x>y&z<é"]
    }
  }
  statement {
    effect        = "Deny"
    not_actions   = ["iam:*"]
    not_resources = ["arn:aws:iam::*:role/x", "&{aws:username}"]
    not_principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

# blocks of one principal type, or one condition test and variable, are merged; in what
# order depends on the provider's hashing of set elements, which batchlint does not copy
data "aws_iam_policy_document" "repeated" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::333333333333:root", "arn:aws:iam::222222222222:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["1", "3", "2"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["0"]
    }
  }
}

data "aws_iam_policy_document" "anyone" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

data "aws_iam_policy_document" "any_aws" {
  version = "2008-10-17"
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

data "aws_iam_policy_document" "empty" {}

data "aws_iam_policy_document" "merged" {
  source_policy_documents = [
    data.aws_iam_policy_document.multi.json,
    jsonencode({ Statement = [{ Sid = "S", Effect = "Allow", Action = ["s3:a", "s3:c", "s3:b"],
      Resource = ["a", "c", "b"], Principal = { Service = "x", AWS = ["a", "c", "b"] },
      Condition = { StringEquals = { k = ["1", "3", "2"] } }, Extra = 1 }] }),
  ]
  override_policy_documents = [jsonencode({ Version = "2012-10-17", Statement = [
    { Sid = "First", Effect = "Allow", Action = "s3:*", Resource = "*" },
    { Effect = "Allow", Action = ["b:x", "a:y"], Resource = "*" },
  ] })]
  statement {
    sid       = "Mine"
    actions   = ["batch:SubmitJob"]
    resources = ["*"]
  }
  statement {
    actions   = ["batch:DescribeJobs"]
    resources = ["*"]
  }
}

locals {
  grants = {
    read  = { actions = ["s3:GetObject"], resources = ["arn:aws:s3:::a/*"], accounts = ["111111111111"] }
    write = { actions = ["s3:PutObject", "s3:DeleteObject"], resources = ["arn:aws:s3:::b/*"], accounts = [] }
  }
}

# dynamic blocks: statements in the order written, the dynamic ones in their keys' order
data "aws_iam_policy_document" "dynamic" {
  statement {
    sid       = "Static"
    actions   = ["sts:GetCallerIdentity"]
    resources = ["*"]
  }
  dynamic "statement" {
    for_each = local.grants
    iterator = grant
    content {
      sid       = grant.key
      actions   = grant.value.actions
      resources = grant.value.resources
      dynamic "principals" {
        for_each = length(grant.value.accounts) > 0 ? [grant.value.accounts] : []
        content {
          type        = "AWS"
          identifiers = principals.value
        }
      }
      dynamic "condition" {
        for_each = toset(["aws:SecureTransport"])
        content {
          test     = "Bool"
          variable = condition.value
          values   = ["true"]
        }
      }
    }
  }
}
