"""Turn validation problems into one line each: file, field path, what is wrong, and the fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails


class ProfileError(Exception):
    """A profile cannot be used. Each line names the file, the field and the fix."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def _dotted(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """Follow a location through nested models to the model that owns its last key."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None or isinstance(part, int):
            continue
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return model
        model = _first_model(field.annotation)
    return model


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _allowed(root: type[BaseModel], loc: Sequence[int | str]) -> str:
    owner = _model_at(root, loc[:-1])
    if owner is None:
        return ""
    keys = sorted((f.alias or n) for n, f in owner.model_fields.items())
    return f" (allowed here: {', '.join(keys)})"


def describe(err: ErrorDetails, root: type[BaseModel]) -> str:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p in ("s3", "azurerm", "gcs", "local"))]
    path = _dotted(loc)
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "extra_forbidden":
        text = f"unknown key; fix: remove it or correct its spelling{_allowed(root, loc)}"
    elif kind == "missing":
        text = "is required; fix: add it (see profiles/schema.json)"
    elif kind == "value_error":
        text = msg if "fix:" in msg else f"{msg}; fix: correct the value"
    else:
        got = err.get("input")
        shown = f" (got {got!r})" if not isinstance(got, (dict, list)) else ""
        text = f"{msg}{shown}; fix: change the value to match (see profiles/schema.json)"
    return f"{path}: {text}" if path else text


def from_validation(source: str, exc: ValidationError, root: type[BaseModel]) -> ProfileError:
    return ProfileError([f"{source}: {describe(e, root)}" for e in exc.errors()])
