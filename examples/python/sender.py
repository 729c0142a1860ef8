"""Send files with the tutorial's python-struct framing, correctly.

A thin user of the `unstick_frames` package (python/ in this repository):

    python3 sender.py --to HOST:PORT FILE...

is `python -m unstick_frames send --wire python-struct ...` without installing
the package: one frame per file (`struct.pack('i', len(header))`, the JSON
header, the file), every byte sent, the declared size checked against what
is sent. Standard library only.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python" / "src"))

from unstick_frames.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["send", "--wire", "python-struct", *sys.argv[1:]]))
