//! A small file transfer over loopback with the tokio adapter.
//!
//! The client uploads three files (one of them 1 MiB, one empty) on one TCP
//! connection, each as a header frame whose body is streamed from its
//! source, then closes its side. The server streams each body through
//! SHA-256 in 16 KiB pieces (memory stays flat whatever the file size) and
//! answers every upload with a receipt frame whose body is the hex digest;
//! the client checks the digests. Both directions use the same frames. It
//! exits by itself, with an error if anything is off or after ten seconds.
//!
//! ```text
//! cargo run --example async_transfer --features tokio
//! ```

use std::error::Error;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::net::{TcpListener, TcpStream};
use unstick::io::tokio::{FrameReader, FrameWriter};
use unstick::{Config, Decoder, Encoder};

type BoxError = Box<dyn Error + Send + Sync>;

/// Header buffer of every reader and writer.
const CAPACITY: usize = 256;

/// The header of an upload; `file_size` is the body length.
#[derive(Serialize, Deserialize)]
struct Upload {
    file_name: String,
    file_size: u64,
}

/// The header of a receipt; its body (`file_size` bytes) is the SHA-256 of
/// the upload, in hex.
#[derive(Serialize, Deserialize)]
struct Receipt {
    file_name: String,
    received: u64,
    file_size: u64,
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The files the client sends.
fn files() -> Vec<(&'static str, Vec<u8>)> {
    let mut state = 0x2545_f491_u32;
    let noise = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    vec![
        ("hello.txt", b"hello, world\n".to_vec()),
        ("empty.log", Vec::new()),
        ("noise.bin", noise),
    ]
}

/// Receives uploads until the client closes its side; answers each with a
/// receipt.
async fn serve(listener: TcpListener) -> Result<(), BoxError> {
    let (stream, peer) = listener.accept().await?;
    println!("server: connection from {peer}");
    let (read, write) = stream.into_split();
    let mut uploads = FrameReader::new(read, Decoder::<CAPACITY>::new(Config::default())?);
    let mut receipts = FrameWriter::new(write, Encoder::<CAPACITY>::new(Config::default())?);
    let mut piece = vec![0u8; 16 * 1024];
    while let Some(upload) = uploads.next_header_as::<Upload>().await? {
        let mut hasher = Sha256::new();
        let mut received = 0;
        loop {
            let len = uploads.read_body(&mut piece).await?;
            if len == 0 {
                break;
            }
            hasher.update(&piece[..len]);
            received += len as u64;
        }
        let digest = hex(&hasher.finalize());
        println!(
            "server: {} ({received} bytes) sha256 {digest}",
            upload.file_name
        );
        let receipt = Receipt {
            file_name: upload.file_name,
            received,
            file_size: digest.len() as u64,
        };
        receipts.write_frame(&receipt, digest.as_bytes()).await?;
    }
    println!("server: the client closed its side between two frames");
    receipts.shutdown().await?;
    Ok(())
}

/// Uploads every file, closes its side, then checks the receipts.
async fn client(addr: std::net::SocketAddr) -> Result<(), BoxError> {
    let (read, write) = TcpStream::connect(addr).await?.into_split();
    let mut uploads = FrameWriter::new(write, Encoder::<CAPACITY>::new(Config::default())?);
    let files = files();
    for (name, data) in &files {
        let upload = Upload {
            file_name: (*name).to_owned(),
            file_size: data.len() as u64,
        };
        let sent = uploads.write_frame_from(&upload, &mut &data[..]).await?;
        println!("client: sent {name} ({sent} bytes)");
    }
    uploads.shutdown().await?;

    let mut receipts = FrameReader::new(read, Decoder::<CAPACITY>::new(Config::default())?);
    for (name, data) in &files {
        let Some(receipt) = receipts.next_header_as::<Receipt>().await? else {
            return Err(format!("no receipt for {name}").into());
        };
        let mut digest = vec![0u8; 64];
        let len = receipts.read_body(&mut digest).await?;
        let expected = hex(&Sha256::digest(data));
        if receipt.file_name != *name
            || receipt.received != data.len() as u64
            || digest[..len] != *expected.as_bytes()
        {
            return Err(format!("the receipt for {name} does not match").into());
        }
        println!("client: receipt for {name} matches");
    }
    if receipts.next_header().await?.is_some() {
        return Err("an unexpected extra receipt".into());
    }
    Ok(())
}

async fn transfer() -> Result<(), BoxError> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(serve(listener));
    client(addr).await?;
    server.await??;
    println!("done: every file arrived intact");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    tokio::time::timeout(Duration::from_secs(10), transfer()).await?
}
