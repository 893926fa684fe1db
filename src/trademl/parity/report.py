"""Render parity matrices as text, markdown, JSON or one self-contained HTML page (no network)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, select_autoescape

from trademl.parity.axes import AXES, measure
from trademl.parity.matrix import Cell, Matrix, Status

SYMBOL = {Status.PRESENT: "✔", Status.ADOPTED: "✔ adopted", Status.MISSING: "✘ MISSING", Status.OFF: "-"}
FORMATS = ("text", "markdown", "json", "html")


def _label(cell: Cell) -> str:
    if cell.status is Status.OFF and cell.evidence.found:
        return "- (present, not asked)"
    return SYMBOL[cell.status]


def to_data(matrices: Sequence[Matrix]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for m in matrices:
        axes = measure(m)
        out.append(
            {
                "profile": m.profile.name,
                "targets": [t.value for t in m.targets],
                "stacks": {t.value: n for t, n in m.stacks.items()},
                "ok": not m.failures,
                "capabilities": [
                    {
                        "id": cap.id,
                        "title": cap.title,
                        "stage": cap.stage.value,
                        "setting": cap.setting,
                        "flow": cap.flow,
                        "cells": {
                            t.value: {
                                "status": (c := m.cell(cap.id, t)).status.value,
                                "found": c.evidence.found,
                                "resources": list(c.evidence.resources),
                                "facts": dict(c.evidence.facts),
                                "missing": c.evidence.missing,
                                "adopted": list(c.adopted),
                            }
                            for t in m.targets
                        },
                    }
                    for cap in m.rows()
                ],
                "axes": [
                    {
                        "id": a.id,
                        "title": a.title,
                        "seed": a.seed,
                        "marks": {
                            t.value: {
                                "value": (mk := axes[a.id][t]).value,
                                "symbol": mk.symbol,
                                "level": mk.level,
                                "facts": mk.facts,
                            }
                            for t in m.targets
                        },
                    }
                    for a in AXES
                ],
            }
        )
    return out


def markdown(matrices: Sequence[Matrix]) -> str:
    lines: list[str] = []
    for m in matrices:
        axes = measure(m)
        heads = [t.value for t in m.targets]
        lines += [
            f"### Parity: {m.profile.name} ({m.profile.environment})",
            "",
            "| stage | capability | " + " | ".join(heads) + " |",
            "|---|---|" + "---|" * len(heads),
        ]
        for cap in m.rows():
            cells = [_label(m.cell(cap.id, t)) for t in m.targets]
            lines.append(
                f"| {cap.stage.value} | {cap.title}{' (flow)' if cap.flow else ''} | "
                + " | ".join(cells)
                + " |"
            )
        lines += ["", "| axis (seed) | " + " | ".join(heads) + " |", "|---|" + "---|" * len(heads)]
        for a in AXES:
            lines.append(
                f"| {a.title} ({a.seed}) | "
                + " | ".join(f"{axes[a.id][t].symbol} {axes[a.id][t].value}" for t in m.targets)
                + " |"
            )
        missing = [c for c in m.failures]
        if missing:
            lines += ["", "Missing:"]
            lines += [f"- {c.target.value} / {c.capability.id}: {c.evidence.missing}" for c in missing]
        lines.append("")
    return "\n".join(lines)


def text(matrices: Sequence[Matrix]) -> str:
    lines: list[str] = []
    for m in matrices:
        width = max(len(c.title) for c in m.rows()) + 3
        lines.append(
            f"parity {m.profile.name}: " + ("ok" if not m.failures else f"{len(m.failures)} missing")
        )
        lines.append(" " * (width + 11) + "".join(f"{t.value:<18}" for t in m.targets))
        for cap in m.rows():
            row = "".join(f"{_label(m.cell(cap.id, t)):<18}" for t in m.targets)
            lines.append(f"{cap.stage.value:<11}{cap.title:<{width}}{row}")
        for c in m.failures:
            lines.append(f"  missing {c.target.value}/{c.capability.id}: {c.evidence.missing}")
    return "\n".join(lines)


def html(matrices: Sequence[Matrix]) -> str:
    env = Environment(
        loader=PackageLoader("trademl.parity", "templates"), autoescape=select_autoescape(["j2"])
    )
    return env.get_template("report.html.j2").render(reports=to_data(matrices))


def render(matrices: Sequence[Matrix], fmt: str) -> str:
    if fmt == "markdown":
        return markdown(matrices)
    if fmt == "json":
        return json.dumps(to_data(matrices), indent=2, default=str)
    if fmt == "html":
        return html(matrices)
    return text(matrices)
