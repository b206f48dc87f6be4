from __future__ import annotations

from collections.abc import Iterable

from batchlint import model as m
from batchlint.facts import jobdefs
from batchlint.facts.credentials import credential_kind
from batchlint.model import Resource
from batchlint.rule import Context, Finding, Result, Rule
from batchlint.unknowns import because, recording


class PlaintextSecretInEnvironment(Rule):
    """
    ## What it does
    Reports credentials written out in a job definition, in every container it has
    (`containerProperties`, multi-node ranges, `ecsProperties` containers, EKS
    `containers` and `initContainers`), two ways:

    - by name: an environment variable whose name says it holds a secret
      (`PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`/`APIKEY`, `PRIVATE_KEY`,
      `ACCESS_KEY`, `CREDENTIAL(S)`, `ENCRYPTION_KEY`, `SIGNING_KEY`, `*_PWD`) and
      that is given a literal value;
    - by shape, whatever the name: an environment value (`environment`, EKS `env`)
      or a command argument (`command`, EKS `command` and `args`) that has the form
      of an AWS access key id (`AKIA`/`ASIA` and 16 letters or digits), a PEM
      private key block, a GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,
      `github_pat_`), a Slack token (`xoxa-`, `xoxb-`, `xoxp-`) or a Stripe live key
      (`sk_live_`, `rk_live_`).

    The finding names the container, the variable or argument and the kind of
    credential; the value is never printed, not even in part.

    Names that point at a secret instead of holding it pass: those ending in
    `_ARN`, `_NAME`, `_ID`, `_PATH`, `_FILE`, `_URL`, `_URI`, `_ENDPOINT`, `_PARAM`,
    `_TTL` or any other word that is not part of the secret (`AWS_ACCESS_KEY_ID` is
    the public identifier of a key pair, unless its value is an actual key id), as
    do `PWD`, `TOKENIZERS_PARALLELISM` and `GOOGLE_APPLICATION_CREDENTIALS` (a file
    path). Values that are an ARN or a CloudFormation `{{resolve:…}}` reference
    pass, and a `${…}` span (a value known only at deployment, a shell variable) is
    never taken for a credential; a snapshot's `<redacted>` counts as the literal
    value it replaced, and `<redacted: an AWS access key id>` (what an export may
    write for a value of a credential's shape) as a credential of that kind.
    A container or an environment not known before deployment (a Terraform
    variable without a default, a value a plan knows only after apply, a custom
    resource's attribute), or the value of a variable whose name says it holds a
    secret, may hide a literal secret: the check is not verified.

    ## Why is this bad?
    Environment values and command lines are part of the job definition: anyone who
    can call `DescribeJobDefinitions` or `DescribeJobs`, read the template or its git
    history sees them, and they are kept in every revision (commands also show in
    process listings and logs). AWS advises against plaintext
    environment variables for sensitive data.

    ## Example
    ```json
    {"containerProperties": {
      "environment": [{"name": "DB_PASSWORD", "value": "hunter2-FAKE"},
                      {"name": "HARMLESS", "value": "AKIAXXXXXXXXXXXXXXXX"}],
      "command": ["deploy.sh", "--token", "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE"]}}
    ```

    ## Use instead
    A `secrets` entry that Batch resolves at run time with the execution role, read
    by the command from the environment:
    ```json
    {"containerProperties": {
      "secrets": [{"name": "DB_PASSWORD",
        "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password"}],
      "command": ["deploy.sh"]}}
    ```
    EKS jobs have no `secrets` field: mount a Kubernetes secret through
    `eksProperties.podProperties.volumes[].secret` instead.

    ## References
    - [Specify sensitive data](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data.html)
    - [Specify sensitive data with Secrets Manager](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data-secrets.html)
    - [Specify sensitive data with Parameter Store](https://docs.aws.amazon.com/batch/latest/userguide/specifying-sensitive-data-parameters.html)
    - [EksSecret](https://docs.aws.amazon.com/batch/latest/APIReference/API_EksSecret.html)
    - [Understanding unique ID prefixes (AKIA, ASIA)](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
    - [GitHub's token formats](https://github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available/)
    """

    id = "BL303"
    name = "plaintext-secret-in-environment"
    summary = ("A container environment variable whose name looks secret has a literal value, "
               "or an environment value or command argument has the form of a credential.")
    severity = "error"
    kinds = (m.JOB_DEFINITION,)
    tags = ("security",)
    precision = "medium"  # a name is only a hint: an ACCESS_KEY may hold a key ID
    # a value built at deployment (`!Sub`, a parameter) is still written out in clear; its
    # `${…}` spans are never read as a credential. A container, environment, name, or the
    # value of a secret-looking name, not known may hide a literal secret: not verified
    reads_unknowns = True

    def check(self, resource: Resource, ctx: Context) -> Iterable[Result]:
        with recording() as hits:
            found = list(self._found(resource))
        unread = jobdefs.may_hide_secrets(resource, hits)
        if unread and not found:
            yield self.not_verified(resource, because(unread, resource.label))
        yield from found

    def _found(self, resource: Resource) -> Iterable[Finding]:
        # Messages carry names, paths and the kind of credential only, never the value.
        for var in jobdefs.environment(resource, where=jobdefs.exposes_secret):
            kind = credential_kind(var.value) if isinstance(var.value, str) else None
            what = f"what looks like {kind}" if kind else jobdefs.held_in_clear(var.value)
            yield self.finding(resource, f"job definition `{resource.name}` sets environment "
                               f"variable `{var.name}`{_of(var.container)} ({var.path}) to "
                               f"{what}; {jobdefs.secret_fix(var.container)}", var.path)
        for arg in jobdefs.arguments(resource, where=credential_kind):
            kind = credential_kind(arg.value)
            yield self.finding(resource, f"job definition `{resource.name}` passes what "
                               f"looks like {kind} as a command argument{_of(arg.container)} "
                               f"({arg.path}); {jobdefs.secret_fix(arg.container, True)}",
                               arg.path)


def _of(container: jobdefs.Container) -> str:
    return f" of container `{container.name}`" if container.name else ""
