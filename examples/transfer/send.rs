//! `transfer send`: one connection, one frame per file.

use std::error::Error;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::protocol::{self, Encoder, Upload, Wire, Writer, human, mib_per_s, progress_bar, shown};

/// Send files: one connection, one frame per file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address of the receiver.
    #[arg(long, value_name = "ADDR")]
    to: String,
    /// Length prefix on the wire.
    #[arg(long, value_enum, default_value_t)]
    wire: Wire,
    /// Files to send; each goes under its base name.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// A file ready to go: where it is, the name it is sent under, its size.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
}

impl Outgoing {
    /// Checks that `path` is a regular file with a UTF-8 base name.
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

/// Runs `transfer send`.
pub fn run(args: Args) -> Result<ExitCode, Box<dyn Error>> {
    let files = args
        .files
        .iter()
        .map(|path| Outgoing::new(path))
        .collect::<Result<Vec<_>, _>>()?;
    let total = files.iter().map(|file| file.size).sum();
    let stream = TcpStream::connect(&args.to)
        .map_err(|err| format!("cannot connect to {}: {err}", args.to))?;
    let mut writer = Writer::new(stream, Encoder::new(args.wire.config())?);
    let progress = progress_bar(total);
    let start = Instant::now();
    for file in &files {
        send_file(&mut writer, file, &progress)
            .map_err(|err| format!("sending {}: {err}", file.path.display()))?;
        progress.suspend(|| println!("sent {} ({} bytes)", shown(&file.name), file.size));
    }
    progress.finish_and_clear();
    let elapsed = start.elapsed();
    wait_for_close(writer.into_inner())?;
    println!(
        "sent {}, {} in {:.2} s ({:.1} MiB/s)",
        protocol::files(files.len()),
        human(total),
        elapsed.as_secs_f64(),
        mib_per_s(total, elapsed)
    );
    Ok(ExitCode::SUCCESS)
}

/// Sends one file as one frame.
pub fn send_file<W: Write>(
    writer: &mut Writer<W>,
    file: &Outgoing,
    progress: &ProgressBar,
) -> io::Result<u64> {
    let header = Upload {
        file_name: file.name.clone(),
        file_size: file.size,
    };
    let mut source = progress.wrap_read(File::open(&file.path)?);
    writer.write_frame_from(&header, &mut source)
}

/// Ends the sending side and waits (up to a minute) for the receiver to
/// close, so that it has read everything when `send` exits.
fn wait_for_close(mut stream: TcpStream) -> io::Result<()> {
    stream.flush()?;
    stream.shutdown(Shutdown::Write)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut sink = [0u8; 512];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                eprintln!("the receiver did not close the connection within a minute");
                return Ok(());
            }
            Err(err) => return Err(err),
        }
    }
}
