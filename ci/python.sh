#!/usr/bin/env bash
# The Python package (python/, import name unstick_frames): creates a virtual
# environment (PYTHON_VENV, default target/python-venv; reused when present),
# installs pytest (a range that supports 3.9) and mypy (pinned) from the
# registry and the package from ./python (as a user would: `pip install
# ./python`), type-checks it (mypy --strict), builds the Rust transfer tool
# for the interop tests, and runs pytest. pytest's "no tests collected"
# (exit 5) fails the run like any other failure.
#
#   PYTHON=python3.9 PYTHON_VENV=target/py39 ci/python.sh   # another interpreter (3.9 or newer)
set -euo pipefail

cd "$(dirname "$0")/.."

python="${PYTHON:-python3}"
venv="${PYTHON_VENV:-target/python-venv}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "pytest>=8,<10"
"${pip[@]}" --force-reinstall --no-deps ./python

# mypy itself runs on Python 3.10 or newer; the package supports 3.9.
if "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    "${pip[@]}" mypy==2.4.1
    "$venv/bin/python" -m mypy --strict python/src/unstick_frames
fi

# The interop tests run the Rust transfer tool; UNSTICK_TRANSFER says where it is.
cargo build --quiet --release -p unstick-transfer
export UNSTICK_TRANSFER="$PWD/target/release/transfer"

status=0
(cd python && "../$venv/bin/python" -m pytest -q -p no:cacheprovider tests) || status=$?
if [ "$status" -eq 5 ]; then
    echo "python: pytest collected no tests" >&2
    exit 1
fi
exit "$status"
