//! The self-contained demo: a receiver on `127.0.0.1:0`, one large file and
//! a burst of small ones over one connection, every file checked by SHA-256.

use std::error::Error;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use sha2::{Digest, Sha256};

use crate::protocol::{Encoder, Upload, Wire, Writer, human, mib_per_s, parse_size, progress_bar};
use crate::receive::{self, Options, Report};
use crate::send::{self, Outgoing};

/// Run the self-contained demo on loopback (what `transfer` alone does).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Size of the large file.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "256MiB")]
    large: u64,
    /// Number of small files, written to the socket in one go.
    #[arg(long, value_name = "COUNT", default_value_t = 500)]
    small: usize,
    /// Largest small file (sizes range from 0 to this).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "16KiB")]
    small_max: u64,
    /// Work in DIR (kept afterwards) instead of a temporary directory.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// A generated file and its digest.
struct Generated {
    file: Outgoing,
    sha256: [u8; 32],
}

/// Runs the demo.
pub fn run(args: Args) -> Result<ExitCode, Box<dyn Error>> {
    let temp = tempfile::tempdir()?;
    let root = args.dir.clone().unwrap_or_else(|| temp.path().to_owned());
    let (source, out) = (root.join("send"), root.join("received"));
    fs::create_dir_all(&source)?;
    fs::create_dir_all(&out)?;
    println!(
        "generating 1 file of {} and {} small files (0 B to {}) in {}",
        human(args.large),
        args.small,
        human(args.small_max),
        root.display()
    );
    let large = generate(&source.join("large.bin"), args.large, 1)?;
    let small = (0..args.small)
        .map(|i| {
            let size = pseudo_random(i as u64 + 7) % (args.small_max + 1);
            generate(&source.join(small_name(i)), size, i as u64 + 2)
        })
        .collect::<io::Result<Vec<_>>>()?;
    let burst = encode_burst(&small)?;
    let transfer = transfer(&out, &burst, &large)?;
    let total = large.file.size + small.iter().map(|g| g.file.size).sum::<u64>();
    summarize(&transfer, total, small.len(), burst.len() as u64);
    let files = 1 + small.len();
    let verified = verify(&out, std::iter::once(&large).chain(&small))?;
    let ok = verified == files && transfer.report.all_kept();
    println!(
        "verified {verified}/{files} files by SHA-256: {}",
        if ok { "all intact" } else { "FAILED" }
    );
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// How the transfer went, seen from the receiver.
struct Transfer {
    elapsed: Duration,
    report: Report,
    burst_reads: u64,
}

/// Starts a receiver on `127.0.0.1:0` writing to `out`, sends the burst and
/// the large file to it over one connection, and waits for it to finish.
fn transfer(out: &Path, burst: &[u8], large: &Generated) -> Result<Transfer, Box<dyn Error>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!("receiver listening on {addr}");
    let options = Options {
        out: out.to_owned(),
        config: Wire::Default.config(),
        max_size: u64::MAX,
        quiet: true,
    };
    let threshold = burst.len() as u64;
    let receiver = thread::spawn(move || receive_once(&listener, threshold, &options));
    let progress = progress_bar(burst.len() as u64 + large.file.size);
    let start = Instant::now();
    send_all(TcpStream::connect(addr)?, burst, large, &progress)?;
    let (report, reads) = receiver
        .join()
        .map_err(|_| "the receiver thread panicked")??;
    let elapsed = start.elapsed();
    progress.finish_and_clear();
    Ok(Transfer {
        elapsed,
        report,
        burst_reads: reads.burst_reads,
    })
}

/// Prints throughput, how the burst arrived, and what the receiver kept.
fn summarize(transfer: &Transfer, total: u64, small: usize, burst: u64) {
    let Transfer {
        elapsed,
        report,
        burst_reads,
    } = transfer;
    println!(
        "sent {} files ({}) over one connection in {:.2} s: {:.1} MiB/s",
        small + 1,
        human(total),
        elapsed.as_secs_f64(),
        mib_per_s(total, *elapsed)
    );
    println!(
        "  the {small} small files left in one write of {} and were received in {burst_reads} reads ({:.1} files per read)",
        human(burst),
        small as f64 / (*burst_reads).max(1) as f64
    );
    let error = report.error.as_ref().map(|e| format!(", error: {e}"));
    println!(
        "received {} files, refused {}{}",
        report.received.len(),
        report.refused,
        error.unwrap_or_default()
    );
}

/// Reads from the socket, counting how many reads the first `threshold`
/// bytes took.
struct CountingReader<R> {
    inner: R,
    threshold: u64,
    bytes: u64,
    burst_reads: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = self.inner.read(buf)?;
        if self.bytes < self.threshold && len > 0 {
            self.burst_reads += 1;
        }
        self.bytes += len as u64;
        Ok(len)
    }
}

/// Accepts one connection and receives its files, counting the reads that
/// the first `threshold` bytes (the burst) took.
fn receive_once(
    listener: &TcpListener,
    threshold: u64,
    options: &Options,
) -> io::Result<(Report, CountingReader<TcpStream>)> {
    let (stream, peer) = listener.accept()?;
    let mut counting = CountingReader {
        inner: stream,
        threshold,
        bytes: 0,
        burst_reads: 0,
    };
    let report = receive::serve(&mut counting, peer, options);
    Ok((report, counting))
}

/// The frames of all small files, one after the other, to be written at once.
fn encode_burst(small: &[Generated]) -> io::Result<Vec<u8>> {
    let mut burst = Writer::new(Vec::new(), Encoder::new(Wire::Default.config())?);
    for generated in small {
        let body = fs::read(&generated.file.path)?;
        let header = Upload {
            file_name: generated.file.name.clone(),
            file_size: body.len() as u64,
        };
        burst.write_frame(&header, &body)?;
    }
    Ok(burst.into_inner())
}

/// Sends the burst of small files in one write, then the large file.
fn send_all(
    mut stream: TcpStream,
    burst: &[u8],
    large: &Generated,
    progress: &ProgressBar,
) -> io::Result<()> {
    stream.write_all(burst)?;
    progress.inc(burst.len() as u64);
    let mut writer = Writer::new(stream, Encoder::new(Wire::Default.config())?);
    send::send_file(&mut writer, &large.file, progress)?;
    writer.into_inner().shutdown(Shutdown::Write)
}

/// Counts the files of `expected` found in `out` with the same digest.
fn verify<'a>(out: &Path, expected: impl Iterator<Item = &'a Generated>) -> io::Result<usize> {
    let mut verified = 0;
    for generated in expected {
        let path = out.join(&generated.file.name);
        match hash_file(&path) {
            Ok(digest) if digest == generated.sha256 => verified += 1,
            Ok(_) => eprintln!("{}: content differs", path.display()),
            Err(err) => eprintln!("{}: {err}", path.display()),
        }
    }
    Ok(verified)
}

fn hash_file(path: &Path) -> io::Result<[u8; 32]> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let len = file.read(&mut buf)?;
        if len == 0 {
            return Ok(hasher.finalize().into());
        }
        hasher.update(&buf[..len]);
    }
}

/// Writes `size` pseudo-random bytes seeded by `seed` to `path`, hashing them.
fn generate(path: &Path, size: u64, seed: u64) -> io::Result<Generated> {
    let mut out = BufWriter::new(File::create(path)?);
    let mut hasher = Sha256::new();
    let mut counter = seed << 40;
    let mut block = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let len = block.len().min(left as usize);
        for word in block[..len].chunks_mut(8) {
            counter += 1;
            word.copy_from_slice(&pseudo_random(counter).to_le_bytes()[..word.len()]);
        }
        hasher.update(&block[..len]);
        out.write_all(&block[..len])?;
        left -= len as u64;
    }
    out.flush()?;
    let file = Outgoing::new(path).map_err(io::Error::other)?;
    Ok(Generated {
        file,
        sha256: hasher.finalize().into(),
    })
}

/// The names of the small files: one of them is not ASCII, as file names
/// often are not.
fn small_name(index: usize) -> String {
    if index == 0 {
        "résumé-电影.txt".to_owned()
    } else {
        format!("small-{index:04}.bin")
    }
}

/// The splitmix64 mix of `state`: fast, deterministic filler.
fn pseudo_random(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
