"""Attack tests for reading input (issue 15): each reproduces a hostile file and checks
that batchlint answers with one line and exit 2 (or skips the file), fast, in bounded
memory, and without echoing a value from the file.

The attacks that could exhaust the machine run ``batchlint`` in a child process
under an address-space limit and a timeout, so a regression fails the test rather
than the CI runner.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from batchlint.jsonlocator import JsonLocator

LIMITED_MEMORY = 1024 * 1024 * 1024  # address space for a child scan: 1 GiB
TEMPLATE = ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Queue:\n"
            "    Type: AWS::Batch::JobQueue\n    Properties:\n      Priority: {value}\n")

# skipped, with the warning a scan that read no Batch resource gives (exit 2 under --strict)
NOTHING_READ = "batchlint: warning: no AWS Batch resource was read (read: 1 path, 1 skipped)\n"


def bounded_scan(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """``batchlint scan ARGS`` in a child process with 1 GiB of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMITED_MEMORY, LIMITED_MEMORY))

    return subprocess.run([sys.executable, "-m", "batchlint", "scan", *args],
                          capture_output=True, text=True, timeout=timeout, preexec_fn=limit,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)


def one_error(result: Any, message: str) -> None:
    """Exit 2 and exactly one line on stderr (a CliRunner result or a child process)."""
    exit_code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert (exit_code, result.stderr) == (2, f"batchlint: error: {message}\n")
    assert "Traceback" not in result.stdout


# -- 3, 9: tags with values they cannot hold ---------------------------------------------

@pytest.mark.parametrize(("value", "tag"), [
    ("!!int SECRET-hunter2", "!!int"), ("!!float xyz", "!!float"),
    ("!!timestamp 2020-13-45", "!!timestamp"), ("!!bool maybe", "!!bool"),
    ('!!binary "!!!"', "!!binary"),
])
def test_a_bad_tagged_value_is_one_line_without_the_value(tmp_path: Path, cli, value: str,
                                                          tag: str) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE.format(value=value))
    result = cli("scan", str(path))
    one_error(result, f"{path}:6:17: invalid YAML: not a valid {tag} value")
    assert value.split()[-1].strip('"') not in result.stderr + result.stdout


def test_python_tags_are_unknown_tags(tmp_path: Path, cli) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE.format(value="!!python/name:os.system"))
    one_error(cli("scan", str(template)), f"{template}:6:17: unknown tag !!python/name:os.system")
    mkdocs = tmp_path / "mkdocs.yml"  # not a template: not ours to judge, so skipped
    mkdocs.write_text("markdown_extensions:\n  - pymdownx.emoji:\n"
                      "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n")
    result = cli("scan", str(mkdocs))
    assert (result.exit_code, result.stderr) == (
        0, f"batchlint: skipped {mkdocs}: not AWS Batch configuration\n" + NOTHING_READ)


def test_a_plain_value_that_only_looks_like_a_date_stays_a_string(tmp_path: Path) -> None:
    from batchlint.loaders.yamlpos import load_yaml

    data, _, problems = load_yaml("x.yaml", "when: 2020-13-45\nday: 2010-09-09\n")
    assert (data, problems) == ({"when": "2020-13-45", "day": "2010-09-09"}, [])


# -- 4: alias bomb ------------------------------------------------------------------------

def test_yaml_alias_bomb_is_refused_fast_in_bounded_memory(tmp_path: Path) -> None:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    result = bounded_scan(str(path))
    assert time.monotonic() - started < 20
    one_error(result, f"{path}:7:10: YAML aliases repeat more than 1,000,000 values (an alias "
                      "bomb?); not read")


def test_aliases_share_their_anchor(tmp_path: Path) -> None:
    from batchlint.loaders.yamlpos import load_yaml

    data, positions, _ = load_yaml("x.yaml", "a: &x {k: [1, 2]}\nb: *x\nc: [*x, *x]\n")
    assert data == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": [{"k": [1, 2]}] * 2}
    assert data["b"] is data["a"] and data["c"][1] is data["a"]
    assert positions[("b",)] == (2, 1) and positions[("c", 1)] == (3, 9)


# -- 5: devices, FIFOs, size ----------------------------------------------------------------

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_without_reading(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = tmp_path / "x.json"
    link.symlink_to(device)
    for path in (device, str(link)):
        one_error(bounded_scan(path), f"{path}: is a character device, not a regular file; "
                                      "not read")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    one_error(bounded_scan(str(fifo), timeout=20),
              f"{fifo}: is a named pipe (FIFO), not a regular file; not read")


def test_file_size_limit_is_visible_and_changeable(tmp_path: Path, cli) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"computeEnvironments": [], "padding": "x" * (2 * 1024 * 1024)}))
    one_error(cli("scan", str(path), "--max-file-size", "1MiB"),
              f"{path}: larger than the 1 MiB limit for one file (raise it with "
              "--max-file-size)")
    assert cli("scan", str(path), "--max-file-size", "3M").exit_code == 0
    assert cli("scan", str(path)).exit_code == 0  # 256 MiB by default
    one_error(cli("scan", str(path), "--max-file-size", "lots"),
              "--max-file-size: 'lots' is not a size such as 256MiB, 1G or 500000")


# -- 7: one-line JSON positions are linear ------------------------------------------------

def test_positions_in_single_line_json_are_linear() -> None:
    """``terraform show -json`` writes one line: 40,000 job definitions took 76 s when each
    position searched back to the line's start; now each costs at most a block's scan."""
    jobdef = {"jobDefinitionName": "jd", "type": "container", "revision": 1,
              "containerProperties": {"image": "busybox", "command": ["echo", "hi"]}}
    text = json.dumps({"jobDefinitions": [jobdef] * 40_000})
    started = time.process_time()
    locator = JsonLocator(text)
    for i in range(40_000):
        locator.position(("jobDefinitions", i, "containerProperties", "command", 1))
    elapsed = time.process_time() - started
    last = text.rindex('"hi"')
    assert locator.position(("jobDefinitions", 39_999, "containerProperties", "command", 1)) \
        == (1, last + 1)
    assert elapsed < 20, f"{elapsed:.1f} s for 40,000 positions"


# -- 8: nesting ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "where"), [
    ("flow.yaml", "a: " + "[" * 400 + "]" * 400 + "\n", ":1:203"),
    ("block.yaml", "".join(f"{' ' * i}k:\n" for i in range(330)) + " " * 330 + "k: 1\n",
     ":201:201"),
    ("deep.json", "[" * 975 + "]" * 975, ""),
    ("deeper.json", '{"a":' * 100_000 + "1" + "}" * 100_000, ""),
])
def test_deep_nesting_is_one_line(tmp_path: Path, name: str, text: str, where: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    one_error(bounded_scan(str(path)), f"{path}{where}: nested more than 200 levels deep "
                                       "(raise the limit with --max-depth)")


def test_the_depth_limit_can_be_raised(tmp_path: Path, cli) -> None:
    path = tmp_path / "deep.json"
    path.write_text(json.dumps({"computeEnvironments": [], "x": json.loads("[" * 300 + "]" * 300)}))
    assert cli("scan", str(path)).exit_code == 2
    assert cli("scan", str(path), "--max-depth", "400").exit_code == 0


# -- 14, 18: YAML that is not CloudFormation; control characters; encodings ------------------

@pytest.mark.parametrize("text", [
    "x-defaults: &defaults {restart: always}\nservices:\n  web:\n    <<: *defaults\n"
    "    image: nginx\n",
    "? [a, b]\n: pair\n",
    "kind: ConfigMap\n---\nkind: Secret\n",
])
def test_yaml_that_is_not_a_template_is_skipped(tmp_path: Path, cli, text: str) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    result = cli("scan", str(path))
    assert (result.exit_code, result.stderr) == (
        0, f"batchlint: skipped {path}: not AWS Batch configuration\n" + NOTHING_READ)


def test_merge_keys_in_a_template_are_still_an_error(tmp_path: Path, cli) -> None:
    path = tmp_path / "template.yaml"
    path.write_text("AWSTemplateFormatVersion: '2010-09-09'\nx: &d {Type: AWS::SQS::Queue}\n"
                    "Resources:\n  Q:\n    <<: *d\n")
    one_error(cli("scan", str(path)),
              f"{path}:5:5: merge keys (<<) are not supported by CloudFormation")


def test_a_yaml_control_character_is_one_line_with_its_position(tmp_path: Path, cli) -> None:
    path = tmp_path / "bell.yaml"
    path.write_text("Resources:\n  Q:\n    Type: AWS::Batch::\x07JobQueue\n")
    one_error(cli("scan", str(path)),
              f"{path}:3:23: invalid YAML: control character U+0007 is not allowed")


@pytest.mark.parametrize(("encoding", "name"), [
    ("utf-16-le", "UTF-16-LE"), ("utf-16-be", "UTF-16-BE"), ("utf-32-le", "UTF-32-LE"),
    ("utf-32-be", "UTF-32-BE"),
])
def test_utf16_and_32_without_bom_are_an_encoding_problem(tmp_path: Path, cli, encoding: str,
                                                         name: str) -> None:
    path = tmp_path / "ce.json"
    path.write_bytes('{"computeEnvironments": []}'.encode(encoding))
    one_error(cli("scan", str(path)),
              f"{path}: looks like {name} text without a byte order mark; save it as UTF-8")


def test_utf32_with_bom_is_read(tmp_path: Path, cli) -> None:
    path = tmp_path / "ce.json"
    path.write_bytes('{"computeEnvironments": []}'.encode("utf-32"))
    assert cli("scan", str(path)).exit_code == 0


def test_a_plan_whose_configuration_is_the_wrong_shape_still_scans(tmp_path: Path, cli) -> None:
    """Found by the fuzz: ``configuration.root_module.resources`` that is not a list cost
    a traceback; the plan's planned values are still read and checked."""
    plan = {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": [{
                "address": "aws_batch_job_definition.etl", "mode": "managed",
                "type": "aws_batch_job_definition", "name": "etl",
                "values": {"name": "etl", "type": "container",
                           "container_properties": json.dumps({"image": "etl:latest"})}}]}},
            "resource_changes": [], "configuration": {"root_module": {"resources": True}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = cli("scan", str(path), "--select", "BL306", "--format", "concise")
    assert "Traceback" not in result.output
    assert "BL306" in result.stdout and "aws_batch_job_definition.etl" in result.stdout
