//! `transfer send`: one connection, one frame per file, and on the default
//! wire one receipt per file, read while the next files go out (a receiver
//! never waits for us to read). Every receipt's SHA-256 is checked against
//! what was sent. Nothing may stall: the connection fails once nothing has
//! moved for `--timeout` (connect, every write, every wait for a receipt).
//!
//! Exit status: 0 every file stored intact; 1 a file was refused or stored
//! damaged; 2 bad usage or a local file error; 3 the connection failed
//! (cannot connect, timed out, the receiver went away) before every file
//! was answered.

use std::error::Error;
use std::fs::File;
use std::io::{self, Read};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::progress::Progress;
use crate::protocol::{
    Receipt, ReceiptReader, Upload, UploadWriter, Wire, files, hex, human, mib_per_s,
    parse_seconds, receipt_reader, shown, upload_writer,
};

/// Exit status: a file was refused or stored damaged.
const REFUSED: u8 = 1;

/// Exit status: the connection failed before every file was answered.
const CONNECTION: u8 = 3;

/// Send files: one connection, one frame per file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address of the receiver.
    #[arg(long, value_name = "ADDR")]
    to: String,
    /// Length prefix on the wire (`python-struct`: the tutorial's one-way
    /// protocol, no receipts).
    #[arg(long, value_enum, default_value_t)]
    wire: Wire,
    /// Give up once nothing has moved for this many seconds: connecting,
    /// any write, any wait for a receipt.
    #[arg(long, value_name = "SECS", value_parser = parse_seconds, default_value = "30")]
    timeout: Duration,
    /// Files to send; each goes under its base name.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// A file ready to go: where it is, the name it is sent under, its size.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Where it is.
    pub path: PathBuf,
    /// The name it is sent under: its base name.
    pub name: String,
    /// Its size when checked.
    pub size: u64,
}

impl Outgoing {
    /// Checks that `path` is a regular file with a UTF-8 base name.
    ///
    /// # Errors
    /// The text says what is wrong with `path`.
    pub fn new(path: &Path) -> Result<Self, String> {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| format!("{}: the base name is not UTF-8 text", path.display()))?;
        let metadata = path
            .metadata()
            .map_err(|err| format!("{}: {err}", path.display()))?;
        if !metadata.is_file() {
            return Err(format!("{}: not a regular file", path.display()));
        }
        Ok(Self {
            path: path.to_owned(),
            name: name.to_owned(),
            size: metadata.len(),
        })
    }
}

/// A file that went out: what its receipt is checked against.
#[derive(Debug)]
pub struct Sent {
    /// The name it was sent under.
    pub name: String,
    /// The body length.
    pub size: u64,
    /// SHA-256 of the body, `None` if it was not sent completely.
    pub sha256: Option<[u8; 32]>,
}

/// What the receipts said.
#[derive(Debug, Default)]
pub struct Tally {
    /// Stored, with the SHA-256 that was sent.
    pub intact: u64,
    /// Refused by the receiver.
    pub refused: u64,
    /// Stored, but not as sent.
    pub damaged: u64,
    /// Print a line per file.
    pub verbose: bool,
}

/// Runs `transfer send`.
pub fn run(args: Args) -> Result<ExitCode, Box<dyn Error>> {
    let files = args
        .files
        .iter()
        .map(|path| Outgoing::new(path))
        .collect::<Result<Vec<_>, _>>()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(send(&args, &files)))
}

/// Connects, sends, checks the receipts; the exit status.
async fn send(args: &Args, files: &[Outgoing]) -> ExitCode {
    let stream = match connect(&args.to, args.timeout).await {
        Ok(stream) => stream,
        Err(err) => return failed(&err, ExitCode::from(CONNECTION)),
    };
    let total = files.iter().map(|file| file.size).sum();
    let start = Instant::now();
    let mut tally = Tally {
        verbose: true,
        ..Tally::default()
    };
    let result = exchange(stream, files, args.wire, args.timeout, &mut tally).await;
    let elapsed = start.elapsed();
    let answered = tally.intact + tally.refused + tally.damaged;
    println!(
        "sent {} ({}) in {:.2} s ({:.1} MiB/s)",
        files_text(files.len()),
        human(total),
        elapsed.as_secs_f64(),
        mib_per_s(total, elapsed)
    );
    if args.wire.receipts() {
        println!(
            "receipts: {} stored intact, {} refused, {} damaged, {} unanswered",
            tally.intact,
            tally.refused,
            tally.damaged,
            files.len() as u64 - answered.min(files.len() as u64)
        );
    } else if result.is_ok() {
        println!(
            "the python-struct wire has no receipts: the receiver read everything and closed the connection, but whether it kept the files is unknown"
        );
    }
    exit_status(&result, &tally)
}

/// `1 file`, `3 files`.
fn files_text(count: usize) -> String {
    files(count as u64)
}

/// The exit status: refusals first, then connection failures.
fn exit_status(result: &io::Result<()>, tally: &Tally) -> ExitCode {
    if tally.refused > 0 || tally.damaged > 0 {
        if let Err(err) = result {
            eprintln!("transfer send: {err}");
        }
        return ExitCode::from(REFUSED);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => failed(err, ExitCode::from(CONNECTION)),
    }
}

/// Prints `err` and returns `code`.
fn failed(err: &dyn std::fmt::Display, code: ExitCode) -> ExitCode {
    eprintln!("transfer send: {err}");
    code
}

/// Resolves `to` and connects within `limit`.
async fn connect(to: &str, limit: Duration) -> io::Result<TcpStream> {
    let addr = resolve(to)?;
    match tokio::time::timeout(limit, TcpStream::connect(addr)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(err)) => Err(io::Error::new(
            err.kind(),
            format!("cannot connect to {to}: {err}"),
        )),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!(
                "cannot connect to {to}: no answer within {} s (--timeout)",
                limit.as_secs_f64()
            ),
        )),
    }
}

/// The first address `text` names.
fn resolve(text: &str) -> io::Result<SocketAddr> {
    let mut addrs = text
        .to_socket_addrs()
        .map_err(|err| io::Error::new(err.kind(), format!("cannot resolve {text}: {err}")))?;
    addrs
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{text} names no address")))
}

/// Sends `files` and reads their receipts (or, on the python-struct wire,
/// waits for the receiver to close), failing once nothing has moved for
/// `limit`.
async fn exchange(
    stream: TcpStream,
    files: &[Outgoing],
    wire: Wire,
    limit: Duration,
    tally: &mut Tally,
) -> io::Result<()> {
    // Frames are written whole or in large pieces: never wait for an ACK.
    stream.set_nodelay(true)?;
    let progress = Progress::new();
    let (read, write) = stream.into_split();
    let (read, write) = (progress.track(read), progress.track(write));
    let (sent_tx, sent_rx) = mpsc::unbounded_channel();
    let answers = async {
        if wire.receipts() {
            let mut receipts = receipt_reader(read)?;
            read_receipts(&mut receipts, sent_rx, tally).await
        } else {
            wait_for_close(read, sent_rx).await
        }
    };
    let sending = async {
        let mut writer = upload_writer(write, wire.config())?;
        send_files(&mut writer, files, &sent_tx, !wire.receipts()).await?;
        drop(sent_tx);
        writer.shutdown().await
    };
    let both = async {
        let (sent, answered) = tokio::join!(sending, answers);
        answered.and(sent)
    };
    // Biased: whatever is waiting moves before the watchdog looks.
    tokio::select! {
        biased;
        result = both => result,
        () = progress.stalled(limit) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("timed out: nothing moved for {} s (--timeout)", limit.as_secs_f64()),
        )),
    }
}

/// Sends every file as one frame, announcing each to the receipt reader
/// once it is out (also when it failed half-way).
pub async fn send_files<W: AsyncWrite + Unpin>(
    writer: &mut UploadWriter<W>,
    files: &[Outgoing],
    sent: &mpsc::UnboundedSender<Sent>,
    verbose: bool,
) -> io::Result<()> {
    for file in files {
        let mut source = HashingFile {
            file: File::open(&file.path)?,
            hasher: Sha256::new(),
        };
        let header = Upload {
            file_name: &file.name,
            file_size: file.size,
        };
        let result = writer.write_frame_from(&header, &mut source).await;
        let sha256 = result.is_ok().then(|| source.hasher.finalize().into());
        // The reader is gone only if it failed; its error is reported.
        let _ = sent.send(Sent {
            name: file.name.clone(),
            size: file.size,
            sha256,
        });
        result.map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("sending {}: {err}", file.path.display()),
            )
        })?;
        if verbose {
            println!("sent {} ({} bytes)", shown(&file.name), file.size);
        }
    }
    Ok(())
}

/// Reads one receipt per sent file, in order, and tallies them.
pub async fn read_receipts<R: AsyncRead + Unpin>(
    receipts: &mut ReceiptReader<R>,
    mut sent: mpsc::UnboundedReceiver<Sent>,
    tally: &mut Tally,
) -> io::Result<()> {
    while let Some(file) = sent.recv().await {
        let receipt = receipts.next_header_as::<Receipt>().await?.ok_or_else(|| {
            let answered = tally.intact + tally.refused + tally.damaged;
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "the receiver closed the connection after {} receipts, before answering {}",
                    answered,
                    shown(&file.name)
                ),
            )
        })?;
        tally.check(&file, &receipt);
    }
    Ok(())
}

impl Tally {
    /// Checks one receipt against the file it answers.
    fn check(&mut self, file: &Sent, receipt: &Receipt) {
        let name = shown(&file.name);
        let expected = file.sha256.map(|digest| hex(&digest));
        let line = if receipt.file_name.as_deref() != Some(file.name.as_str()) {
            self.damaged += 1;
            format!("MISMATCH {name}: the receipt names {:?}", receipt.file_name)
        } else if receipt.status == "stored"
            && receipt.sha256 == expected
            && receipt.size == Some(file.size)
        {
            self.intact += 1;
            format!("stored {name} ({} bytes, SHA-256 matches)", file.size)
        } else if receipt.status == "stored" {
            self.damaged += 1;
            format!(
                "DAMAGED {name}: stored {:?} bytes with SHA-256 {:?}, sent {} bytes with {:?}",
                receipt.size, receipt.sha256, file.size, expected
            )
        } else {
            self.refused += 1;
            format!(
                "refused {name}: {}: {}",
                receipt.reason.as_deref().unwrap_or("?"),
                receipt.message.as_deref().unwrap_or("")
            )
        };
        if self.verbose {
            println!("{line}");
        }
    }
}

/// The python-struct wire: once every file is out, waits for the receiver
/// to close the connection (then it has read everything).
async fn wait_for_close<R: AsyncRead + Unpin>(
    mut read: R,
    mut sent: mpsc::UnboundedReceiver<Sent>,
) -> io::Result<()> {
    while sent.recv().await.is_some() {}
    let mut sink = [0u8; 512];
    while read.read(&mut sink).await? > 0 {}
    Ok(())
}

/// A file read as an [`AsyncRead`] (reads from a local file do not wait on
/// the network), hashing what it hands out.
struct HashingFile {
    file: File,
    hasher: Sha256,
}

impl AsyncRead for HashingFile {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let unfilled = buf.initialize_unfilled();
        let len = this.file.read(unfilled)?;
        this.hasher.update(&unfilled[..len]);
        buf.advance(len);
        Poll::Ready(Ok(()))
    }
}
