"""Load the platform team's own desk subclasses from the file a profile names (top-level constructs/)."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
from pathlib import Path
from typing import TypeVar

from trademl.model import ProfileError

T = TypeVar("T")


def load_desk_class(profile_path: Path, extension: str, attribute: str, base: type[T]) -> type[T]:
    """The class `attribute` (AwsDesk, AzureDesk, GcpDesk) from the extension file, or `base` if absent."""
    path = (profile_path.parent / extension).resolve()
    names = top_level_names(path.read_bytes())
    if "*" not in names and attribute not in names:
        # Executing the file would load every cloud binding it imports (~5 s for AWS) for nothing.
        return base
    # A stable module name keyed by content, never by the absolute path, so output cannot depend on it.
    name = "trademl_ext_" + path.stem + "_" + hashlib.sha256(path.read_bytes()).hexdigest()[:8]
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ProfileError(
                [
                    f"{profile_path}: desks extension {extension!r} cannot be imported; "
                    "fix: point it at a Python file"
                ]
            )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    found = getattr(module, attribute, None)
    if found is None:
        return base
    if not (isinstance(found, type) and issubclass(found, base)):
        raise ProfileError(
            [
                f"{profile_path}: {extension}: {attribute} does not subclass {base.__module__}."
                f"{base.__qualname__}; fix: derive it from that class"
            ]
        )
    return found


def top_level_names(source: bytes) -> set[str]:
    """Names a module binds at top level (classes, assignments, imports), read without running it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {"*"}  # unreadable here: let the import report the error with its line
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        else:
            return {"*"}  # conditional or dynamic definitions: only running it can tell
    return names
