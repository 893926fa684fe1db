"""Load provider bindings lazily in the jsii kernels a synth worker starts (see lazy_providers.cjs).

Measured on the example profile: loading @cdktn/provider-aws drops from ~7 s to ~0.2 s, and a whole
target from ~11 s to ~4.5 s, with byte-identical output. `TRADEML_LAZY_PROVIDERS=off` turns it off
(the benchmark uses that to measure the eager floor).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path

ENV = "TRADEML_LAZY_PROVIDERS"
HOOK = Path(__file__).with_name("lazy_providers.cjs")


def enable(env: MutableMapping[str, str]) -> bool:
    """Preload the hook into every node started with `env`; False when turned off."""
    if env.get(ENV) == "off":
        return False
    option = f'--require "{HOOK}"'
    current = env.get("NODE_OPTIONS", "")
    if option not in current:
        env["NODE_OPTIONS"] = f"{current} {option}".strip()
    return True
