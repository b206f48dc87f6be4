from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.jobdefs import environment, is_literal_value, looks_secret
from batchlint.model import Resource
from batchlint.rule import Context, Result, Rule


class PlaintextSecretInEnvironment(Rule):
    """
    ## What it does
    Reports container environment variables whose name says they hold a secret
    (`PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`/`APIKEY`, `PRIVATE_KEY`,
    `ACCESS_KEY`, `CREDENTIAL(S)`, `ENCRYPTION_KEY`, `SIGNING_KEY`, `*_PWD`) and that
    are given a literal value, in every container of the job definition (container,
    multi-node, ECS multi-container and EKS `env`). The value is never printed.

    Names that point at a secret instead of holding it pass: those ending in
    `_ARN`, `_NAME`, `_ID`, `_PATH`, `_FILE`, `_URL`, `_URI`, `_ENDPOINT`, `_PARAM`,
    `_TTL` or any other word that is not part of the secret (`AWS_ACCESS_KEY_ID` is
    the public identifier of a key pair), as do `PWD`, `TOKENIZERS_PARALLELISM`
    and `GOOGLE_APPLICATION_CREDENTIALS` (a file path). Values that are an ARN or a
    CloudFormation `{{resolve:…}}` reference pass; a snapshot's `<redacted>` counts
    as the literal value it replaced.

    ## Why is this bad?
    Environment values are part of the job definition: anyone who can call
    `DescribeJobDefinitions` or `DescribeJobs`, read the template or its git history
    sees them, and they are kept in every revision. AWS advises against plaintext
    environment variables for sensitive data.

    ## Example
    ```json
    {"containerProperties": {"environment": [{"name": "DB_PASSWORD", "value": "hunter2-FAKE"}]}}
    ```

    ## Use instead
    A `secrets` entry that Batch resolves at run time with the execution role:
    ```json
    {"containerProperties": {"secrets": [{"name": "DB_PASSWORD",
      "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password"}]}}
    ```
    EKS jobs have no `secrets` field: mount a Kubernetes secret through
    `eksProperties.podProperties.volumes[].secret` instead.

    ## References
    - [Specify sensitive data](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data.html)
    - [Specify sensitive data with Secrets Manager](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data-secrets.html)
    - [Specify sensitive data with Parameter Store](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data-parameters.html)
    - [EksSecret](https://docs.aws.amazon.com/batch/latest/APIReference/API_EksSecret.html)
    """

    id = "BL303"
    name = "plaintext-secret-in-environment"
    summary = "A container environment variable whose name looks secret has a literal value."
    severity = "error"
    kinds = (m.JOB_DEFINITION,)
    tags = ("security",)
    precision = "medium"  # a name is only a hint: an ACCESS_KEY may hold a key ID
    # a value built at deployment (`!Sub`, a parameter) is still written out in clear
    reads_unknowns = True

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        for var in environment(resource):
            if not (looks_secret(var.name) and is_literal_value(var.value)):
                continue
            if var.container.env_key == "env":  # EKS pods have no `secrets` field
                fix = ("keep it in a Kubernetes secret mounted through "
                       "`eksProperties.podProperties.volumes[].secret`")
            else:
                fix = ("store it in Secrets Manager or SSM Parameter Store and pass it "
                       f"through `secrets` in {var.container.path} (`valueFrom` = the ARN)")
            # The message carries the name and the path only, never the value.
            yield self.finding(resource, f"job definition `{resource.name}` sets environment "
                               f"variable `{var.name}` ({var.path}) to a literal value that "
                               f"looks secret; {fix}", var.path)
