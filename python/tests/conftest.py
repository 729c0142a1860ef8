"""Shared test settings: where the repository's vectors and the Rust transfer tool are."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List

import pytest

#: The unstick repository (this package lives in its python/ folder).
REPO = Path(__file__).resolve().parents[2]
#: The language-neutral test vectors.
VECTORS = REPO / "vectors"
#: The Rust transfer tool, the workspace binary `transfer` (`cargo build
#: --release -p unstick-transfer`); UNSTICK_TRANSFER overrides it.
TRANSFER = Path(os.environ.get("UNSTICK_TRANSFER", REPO / "target" / "release" / "transfer"))


def load_vectors() -> List[Dict[str, Any]]:
    """Every vector of every file under vectors/."""
    vectors: List[Dict[str, Any]] = []
    for path in sorted(VECTORS.glob("*.json")):
        vectors.extend(json.loads(path.read_text(encoding="utf-8"))["vectors"])
    return vectors


@pytest.fixture(scope="session")
def transfer_tool() -> Path:
    """The Rust transfer tool; the interop tests need it built (ci/python.sh builds it)."""
    if not TRANSFER.is_file():
        pytest.fail(f"the Rust transfer tool is not built at {TRANSFER}: run ci/python.sh or "
                    "`cargo build --release -p unstick-transfer`")
    return TRANSFER
