"""Facts about job definitions that several rules share: where the containers are.

A job definition holds its containers in one of several places, depending on
its type and orchestration:

- ``containerProperties`` (ECS container job);
- ``ecsProperties.taskProperties[].containers[]`` (ECS multi-container job);
- ``eksProperties.podProperties.containers[]`` and ``.initContainers[]`` (EKS job,
  whose environment list is ``env``, not ``environment``);
- ``nodeProperties.nodeRangeProperties[]`` holding any of the above per node range
  (``container``, ``ecsProperties``, ``eksProperties``).

Only fields listed in :mod:`batchlint.shapes` are type-checked by the loader, so
every step here checks types and skips what does not fit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from batchlint.facts.credentials import credential_kind
from batchlint.jsonvalues import items, mapping
from batchlint.model import Json, Pointer, Resource
from batchlint.unknowns import Hit, isolated, value_at

T = TypeVar("T")


@dataclass(frozen=True)
class Container:
    """One container of a job definition and where it sits."""

    path: str  # e.g. "nodeProperties.nodeRangeProperties[0].container"
    data: Mapping[str, Json]
    env_key: str  # "environment" (ECS) or "env" (EKS)

    @property
    def eks(self) -> bool:
        """A Kubernetes container (``env``, ``securityContext``), not an ECS one."""
        return self.env_key == "env"

    @property
    def name(self) -> str:
        """Its ``name``; "" when it has none (a single container job's usually has none)."""
        name = self.data.get("name")
        return name if isinstance(name, str) else ""

    @property
    def privileged(self) -> str | None:
        """The path that makes it privileged (ECS ``privileged``, EKS
        ``securityContext.privileged``), or None when it is not."""
        if self.eks:
            return f"{self.path}.securityContext.privileged" \
                if mapping(self.data.get("securityContext")).get("privileged") is True else None
        return f"{self.path}.privileged" if self.data.get("privileged") is True else None


@dataclass(frozen=True)
class EnvironmentVariable:
    """One entry of a container's environment list. ``value`` may be any JSON value."""

    path: str  # e.g. "containerProperties.environment[2]"
    name: str
    value: Json
    container: Container


def containers(jobdef: Resource) -> Iterator[Container]:
    """Every container of the job definition, in document order (found once per resource:
    every job-definition rule asks, so the kept answer is looked up first)."""
    found = jobdef.cache.get("containers")
    return iter(found if found is not None else _own(jobdef, "containers", _find_containers))


def _own(jobdef: Resource, key: str, compute: Callable[[Resource], T]) -> T:
    """``compute(jobdef)``, for a value (never None) derived from the resource's data alone.

    Without unknown values such a computation reads nothing that is recorded, so the
    value is kept under ``key`` as it is, where a caller every check makes looks first;
    with unknown values it is remembered with its reads (``Resource.cached``), under
    another key."""
    if jobdef.unknown:
        return jobdef.cached("recorded:" + key, lambda: compute(jobdef))
    found = jobdef.cache[key] = compute(jobdef)
    return found


def _find_containers(jobdef: Resource) -> tuple[Container, ...]:
    found = _containers_in(jobdef.data, "")
    node_properties = jobdef.data.get("nodeProperties")
    if node_properties is None:
        return tuple(found)
    for i, node_range in items(mapping(node_properties).get("nodeRangeProperties")):
        at = f"nodeProperties.nodeRangeProperties[{i}]"
        container = node_range.get("container")
        if isinstance(container, Mapping):
            found.append(Container(f"{at}.container", container, "environment"))
        found += _containers_in(node_range, f"{at}.")
    return tuple(found)


def environment(jobdef: Resource, where: Callable[[str, Json], object] | None = None
                ) -> Iterator[EnvironmentVariable]:
    """Every environment variable with a string name, of every container; with ``where``,
    those whose name and value it accepts (the others cost no object)."""
    for container in containers(jobdef):
        entries = container.data.get(container.env_key)
        for i, entry in enumerate(entries if isinstance(entries, list) else ()):
            if not isinstance(entry, (dict, Mapping)):  # jsonvalues.items without its
                continue  # generator: BL303 reads every variable of every job definition
            name = entry.get("name")
            if isinstance(name, str) and name:
                value = entry.get("value")
                if where is None or where(name, value):
                    yield EnvironmentVariable(f"{container.path}.{container.env_key}[{i}]", name,
                                              value, container)


@dataclass(frozen=True)
class Argument:
    """One string of a container's ``command`` (or an EKS container's ``args``)."""

    path: str  # e.g. "containerProperties.command[2]"
    value: str
    container: Container


def arguments(jobdef: Resource, where: Callable[[str], object] | None = None
              ) -> Iterator[Argument]:
    """Every string argument of every container: ``command``, and EKS ``args`` too; with
    ``where``, those it accepts."""
    for container in containers(jobdef):
        for key in ("command", "args") if container.env_key == "env" else ("command",):
            items = container.data.get(key)
            for i, item in enumerate(items if isinstance(items, list) else ()):
                if isinstance(item, str) and (where is None or where(item)):
                    yield Argument(f"{container.path}.{key}[{i}]", item, container)


def _containers_in(props: Mapping[str, Json], prefix: str) -> list[Container]:
    """Containers under ``containerProperties``, ``ecsProperties`` and ``eksProperties``."""
    found = []
    container = props.get("containerProperties")
    if isinstance(container, Mapping):
        found.append(Container(f"{prefix}containerProperties", container, "environment"))
    ecs = props.get("ecsProperties")
    if ecs is not None:  # most job definitions have neither: skip the walk
        for t, task in items(mapping(ecs).get("taskProperties")):
            for c, item in items(task.get("containers")):
                path = f"{prefix}ecsProperties.taskProperties[{t}].containers[{c}]"
                found.append(Container(path, item, "environment"))
    eks = props.get("eksProperties")
    if eks is not None:
        pod = mapping(mapping(eks).get("podProperties"))
        for key in ("initContainers", "containers"):
            for c, item in items(pod.get(key)):
                found.append(Container(f"{prefix}eksProperties.podProperties.{key}[{c}]", item,
                                       "env"))
    return found


# -- secret-looking environment variables (BL303) ---------------------------------
#
# A name is split into words (on `_`, `-`, `.` and camelCase) and looks secret
# when it ends with a secret word, optionally followed only by words that still
# describe the secret itself (SECRET_KEY_BASE, DB_PASSWORD_VALUE). A name that
# ends with any other word (…_ARN, …_NAME, …_ID, …_FILE, …_URL, …_TTL) names or
# configures a secret rather than holding it, so ACCESS_KEY_ID (the public half of
# an access key), PASSWORD_FILE and TOKEN_ENDPOINT pass.
_SECRET_WORDS: tuple[tuple[str, ...], ...] = (
    ("PASSWORD",), ("PASSWD",), ("PASSPHRASE",), ("SECRET",), ("TOKEN",), ("APIKEY",),
    ("API", "KEY"), ("PRIVATE", "KEY"), ("PRIVATEKEY",), ("ACCESS", "KEY"), ("ACCESSKEY",),
    ("CREDENTIAL",), ("CREDENTIALS",), ("ENCRYPTION", "KEY"), ("SIGNING", "KEY"),
)
# One-word spellings (DBPASSWORD, AUTHTOKEN, CLIENTSECRET).
_SECRET_SUFFIXES = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY")
_SECRET_TAIL = frozenset({"KEY", "VALUE", "STRING", "BASE", "B64", "BASE64", "RAW", "TEXT",
                          "PLAIN", "PLAINTEXT", "JSON"})
# Well-known names that only look secret: GOOGLE_APPLICATION_CREDENTIALS is a file path.
_NOT_SECRET = frozenset({"GOOGLE_APPLICATION_CREDENTIALS"})
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
REDACTED = "<redacted>"  # what a snapshot writes for a value it keeps out
_REFERENCE_VALUE = re.compile(r"^\s*arn:aws[a-z-]*:|\{\{resolve:")


@functools.lru_cache(maxsize=4096)  # the same names recur across job definitions
def looks_secret(name: str) -> bool:
    """Whether an environment variable's name says it holds a secret."""
    if name.upper() in _NOT_SECRET:
        return False
    words = [w.upper() for w in _WORD_SPLIT.split(name) if w]
    end = len(words)
    while end > 0:
        head = words[:end]
        if any(tuple(head[-len(s):]) == s for s in _SECRET_WORDS if len(s) <= len(head)):
            return True
        if head[-1].endswith(_SECRET_SUFFIXES):
            return True
        if head[-1] == "PWD" and end > 1:  # MYSQL_PWD, DB_PWD; a bare PWD is the shell's cwd
            return True
        if head[-1] not in _SECRET_TAIL:
            return False
        end -= 1
    return False


def exposes_secret(name: str, value: Json) -> bool:
    """A variable's value has the form of a credential, or its name says it holds a secret
    and it is set to a literal value (BL303)."""
    return (isinstance(value, str) and credential_kind(value) is not None) or (
        looks_secret(name) and is_literal_value(value))


def may_hide_secrets(jobdef: Resource, hits: list[Hit]) -> list[Hit]:
    """Of the unknown values read looking for secrets, those that may hide a literal one: a
    container, an environment, a name, the value of a variable whose name looks secret. A
    command's argument, or another variable's value, hides none (a `${…}` span is no
    credential)."""
    return [hit for hit in hits if not _harmless(jobdef, hit[0])]


def _harmless(jobdef: Resource, path: Pointer) -> bool:
    if len(path) > 1 and path[-2] in ("command", "args"):
        return True
    with isolated():
        name = value_at(jobdef.data, (*path[:-1], "name")) if path[-1:] == ("value",) else 0
    return isinstance(name, str) and not looks_secret(name)


def held_in_clear(value: Json) -> str:
    """How a secret-looking variable's value is set, in BL303's words: a literal value, or
    one set at deployment (a parameter, a variable: ``${…}``), which the job definition
    then holds in clear all the same."""
    if isinstance(value, str) and "${" in value:
        return "a value set at deployment, which the job definition holds in clear"
    return "a literal value that looks secret"


def secret_fix(container: Container, command: bool = False) -> str:
    """How to pass a secret to the container instead of writing it out."""
    then = " and have the command read it from there" if command else ""
    if container.eks:  # EKS pods have no `secrets` field
        return ("keep it in a Kubernetes secret mounted through "
                f"`eksProperties.podProperties.volumes[].secret`{then}")
    return ("store it in Secrets Manager or SSM Parameter Store and pass it through `secrets` "
            f"in {container.path} (`valueFrom` = the ARN){then}")


def is_literal_value(value: Json) -> bool:
    """A value set in the definition itself: a non-empty string or number that is not a
    reference (an ARN, a CloudFormation ``{{resolve:…}}`` dynamic reference). A snapshot's
    ``<redacted>`` stands for a literal value. Objects (template intrinsics) are references."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and bool(value.strip()) and not _REFERENCE_VALUE.search(value)


# -- platform (BL304, BL309, BL310, BL311) -----------------------------------------------

def on_fargate(jobdef: Resource) -> bool:
    """Whether ``platformCapabilities`` names FARGATE (the default is EC2); found once per
    resource (five rules ask, so the kept answer is looked up first)."""
    found = jobdef.cache.get("on_fargate")
    return found if found is not None else _own(jobdef, "on_fargate", _names_fargate)


def _names_fargate(jobdef: Resource) -> bool:
    platforms = jobdef.data.get("platformCapabilities")
    return isinstance(platforms, list) and any(
        isinstance(p, str) and p.upper() == "FARGATE" for p in platforms)

