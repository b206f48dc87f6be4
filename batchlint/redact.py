"""What ``batchlint export`` keeps out of a snapshot, which is meant to be committed.

Kept: the shape rules read. Redacted (replaced by ``<redacted>``):

- container environment values, unless ``--keep-env-values``. A value that is
  entirely a reference (an ARN, a ``{{resolve:ssm|ssm-secure|secretsmanager:…}}``
  dynamic reference) stays; in a value that only contains references, the
  references stay and the text around them is redacted
  (``<redacted>{{resolve:ssm:/db/host}}<redacted>``), so BL303 reads the snapshot
  as it reads the account;
- job definition ``parameters`` values (the names stay);
- ``command`` and EKS ``args``: only the program (the first word of ``command``,
  when it is a plain path), flags (``-v``, ``--epochs``; ``--password=x`` keeps
  ``--password=``) and ``Ref::name`` placeholders stay. Every other argument is
  redacted: a positional value cannot be told from a secret, and no rule reads it;
- ``logConfiguration.options`` except the awslogs keys that name where logs go;
- tag values whose key looks secret (as BL303 reads names) or whose value has the
  shape of a credential (access key id, GitHub/Slack/Stripe token, JWT, private
  key, URL with a password); ``batchlint:ignore`` always stays;
- launch template user data except the MIME headers of a MIME document and of each
  of its parts (see :func:`redact_user_data`).

``secrets``, ``secretOptions`` and ``repositoryCredentials`` stay: they are ARNs.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from batchlint import model as m
from batchlint.facts.credentials import credential_kind, redacted
from batchlint.facts.jobdefs import REDACTED, containers, is_literal_value, looks_secret
from batchlint.model import Resource

IGNORE_TAG = "batchlint:ignore"
_RESOLVE_STRICT = re.compile(
    r"\{\{resolve:(?:ssm|ssm-secure|secretsmanager):[A-Za-z0-9_.\-/:#@+=,]+\}\}")
_RESOLVE_ANY = re.compile(r"\{\{resolve:.*?\}\}", re.S)
_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12})?:[A-Za-z0-9_.\-/:+=,@*]+")
_ARN_PREFIX = re.compile(r"\s*arn:aws[a-z-]*:")
_FLAG = re.compile(r"--?[A-Za-z][A-Za-z0-9_.-]*")
_PLACEHOLDER = re.compile(r"Ref::[A-Za-z0-9_.-]+")
_PROGRAM = re.compile(r"[A-Za-z0-9_./+-]{1,100}")
# broader than BL303's well-defined formats (batchlint.credentials) on purpose: what a
# snapshot keeps must not be a secret, whatever its format
_CREDENTIAL = re.compile(r"""
    (?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}
  | gh[pousr]_[A-Za-z0-9]{20,} | github_pat_[A-Za-z0-9_]{20,}
  | xox[abeprs]-[A-Za-z0-9-]{10,}
  | sk[-_](?:live|test)[-_][A-Za-z0-9]{8,} | sk-[A-Za-z0-9_-]{20,}
  | eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}
  | -----BEGIN[A-Z ]*PRIVATE\ KEY
  | [A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@
  | (?=[A-Za-z0-9+/_=-]*[0-9])(?=[A-Za-z0-9+/_=-]*[A-Za-z])[A-Za-z0-9+/_=-]{32,}
""", re.X)
SAFE_LOG_OPTIONS = frozenset({
    "awslogs-group", "awslogs-region", "awslogs-stream-prefix", "awslogs-create-group",
    "awslogs-datetime-format", "awslogs-multiline-pattern", "mode", "max-buffer-size"})


def is_reference(value: Any) -> bool:
    """The whole value is one ARN or one dynamic reference, with nothing around it."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return bool(_RESOLVE_STRICT.fullmatch(text) or _ARN.fullmatch(text))


def credential_shaped(value: Any) -> bool:
    return isinstance(value, str) and _CREDENTIAL.search(value) is not None


def _stand_in(value: str) -> str:
    """``<redacted>``, or for a credential BL303 knows by its shape, a stand-in naming its
    kind, which BL303 reads as that kind: a live scan and its snapshot agree."""
    kind = credential_kind(value)
    return redacted(kind) if kind else REDACTED


def environment_value(value: Any) -> Any:
    """What a snapshot writes for an environment value: BL303 must read it the same way."""
    if is_literal_value(value):
        return _stand_in(value) if isinstance(value, str) else REDACTED
    if not isinstance(value, str):
        return value if value is None or isinstance(value, bool) else {}
    if not value.strip() or is_reference(value):
        return value
    if not _RESOLVE_ANY.search(value):  # starts like an ARN but is not one
        return _ARN_PREFIX.match(value).group(0) + REDACTED  # type: ignore[union-attr]
    out: list[str] = []
    last = 0
    for ref in _RESOLVE_ANY.finditer(value):
        if value[last:ref.start()]:
            out.append(REDACTED)
        out.append(ref.group(0) if _RESOLVE_STRICT.fullmatch(ref.group(0))
                   else "{{resolve:" + REDACTED + "}}")
        last = ref.end()
    if value[last:]:
        out.append(REDACTED)
    return "".join(out)


def arguments(args: Any, program_first: bool) -> Any:
    """``command`` (``program_first``) or EKS ``args`` with only flags and placeholders."""
    if not isinstance(args, list):
        return REDACTED if isinstance(args, str) and args else args
    out: list[Any] = []
    for i, arg in enumerate(args):
        if not isinstance(arg, str):
            out.append(REDACTED)
        elif _FLAG.fullmatch(arg) or _PLACEHOLDER.fullmatch(arg):
            out.append(arg)
        elif "=" in arg and _FLAG.fullmatch(arg.split("=", 1)[0]):
            out.append(arg.split("=", 1)[0] + "=" + REDACTED)
        elif i == 0 and program_first and _PROGRAM.fullmatch(arg) and not credential_shaped(arg):
            out.append(arg)
        else:
            out.append(_stand_in(arg))
    return out


def redact_job_definition(jobdef: dict[str, Any], keep_env_values: bool) -> None:
    """Redact, in place, every literal of a job definition that may be a secret."""
    if isinstance(jobdef.get("parameters"), dict):
        jobdef["parameters"] = {name: REDACTED for name in jobdef["parameters"]}
    holder = Resource(m.JOB_DEFINITION, "redacting", jobdef)
    for container in containers(holder):
        data: dict[str, Any] = container.data  # type: ignore[assignment]  # the JSON itself
        entries = data.get(container.env_key)
        for entry in entries if isinstance(entries, list) and not keep_env_values else []:
            if isinstance(entry, dict) and "value" in entry:
                entry["value"] = environment_value(entry["value"])
        if "command" in data:
            data["command"] = arguments(data["command"], program_first=True)
        if "args" in data:
            data["args"] = arguments(data["args"], program_first=False)
        logs = data.get("logConfiguration")
        options = logs.get("options") if isinstance(logs, dict) else None
        if isinstance(options, dict):
            logs["options"] = {k: v if k in SAFE_LOG_OPTIONS else REDACTED  # type: ignore[index]
                               for k, v in options.items()}


def redact_tags(value: Any) -> None:
    """Redact secret-looking tag values anywhere in ``value`` (``tags`` maps, ``Tags`` lists)."""
    if isinstance(value, list):
        for item in value:
            redact_tags(item)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key == "tags" and isinstance(item, dict):
            for name, text in item.items():
                if _secret_tag(name, text):
                    item[name] = REDACTED
        elif key == "Tags" and isinstance(item, list):
            for tag in item:
                if isinstance(tag, dict) and _secret_tag(tag.get("Key"), tag.get("Value")):
                    tag["Value"] = REDACTED
        else:
            redact_tags(item)


def _secret_tag(name: Any, value: Any) -> bool:
    if name == IGNORE_TAG:
        return False
    return (isinstance(name, str) and looks_secret(name)) or credential_shaped(value)


# -- launch template user data -------------------------------------------------------

_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
_CHARSET = re.compile(r"[A-Za-z0-9._-]{1,40}")
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_ENCODINGS = frozenset({"7bit", "8bit", "binary", "base64", "quoted-printable"})
_MAX_DEPTH = 8  # nested multipart levels written; deeper parts are left out


def redact_user_data(version: dict[str, Any]) -> None:
    """Keep only the MIME skeleton of a launch template version's user data.

    The text is read the way rules read it (``launch_templates.user_data_type``: the
    email parser, base64 first). When it has a ``Content-Type`` header, the snapshot
    gets a skeleton rebuilt from checked values only: ``MIME-Version``, the content
    type with its ``charset`` and ``boundary``, ``Content-Transfer-Encoding``, and the
    same for every part of a multipart document, with no body. Anything else — a
    plain script, cloud-config, gzip — becomes ``<redacted>``, whatever lines such as
    ``curl -H "Content-Type: …"`` it holds.
    """
    data = version.get("LaunchTemplateData")
    if not isinstance(data, dict) or not isinstance(data.get("UserData"), str):
        return
    raw = data["UserData"]
    try:
        text = base64.b64decode("".join(raw.split()), validate=True).decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    except (binascii.Error, ValueError):
        text = raw
    from email.parser import Parser  # the email package costs 5 ms at start-up

    message = Parser().parsestr(text)
    if "Content-Type" not in message or not _MIME_TYPE.fullmatch(message.get_content_type()):
        data["UserData"] = REDACTED
        return
    lines: list[str] = []
    version_header = str(message.get("MIME-Version", "")).strip()
    if re.fullmatch(r"\d\.\d", version_header):
        lines.append(f"MIME-Version: {version_header}")
    _skeleton(message, lines, 0)
    data["UserData"] = base64.b64encode("\n".join(lines).encode("utf-8")).decode("ascii")


def _skeleton(part: Any, lines: list[str], depth: int) -> None:
    ctype = part.get_content_type()
    if "Content-Type" in part and _MIME_TYPE.fullmatch(ctype):
        header = f"Content-Type: {ctype}"
        charset = part.get_param("charset")
        if isinstance(charset, str) and _CHARSET.fullmatch(charset):
            header += f'; charset="{charset}"'
        boundary = part.get_boundary()
        multipart = part.is_multipart() and boundary and _BOUNDARY.fullmatch(boundary)
        if multipart:
            header += f'; boundary="{boundary}"'
        lines.append(header)
    else:
        multipart = False
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding in _ENCODINGS:
        lines.append(f"Content-Transfer-Encoding: {encoding}")
    lines.append("")
    if multipart and depth < _MAX_DEPTH:
        for child in part.get_payload():
            lines.append(f"--{boundary}")
            _skeleton(child, lines, depth + 1)
        lines.append(f"--{boundary}--")
        lines.append("")
