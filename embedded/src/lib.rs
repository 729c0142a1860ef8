//! What the firmware in `src/bin/` shares: the inputs of the size report, the
//! harness that measures a variant's stack by painting, and the semihosting
//! exit.
//!
//! Every `size_*` firmware calls [`measure`] with its work function. The
//! harness hands the work the same [`Inputs`] in every firmware (through
//! `black_box`, so their bytes are in every image and the flash deltas over
//! `size_empty` are code only), paints the free stack, runs the work,
//! reports how deep the stack went and what the work returned on the host's
//! standard output, and ends QEMU with success when the result is the
//! expected one.
//!
//! The report is one line, numbers in hexadecimal so that no division (and no
//! `core::fmt`) enters the image: `stack 0x000001f0 result 0x000000d0 ok`.
//!
//! A panic ends QEMU with a failure status (instead of halting, which would
//! leave QEMU running until a timeout).

#![no_std]

mod inputs;
mod stack;

pub use inputs::{INPUTS, Inputs};
pub use stack::measure;

use core::panic::PanicInfo;

use cortex_m_semihosting::debug;

/// Ends the QEMU run with a success status if `ok`, a failure status if not.
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Only reached without a debugger or semihosting host.
    loop {
        core::hint::spin_loop();
    }
}

/// Any panic fails the run, without formatting its message.
#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    exit(false)
}
