"""Sources of the Cloud Functions the gcp target deploys, zipped deterministically at synth. The sources
are kept as .py.j2 so they ship as package data and stay out of the library's type checks."""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

REQUIREMENTS = "functions-framework==3.8.2\ngoogle-cloud-dns==0.35.1\n"


def switch_zip() -> bytes:
    """main.py + requirements.txt with fixed timestamps and modes: the same bytes on every synth."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("main.py", (Path(__file__).parent / "switch_main.py.j2").read_text()),
            ("requirements.txt", REQUIREMENTS),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text)
    return buffer.getvalue()


def materialize(data: bytes, name: str) -> Path:
    """Write `data` where cdktn can copy it into the stack's assets; the folder is named by content."""
    folder = Path(tempfile.gettempdir()) / "trademl-assets" / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        path.write_bytes(data)
    return path
