//! One connection of the receiver: every frame is one file, answered by a
//! receipt on the default wire. The connection ends at a clean end of the
//! stream, at an error, after a file over `--max-size`, when nothing moves
//! for `--idle-timeout`, or when the receiver stops; whatever ends it, the
//! temporary file of an upload in flight is removed (it is dropped with
//! the future that writes it).

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;

use crate::log::{ConnectionLog, Log, Stream};
use crate::names::{self, NameRefusal};
use crate::progress::Progress;
use crate::protocol::{
    COPY_BUFFER, Reason, ReceiptWriter, RefusedReceipt, StoredReceipt, UploadName, UploadReader,
    Wire, files, hex, human, is_header_mismatch, receipt_writer, shown, shown_opt, upload_reader,
};
use crate::storage::{OutDir, PersistError, TempFile};

/// What every connection of one receiver shares.
#[derive(Debug)]
pub struct Shared {
    /// Where files go.
    pub out: OutDir,
    /// The wire profile (receipts only on the default wire).
    pub wire: Wire,
    /// Largest accepted file.
    pub max_size: u64,
    /// A connection on which nothing moves for this long is closed.
    pub idle_timeout: Duration,
    /// No per-file lines (the demo).
    pub quiet: bool,
    /// The rate-limited log.
    pub log: Log,
    /// Uploads aborted because the receiver stopped.
    pub aborted: AtomicU64,
}

/// How a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The sender ended the stream between two frames.
    Clean,
    /// Closed by the receiver after refusing a file over `--max-size`.
    TooLarge,
    /// An error (the stream ended inside a frame, a broken frame, a
    /// transport error); the text says which.
    Failed(String),
    /// Nothing moved for `--idle-timeout`.
    Idle,
    /// The receiver stopped (SIGINT, SIGTERM).
    Aborted,
}

/// What happened on one connection: counters only, whatever the number of
/// files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files kept.
    pub received: u64,
    /// Files refused.
    pub refused: u64,
    /// Bytes kept.
    pub bytes: u64,
    /// How it ended.
    pub end: End,
}

impl Report {
    /// Every file arrived complete and was kept.
    pub fn all_kept(&self) -> bool {
        self.refused == 0 && self.end == End::Clean
    }
}

/// Serves one connection, reading frames from `read` and writing receipts
/// to `write`, until it ends or `stop` turns true; prints how it ended.
pub async fn serve<R, W>(
    read: R,
    write: W,
    peer: SocketAddr,
    shared: &Shared,
    mut stop: watch::Receiver<bool>,
) -> Report
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let progress = Progress::new();
    let mut connection = Connection::new(peer, shared);
    // Biased: a connection whose data is waiting moves before its watchdog
    // looks, so a receiver that was not scheduled for a while (a loaded
    // machine) does not take its own delay for the peer's.
    let end = tokio::select! {
        biased;
        result = connection.files(progress.track(read), progress.track(write)) => {
            result.unwrap_or_else(|err| End::Failed(err.to_string()))
        }
        () = stopped(&mut stop) => End::Aborted,
        () = progress.stalled(shared.idle_timeout) => End::Idle,
    };
    connection.finish(end)
}

/// Resolves once `stop` is true (never, if its sender is gone).
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The upload in flight, for the line that says where it was cut.
#[derive(Debug)]
struct Current {
    name: String,
    size: u64,
    written: u64,
}

/// The state of one connection.
struct Connection<'a> {
    peer: SocketAddr,
    shared: &'a Shared,
    received: u64,
    refused: u64,
    bytes: u64,
    current: Option<Current>,
    log: ConnectionLog,
}

/// Why one file was not kept.
#[derive(Debug)]
enum Refusal {
    Header(io::Error),
    Name(NameRefusal),
    TooLarge { size: u64, max: u64 },
    Exists(String),
    Disk(io::Error),
    Truncated(io::Error),
}

impl Refusal {
    fn reason(&self) -> Reason {
        match self {
            Self::Header(_) => Reason::BadHeader,
            Self::Name(_) => Reason::BadName,
            Self::TooLarge { .. } => Reason::TooLarge,
            Self::Exists(_) => Reason::Exists,
            Self::Disk(_) => Reason::IoError,
            Self::Truncated(_) => Reason::Truncated,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header(err) => write!(f, "the header has no string file_name: {err}"),
            Self::Name(why) => why.fmt(f),
            Self::TooLarge { size, max } => write!(
                f,
                "{size} bytes ({}) exceeds --max-size of {max} bytes",
                human(*size)
            ),
            Self::Exists(name) => write!(f, "{name} already exists; not overwritten"),
            Self::Disk(err) => write!(f, "cannot write it: {err}"),
            Self::Truncated(err) => {
                write!(f, "{err}; the partial file was deleted")
            }
        }
    }
}

/// The result of receiving one frame's body.
enum Body {
    /// Kept: its size and SHA-256.
    Stored { size: u64, sha256: String },
    /// Not kept; the connection goes on once the rest of the body is skipped.
    Refused(Refusal),
}

impl<'a> Connection<'a> {
    fn new(peer: SocketAddr, shared: &'a Shared) -> Self {
        Self {
            peer,
            shared,
            received: 0,
            refused: 0,
            bytes: 0,
            current: None,
            log: ConnectionLog::default(),
        }
    }

    /// Receives every frame as a file, answering each with a receipt when
    /// the wire has them.
    async fn files<R, W>(&mut self, read: R, write: W) -> io::Result<End>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let config = self.shared.wire.config();
        let mut reader = upload_reader(read, config)?;
        let mut receipts = if self.shared.wire.receipts() {
            Some(receipt_writer(write)?)
        } else {
            None
        };
        let mut buf = vec![0u8; COPY_BUFFER];
        loop {
            let name = match reader.next_header_as::<UploadName>().await {
                Ok(None) => return Ok(End::Clean),
                Ok(Some(header)) => Ok(header.file_name),
                Err(err) if is_header_mismatch(&err) => Err(err),
                Err(err) => return Err(err),
            };
            if let Some(end) = self
                .file(&mut reader, &mut receipts, name, &mut buf)
                .await?
            {
                return Ok(end);
            }
        }
    }

    /// Receives one file whose header was just read; `Some` if the
    /// connection ends with it.
    async fn file<R, W>(
        &mut self,
        reader: &mut UploadReader<R>,
        receipts: &mut Option<ReceiptWriter<W>>,
        name: io::Result<Option<String>>,
        buf: &mut [u8],
    ) -> io::Result<Option<End>>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let size = reader.body_remaining();
        let (name, decided) = match name {
            Ok(name) => {
                let decided = self.decide(name.as_deref(), size);
                (name, decided)
            }
            Err(err) => (None, Err(Refusal::Header(err))),
        };
        let body = match decided {
            Ok(target) => {
                self.receive(reader, buf, name.as_deref(), size, &target)
                    .await
            }
            Err(refusal) => Ok(Body::Refused(refusal)),
        };
        let body = match body {
            Ok(body) => body,
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => {
                let text = err.to_string();
                self.refuse(name.as_deref(), &Refusal::Truncated(err), receipts)
                    .await?;
                return Ok(Some(End::Failed(text)));
            }
            Err(err) => return Err(err),
        };
        match body {
            Body::Stored { size, sha256 } => {
                self.stored(name.as_deref(), size, &sha256, receipts)
                    .await?;
                Ok(None)
            }
            Body::Refused(refusal) => {
                self.refuse(name.as_deref(), &refusal, receipts).await?;
                if matches!(refusal, Refusal::TooLarge { .. }) {
                    return Ok(Some(End::TooLarge));
                }
                reader.skip_body().await?;
                Ok(None)
            }
        }
    }

    /// Decides whether a file may be received, and where it goes.
    fn decide(&self, name: Option<&str>, size: u64) -> Result<std::path::PathBuf, Refusal> {
        let Some(name) = name else {
            let err = io::Error::other("it is absent or null");
            return Err(Refusal::Header(err));
        };
        let name = names::check(name).map_err(Refusal::Name)?;
        let max = self.shared.max_size;
        if size > max {
            return Err(Refusal::TooLarge { size, max });
        }
        let target = self.shared.out.target(name);
        if target.symlink_metadata().is_ok() {
            return Err(Refusal::Exists(shown(name)));
        }
        Ok(target)
    }

    /// Writes the body to a temporary file, hashing it, and gives the file
    /// its name. The error ends the connection (the temporary file is
    /// removed); a refusal leaves the rest of the body to be skipped.
    async fn receive<R>(
        &mut self,
        reader: &mut UploadReader<R>,
        buf: &mut [u8],
        name: Option<&str>,
        size: u64,
        target: &std::path::Path,
    ) -> io::Result<Body>
    where
        R: AsyncRead + Unpin,
    {
        let mut temp = match self.shared.out.temporary() {
            Ok(temp) => temp,
            Err(err) => return Ok(Body::Refused(Refusal::Disk(err))),
        };
        self.current = Some(Current {
            name: shown_opt(name),
            size,
            written: 0,
        });
        let mut hasher = Sha256::new();
        let copied = self.copy(reader, buf, &mut temp, &mut hasher).await;
        self.current = None;
        if let Err(err) = copied? {
            return Ok(Body::Refused(Refusal::Disk(err)));
        }
        match temp.persist(target) {
            Ok(()) => Ok(Body::Stored {
                size,
                sha256: hex(&hasher.finalize()),
            }),
            Err(PersistError::Exists) => Ok(Body::Refused(Refusal::Exists(shown_opt(name)))),
            Err(PersistError::Io(err)) => Ok(Body::Refused(Refusal::Disk(err))),
        }
    }

    /// Copies the rest of the body into `temp`. A read error (the
    /// connection) is the outer error; a write error (the disk) the inner.
    async fn copy<R>(
        &mut self,
        reader: &mut UploadReader<R>,
        buf: &mut [u8],
        temp: &mut TempFile,
        hasher: &mut Sha256,
    ) -> io::Result<io::Result<()>>
    where
        R: AsyncRead + Unpin,
    {
        loop {
            let len = reader.read_body(buf).await?;
            if len == 0 {
                return Ok(Ok(()));
            }
            if let Err(err) = temp.write_all(&buf[..len]) {
                return Ok(Err(err));
            }
            hasher.update(&buf[..len]);
            if let Some(current) = &mut self.current {
                current.written += len as u64;
            }
        }
    }

    /// Counts, logs and acknowledges a stored file.
    async fn stored<W: AsyncWrite + Unpin>(
        &mut self,
        name: Option<&str>,
        size: u64,
        sha256: &str,
        receipts: &mut Option<ReceiptWriter<W>>,
    ) -> io::Result<()> {
        self.received += 1;
        self.bytes += size;
        if !self.shared.quiet {
            let (log, peer, name) = (&self.shared.log, self.peer, shown_opt(name));
            let text = format!("received {name} ({size} bytes) from {peer}");
            self.log.line(log, Stream::Out, format_args!("{text}"));
        }
        if let Some(writer) = receipts {
            let receipt = StoredReceipt {
                file_name: name,
                status: "stored",
                size,
                sha256,
            };
            writer.write_frame(&receipt, &[]).await?;
        }
        Ok(())
    }

    /// Counts, logs (now, before any draining) and answers a refusal.
    async fn refuse<W: AsyncWrite + Unpin>(
        &mut self,
        name: Option<&str>,
        refusal: &Refusal,
        receipts: &mut Option<ReceiptWriter<W>>,
    ) -> io::Result<()> {
        self.refused += 1;
        let (log, peer, shown) = (&self.shared.log, self.peer, shown_opt(name));
        let text = format!("refused {shown} from {peer}: {refusal}");
        self.log.line(log, Stream::Err, format_args!("{text}"));
        if let Some(writer) = receipts {
            let message = refusal.to_string();
            let receipt = RefusedReceipt {
                file_name: name,
                status: "refused",
                reason: refusal.reason().code(),
                message: &message,
            };
            writer.write_frame(&receipt, &[]).await?;
        }
        Ok(())
    }

    /// Prints how the connection ended and returns its report.
    fn finish(self, end: End) -> Report {
        let line = self.closing_line(&end);
        let stream = if end == End::Clean {
            Stream::Out
        } else {
            Stream::Err
        };
        if end == End::Aborted {
            crate::log::print(stream, format_args!("{line}"));
        } else if !(self.shared.quiet && end == End::Clean) {
            self.shared.log.line(stream, format_args!("{line}"));
        }
        Report {
            received: self.received,
            refused: self.refused,
            bytes: self.bytes,
            end,
        }
    }

    /// The line that says how the connection ended.
    fn closing_line(&self, end: &End) -> String {
        let peer = self.peer;
        let kept = files(self.received);
        let held = match self.log.held() {
            0 => String::new(),
            held => format!(" ({held} per-file lines not shown)"),
        };
        let cut = self.current.as_ref().map(|current| {
            format!(
                "; {} cut at {} of {} bytes, its temporary file removed",
                current.name, current.written, current.size
            )
        });
        let cut = cut.unwrap_or_default();
        match end {
            End::Clean => format!(
                "connection from {peer} closed: {kept} received, {} refused{held}",
                self.refused
            ),
            End::TooLarge => format!(
                "connection from {peer} closed after a file over --max-size ({kept} kept before){held}"
            ),
            End::Failed(err) => {
                format!("connection from {peer} failed ({kept} kept before): {err}{held}")
            }
            End::Idle => format!(
                "connection from {peer} closed: nothing moved for {} s ({kept} kept before){cut}{held}",
                self.shared.idle_timeout.as_secs_f64()
            ),
            End::Aborted => {
                if self.current.is_some() {
                    self.shared.aborted.fetch_add(1, Ordering::Relaxed);
                }
                format!("aborted connection from {peer} ({kept} kept before){cut}")
            }
        }
    }
}
