"""The profile's JSON Schema, for editors (yaml-language-server) and reviewers."""

from __future__ import annotations

import json

from trademl.model.profile import Profile


def profile_schema() -> str:
    schema = Profile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "trademl profile"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
