#!/usr/bin/env bash
# Instruction counts of the measured functions of benches/framing.rs, under
# callgrind: a stable figure beside the noisy timings. Each function runs once,
# in the bench's setup checks; `--test NOTHING` then skips every timed run.
set -euo pipefail
cd "$(dirname "$0")/.."

bench=$(cargo bench --bench framing --no-run 2>&1 | grep -o 'target/[^ )]*/framing-[0-9a-f]*' | tail -n 1)
count() {
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
        --toggle-collect="framing::$1" "$bench" --test NOTHING >/dev/null 2>&1
    callgrind_annotate "$out" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
    rm -f "$out"
}

declare -A n
for f in unstick_receive peer_receive unstick_body_len_only unstick_whole unstick_bytewise unstick_encode peer_encode; do
    n[$f]=$(count "$f")
    printf '%-18s %12d instructions  %6d per frame\n' "$f" "${n[$f]}" $(("${n[$f]}" / 10000))
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "small_frames      peer/unstick     $(ratio "${n[peer_receive]}" "${n[unstick_receive]}")  (goal >= 1.2 in time)"
echo "small_frames      peer/body_len    $(ratio "${n[peer_receive]}" "${n[unstick_body_len_only]}")  (goal >= 2.5 in time)"
echo "feed_granularity  bytewise/whole   $(ratio "${n[unstick_bytewise]}" "${n[unstick_whole]}")  (goal <= 8 in time)"
echo "encode            peer/unstick     $(ratio "${n[peer_encode]}" "${n[unstick_encode]}")  (goal >= 1 in time)"
