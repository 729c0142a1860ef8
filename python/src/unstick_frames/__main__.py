"""``python -m unstick_frames send|recv``: see :mod:`unstick_frames.cli`."""

import sys

from .cli import main

sys.exit(main())
