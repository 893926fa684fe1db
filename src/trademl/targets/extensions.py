"""Load the platform team's own desk subclasses from the file a profile names (top-level constructs/)."""

from __future__ import annotations

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
