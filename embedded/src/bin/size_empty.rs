//! Size report, baseline: the harness alone (cortex-m-rt, stack painting,
//! semihosting report and exit). Every other variant is measured against it.

#![no_std]
#![no_main]

use unstick_embedded::{Inputs, measure};

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, 0)
}

/// Does nothing.
fn work(_: &Inputs) -> u32 {
    0
}
