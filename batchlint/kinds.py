"""The names of the model's vocabulary: kinds of resource (as findings name them) and the
datasets whose collection is tracked. Read through :mod:`batchlint.model`, which exports
them all (``m.COMPUTE_ENVIRONMENT``)."""

from __future__ import annotations

# Kinds of resource, named as they appear in findings.
COMPUTE_ENVIRONMENT = "compute-environment"
JOB_QUEUE = "job-queue"
JOB_DEFINITION = "job-definition"
JOB = "job"
LAUNCH_TEMPLATE = "launch-template"
LAUNCH_TEMPLATE_VERSION = "launch-template-version"
IMAGE = "image"
INSTANCE_TYPE = "instance-type"
IAM_ROLE = "iam-role"
IAM_POLICY = "iam-policy"  # a managed policy with its versions (get-account-authorization-details)
INSTANCE_PROFILE = "instance-profile"
SERVICE_QUOTA = "service-quota"
SCHEDULING_POLICY = "scheduling-policy"
# network and placement (ec2 describe-subnets, -route-tables, -vpc-endpoints,
# -security-groups, -instance-type-offerings)
SUBNET = "subnet"
ROUTE_TABLE = "route-table"
VPC_ENDPOINT = "vpc-endpoint"
SECURITY_GROUP = "security-group"
INSTANCE_TYPE_OFFERING = "instance-type-offering"

LINTED_KINDS = (COMPUTE_ENVIRONMENT, JOB_QUEUE, JOB_DEFINITION)

# Datasets whose collection is tracked, so that a missing resource can be told
# apart from data that was never collected.
IAM = "iam"
IAM_POLICIES = "iam-policies"  # the documents of the roles' inline and managed policies
LAUNCH_TEMPLATES = "launch-templates"
IMAGES = "images"
INSTANCE_TYPES = "instance-types"
SERVICE_QUOTAS = "service-quotas"
JOBS = "jobs"
SUBNETS = "subnets"
ROUTE_TABLES = "route-tables"
VPC_ENDPOINTS = "vpc-endpoints"
SECURITY_GROUPS = "security-groups"
OFFERINGS = "instance-type-offerings"

DATASET_WORDS = {
    IAM: "IAM roles and instance profiles",
    IAM_POLICIES: "IAM policy documents",
    LAUNCH_TEMPLATES: "launch template versions",
    IMAGES: "AMIs (ec2 describe-images)",
    INSTANCE_TYPES: "instance types (ec2 describe-instance-types)",
    SERVICE_QUOTAS: "service quotas",
    JOBS: "jobs (batch list-jobs)",
    SUBNETS: "subnets (ec2 describe-subnets)",
    ROUTE_TABLES: "route tables (ec2 describe-route-tables)",
    VPC_ENDPOINTS: "VPC endpoints (ec2 describe-vpc-endpoints)",
    SECURITY_GROUPS: "security groups (ec2 describe-security-groups)",
    OFFERINGS: "instance type offerings (ec2 describe-instance-type-offerings)",
}

# infrastructure as code, by Origin.source: a view of one holds what it defines, never the
# account's data (quotas, offerings, roles made elsewhere)
IAC_WORDS = {"cloudformation": "CloudFormation template", "terraform": "Terraform configuration"}
