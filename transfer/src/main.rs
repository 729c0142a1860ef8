//! `transfer`: files over TCP with `unstick`'s tokio adapter
//! ([`unstick::io::tokio`]), one frame per file:
//! `prefix | {"file_name": NAME, "file_size": N} | N bytes`, and on the
//! default wire a receipt frame back for every file.
//!
//! ```text
//! cargo run --release                                   # the demo
//! cargo run --release -- recv --listen 127.0.0.1:9000 --out received
//! cargo run --release -- send --to 127.0.0.1:9000 a.txt b.bin
//! cargo run --release -- bench --size 1GiB --peak-rss
//! ```
//!
//! - No arguments (or `demo`): a receiver on `127.0.0.1:0`, a 256 MiB file
//!   and 500 small files sent over one connection (the small ones in one
//!   `write`, so that they arrive glued together), every file verified by
//!   its receipt and on disk by SHA-256, a summary with throughput. Exit
//!   status 0 only if all verified. `--large SIZE --small COUNT --small-max
//!   SIZE` shrink it.
//! - `recv --listen ADDR --out DIR [--wire default|python-struct] [--once]
//!   [--max-size SIZE] [--max-connections N] [--idle-timeout SECS]`: prints
//!   `listening on ADDR` (the real port, also for port 0), then serves
//!   connections concurrently; every frame is one file. With `--once` it
//!   serves one connection and exits 0 only if every file arrived complete
//!   and was kept.
//! - `send --to ADDR [--wire default|python-struct] [--timeout SECS]
//!   FILE...`: one connection, one frame per file under its base name; one
//!   line per file from its receipt; exit 0 only if every file was stored
//!   intact (1 refused or damaged, 2 bad usage, 3 the connection failed or
//!   timed out).
//! - `bench [--size SIZE] [--rounds N] [--peak-rss]`: throughput of the
//!   blocking adapter beside raw `io::copy` over loopback, in one run; with
//!   `--peak-rss`, the peak memory of a `recv` child receiving SIZE bytes.
//! - `--wire python-struct` is byte for byte what the tutorial's Python
//!   client and server speak: `struct.pack('i', len(header))`, the JSON
//!   header, the raw file; one-way, no receipts. `examples/python/` (at the
//!   workspace root) holds a correct Python peer.
//!
//! # Receipts (default wire only)
//! For every file frame it reads, the receiver sends back, in order, one
//! header frame without body:
//! `{"file_name": NAME, "status": "stored", "size": BYTES, "sha256": HEX}` or
//! `{"file_name": NAME, "status": "refused", "reason": CODE, "message": TEXT}`
//! with CODE one of `exists`, `bad_name`, `too_large` (the connection is then
//! closed), `io_error`, `truncated`, `bad_header`; NAME is `null` when the
//! header has no string `file_name`.
//!
//! # What the receiver accepts and survives
//! See [`names::POLICY`] (printed by `recv --help`): the name policy, the
//! temporary files, the limits.

mod bench;
mod connection;
mod demo;
mod log;
mod names;
mod progress;
mod protocol;
mod receive;
mod scratch;
mod send;
mod storage;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Send files over TCP, one length-prefixed frame per file and a SHA-256
/// receipt back for each, with unstick's tokio adapter. Without a command: a
/// self-contained demo on loopback.
#[derive(Debug, Parser)]
#[command(name = "transfer", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    demo: demo::Args,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the self-contained demo on loopback (the default).
    Demo(demo::Args),
    /// Receive files: one per frame, into --out, refusing what is unsafe.
    #[command(after_help = names::POLICY)]
    Recv(receive::Args),
    /// Send files over one connection, one frame per file; check the receipts.
    Send(send::Args),
    /// Measure the blocking adapter beside raw io::copy over loopback.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => demo::run(cli.demo),
        Some(Command::Demo(args)) => demo::run(args),
        Some(Command::Recv(args)) => receive::run(args),
        Some(Command::Send(args)) => send::run(args),
        Some(Command::Bench(args)) => bench::run(args),
    };
    result.unwrap_or_else(|err| {
        eprintln!("transfer: {err}");
        ExitCode::from(2)
    })
}
