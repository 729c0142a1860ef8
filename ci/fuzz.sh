#!/usr/bin/env bash
# Smoke-runs every fuzz target (fuzz/, nightly toolchain) for FUZZ_SECONDS
# seconds each (default 60), starting from the checked-in seeds
# (fuzz/seeds/<target>/) with the JSON dictionary (fuzz/json.dict).
# Corpora and crash artifacts go to a scratch directory outside the tree
# (FUZZ_SCRATCH, default a fresh temporary directory), so a run never dirties
# git. Any crash, leak, timeout or build failure fails the script.
#
#   FUZZ_SECONDS=600 ci/fuzz.sh            # longer runs
#   FUZZ_TARGETS="decode header" ci/fuzz.sh  # some targets only
set -euo pipefail

cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-decode split_differential roundtrip encode header}"
scratch="${FUZZ_SCRATCH:-$(mktemp -d -t unstick-fuzz.XXXXXX)}"
# The crate forbids unsafe code: no sanitizer by default (twice the speed);
# overflow checks and debug assertions are always on.
sanitizer="${FUZZ_SANITIZER:-none}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo-fuzz missing, installing it"
    cargo install cargo-fuzz --locked
fi

flags=(--sanitizer "$sanitizer" --debug-assertions)
cargo +nightly fuzz build "${flags[@]}"

for target in $targets; do
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    cp fuzz/seeds/"$target"/* "$corpus"/
    log="$scratch/$target.log"
    echo "fuzz: $target for ${seconds}s (corpus $corpus)"
    if ! cargo +nightly fuzz run "${flags[@]}" "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -dict=fuzz/json.dict \
        -artifact_prefix="$artifacts/" -print_final_stats=1 </dev/null >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $target FAILED; crash input in $artifacts, full log $log"
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    echo "fuzz: $target ok: ${runs:-?} runs, ${cov:-cov: ?}"
done
echo "fuzz: all targets ok"
