#!/usr/bin/env bash
# Two or more builds of the framing bench, timed alternately in one session:
# for each round, each binary runs the criterion groups matching FILTER and
# prints its medians and the bench's own ratio lines (criterion, interleaved).
# Build each variant with `cargo bench --bench framing --no-run` and copy the
# binary it names, so that a rebuild does not overwrite it.
#
#   bash benches/ab.sh FILTER ROUNDS NAME=BINARY...
#   bash benches/ab.sh encode 5 main=/tmp/framing-main new=/tmp/framing-new
set -euo pipefail
filter=$1
rounds=$2
shift 2
pairs=()
for pair in "$@"; do
    pairs+=("${pair%%=*}=$(realpath "${pair#*=}")")
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
for _ in $(seq "$rounds"); do
    for pair in "${pairs[@]}"; do
        name=${pair%%=*}
        binary=${pair#*=}
        "$binary" --bench "$filter" --noplot 2>&1 | awk -v name="$name" '
            /^[a-z_]+\/[a-z_]+/ { id = $1 }
            /time:/ && !/%/ { for (i = 1; i <= NF; i++) if ($i ~ /^\[/) { print name, id, $(i + 2), $(i + 3); break } }
            /^[a-z_]+ +[0-9.]+ +[0-9.]+ / { print name, $1, "ratio", $2, $3 }'
    done
done
