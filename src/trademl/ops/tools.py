"""Local tool preflight: Node >= 22 for jsii, a cdktn or cdktf CLI, and Terraform.

Each is looked up where `make setup` installs it (.tools/ in the project) before PATH, as the Makefile does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from trademl.ops.report import Check, fail, ok

NODE_MAJOR = 22
LOCKFILE_TERRAFORM = (1, 10)  # the S3 backend's native locking (use_lockfile) arrived in 1.10
SETUP_FIX = "fix: run `make setup`"


def project_root(start: Path | None = None) -> Path:
    """The nearest directory holding cdktf.json, else the start directory."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "cdktf.json").is_file():
            return candidate
    return here


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _version(argv: list[str]) -> str | None:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1"}  # keep `terraform version` from calling home
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_node(root: Path) -> tuple[str, str] | None:
    """(path, where it came from): JSII_NODE, then the project's .tools node, then PATH."""
    given = os.environ.get("JSII_NODE", "").strip()
    if given:
        return shutil.which(given) or given, "JSII_NODE"
    local = root / ".tools/node/node_modules/.bin/node"
    if _executable(local):
        return str(local), ".tools"
    found = shutil.which("node")
    return (found, "PATH") if found else None


def check_node(root: Path) -> Check:
    scope = "tools/node"
    found = find_node(root)
    if found is None:
        return fail(
            scope,
            f"node not found; {SETUP_FIX} (installs Node {NODE_MAJOR} under .tools/node) or set JSII_NODE",
        )
    path, source = found
    version = _version([path, "--version"])
    if version is None:
        return fail(
            scope,
            f"{path} (from {source}) does not run; {SETUP_FIX} or point JSII_NODE at Node {NODE_MAJOR}+",
        )
    match = re.match(r"v?(\d+)", version)
    if match is None or int(match.group(1)) < NODE_MAJOR:
        return fail(
            scope,
            f"node {version} at {path} (from {source}) is older than {NODE_MAJOR}; {SETUP_FIX} "
            f"(installs Node {NODE_MAJOR} under .tools/node) or set JSII_NODE",
        )
    return ok(scope, f"node {version} at {path} (from {source})")


def check_cli(root: Path) -> Check:
    scope = "tools/cdk-cli"
    candidates = [
        shutil.which("cdktn"),
        str(root / ".tools/node/node_modules/.bin/cdktn"),
        shutil.which("cdktf"),
        str(root / ".tools/cdktf/node_modules/.bin/cdktf"),
    ]
    for found in candidates:
        if found and _executable(Path(found)):
            return ok(scope, f"{Path(found).name} at {found}")
    return fail(
        scope,
        f"neither the cdktn nor the cdktf CLI was found; {SETUP_FIX} (installs cdktn-cli "
        "under .tools/node) or `npm install -g cdktn-cli`",
    )


def check_terraform(root: Path, needs_lockfile: bool) -> Check:
    scope = "tools/terraform"
    local = root / ".tools/terraform/terraform"
    path = str(local) if _executable(local) else shutil.which("terraform")
    if path is None:
        return fail(
            scope,
            "terraform not found on PATH; fix: install Terraform >= 1.10 "
            "(https://developer.hashicorp.com/terraform/install) or put it under .tools/terraform/",
        )
    raw = _version([path, "version", "-json"])
    try:
        version = str(json.loads(raw or "{}")["terraform_version"])
    except (ValueError, KeyError):
        return fail(scope, f"{path} does not report its version; fix: reinstall Terraform >= 1.10")
    parts = tuple(int(p) for p in re.findall(r"\d+", version)[:2])
    if needs_lockfile and parts < LOCKFILE_TERRAFORM:
        return fail(
            scope,
            f"terraform {version} at {path} predates 1.10, which S3-native state locking needs; "
            "fix: install Terraform >= 1.10",
        )
    return ok(scope, f"terraform {version} at {path}")
