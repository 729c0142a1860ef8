#!/usr/bin/env bash
# Mutation testing of the library (cargo-mutants, configured in
# .cargo/mutants.toml): every mutant of src/ must be caught by the tests,
# except the equivalent ones excluded by name there. Fails on any missed
# mutant. A mutant that makes the tests hang until the timeout counts as
# caught (a hang is a failing test); those are listed, not failed on.
#
#   bash ci/mutants.sh            every mutant (1.5-2 hours on 2 cores)
#   bash ci/mutants.sh K/N        shard K of N only
#   bash ci/mutants.sh auto N     the shard of this commit: K = number of
#                                 commits on HEAD modulo N, so successive
#                                 landings walk through every shard and a
#                                 rerun of one commit tests the same shard
#   ... -f FILE ...               any further arguments go to cargo mutants
#                                 (`-f src/decoder.rs` limits it to one file)
#
# Installs cargo-mutants when it is missing. Results: mutants.out/ (caught,
# missed, timeout, unviable). `.ci/run` runs `auto` with a small share.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
    cargo install cargo-mutants --locked
fi

shard=()
case "${1:-}" in
    ""|-*) ;;
    auto)
        n=${2:?usage: ci/mutants.sh auto N}
        k=$(( $(git rev-list --count HEAD) % n ))
        shard=(--shard "$k/$n")
        shift 2
        ;;
    */*) shard=(--shard "$1"); shift ;;
    *) echo "usage: ci/mutants.sh [K/N | auto N] [cargo mutants arguments]" >&2; exit 2 ;;
esac

echo "== cargo mutants ${shard[*]} $*"
# Some mutants make a test collect frames forever (a reader that reports a
# new frame on every call): cap each process's address space at 4 GiB so
# such a test dies of a failed allocation (and the mutant counts as caught)
# long before the machine runs out of memory. Builds fit well inside it.
ulimit -v $((4 * 1024 * 1024))
# A caught mutant fails a proptest property; cap its shrinking so that it is
# reported in seconds rather than running into the timeout.
export PROPTEST_MAX_SHRINK_ITERS=100
status=0
cargo mutants --jobs 2 "${shard[@]}" "$@" || status=$?
# cargo-mutants exits 0 when everything was caught, 2 for missed mutants,
# 3 for timeouts (and none missed), 4 when the unmutated tree already fails.
for kind in missed timeout; do
    if [ -s "mutants.out/$kind.txt" ]; then
        echo "== $kind mutants:"
        cat "mutants.out/$kind.txt"
    fi
done
if [ "$status" -eq 3 ]; then
    echo "== the timed-out mutants hung the tests: caught"
    status=0
fi
exit "$status"
