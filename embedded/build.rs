//! Puts the memory layout of the QEMU machine that runs this target on the
//! linker's search path as `memory.x` (cortex-m-rt's `link.x` includes it):
//! `thumbv6m-*` runs on `microbit` (Cortex-M0), every other target on
//! `lm3s6965evb` (Cortex-M3).

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let memory = if target.starts_with("thumbv6m") {
        include_str!("memory/microbit.x")
    } else {
        include_str!("memory/lm3s6965evb.x")
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts"));
    fs::write(out.join("memory.x"), memory).expect("OUT_DIR is writable");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory");
}
