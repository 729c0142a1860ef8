//! `transfer recv`: one thread per connection, one file per frame, with the
//! policy of `names.rs` for what is written where.

use std::error::Error;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

use unstick::Config;

use crate::names::{self, NameRefusal};
use crate::protocol::{
    COPY_BUFFER, Decoder, Reader, Upload, Wire, files, human, parse_size, shown,
};

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
    /// Length prefix on the wire.
    #[arg(long, value_enum, default_value_t)]
    wire: Wire,
    /// Serve one connection, then exit: 0 if every file arrived complete and
    /// was kept, 1 otherwise.
    #[arg(long)]
    once: bool,
    /// Refuse files larger than this (B, KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "16GiB")]
    max_size: u64,
}

/// What a receiver does with what it is sent.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where files go.
    pub out: PathBuf,
    /// The wire profile.
    pub config: Config,
    /// Largest accepted file.
    pub max_size: u64,
    /// Print refusals and errors only, not every file received.
    pub quiet: bool,
}

/// What happened on one connection.
#[derive(Debug, Default)]
pub struct Report {
    /// Files kept, with their sizes.
    pub received: Vec<(String, u64)>,
    /// Files refused.
    pub refused: usize,
    /// Why the connection ended early, if it did.
    pub error: Option<io::Error>,
}

impl Report {
    /// Every file arrived complete and was kept.
    pub fn all_kept(&self) -> bool {
        self.refused == 0 && self.error.is_none()
    }
}

/// Runs `transfer recv`.
pub fn run(args: Args) -> Result<ExitCode, Box<dyn Error>> {
    fs::create_dir_all(&args.out)
        .map_err(|err| format!("cannot create {}: {err}", args.out.display()))?;
    let options = Options {
        out: args.out,
        config: args.wire.config(),
        max_size: args.max_size,
        quiet: false,
    };
    let listener = TcpListener::bind(&args.listen)
        .map_err(|err| format!("cannot listen on {}: {err}", args.listen))?;
    println!("listening on {}", listener.local_addr()?);
    io::stdout().flush()?;
    if args.once {
        let (stream, peer) = listener.accept()?;
        let report = serve_stream(stream, peer, &options);
        return Ok(if report.all_kept() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let options = Arc::new(options);
    for stream in listener.incoming() {
        match stream.and_then(|s| s.peer_addr().map(|peer| (s, peer))) {
            Ok((stream, peer)) => {
                let options = Arc::clone(&options);
                thread::spawn(move || serve_stream(stream, peer, &options));
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves one TCP connection and prints how it ended.
pub fn serve_stream(stream: TcpStream, peer: SocketAddr, options: &Options) -> Report {
    let report = serve(stream, peer, options);
    if let Some(err) = &report.error {
        eprintln!(
            "connection from {peer} failed ({} kept before): {err}",
            files(report.received.len())
        );
    } else if !options.quiet {
        println!(
            "connection from {peer} closed: {} received, {} refused",
            files(report.received.len()),
            report.refused
        );
    }
    report
}

/// Receives every frame of one connection as a file.
pub fn serve<R: Read>(stream: R, peer: SocketAddr, options: &Options) -> Report {
    let mut report = Report::default();
    let mut reader = match Decoder::new(options.config) {
        Ok(decoder) => Reader::new(stream, decoder),
        Err(err) => {
            report.error = Some(io::Error::new(io::ErrorKind::InvalidInput, err));
            return report;
        }
    };
    let mut buf = vec![0u8; COPY_BUFFER];
    loop {
        match next_file(&mut reader, &mut buf, peer, options, &mut report) {
            Ok(true) => {}
            Ok(false) => return report,
            Err(err) => {
                report.error = Some(err);
                return report;
            }
        }
    }
}

/// Why one file was not kept; the connection goes on.
#[derive(Debug)]
enum Refusal {
    Header(io::Error),
    Name(NameRefusal),
    TooLarge { size: u64, max: u64 },
    Exists(PathBuf),
    Disk(io::Error),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Header(err) => write!(f, "the header is not an upload header: {err}"),
            Self::Name(why) => why.fmt(f),
            Self::TooLarge { size, max } => write!(
                f,
                "{size} bytes ({}) exceeds --max-size of {max} bytes",
                human(*size)
            ),
            Self::Exists(path) => write!(f, "{} already exists; not overwritten", path.display()),
            Self::Disk(err) => write!(f, "cannot write it: {err}"),
        }
    }
}

/// Receives the next frame as a file; `false` at a clean end of stream.
/// Errors end the connection; refusals are printed and the body skipped.
fn next_file<R: Read>(
    reader: &mut Reader<R>,
    buf: &mut [u8],
    peer: SocketAddr,
    options: &Options,
    report: &mut Report,
) -> io::Result<bool> {
    let (name, outcome) = match reader.next_header_as::<Upload>() {
        Ok(None) => return Ok(false),
        Ok(Some(upload)) => {
            let outcome = receive_file(reader, &upload.file_name, buf, options)
                .map_err(|err| while_receiving(&upload.file_name, err))?;
            (upload.file_name, outcome)
        }
        Err(err) if is_header_mismatch(&err) => ("?".to_owned(), Err(Refusal::Header(err))),
        Err(err) => return Err(err),
    };
    match outcome {
        Ok(size) => {
            if !options.quiet {
                println!("received {} ({size} bytes) from {peer}", shown(&name));
            }
            report.received.push((name, size));
        }
        Err(refusal) => {
            let skipped = reader.skip_body()?;
            eprintln!(
                "refused {} from {peer}: {refusal} (skipped {skipped} bytes)",
                shown(&name)
            );
            report.refused += 1;
        }
    }
    Ok(true)
}

/// A connection error that cut a file short, with the file's name.
fn while_receiving(name: &str, err: io::Error) -> io::Error {
    let text = format!(
        "{err} (while receiving {}; the partial file was deleted)",
        shown(name)
    );
    io::Error::new(err.kind(), text)
}

/// A header that decoded fine but is not `{"file_name": string, "file_size": n}`.
fn is_header_mismatch(err: &io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.is::<unstick::ParseError>())
}

/// Writes the current body to a temporary file and renames it into place.
/// The outer error ends the connection (the partial file is deleted); the
/// inner one refuses this file only, its body still to be skipped.
fn receive_file<R: Read>(
    reader: &mut Reader<R>,
    name: &str,
    buf: &mut [u8],
    options: &Options,
) -> io::Result<Result<u64, Refusal>> {
    let name = match names::check(name) {
        Ok(name) => name,
        Err(why) => return Ok(Err(Refusal::Name(why))),
    };
    let size = reader.body_remaining();
    if size > options.max_size {
        let max = options.max_size;
        return Ok(Err(Refusal::TooLarge { size, max }));
    }
    let path = options.out.join(name);
    if path.symlink_metadata().is_ok() {
        return Ok(Err(Refusal::Exists(path)));
    }
    let mut temp = match temporary_file(&options.out) {
        Ok(temp) => temp,
        Err(err) => return Ok(Err(Refusal::Disk(err))),
    };
    if let Err(refusal) = copy_body(reader, temp.as_file_mut(), buf)? {
        return Ok(Err(refusal));
    }
    match temp.persist_noclobber(&path) {
        Ok(_) => Ok(Ok(size)),
        Err(err) if err.error.kind() == io::ErrorKind::AlreadyExists => {
            Ok(Err(Refusal::Exists(path)))
        }
        Err(err) => Ok(Err(Refusal::Disk(err.error))),
    }
}

/// A `.transfer-*.part` file in `dir`, deleted when dropped unless persisted.
fn temporary_file(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".transfer-")
        .suffix(".part")
        .tempfile_in(dir)
}

/// Copies the rest of the body into `file`. A read error (the connection)
/// is the outer error; a write error (the disk) refuses the file.
fn copy_body<R: Read>(
    reader: &mut Reader<R>,
    file: &mut File,
    buf: &mut [u8],
) -> io::Result<Result<(), Refusal>> {
    loop {
        let len = reader.read_body(buf)?;
        if len == 0 {
            return Ok(Ok(()));
        }
        if let Err(err) = file.write_all(&buf[..len]) {
            return Ok(Err(Refusal::Disk(err)));
        }
    }
}
