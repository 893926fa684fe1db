"""The app that cdktf.json runs: `cdktf synth` / `cdktn synth` give the same stacks as `trademl synth`.

The CLI passes its output folder in CDKTF_OUTDIR; everything else is the compiler's job.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from trademl.model import ProfileError, TargetName
from trademl.synth import SynthError, synthesize
from trademl.synth.compiler import stderr_progress


def main() -> int:
    out = Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
    # Optional narrowing for quick runs and tests: space-separated lists; default is everything.
    profiles = [Path(p) for p in os.environ.get("TRADEML_PROFILES", "").split()] or sorted(
        Path("profiles").glob("*.yaml")
    )
    targets = [TargetName(t) for t in os.environ.get("TRADEML_TARGETS", "").split()]
    try:
        synthesize(profiles, targets, out=out, progress=stderr_progress if sys.stderr.isatty() else None)
    except ProfileError as exc:
        print("\n".join(f"error: {line}" for line in exc.lines), file=sys.stderr)
        return 1
    except SynthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
