#!/usr/bin/env bash
# unstick on Cortex-M: builds the library alone for thumbv6m-none-eabi and
# thumbv7em-none-eabihf with each no_std feature, runs the demo firmware
# (embedded/) under QEMU on a Cortex-M3 (lm3s6965evb) and a Cortex-M0
# (microbit), measures the size-report firmware (flash, static RAM, painted
# stack) on thumbv7m and thumbv6m, prints the table and fails when a figure
# exceeds its ceiling in embedded/ceilings.txt.
#
# Installs what it needs (rustup targets, llvm-tools, qemu-system-arm) when it
# is missing. `.ci/run` calls it; it runs from anywhere.
#
#   bash ci/embedded.sh                      everything above
#   bash ci/embedded.sh symbols FIRMWARE [TARGET]
#                                            the largest symbols FIRMWARE has
#                                            and size_empty lacks (after a run)
#   bash ci/embedded.sh opt-levels           flash, stack and instructions of
#                                            the size-report firmware on
#                                            thumbv7m at opt-level z, s, 2 and 3
#
# Instructions are counted by QEMU itself: one instruction per translation
# block (-singlestep), every block logged as it runs (-d exec,nochain); the
# count is that of the lines between the work function's first instruction
# and the harness's next one, i.e. the work and everything it calls.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

lib_targets=(thumbv6m-none-eabi thumbv7em-none-eabihf)
fw_targets=(thumbv7m-none-eabi thumbv6m-none-eabi)
ceilings=embedded/ceilings.txt

# The size-report firmware (embedded/src/bin/), baseline first.
firmware=(size_empty size_decode size_parse size_unescape size_encode size_raw
          ref_serde_json_core ref_prefix)
declare -A what=(
    [size_empty]="empty firmware: cortex-m-rt, stack painting, semihosting exit"
    [size_decode]="\`Decoder<256>\`, body length only"
    [size_parse]="+ \`parse::<Upload>\` (serde-json-core)"
    [size_unescape]="+ \`parse_unescaped\` into \`heapless::String<64>\`"
    [size_encode]="\`Encoder<256>::frame\`"
    [size_raw]="raw frames only (\`RawDecoder\`)"
    [ref_serde_json_core]="reference: serde-json-core \`from_slice::<Upload>\` alone"
    [ref_prefix]="reference: hand-rolled u32 prefix reader"
)

step() { printf '\n== %s\n' "$*"; }

install_tools() {
    local targets components
    targets=$(rustup target list --installed)
    for target in "${lib_targets[@]}" "${fw_targets[@]}"; do
        grep -qx "$target" <<<"$targets" || rustup target add "$target"
    done
    components=$(rustup component list --installed)
    grep -q '^llvm-tools' <<<"$components" || rustup component add llvm-tools
    if ! command -v qemu-system-arm >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null
    fi
    llvm_bin="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
}

# The no_std features of the library, read from Cargo.toml (so a renamed or
# new one is never forgotten): every embedded-io* feature and defmt.
no_std_features() {
    awk '/^\[features\]/ { inside = 1; next }
         /^\[/ { inside = 0 }
         inside && /^(embedded-io|defmt)[A-Za-z0-9_-]* *=/ { sub(/ *=.*/, ""); print }' Cargo.toml
}

build_library() {
    local features
    mapfile -t features < <(no_std_features)
    for target in "${lib_targets[@]}"; do
        echo "cargo build -p unstick --lib --target $target --no-default-features"
        cargo build --quiet -p unstick --lib --target "$target" --no-default-features
        for feature in "${features[@]}"; do
            echo "cargo build -p unstick --lib --target $target --no-default-features --features $feature"
            cargo build --quiet -p unstick --lib --target "$target" --no-default-features --features "$feature"
        done
    done
}

lint_firmware() {
    (cd embedded && cargo fmt --check && cargo clippy --quiet --bins -- -D warnings)
}

# Runs an ELF under QEMU on the machine its target stands for, with any
# further QEMU arguments; at most 120 s.
qemu() {
    local target=$1 elf=$2
    shift 2
    local machine=(-machine lm3s6965evb -cpu cortex-m3)
    [ "$target" = thumbv6m-none-eabi ] && machine=(-machine microbit)
    timeout 120 qemu-system-arm "${machine[@]}" -nographic "$@" \
        -semihosting-config enable=on,target=native -kernel "$elf" 2>/dev/null
}

run_demo() {
    for target in "${fw_targets[@]}"; do
        step "demo under QEMU, $target"
        (cd embedded && timeout 300 cargo run --quiet --release --bin demo --target "$target")
    done
}

# Sum of the named sections of `llvm-size -A ELF`.
sections() {
    local elf=$1
    shift
    "$llvm_bin/llvm-size" -A "$elf" |
        awk -v names=" $* " 'index(names, " " $1 " ") { sum += $2 } END { print sum + 0 }'
}

declare -A flash ram stack instructions

# Instructions a size-report ELF executes in its work function (and its
# callees), counted under QEMU as the header comment says.
count_instructions() {
    local target=$1 elf=$2 log
    log=$(mktemp)
    qemu "$target" "$elf" -singlestep -d exec,nochain -D "$log" >/dev/null
    awk '$NF ~ /4work17h/ { inside = 1 }
         inside && $NF ~ /5stack7measure17h/ { exit }
         inside { n++ }
         END { print n + 0 }' "$log"
    rm -f "$log"
}

# Builds every firmware for TARGET, runs each under QEMU and records its figures.
measure_target() {
    local target=$1 dir="$CARGO_TARGET_DIR/$1/release" out
    (cd embedded && cargo build --quiet --release --bins --target "$target")
    for fw in "${firmware[@]}"; do
        out=$(qemu "$target" "$dir/$fw") || { echo "$fw on $target failed: $out" >&2; return 1; }
        flash[$target/$fw]=$(sections "$dir/$fw" .vector_table .text .rodata .data)
        ram[$target/$fw]=$(sections "$dir/$fw" .data .bss .uninit)
        stack[$target/$fw]=$(( $(sed -n 's/^stack \(0x[0-9a-f]*\) .*/\1/p' <<<"$out") ))
        instructions[$target/$fw]=$(count_instructions "$target" "$dir/$fw")
    done
}

# Flash of TARGET/FW over the empty firmware.
flash_delta() {
    echo $(( flash[$1/$2] - flash[$1/size_empty] ))
}

print_table() {
    local v7=thumbv7m-none-eabi v6=thumbv6m-none-eabi
    echo "| firmware | what it does | flash Δ v7m | stack v7m | instructions v7m | flash Δ v6m | stack v6m | instructions v6m | static RAM |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    for fw in "${firmware[@]}"; do
        local f7 f6
        f7=$(flash_delta $v7 "$fw")
        f6=$(flash_delta $v6 "$fw")
        if [ "$fw" = size_empty ]; then
            f7="${flash[$v7/$fw]} (image)"
            f6="${flash[$v6/$fw]} (image)"
        fi
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$fw" "${what[$fw]}" "$f7" \
            "${stack[$v7/$fw]}" "${instructions[$v7/$fw]}" "$f6" "${stack[$v6/$fw]}" \
            "${instructions[$v6/$fw]}" "${ram[$v7/$fw]} / ${ram[$v6/$fw]}"
    done
    echo
    echo "Bytes. flash Δ: .vector_table + .text + .rodata + .data over size_empty;"
    echo "stack: painted depth of the variant's work; instructions: executed by the work"
    echo "(two frames decoded, or parsed, or one encoded), counted by QEMU;"
    echo "static RAM: .data + .bss + .uninit (v7m / v6m)."
}

# The measured figures in the format of $ceilings.
print_figures() {
    echo "measured (format of $ceilings: target firmware flash-delta static-ram stack):"
    for target in "${fw_targets[@]}"; do
        for fw in "${firmware[@]}"; do
            printf '%-22s %-20s %6s %4s %5s\n' "$target" "$fw" "$(flash_delta "$target" "$fw")" \
                "${ram[$target/$fw]}" "${stack[$target/$fw]}"
        done
    done
}

# Compares every figure with its line in $ceilings; prints each excess.
check_ceilings() {
    local failed=0 target fw max_flash max_ram max_stack
    for target in "${fw_targets[@]}"; do
        for fw in "${firmware[@]}"; do
            read -r max_flash max_ram max_stack < <(
                awk -v t="$target" -v f="$fw" '$1 == t && $2 == f { print $3, $4, $5 }' "$ceilings"
            ) || true
            if [ -z "${max_stack:-}" ]; then
                echo "no ceiling for $fw on $target in $ceilings" >&2
                failed=1
                continue
            fi
            over "$target $fw flash Δ" "$(flash_delta "$target" "$fw")" "$max_flash" || failed=1
            over "$target $fw static RAM" "${ram[$target/$fw]}" "$max_ram" || failed=1
            over "$target $fw stack" "${stack[$target/$fw]}" "$max_stack" || failed=1
        done
    done
    return "$failed"
}

# Fails (and says so) when VALUE exceeds CEILING.
over() {
    local name=$1 value=$2 ceiling=$3
    if [ "$value" -gt "$ceiling" ]; then
        echo "OVER CEILING: $name = $value B > $ceiling B ($ceilings)" >&2
        return 1
    fi
}

# The largest symbols of FIRMWARE that the empty firmware does not have.
symbols() {
    local fw=$1 target=${2:-thumbv7m-none-eabi} dir
    dir="$CARGO_TARGET_DIR/$target/release"
    "$llvm_bin/llvm-nm" -C --print-size --size-sort --radix=d "$dir/size_empty" |
        awk '{ $1 = ""; $2 = ""; $3 = ""; print }' >"$dir/size_empty.symbols"
    "$llvm_bin/llvm-nm" -C --print-size --size-sort --radix=d "$dir/$fw" |
        awk -v base="$dir/size_empty.symbols" '
            BEGIN { while ((getline line < base) > 0) known[line] = 1 }
            { size = $2 + 0; $1 = ""; $2 = ""; kind = $3; $3 = "";
              if (!(($0) in known)) printf "%6d %s %s\n", size, kind, substr($0, 4) }' |
        sort -rn | awk 'NR <= 60' | demangle
}

# Spells out what llvm-nm leaves of Rust's legacy mangling.
demangle() {
    sed -e 's/::h[0-9a-f]\{16\}$//' -e 's/\$LT\$/</g' -e 's/\$GT\$/>/g' -e 's/\$u20\$/ /g' \
        -e 's/\$u5b\$/[/g' -e 's/\$u5d\$/]/g' -e 's/\$RF\$/\&/g' -e 's/\.\./::/g' -e 's/_<\|^<_/</g'
}

# The size-report firmware on thumbv7m at each opt-level (the profile's
# is z): flash over size_empty, stack and instructions, as a table.
opt_levels() {
    local target=thumbv7m-none-eabi level fw
    local -a levels=(z s 2 3)
    printf '| firmware |'
    for level in "${levels[@]}"; do printf ' flash Δ, stack, instructions at %s |' "$level"; done
    printf '\n|---|%s\n' "$(printf -- '---:|%.0s' "${levels[@]}")"
    for level in "${levels[@]}"; do
        CARGO_TARGET_DIR="$root/target/opt-$level" CARGO_PROFILE_RELEASE_OPT_LEVEL=$level \
            measure_target "$target" >&2
        for fw in "${firmware[@]}"; do
            flash[$level/$fw]=$(flash_delta "$target" "$fw")
            stack[$level/$fw]=${stack[$target/$fw]}
            instructions[$level/$fw]=${instructions[$target/$fw]}
        done
    done
    for fw in "${firmware[@]}"; do
        [ "$fw" = size_empty ] && continue
        printf '| %s |' "$fw"
        for level in "${levels[@]}"; do
            printf ' %s, %s, %s |' "${flash[$level/$fw]}" "${stack[$level/$fw]}" "${instructions[$level/$fw]}"
        done
        echo
    done
}

install_tools
if [ "${1:-}" = symbols ]; then
    symbols "${2:?firmware name}" "${3:-}"
    exit
fi
if [ "${1:-}" = opt-levels ]; then
    opt_levels
    exit
fi

step "tools"
qemu-system-arm --version | head -1
rustc --version

step "library alone for ${lib_targets[*]}, each no_std feature"
build_library

step "firmware: rustfmt, clippy"
lint_firmware

run_demo

for target in "${fw_targets[@]}"; do
    step "size report firmware, $target"
    measure_target "$target"
done

step "size report (opt-level z, lto, codegen-units 1, panic abort)"
print_table
echo
print_figures
check_ceilings
echo "all Cortex-M checks passed"
