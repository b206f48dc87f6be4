"""The IAM evaluator BL311 (and later BL101/BL102) relies on."""

from __future__ import annotations

import json
from collections.abc import Mapping

from batchlint.facts import stack_constants
from batchlint.facts.iam_eval import Decision, decide, role_policies
from batchlint.model import Json, Model, Origin, Pointer, Resource
from batchlint.unknowns import recording, track

REPO = "arn:aws:ecr:us-east-1:123456789012:repository/etl"
EMPTY = Model(())


def _role(*statements: Mapping[str, Json], attached: list[str] | None = None,
          **extra: Json) -> dict[str, Json]:
    role: dict[str, Json] = {
        "RoleName": "exec", "Arn": "arn:aws:iam::123456789012:role/exec",
        "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": json.dumps(
            {"Version": "2012-10-17", "Statement": list(statements)})}],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a}
                                    for a in attached or []]}
    role.update(extra)
    return role


def _decide(role: Mapping[str, Json], action: str = "ecr:BatchGetImage",
            resource: str = REPO) -> bool | None:
    return decide(role_policies(EMPTY, role), action, [resource]).allowed


def test_wildcards_in_actions_and_resources() -> None:
    assert _decide(_role({"Effect": "Allow", "Action": "ECR:Batch*",
                          "Resource": "arn:aws:ecr:*:123456789012:repository/e?l"})) is True
    assert _decide(_role({"Effect": "Allow", "Action": ["ecr:Get*"], "Resource": "*"})) is False
    assert _decide(_role({"Effect": "Allow", "Action": "ecr:*",
                          "Resource": "arn:aws:ecr:*:*:repository/other"})) is False


def test_managed_execution_policy_known_by_arn() -> None:
    arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    role = _role(attached=[arn])
    assert _decide(role) is True
    assert _decide(role, "logs:PutLogEvents", "arn:aws:logs:r:1:log-group:g:log-stream:*") is True
    assert _decide(role, "secretsmanager:GetSecretValue") is False


def test_what_is_not_verified() -> None:
    allow = {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
    assert _decide(_role({**allow, "Condition": {"Bool": {"aws:SecureTransport": "true"}}})) is None
    assert _decide(_role(allow, {"Effect": "Deny", "Action": "ecr:BatchGetImage",
                                 "Resource": "*"})) is None
    assert _decide(_role({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})) is None
    assert _decide(_role({"Effect": "Allow", "Action": "ecr:*", "NotResource": "x"})) is None
    boundary = {"PermissionsBoundaryArn": "arn:aws:iam::1:policy/b"}
    assert _decide(_role(allow, PermissionsBoundary=boundary)) is None
    assert _decide(_role(allow, attached=["arn:aws:iam::123456789012:policy/custom"])) is None
    assert _decide(_role(allow, attached=["arn:aws:iam::aws:policy/ReadOnlyAccess"])) is None
    assert _decide(_role({"Effect": "Allow", "Action": 5, "Resource": "*"})) is None
    # the stack's region may be us-east-1: the grant may cover the repository
    assert _decide(_role({"Effect": "Allow", "Action": "ecr:*",
                          "Resource": "arn:aws:ecr:${AWS::Region}:123456789012:repository/etl"})
                   ) is None
    unreadable = _role()
    unreadable["RolePolicyList"] = [{"PolicyName": "p", "PolicyDocument": "{not json"}]
    reason = decide(role_policies(EMPTY, unreadable), "ecr:BatchGetImage", [REPO]).reason
    assert "`p`" in reason


def test_statements_for_other_actions_do_not_count() -> None:
    role = _role({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
                 {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {}},
                 {"Effect": "Allow", "NotAction": "ecr:*", "Resource": "*"})
    assert _decide(role) is True


def test_customer_managed_default_version_from_the_model() -> None:
    arn = "arn:aws:iam::123456789012:policy/pull"
    doc = {"Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": REPO}}
    policy = Resource("iam-policy", "pull", {
        "PolicyName": "pull", "Arn": arn, "DefaultVersionId": "v2", "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": False, "Document": {"Statement": []}},
            {"VersionId": "v2", "IsDefaultVersion": True, "Document": json.dumps(doc)}]},
        arn, "123456789012", None, Origin("f.json", ()))
    model = Model((policy,))
    role = _role(attached=[arn])
    assert decide(role_policies(model, role), "ecr:BatchGetImage", [REPO]).allowed is True
    assert decide(role_policies(model, role), "ecr:GetAuthorizationToken", ["*"]).allowed is False


def test_aws_managed_policies_known_by_their_services() -> None:
    s3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    role = _role(attached=[s3])
    assert _decide(role) is False  # allows nothing of ECR
    decision = decide(role_policies(EMPTY, role), "s3:GetObject", ["arn:aws:s3:::b/k"])
    assert decision.allowed is None
    assert decision.reason == ("the AWS managed policy AmazonS3ReadOnlyAccess, whose document "
                               "batchlint does not know, may allow s3 actions")


def test_resources_the_service_picks_are_covered_only_by_a_star() -> None:
    everywhere = _role({"Effect": "Allow", "Action": "ecs:*", "Resource": "*"})
    one_cluster = _role({"Effect": "Allow", "Action": "ecs:CreateCluster",
                         "Resource": "arn:aws:ecs:us-east-1:123456789012:cluster/batch"})
    assert decide(role_policies(EMPTY, everywhere), "ecs:CreateCluster").allowed is True
    unsure = decide(role_policies(EMPTY, one_cluster), "ecs:CreateCluster")
    assert unsure == Decision(None, "policy `inline` names only some resources in an Allow "
                                    "statement")


def test_a_malformed_statement_leaves_every_action_not_verified() -> None:
    role = _role({"Effect": "Allow", "Action": "ecr:*", "Resource": {"arn": "*"}},
                 {"Effect": "Allow", "Action": "logs:*", "Resource": "*"})
    for action in ("ecr:BatchGetImage", "logs:PutLogEvents", "s3:GetObject"):
        decision = decide(role_policies(EMPTY, role), action, ["*"])
        assert decision == Decision(None, "a statement of policy `inline` has an unexpected "
                                          "shape")
    for shape in ({"Effect": "Allow", "Action": "s3:*"},  # no Resource
                  {"Effect": "Allow", "Action": "s3:*", "NotAction": "x", "Resource": "*"},
                  {"Effect": "allow", "Action": "s3:*", "Resource": "*"}, "Allow s3:*"):
        assert _decide(_role(shape)) is None  # type: ignore[arg-type]


def test_stack_constants_match_as_one_value_each() -> None:
    """A template's ${AWS::Region} and ${AWS::AccountId} are one value each in the stack:
    the same ARN written with them on both sides matches whatever they are; a grant that
    can match for no value of them does not count; one that may match is not verified."""
    secret = "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/token"
    wanted = stack_constants.encoded(secret)
    assert wanted is not None and stack_constants.shown(wanted) == secret

    def allowed(resource: Json) -> bool | None:
        role = _role({"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": resource})
        return decide(role_policies(EMPTY, role), "ssm:GetParameters", [str(wanted)]).allowed

    assert allowed("arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/*") is True
    assert allowed("arn:aws:ssm:*:*:parameter/app/token") is True
    assert allowed("arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/ap?/*") is True
    assert allowed("arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/db/*") is False
    assert allowed("arn:aws:ssm:us-east-1:123456789012:parameter/other/*") is False
    assert allowed("arn:aws:s3:::bucket/*") is False
    assert allowed("arn:aws:ssm:us-east-1:123456789012:parameter/app/*") is None
    assert allowed("arn:aws:ssm:eu-*:*:parameter/*") is None
    # a region is letters, digits and hyphens: it never spans the ARN's ':' or '/'
    assert allowed("arn:aws:ssm:us-east-1:123456789012:parameter/*/token/x") is False
    # another unknown than the stack's constants: not a symbol, the read is not verified
    assert stack_constants.encoded("arn:aws:ssm:${Region}:1:parameter/x") is None


def test_a_policy_name_not_known_is_no_read_of_an_unknown_value() -> None:
    """A name grants nothing: reading it never makes the answer depend on the value; the
    document's own unknown values do (an effect here)."""
    allow = {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
    name: Pointer = ("RolePolicyList", 0, "PolicyName")
    effect: Pointer = ("RolePolicyList", 0, "PolicyDocument", "Statement", 1, "Effect")
    for second, unknown, allowed in (
            (allow, {name: "name"}, True),
            ({**allow, "Effect": "${Effect}"}, {name: "name", effect: "effect"}, None)):
        role = _role()
        role["RolePolicyList"] = [{"PolicyName": "${Stack}-pull",
                                   "PolicyDocument": {"Statement": [allow, second]}}]
        with recording() as hits:
            assert _decide(track(role, unknown)) is allowed
        assert [why for _, why, _ in hits] == ([] if allowed else ["effect"])
