import pytest
from pathlib import Path
@pytest.fixture(scope="session")
def synth_out() -> Path:
    return Path("/tmp/cicd-full.out")
