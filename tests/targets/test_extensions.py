"""Desk extension files: a cloud's worker runs the file only when it defines that cloud's class."""

from __future__ import annotations

from pathlib import Path

import pytest

from trademl.targets.extensions import load_desk_class, top_level_names


class Base:
    pass


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "ext.py").write_text(body)
    return tmp_path / "profile.yaml"


def test_names_of_classes_assignments_and_imports() -> None:
    source = (
        b'"""doc"""\nimport a.b\nfrom c import d as e\nclass AwsDesk: ...\nGcpDesk = AwsDesk\nx: int = 1\n'
    )
    assert top_level_names(source) == {"a", "e", "AwsDesk", "GcpDesk", "x"}


@pytest.mark.parametrize("body", ["if True:\n    class GcpDesk: ...\n", "from m import *\n", "def (:\n"])
def test_dynamic_or_unreadable_files_must_run(body: str) -> None:
    assert "*" in top_level_names(body.encode())


def test_a_cloud_the_file_leaves_out_never_runs_it(tmp_path: Path) -> None:
    # The import would fail if the file ran: the other cloud's worker must not pay for (or trip on) it.
    profile = write(tmp_path, "import trademl_no_such_module\n\nclass AwsDesk:\n    pass\n")
    assert load_desk_class(profile, "ext.py", "GcpDesk", Base) is Base
    with pytest.raises(ModuleNotFoundError):
        load_desk_class(profile, "ext.py", "AwsDesk", Base)


def test_the_named_class_is_loaded(tmp_path: Path) -> None:
    profile = write(tmp_path, "from test_extensions import Base\n\nclass GcpDesk(Base):\n    pass\n")
    found = load_desk_class(profile, "ext.py", "GcpDesk", Base)
    assert found is not Base and issubclass(found, Base)


def test_the_worked_example_defines_only_aws() -> None:
    names = top_level_names(Path("constructs/desks/momentum.py").read_bytes())
    assert "AwsDesk" in names and not {"AzureDesk", "GcpDesk", "*"} & names
