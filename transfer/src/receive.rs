//! `transfer recv`: a tokio receiver that survives its senders. At most
//! `--max-connections` connections are served at once (the rest wait in
//! the kernel's accept queue); accept errors back off instead of spinning;
//! a connection on which nothing moves for `--idle-timeout` is closed;
//! SIGINT and SIGTERM abort what is in flight and remove its temporary
//! files.
//!
//! The receiver creates all its threads when it starts (the runtime's
//! workers) and never another: files are written from the workers (writes
//! go to the page cache), names are resolved before the runtime starts.
//! So a process limit cannot break it mid-run.

use std::error::Error;
use std::fs;
use std::io::{self, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::connection::{self, Shared};
use crate::log::{self, Log, Stream};
use crate::protocol::{Wire, files, human, parse_seconds, parse_size};
use crate::storage::{OutDir, PARTIAL_DIR};

/// Receive files: each frame on a connection is one file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port (the line
    /// `listening on ADDR` says which).
    #[arg(long, value_name = "ADDR")]
    listen: String,
    /// Directory the files go to (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Length prefix on the wire (receipts only on the default wire).
    #[arg(long, value_enum, default_value_t)]
    wire: Wire,
    /// Serve one connection, then exit: 0 if every file arrived complete and
    /// was kept, 1 otherwise.
    #[arg(long)]
    once: bool,
    /// Refuse files larger than this (B, KiB, MiB, GiB); the connection is
    /// closed after the refusal's receipt.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "16GiB")]
    max_size: u64,
    /// Serve at most this many connections at once (lowered to fit the
    /// open-file limit); the others wait.
    #[arg(long, value_name = "N", default_value_t = 256)]
    max_connections: usize,
    /// Close a connection on which nothing moved (no byte read, no byte
    /// of a receipt written) for this many seconds.
    #[arg(long, value_name = "SECS", value_parser = parse_seconds, default_value = "30")]
    idle_timeout: Duration,
}

/// Descriptors kept free of connections: the listener, stdio, the lock.
const RESERVED_DESCRIPTORS: u64 = 16;

/// Connections the kernel queues until they are accepted (capped by
/// `net.core.somaxconn` on Linux); the usual 128 is too few for the
/// connections that wait while `--max-connections` are served.
const BACKLOG: u32 = 1024;

/// First and longest pause after a failed accept.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(100), Duration::from_secs(1));

/// How long in-flight connections get to finish aborting after a signal.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// Runs `transfer recv`.
pub fn run(args: Args) -> Result<ExitCode, Box<dyn Error>> {
    let addr = resolve(&args.listen)?;
    // Printed after `listening on ADDR`, which stays the first line.
    let mut notes = Vec::new();
    let max_connections = fit_descriptors(args.max_connections, &mut notes)?;
    let (out, debris) = OutDir::open(&args.out)?;
    if debris.files > 0 {
        notes.push(format!(
            "removed {} ({}) left in {} by an earlier receiver that did not finish",
            files(debris.files),
            human(debris.bytes),
            args.out.join(PARTIAL_DIR).display()
        ));
    }
    let shared = Arc::new(Shared {
        out,
        wire: args.wire,
        max_size: args.max_size,
        idle_timeout: args.idle_timeout,
        quiet: false,
        log: Log::new(),
        aborted: AtomicU64::new(0),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads())
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the runtime: {err}"))?;
    runtime.block_on(listen(addr, shared, max_connections, args.once, &notes))
}

/// The first address `text` names, resolved before the runtime starts.
fn resolve(text: &str) -> Result<SocketAddr, String> {
    let mut addrs = text
        .to_socket_addrs()
        .map_err(|err| format!("cannot resolve {text}: {err}"))?;
    addrs
        .next()
        .ok_or_else(|| format!("{text} names no address"))
}

/// The runtime's worker threads: the cores, at most 4.
fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(4))
}

/// Lowers `wanted` so that every connection (a socket and a file) fits the
/// soft open-file limit (Linux: read from /proc/self/limits); says so in
/// `notes` when it does.
fn fit_descriptors(wanted: usize, notes: &mut Vec<String>) -> Result<usize, String> {
    if wanted == 0 {
        return Err("--max-connections must be at least 1".to_owned());
    }
    let Some(limit) = open_file_limit() else {
        return Ok(wanted);
    };
    let fits =
        usize::try_from(limit.saturating_sub(RESERVED_DESCRIPTORS) / 2).unwrap_or(usize::MAX);
    if fits == 0 {
        return Err(format!(
            "the open-file limit of {limit} leaves no room for a connection"
        ));
    }
    if fits < wanted {
        notes.push(format!(
            "serving at most {fits} connections at once: the open-file limit is {limit} (2 per connection, {RESERVED_DESCRIPTORS} kept free)"
        ));
    }
    Ok(wanted.min(fits))
}

/// The soft limit on open files, if the system says.
fn open_file_limit() -> Option<u64> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|line| line.starts_with("Max open files"))?;
    let soft = line.split_whitespace().nth(3)?;
    soft.parse().ok()
}

/// Listens (printing `listening on ADDR`, then `notes`), serves, and stops
/// on a signal.
async fn listen(
    addr: SocketAddr,
    shared: Arc<Shared>,
    max_connections: usize,
    once: bool,
    notes: &[String],
) -> Result<ExitCode, Box<dyn Error>> {
    let mut signals = Signals::new()?;
    let listener = bind(addr).map_err(|err| format!("cannot listen on {addr}: {err}"))?;
    // One write: whoever reads the first line finds the notes there too.
    let mut lines = format!("listening on {}\n", listener.local_addr()?);
    for note in notes {
        lines.push_str(note);
        lines.push('\n');
    }
    let mut stdout = io::stdout();
    stdout.write_all(lines.as_bytes())?;
    stdout.flush()?;
    let ticker = tokio::spawn(tick(Arc::clone(&shared)));
    let (stop, _) = watch::channel(false);
    let code = if once {
        serve_once(&listener, &shared, &mut signals, stop).await
    } else {
        serve_all(&listener, &shared, max_connections, &mut signals, stop).await
    };
    ticker.abort();
    Ok(code)
}

/// A listener on `addr` whose accept queue holds [`BACKLOG`] connections:
/// those waiting for a free slot under `--max-connections`.
fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Summarises held-back log lines once a second.
async fn tick(shared: Arc<Shared>) {
    let mut interval = tokio::time::interval(Duration::from_secs(1));
    loop {
        interval.tick().await;
        shared.log.tick();
    }
}

/// `--once`: one connection; 0 only if every file was kept.
async fn serve_once(
    listener: &TcpListener,
    shared: &Shared,
    signals: &mut Signals,
    stop: watch::Sender<bool>,
) -> ExitCode {
    let (stream, peer) = tokio::select! {
        accepted = accept(listener) => accepted,
        name = signals.recv() => {
            log::print(Stream::Err, format_args!("{name}: stopped before any connection"));
            return ExitCode::FAILURE;
        }
    };
    // Receipts are small frames written whole: never wait for an ACK.
    let _ = stream.set_nodelay(true);
    let (read, write) = stream.into_split();
    let served = connection::serve(read, write, peer, shared, stop.subscribe());
    tokio::pin!(served);
    let report = tokio::select! {
        report = &mut served => report,
        name = signals.recv() => {
            log::print(Stream::Err, format_args!("{name}: aborting the connection from {peer}"));
            stop.send_replace(true);
            served.await
        }
    };
    if report.all_kept() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Serves connections until a signal, at most `max_connections` at once:
/// while all are taken, the next connection waits in the accept queue.
async fn serve_all(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    max_connections: usize,
    signals: &mut Signals,
    stop: watch::Sender<bool>,
) -> ExitCode {
    let mut tasks = JoinSet::new();
    let name = loop {
        while tasks.try_join_next().is_some() {}
        let full = tasks.len() >= max_connections;
        let (stream, peer) = tokio::select! {
            name = signals.recv() => break name,
            _ = tasks.join_next(), if full => continue,
            accepted = accept(listener), if !full => accepted,
        };
        let (shared, stopped) = (Arc::clone(shared), stop.subscribe());
        tasks.spawn(async move {
            // Receipts are small frames written whole: never wait for an ACK.
            let _ = stream.set_nodelay(true);
            let (read, write) = stream.into_split();
            connection::serve(read, write, peer, &shared, stopped).await;
        });
    };
    shut_down(name, tasks, shared, &stop).await;
    ExitCode::SUCCESS
}

/// Accepts a connection. On errors (out of descriptors, out of memory) it
/// pauses, 100 ms doubling up to 1 s, and tries again; it says so once
/// when the errors start and once when they stop.
async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    let mut failures = 0u64;
    let mut pause = BACKOFF.0;
    loop {
        match listener.accept().await {
            Ok(accepted) => {
                if failures > 0 {
                    log::print(
                        Stream::Err,
                        format_args!("accepting again after {failures} failed attempts"),
                    );
                }
                return accepted;
            }
            Err(err) if is_per_connection(&err) => {}
            Err(err) => {
                if failures == 0 {
                    log::print(
                        Stream::Err,
                        format_args!(
                            "accept failed: {err}; retrying every {} ms to 1 s, serving the connections already open",
                            BACKOFF.0.as_millis()
                        ),
                    );
                }
                failures += 1;
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(BACKOFF.1);
            }
        }
    }
}

/// An accept error about one connection only (retry at once).
fn is_per_connection(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
    )
}

/// Stops accepting, aborts every connection, waits a little for them to
/// remove their temporary files, and says what was aborted.
async fn shut_down(
    name: &str,
    mut tasks: JoinSet<()>,
    shared: &Shared,
    stop: &watch::Sender<bool>,
) {
    while tasks.try_join_next().is_some() {}
    let open = match tasks.len() {
        1 => "1 open connection".to_owned(),
        n => format!("{n} open connections"),
    };
    log::print(
        Stream::Err,
        format_args!("{name}: no longer accepting; aborting {open}"),
    );
    stop.send_replace(true);
    let drained = tokio::time::timeout(STOP_GRACE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
    let aborted = shared.aborted.load(Ordering::Relaxed);
    log::print(
        Stream::Err,
        format_args!(
            "stopped: {} aborted, temporary files removed",
            match aborted {
                1 => "1 upload".to_owned(),
                n => format!("{n} uploads"),
            }
        ),
    );
}

/// SIGINT and SIGTERM.
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> io::Result<Self> {
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    /// The name of the next signal.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}
