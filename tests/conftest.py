import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from claimlens import config as cfg  # noqa: E402

FNC1 = cfg.FNC1_BODIES
LABEL_GUIDE = cfg.SHARED_DIR / "labels.md"


@pytest.fixture
def needs_fnc1():
    if not FNC1.is_file():
        pytest.skip(f"{FNC1} not present (../shared is only beside a developer checkout)")
    return FNC1


@pytest.fixture
def write(tmp_path):
    """write(name, content) -> path; bytes are written as is."""

    def _write(name: str, content) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
