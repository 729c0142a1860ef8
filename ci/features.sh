#!/usr/bin/env bash
# Builds unstick with no feature, then with each feature of Cargo.toml's
# [features] table on its own (read from the manifest, so a new feature is
# never forgotten), then with all of them: no feature may rely on another one
# being switched on by chance. Exits non-zero at the first failure.
# `.ci/run` calls it; it runs from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t features < <(
    awk '/^\[features\]/ { inside = 1; next }
         /^\[/ { inside = 0 }
         inside && /^[A-Za-z0-9_-]+ *=/ { sub(/ *=.*/, ""); print }' Cargo.toml
)
if [ "${#features[@]}" -eq 0 ]; then
    echo "no features found in Cargo.toml" >&2
    exit 1
fi

echo "== cargo check --no-default-features"
cargo check --quiet --no-default-features
for feature in "${features[@]}"; do
    echo "== cargo check --no-default-features --features $feature"
    cargo check --quiet --no-default-features --features "$feature"
done
echo "== cargo check --all-features"
cargo check --quiet --all-features
