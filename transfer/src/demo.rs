//! The self-contained demo: a receiver on `127.0.0.1:0`, one large file and
//! a burst of small ones over one connection, every file checked twice by
//! SHA-256: by its receipt, and on disk.

use std::error::Error;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

use crate::connection::{self, End, Report, Shared};
use crate::log::Log;
use crate::protocol::{
    Upload, Wire, blocking_writer, human, mib_per_s, parse_size, receipt_reader, upload_writer,
};
use crate::scratch::ScratchDir;
use crate::send::{self, Outgoing, Sent, Tally};
use crate::storage::OutDir;

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
    let scratch = ScratchDir::new()?;
    let root = args
        .dir
        .clone()
        .unwrap_or_else(|| scratch.path().to_owned());
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let transfer = runtime.block_on(transfer(&out, &burst, &large, &small))?;
    let total = large.file.size + small.iter().map(|g| g.file.size).sum::<u64>();
    summarize(&transfer, total, small.len(), burst.len() as u64);
    let files = 1 + small.len();
    let verified = verify(&out, std::iter::once(&large).chain(&small))?;
    let ok =
        verified == files && transfer.report.all_kept() && transfer.tally.intact == files as u64;
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

/// How the transfer went, seen from both ends.
struct Transfer {
    elapsed: Duration,
    report: Report,
    tally: Tally,
    burst_reads: u64,
}

/// Starts a receiver on `127.0.0.1:0` writing to `out`, sends the burst and
/// the large file to it over one connection, reads their receipts, and
/// waits for the receiver to finish.
async fn transfer(
    out: &Path,
    burst: &[u8],
    large: &Generated,
    small: &[Generated],
) -> Result<Transfer, Box<dyn Error>> {
    let (out, _) = OutDir::open(out)?;
    let shared = Arc::new(Shared {
        out,
        wire: Wire::Default,
        max_size: u64::MAX,
        idle_timeout: Duration::from_secs(30),
        quiet: true,
        log: Log::new(),
        aborted: AtomicU64::new(0),
    });
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("receiver listening on {addr}");
    let burst_reads = Arc::new(AtomicU64::new(0));
    let threshold = burst.len() as u64;
    // Its own task, so that it runs on another worker than the sender.
    let receiver = tokio::spawn(receive_once(
        listener,
        shared,
        threshold,
        Arc::clone(&burst_reads),
    ));
    let start = Instant::now();
    let sender = send_all(TcpStream::connect(addr).await?, burst, large, small);
    let tally = sender.await;
    let report = receiver.await?;
    Ok(Transfer {
        elapsed: start.elapsed(),
        report: report?,
        tally: tally?,
        burst_reads: burst_reads.load(Ordering::Relaxed),
    })
}

/// Prints throughput, how the burst arrived, and what the receiver kept.
fn summarize(transfer: &Transfer, total: u64, small: usize, burst: u64) {
    let Transfer {
        elapsed,
        report,
        tally,
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
    println!(
        "received {} files, refused {}{}; receipts: {} stored intact, {} refused, {} damaged",
        report.received,
        report.refused,
        match &report.end {
            End::Clean => String::new(),
            end => format!(" (the connection ended: {end:?})"),
        },
        tally.intact,
        tally.refused,
        tally.damaged
    );
}

/// Reads from the socket, counting how many reads the first `threshold`
/// bytes took.
struct CountingReader<R> {
    inner: R,
    threshold: u64,
    bytes: u64,
    burst_reads: Arc<AtomicU64>,
}

impl<R: AsyncRead + Unpin> AsyncRead for CountingReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        let len = (buf.filled().len() - before) as u64;
        if this.bytes < this.threshold && len > 0 {
            this.burst_reads.fetch_add(1, Ordering::Relaxed);
        }
        this.bytes += len;
        Poll::Ready(Ok(()))
    }
}

/// Accepts one connection and serves it as `transfer recv` does, counting
/// the reads that the first `threshold` bytes (the burst) took.
async fn receive_once(
    listener: TcpListener,
    shared: Arc<Shared>,
    threshold: u64,
    burst_reads: Arc<AtomicU64>,
) -> io::Result<Report> {
    let (stream, peer) = listener.accept().await?;
    let (read, write) = stream.into_split();
    let counting = CountingReader {
        inner: read,
        threshold,
        bytes: 0,
        burst_reads,
    };
    let (_stop, stopped) = watch::channel(false);
    Ok(connection::serve(counting, write, peer, &shared, stopped).await)
}

/// The frames of all small files, one after the other, to be written at once.
fn encode_burst(small: &[Generated]) -> io::Result<Vec<u8>> {
    let mut burst = blocking_writer(Vec::new(), Wire::Default.config())?;
    for generated in small {
        let body = fs::read(&generated.file.path)?;
        let header = Upload {
            file_name: &generated.file.name,
            file_size: body.len() as u64,
        };
        burst.write_frame(&header, &body)?;
    }
    Ok(burst.into_inner())
}

/// Sends the burst of small files in one write, then the large file, while
/// reading the receipts of all of them.
async fn send_all(
    stream: TcpStream,
    burst: &[u8],
    large: &Generated,
    small: &[Generated],
) -> io::Result<Tally> {
    let (read, mut write) = stream.into_split();
    let (sent_tx, sent_rx) = mpsc::unbounded_channel();
    for generated in small {
        // The receiver is this function's own future: it is there.
        let _ = sent_tx.send(Sent {
            name: generated.file.name.clone(),
            size: generated.file.size,
            sha256: Some(generated.sha256),
        });
    }
    let sending = async {
        write.write_all(burst).await?;
        let mut writer = upload_writer(write, Wire::Default.config())?;
        send::send_files(
            &mut writer,
            std::slice::from_ref(&large.file),
            &sent_tx,
            false,
        )
        .await?;
        drop(sent_tx);
        writer.shutdown().await
    };
    let mut tally = Tally::default();
    let answers = async {
        let mut receipts = receipt_reader(read)?;
        send::read_receipts(&mut receipts, sent_rx, &mut tally).await
    };
    let (sent, answered) = tokio::join!(sending, answers);
    sent.and(answered)?;
    Ok(tally)
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
