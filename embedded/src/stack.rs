//! Stack measurement by painting: every free word of RAM below the stack
//! pointer gets a pattern before the work runs; afterwards the lowest word
//! that no longer holds it marks how deep the stack went.
//!
//! The firmware enables no interrupt, so nothing but the work writes below
//! the stack pointer while the paint is on.

use core::arch::asm;
use core::hint::black_box;
use core::ptr;

use cortex_m_semihosting::hio;

use crate::{INPUTS, Inputs, exit};

/// The paint: a word the work is unlikely to store.
const PAINT: u32 = 0x5AFE_C0DE;

unsafe extern "C" {
    /// End of `.bss` (start of the unused heap), from cortex-m-rt's `link.x`:
    /// the lowest address the stack may grow down to.
    static __sheap: u32;
}

/// Runs `work` on [`INPUTS`] with the free stack painted, prints its stack
/// depth in bytes and its result, and exits QEMU with success if the result
/// equals `expected`.
///
/// `work` is called through `black_box`, so it is never inlined into the
/// harness: its whole frame lies below the painted line.
pub fn measure(work: fn(&Inputs) -> u32, expected: u32) -> ! {
    let work = black_box(work);
    let inputs = black_box(&INPUTS);
    paint();
    let top = stack_pointer();
    let result = work(inputs);
    let depth = top - lowest_touched(top);
    let ok = result == expected;
    report(depth as u32, result, ok);
    exit(ok)
}

/// Paints every word from the end of `.bss` up to the stack pointer.
///
/// The loop is assembly and compares against the live stack pointer on every
/// step: a stack pointer read once in Rust can be taken before the
/// function's own prologue pushes its registers (LLVM's shrink-wrapping does
/// that at opt-level `s`), and painting up to it then overwrote the saved
/// return address.
#[inline(never)]
fn paint() {
    // SAFETY: writes only `[heap_start, sp)`, RAM that no live object uses:
    // below the stack pointer and above every static (cortex-m-rt's layout).
    // `at` starts word-aligned (the linker aligns `__sheap`).
    unsafe {
        asm!(
            "2:",
            "mov {sp}, sp",
            "cmp {at}, {sp}",
            "bhs 3f",
            "str {paint}, [{at}]",
            "adds {at}, #4",
            "b 2b",
            "3:",
            at = inout(reg) heap_start() => _,
            sp = out(reg) _,
            paint = in(reg) PAINT,
            options(nostack),
        );
    }
}

/// The address of the lowest word below `top` that lost its paint (or `top`).
fn lowest_touched(top: usize) -> usize {
    let mut at = heap_start();
    // SAFETY: the same RAM that `paint` wrote, read back as words.
    while at < top && unsafe { ptr::read_volatile(at as *const u32) } == PAINT {
        at += 4;
    }
    at
}

/// The lowest address the stack can reach: the end of `.bss`.
fn heap_start() -> usize {
    (&raw const __sheap) as usize
}

/// The current stack pointer.
#[inline(always)]
fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads a register, touches no memory.
    unsafe { asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
    sp
}

/// Prints `stack 0x… result 0x… ok|FAILED` on the host's standard output.
/// A host that does not listen gets nothing: the exit status still tells.
fn report(depth: u32, result: u32, ok: bool) {
    let Ok(mut stdout) = hio::hstdout() else {
        return;
    };
    let verdict: &[u8] = if ok { b" ok\n" } else { b" FAILED\n" };
    let parts: [&[u8]; 5] = [
        b"stack 0x",
        &hex(depth),
        b" result 0x",
        &hex(result),
        verdict,
    ];
    for part in parts {
        if stdout.write_all(part).is_err() {
            return;
        }
    }
}

/// `value` as 8 lowercase hexadecimal digits.
fn hex(value: u32) -> [u8; 8] {
    let mut digits = [0; 8];
    for (index, digit) in digits.iter_mut().enumerate() {
        let nibble = (value >> (28 - 4 * index)) & 0xF;
        *digit = b"0123456789abcdef"[nibble as usize];
    }
    digits
}
