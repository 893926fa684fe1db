"""Read profiles from YAML. The only code that parses a profile file."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from trademl.model.errors import ProfileError, from_validation
from trademl.model.profile import Profile


def load_profile(path: str | Path) -> Profile:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(
            [f"{source}: no such file; fix: pass an existing profile (see profiles/)"]
        ) from None
    except OSError as exc:
        raise ProfileError([f"{source}: cannot read ({exc.strerror}); fix: check the path"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ProfileError(
            [f"{source}{where}: YAML syntax error: {problem}; fix: correct the YAML"]
        ) from None
    if not isinstance(data, dict):
        raise ProfileError([f"{source}: top level is not a mapping; fix: start with 'name:', 'environment:'"])
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise from_validation(source, exc, Profile) from None
    _check_extensions(profile, Path(path), source)
    return profile


def _check_extensions(profile: Profile, path: Path, source: str) -> None:
    for i, desk in enumerate(profile.desks):
        if desk.extension and not (path.parent / desk.extension).is_file():
            raise ProfileError(
                [
                    f"{source}: desks[{i}].extension: {desk.extension!r} does not exist relative to the profile; "
                    "fix: point it at a .py file, e.g. '../constructs/desks/momentum.py'"
                ]
            )


def extension_path(profile_path: str | Path, extension: str) -> Path:
    return Path(profile_path).parent / extension
