//! `transfer`: files over TCP with `unstick`'s blocking adapter
//! ([`unstick::io::std_io`]), one frame per file:
//! `prefix | {"file_name": NAME, "file_size": N} | N bytes`.
//!
//! ```text
//! cargo run --release --example transfer --features std            # the demo
//! cargo run --release --example transfer --features std -- recv --listen 127.0.0.1:9000 --out received
//! cargo run --release --example transfer --features std -- send --to 127.0.0.1:9000 a.txt b.bin
//! cargo run --release --example transfer --features std -- bench --size 1GiB --peak-rss
//! ```
//!
//! - No arguments (or `demo`): a receiver on `127.0.0.1:0`, a 256 MiB file
//!   and 500 small files sent over one connection (the small ones in one
//!   `write`, so that they arrive glued together), every file verified by
//!   SHA-256, a summary with throughput. Exit status 0 only if all verified.
//!   `--large SIZE --small COUNT --small-max SIZE` shrink it.
//! - `recv --listen ADDR --out DIR [--wire default|python-struct] [--once]
//!   [--max-size SIZE]`: prints `listening on ADDR` (the real port, also for
//!   port 0), then serves connections concurrently, one thread each; every
//!   frame is one file. With `--once` it serves one connection and exits 0
//!   only if every file arrived complete and was kept.
//! - `send --to ADDR [--wire default|python-struct] FILE...`: one
//!   connection, one frame per file under its base name; waits for the
//!   receiver to close the connection, so that it has read everything.
//! - `bench [--size SIZE] [--rounds N] [--peak-rss]`: throughput of the
//!   adapter beside raw `io::copy` over loopback, in one run; with
//!   `--peak-rss`, the peak memory of a `recv` child receiving SIZE bytes.
//! - `--wire python-struct` is byte for byte what the tutorial's Python
//!   client and server speak: `struct.pack('i', len(header))`, the JSON
//!   header, the raw file. `examples/python/` holds a correct Python peer.
//!
//! # What the receiver accepts (hostile-name policy)
//! The sender is not trusted. A name from the wire is only ever a single
//! file name inside `--out`:
//! - It is refused (never rewritten) if it is empty, `.` or `..`, longer
//!   than 255 bytes, or contains `/`, `\`, `:` (a Windows drive or stream
//!   separator), NUL or any other control character (U+0000–U+001F,
//!   U+007F–U+009F). So `../x`, `/abs`, `C:\x` and `a\nb` are all refused.
//!   JSON escapes are decoded first: `"\u002e\u002e"` is `..`, refused.
//! - A header longer than 4096 bytes ends the connection: past a broken
//!   frame nothing can be trusted. Every other refusal (bad name, header
//!   without a string `file_name`, too large, existing file, disk error)
//!   skips that file's body and the connection goes on with the next file.
//! - The body goes to a temporary file `.transfer-*.part` in `--out` (mode
//!   0600) and is renamed to its name only once complete, so a dropped
//!   connection leaves no partial file. The rename never replaces a file:
//!   an existing file is never overwritten and the upload is refused.
//! - Files larger than `--max-size` (default 16 GiB) are refused.
//! - Every refusal is a line on stderr with the reason; names are printed
//!   escaped and cut, so they cannot garble a terminal.
//!
//! Not covered: Windows reserved names (`CON`, `NUL`…), Unicode look-alikes,
//! disk quotas, and durability (received files are not fsynced).

mod bench;
mod demo;
mod names;
mod protocol;
mod receive;
mod send;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Send files over TCP, one length-prefixed frame per file, with unstick's
/// blocking adapter. Without a command: a self-contained demo on loopback.
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
    /// Send files over one connection, one frame per file.
    Send(send::Args),
    /// Measure the adapter beside raw io::copy over loopback.
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
