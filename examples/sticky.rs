//! The sticky-packet problem and its cure, in one run, without a network.
//!
//! A sender makes three `send("hello")` calls. TCP promises only the order of
//! the bytes, so the receiver may get them in one read ("glued"), or get a
//! message cut in two ("short read"). Reading "whatever arrived" as one
//! message is wrong both ways; framing each message with a length prefix and
//! a JSON header, and decoding with `unstick`, is right both ways.
//!
//! Run: `cargo run --example sticky`

use serde::{Deserialize, Serialize};
use unstick::{Config, Decoder, Encoder, Event};

#[derive(Serialize, Deserialize)]
struct Message<'a> {
    file_name: &'a str,
    file_size: u64,
}

fn main() -> Result<(), unstick::Error> {
    println!("The problem: three send(\"hello\") calls, unframed");
    let unframed = b"hellohellohello";
    show_naive("one read gets everything", &[unframed]);
    show_naive(
        "a short read cuts a message",
        &[&unframed[..7], &unframed[7..]],
    );

    println!("\nThe cure: each message framed as prefix | JSON header | body");
    let wire = encode_three_hellos()?;
    println!(
        "  on the wire: {} bytes for 15 bytes of payload",
        wire.len()
    );
    decode_and_show("one read gets all three frames", &[&wire])?;
    let cut = [&wire[..2], &wire[2..22], &wire[22..31], &wire[31..]];
    decode_and_show("reads of 2, 20, 9 and the rest", &cut)?;
    let bytes: Vec<&[u8]> = wire.chunks(1).collect();
    decode_and_show("one byte per read", &bytes)?;
    Ok(())
}

/// What a receiver that treats every read as one message sees.
fn show_naive(scenario: &str, reads: &[&[u8]]) {
    println!("  {scenario}:");
    for read in reads {
        println!("    message: {:?}", String::from_utf8_lossy(read));
    }
}

fn encode_three_hellos() -> Result<Vec<u8>, unstick::Error> {
    let mut encoder = Encoder::<64>::new(Config::default())?;
    let mut wire = Vec::new();
    let mut out = [0u8; 64];
    for i in 1..=3 {
        let name = format!("hello-{i}.txt");
        let header = Message {
            file_name: &name,
            file_size: 5,
        };
        let n = encoder.frame(&header, b"hello", &mut out)?;
        wire.extend_from_slice(&out[..n]);
    }
    Ok(wire)
}

/// Decodes `reads` in order and prints one line per complete frame.
fn decode_and_show(scenario: &str, reads: &[&[u8]]) -> Result<(), unstick::Error> {
    println!("  {scenario} ({} reads):", reads.len());
    let mut decoder = Decoder::<64>::new(Config::default())?;
    let mut name = String::new();
    let mut body = Vec::new();
    for read in reads {
        let mut input = *read;
        while let Some(event) = decoder.decode(&mut input)? {
            match event {
                Event::Header(header) => {
                    let message: Message = header.parse()?;
                    name = message.file_name.to_owned();
                }
                Event::Body { chunk, .. } => body.extend_from_slice(chunk),
                Event::FrameEnd => {
                    println!("    frame: {name} = {:?}", String::from_utf8_lossy(&body));
                    body.clear();
                }
            }
        }
    }
    decoder.finish()?;
    Ok(())
}
