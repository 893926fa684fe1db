"""cdktf.json runs the same app: the cdktn CLI and the archived cdktf-cli 0.21 give the same stacks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = ROOT / ".tools" / "node" / "node_modules" / ".bin"
CLIS = {
    "cdktn": NODE_BIN / "cdktn",
    "cdktf-0.21": ROOT / ".tools" / "cdktf" / "node_modules" / ".bin" / "cdktf",
}


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_cli_synth_matches_trademl_synth(cli, synth_out, tmp_path):
    exe = CLIS[cli]
    assert exe.exists(), f"{exe} missing; fix: run `make setup` (installs the CLIs under .tools/)"
    env = {
        **os.environ,
        "TRADEML_TARGETS": "aws-eks",
        "TRADEML_PROFILES": "profiles/example.yaml",
        "CHECKPOINT_DISABLE": "1",
        "PATH": f"{NODE_BIN}{os.pathsep}{os.environ['PATH']}",
    }
    out = tmp_path / "out"
    subprocess.run(
        [str(exe), "synth", "--output", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    stacks = sorted(p.name for p in (out / "stacks").iterdir())
    expected = sorted(p.name for p in (synth_out / "stacks").iterdir() if p.name.startswith("alpha-aws-eks-"))
    assert len(expected) >= 7  # foundation, audit, platform, workloads, two desks, failover (+ cicd)
    assert stacks == expected
    for name in stacks:
        ours = (out / "stacks" / name / "cdk.tf.json").read_bytes()
        assert ours == (synth_out / "stacks" / name / "cdk.tf.json").read_bytes(), name
