"""CloudFormation values an AMI rule or BL306 reads differently from their text.

An AMI from an SSM-typed parameter is its default path, marked as the parameter's (so a
reason can say CloudFormation reads it from SSM at deployment), for both
``AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`` and ``…<String>`` (CloudFormation
substitutes the Parameter Store value for both; only validation differs), the latter only
when the path names an AMI batchlint knows: a ``String`` may hold anything. An ECR
repository's name and URI (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME) are written so that
an image ending in them has no tag."""

from __future__ import annotations

from batchlint.loaders.cfn_intrinsics import Resolver
from batchlint.loaders.cfn_values import Unk
from batchlint.syntax import Written

AL1 = "/aws/service/ecs/optimized-ami/amazon-linux/recommended/image_id"
AL2_PLAIN = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
IMAGE_ID = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
STRING = "AWS::SSM::Parameter::Value<String>"


def resolver(parameters: dict[str, object], resources: dict[str, object] | None = None) -> Resolver:
    return Resolver({"Parameters": parameters, "Resources": resources or {}})


def test_an_ami_parameter_of_either_ssm_type_is_its_path_marked_as_the_parameters() -> None:
    found = resolver({"A": {"Type": STRING, "Default": AL1},
                      "B": {"Type": IMAGE_ID, "Default": AL2_PLAIN}})
    for name, path in (("A", AL1), ("B", AL2_PLAIN)):
        value = found.ref(name)
        assert isinstance(value, Written) and value == path
        assert value.words == f"parameter `{name}`, read from SSM at deployment (`{path}`)"


def test_a_string_parameter_batchlint_cannot_name_stays_read_from_ssm() -> None:
    found = resolver({"Subnet": {"Type": STRING, "Default": "/team/subnet"},
                      "Plain": {"Type": STRING, "Default": AL2_PLAIN},
                      "Secret": {"Type": IMAGE_ID, "Default": AL1, "NoEcho": True}})
    assert found.ref("Subnet") == Unk("${Subnet}", "parameter `Subnet`, read from SSM at "
                                                   "deployment")
    assert found.ref("Plain") == Unk("${Plain}", "parameter `Plain`, read from SSM at "
                                                 "deployment")
    assert isinstance(found.ref("Secret"), Unk)


ECR = "AWS::ECR::Repository"


def test_an_ecr_repository_name_and_uri_hold_no_tag() -> None:
    found = resolver({"App": {"Type": "String"}}, {
        "Generated": {"Type": ECR},
        "Literal": {"Type": ECR, "Properties": {"RepositoryName": "tools/align"}},
        "Given": {"Type": ECR, "Properties": {"RepositoryName": {"Fn::Sub": "${App}-repo"}}},
    })
    assert found.ref("Literal") == "tools/align"
    assert found.ref("Given") == Unk("${name of Given}", "the name of `Given`, which depends "
                                     "on parameter `App`, which has no default")
    assert found.ref("Generated") == Unk("${name of Generated}", "`Generated`, a repository "
                                         "name CloudFormation generates when it creates the "
                                         "stack")
    host = "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/"
    uri = found.get_att("Literal.RepositoryUri")
    assert isinstance(uri, Unk) and uri.text == host + "tools/align"
    uri = found.get_att(["Given", "RepositoryUri"])
    assert isinstance(uri, Unk) and uri.text == host + "${name of Given}"
    assert found.get_att("Literal.Arn") == Unk("${Literal.Arn}", "`Literal.Arn`, known only "
                                               "once the stack creates it")
