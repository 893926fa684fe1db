"""A few Google REST calls over an authorized session: JSON in, JSON out, errors as one line."""

from __future__ import annotations

from typing import Any

import requests
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import AuthorizedSession

from trademl.ops.clients import gcp_url
from trademl.ops.report import OpsError

TIMEOUT = 30


class GcpResponse:
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body

    @property
    def message(self) -> str:
        error = self.body.get("error")
        if isinstance(error, dict):
            return f"{self.status} {error.get('status', '')}: {error.get('message', '')}".strip()
        return f"HTTP {self.status}"


def call(
    session: AuthorizedSession,
    method: str,
    host: str,
    path: str,
    body: dict[str, Any] | None = None,
    params: dict[str, str] | None = None,
) -> GcpResponse:
    url = gcp_url(host, path)
    try:
        # google-auth's AuthorizedSession.request is untyped; it returns a requests.Response.
        response: requests.Response = session.request(  # type: ignore[no-untyped-call]
            method, url, json=body, params=params, timeout=TIMEOUT
        )
    except GoogleAuthError as exc:
        raise OpsError(
            f"Google Cloud credentials could not be used ({exc}); fix: run "
            "`gcloud auth application-default login`"
        ) from None
    except requests.RequestException as exc:
        raise OpsError(
            f"{method} {url} failed ({type(exc).__name__}); fix: check the network or TRADEML_GCP_ENDPOINT"
        ) from None
    try:
        data = response.json() if response.content else {}
    except ValueError:
        data = {}
    return GcpResponse(response.status_code, data if isinstance(data, dict) else {})


def get_bucket(session: AuthorizedSession, bucket: str) -> GcpResponse:
    return call(session, "GET", "storage.googleapis.com", f"storage/v1/b/{bucket}")
