"""Real Terraform plans for the tests: `terraform init`, `plan -out`, `show -json`, offline.

The AWS provider comes from a local filesystem mirror (``BATCHLINT_TF_PLUGIN_MIRROR``, else
the first conventional location that holds it), never the network; credentials are fake
and the configurations tell the provider not to call AWS. Registry modules the vendored
examples use are replaced by local stubs through a pre-seeded module manifest, so the
vendored files stay as published.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).parent
PROVIDER = "registry.terraform.io/hashicorp/aws"
MIRRORS = (  # where a filesystem mirror usually is (Terraform's implied mirror directories)
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
_REGISTRY_STUBS = {  # module call → (registry source as the manifest records it, version)
    "vpc": ("registry.terraform.io/terraform-aws-modules/vpc/aws", "4.0.2"),
    "vpc_endpoints": (
        "registry.terraform.io/terraform-aws-modules/vpc/aws//modules/vpc-endpoints", "4.0.2"),
    "vpc_endpoint_security_group": (
        "registry.terraform.io/terraform-aws-modules/security-group/aws", "4.17.2"),
}
_PROVIDER_OVERRIDE = """\
provider "aws" {
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"""


def mirror() -> Path | None:
    """The filesystem mirror holding the AWS provider, or None."""
    given = os.environ.get("BATCHLINT_TF_PLUGIN_MIRROR")
    for place in ([given] if given else []) + list(MIRRORS):
        path = Path(place).expanduser()
        if (path / PROVIDER).is_dir():
            return path
    return None


def unavailable() -> str | None:
    """Why real plans cannot be made here, or None."""
    if shutil.which("terraform") is None:
        return "terraform is not on PATH"
    if mirror() is None:
        return (f"no filesystem mirror of {PROVIDER}: set BATCHLINT_TF_PLUGIN_MIRROR or "
                f"put one in {', '.join(MIRRORS)}")
    return None


_INIT = threading.Lock()  # one terraform init at a time, in this process


class Planner:
    """Plans configurations under ``work``, sharing one CLI config and plugin cache."""

    def __init__(self, work: Path):
        self.work = work
        found = mirror()
        assert found is not None
        cache = work / "plugin-cache"
        cache.mkdir(parents=True, exist_ok=True)
        self.cli_config = work / "terraform.rc"
        self.cli_config.write_text(
            f'plugin_cache_dir = "{cache}"\n'
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{found}"\n'
            f'    include = ["{PROVIDER}"]\n  }}\n'
            f'  direct {{\n    exclude = ["{PROVIDER}"]\n  }}\n}}\n')

    def env(self, data: Path) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items()
                if k in ("PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT")}
        return {**keep, "TF_CLI_CONFIG_FILE": str(self.cli_config), "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1", "TF_DATA_DIR": str(data),
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}

    def plan(self, directory: Path, out: Path, initialised: bool = False) -> Path:
        """`terraform show -json` of a plan of ``directory``, written to ``out``."""
        if not initialised:
            self.init(directory)
        self._run(directory, ["plan", "-input=false", "-no-color", "-lock=false",
                              "-refresh=false", "-out=plan.bin"])
        env = self.env(directory / ".terraform")
        shown = subprocess.run(["terraform", "show", "-json", "plan.bin"], cwd=directory,
                               env=env, capture_output=True, text=True, timeout=300,
                               check=True)
        out.write_text(shown.stdout)
        return out

    def init(self, directory: Path) -> None:
        """``terraform init``: one at a time, as concurrent inits collide in the shared
        plugin cache ("file exists", "still not detected in plugin-cache")."""
        with _INIT:
            self._run(directory, ["init", "-input=false", "-no-color", "-backend=false"])

    def _run(self, directory: Path, args: list[str]) -> None:
        done = subprocess.run(["terraform", *args], cwd=directory,
                              env=self.env(directory / ".terraform"), capture_output=True,
                              text=True, timeout=300, check=False)
        if done.returncode:
            raise RuntimeError(f"terraform {args[0]} in {directory} failed:\n"
                               f"{done.stdout}\n{done.stderr}")

    def example(self, name: str, vpc: str) -> Path:
        """`terraform show -json` of a vendored example (see :meth:`example_dir`)."""
        return self.plan(self.example_dir(name, vpc), self.work / f"{name}-{vpc}.json")

    def example_dir(self, name: str, vpc: str) -> Path:
        """A vendored terraform-aws-batch example, its registry modules replaced by stubs
        (``vpc``: ``vpc`` creates the network, ``existing_vpc`` gives known ids)."""
        root = self.work / f"{name}-{vpc}" / "terraform-aws-batch"
        shutil.copytree(HERE / "vendor" / "terraform-aws-batch", root)
        example = root / "examples" / name
        stubs = {"vpc": vpc, "vpc_endpoints": "vpc_endpoints",
                 "vpc_endpoint_security_group": "security_group"}
        for call, stub in stubs.items():
            shutil.copytree(HERE / "stubs" / stub, example / "stubs" / call)
        (example / "override.tf").write_text(_PROVIDER_OVERRIDE)
        manifest = example / ".terraform" / "modules" / "modules.json"
        manifest.parent.mkdir(parents=True)
        manifest.write_text(json.dumps({"Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            *({"Key": call, "Source": source, "Version": version, "Dir": f"stubs/{call}"}
              for call, (source, version) in _REGISTRY_STUBS.items())]}))
        return example

    def config(self, name: str) -> Path:
        """One of the configurations written for these tests (configs/NAME)."""
        return self.plan(self.config_dir(name), self.work / f"{name}.json")

    def config_dir(self, name: str) -> Path:
        directory = self.work / name
        shutil.copytree(HERE / "configs" / name, directory)
        return directory

    def all(self) -> dict[str, Path]:
        """Every plan the tests read. Every init first, one at a time: an init rewrites the
        shared plugin cache's links, which a plan running beside it then misses ("no such
        file"); then the plans side by side (each takes seconds)."""
        dirs = {"ec2": self.example_dir("ec2", "vpc"),
                "ec2-existing-vpc": self.example_dir("ec2", "existing_vpc"),
                "fargate-existing-vpc": self.example_dir("fargate", "existing_vpc"),
                "handwritten": self.config_dir("handwritten")}
        for directory in dirs.values():
            self.init(directory)
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = {name: pool.submit(self.plan, directory, self.work / f"{name}.json", True)
                       for name, directory in dirs.items()}
            return {n: f.result() for n, f in futures.items()}
