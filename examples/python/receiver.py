"""Receive files sent with the tutorial's python-struct framing, safely.

A thin user of the `unstick_frames` package (python/ in this repository):

    python3 receiver.py --listen HOST:PORT --out DIR [--once] [--max-size SIZE]

is `python -m unstick_frames recv --wire python-struct ...` without installing
the package: exact reads, limits checked before anything is buffered, the
same file-name policy as the Rust `transfer` tool, temporary files linked to
their names only once complete. Standard library only.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python" / "src"))

from unstick_frames.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["recv", "--wire", "python-struct", *sys.argv[1:]]))
