"""The base every profile model derives from: strict, frozen, documented."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

DNS_LABEL = re.compile(r"^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$")


class Strict(BaseModel):
    """Unknown keys are errors and values never change after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _dns_label(value: str) -> str:
    if not DNS_LABEL.match(value):
        raise ValueError(
            f"{value!r} is not DNS-safe; fix: use 1-32 lowercase letters, digits and '-', "
            "starting with a letter and not ending with '-'"
        )
    return value


DnsName = Annotated[str, AfterValidator(_dns_label)]
"""A lowercase DNS label of at most 32 characters: usable as a namespace, bucket part and stack part."""
