//! `transfer bench`: the std adapter against raw `io::copy` on loopback, in
//! one run, and the peak memory of a real `transfer recv` process.

use std::error::Error;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::protocol::{
    COPY_BUFFER, Upload, Wire, blocking_reader, blocking_writer, human, mib_per_s, parse_size,
};
use crate::scratch::ScratchDir;

/// Measure throughput on loopback: the std adapter beside raw `io::copy`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Bytes per transfer.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1GiB")]
    size: u64,
    /// Rounds; every variant runs once per round, interleaved.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Also run `transfer recv` as a child process, send it SIZE bytes as
    /// one file, and report its peak resident memory (VmHWM in
    /// /proc/PID/status, Linux only).
    #[arg(long)]
    peak_rss: bool,
    /// Directory for the child receiver's file (default: a temporary
    /// directory under the system's temp dir).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// One way of moving the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// Sender writes 64 KiB blocks; receiver `io::copy(socket, sink)`.
    RawCopy,
    /// Sender writes 64 KiB blocks; receiver reads 64 KiB at a time.
    RawRead,
    /// One frame through `FrameWriter`; receiver `io::copy(FrameReader, sink)`.
    AdapterCopy,
    /// One frame through `FrameWriter`; receiver `read_body` 64 KiB at a time.
    AdapterRead,
}

const VARIANTS: [Variant; 4] = [
    Variant::RawCopy,
    Variant::RawRead,
    Variant::AdapterCopy,
    Variant::AdapterRead,
];

impl Variant {
    fn label(self) -> &'static str {
        match self {
            Self::RawCopy => "raw: io::copy(socket, sink)",
            Self::RawRead => "raw: read 64 KiB blocks",
            Self::AdapterCopy => "adapter: io::copy(FrameReader, sink)",
            Self::AdapterRead => "adapter: read_body 64 KiB blocks",
        }
    }

    fn framed(self) -> bool {
        matches!(self, Self::AdapterCopy | Self::AdapterRead)
    }
}

/// Runs `transfer bench`.
pub fn run(args: Args) -> Result<ExitCode, Box<dyn Error>> {
    println!(
        "{} per transfer over 127.0.0.1, {} rounds (variants interleaved)",
        human(args.size),
        args.rounds
    );
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); VARIANTS.len()];
    for _ in 0..args.rounds {
        for (variant, times) in VARIANTS.iter().zip(&mut times) {
            times.push(transfer(*variant, args.size)?);
        }
    }
    let medians: Vec<f64> = times
        .iter_mut()
        .map(|times| {
            times.sort();
            mib_per_s(args.size, times[times.len() / 2])
        })
        .collect();
    for ((variant, times), median) in VARIANTS.iter().zip(&times).zip(&medians) {
        println!(
            "  {:<38} median {:>7.0} MiB/s   best {:>7.0} MiB/s",
            variant.label(),
            median,
            mib_per_s(args.size, times[0])
        );
    }
    println!(
        "ratio adapter/raw, both through io::copy: {:.2}; both reading 64 KiB blocks: {:.2}",
        medians[2] / medians[0],
        medians[3] / medians[1]
    );
    if args.peak_rss {
        child_receiver_peak(args.size, args.out)?;
    }
    if let Some(own) = proc_status_kib(std::process::id(), "VmHWM") {
        println!("this process (senders and in-process receivers): VmHWM {own} KiB");
    }
    Ok(ExitCode::SUCCESS)
}

/// Moves `size` bytes over a fresh loopback connection; returns the time
/// from the first byte sent to the last byte received.
fn transfer(variant: Variant, size: u64) -> io::Result<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let receiver = thread::spawn(move || receive(variant, &listener));
    let stream = TcpStream::connect(addr)?;
    let start = Instant::now();
    if variant.framed() {
        send_frame(stream, size)?;
    } else {
        send_raw(stream, size)?;
    }
    let received = receiver
        .join()
        .map_err(|_| io::Error::other("receiver panicked"))??;
    let elapsed = start.elapsed();
    if received != size {
        let text = format!("{variant:?}: received {received} of {size} bytes");
        return Err(io::Error::other(text));
    }
    Ok(elapsed)
}

fn receive(variant: Variant, listener: &TcpListener) -> io::Result<u64> {
    let (mut stream, _) = listener.accept()?;
    let mut block = vec![0u8; COPY_BUFFER];
    match variant {
        Variant::RawCopy => io::copy(&mut stream, &mut io::sink()),
        Variant::RawRead => read_blocks(&mut stream, &mut block),
        Variant::AdapterCopy | Variant::AdapterRead => {
            let mut reader = blocking_reader(stream, Wire::Default.config())?;
            reader
                .next_header()?
                .ok_or_else(|| io::Error::other("no frame"))?;
            let received = match variant {
                Variant::AdapterCopy => io::copy(&mut reader, &mut io::sink())?,
                _ => read_blocks(&mut reader, &mut block)?,
            };
            match reader.next_header()? {
                None => Ok(received),
                Some(_) => Err(io::Error::other("a second frame")),
            }
        }
    }
}

fn read_blocks(source: &mut impl Read, block: &mut [u8]) -> io::Result<u64> {
    let mut total = 0;
    loop {
        match source.read(block)? {
            0 => return Ok(total),
            len => total += len as u64,
        }
    }
}

fn send_raw(mut stream: TcpStream, size: u64) -> io::Result<()> {
    let block = vec![0x5a; COPY_BUFFER];
    let mut left = size;
    while left > 0 {
        let len = block.len().min(left as usize);
        stream.write_all(&block[..len])?;
        left -= len as u64;
    }
    stream.shutdown(Shutdown::Write)
}

/// Sends `size` bytes as one frame named `bench.bin`.
fn send_frame(stream: TcpStream, size: u64) -> io::Result<()> {
    let mut writer = blocking_writer(stream, Wire::Default.config())?;
    let header = Upload {
        file_name: "bench.bin",
        file_size: size,
    };
    writer.write_header(&header)?;
    let block = vec![0x5a; COPY_BUFFER];
    let mut left = size;
    while left > 0 {
        let len = block.len().min(left as usize);
        writer.write_body(&block[..len])?;
        left -= len as u64;
    }
    writer.end_frame()?;
    writer.into_inner().shutdown(Shutdown::Write)
}

/// Runs `transfer recv` as a child, sends it one file of `size` bytes, and
/// reads the child's VmHWM once the file is renamed into place.
fn child_receiver_peak(size: u64, out: Option<PathBuf>) -> Result<(), Box<dyn Error>> {
    let parent = out.unwrap_or_else(std::env::temp_dir);
    let dir = ScratchDir::new_in(&parent)?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["recv", "--listen", "127.0.0.1:0", "--out"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .spawn()?;
    let result = measure_child(&mut child, size);
    child.kill()?;
    child.wait()?;
    let (elapsed, hwm) = result?;
    let kept = fs::metadata(dir.path().join("bench.bin"))?.len();
    println!(
        "child `transfer recv` writing to {}: {} in {:.2} s ({:.0} MiB/s), file {kept} bytes, peak RSS (VmHWM) {hwm} KiB",
        parent.display(),
        human(size),
        elapsed.as_secs_f64(),
        mib_per_s(size, elapsed)
    );
    Ok(())
}

fn measure_child(child: &mut Child, size: u64) -> Result<(Duration, u64), Box<dyn Error>> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (lines_tx, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                return;
            }
        }
    });
    let first = lines.recv_timeout(Duration::from_secs(30))?;
    let addr = first
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line {first:?}"))?;
    let start = Instant::now();
    send_frame(TcpStream::connect(addr)?, size)?;
    loop {
        let line = lines.recv_timeout(Duration::from_secs(600))?;
        if line.starts_with("received") {
            break;
        }
    }
    let elapsed = start.elapsed();
    let hwm = proc_status_kib(child.id(), "VmHWM").ok_or("no VmHWM in /proc (not Linux?)")?;
    Ok((elapsed, hwm))
}

/// A `kB` field of /proc/PID/status.
fn proc_status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
