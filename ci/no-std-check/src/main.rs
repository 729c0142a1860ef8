//! Proves that `unstick` builds without `std` and without an allocator, with
//! every no_std feature on: this binary has its own panic handler, so a
//! dependency that links `std` makes `cargo check` fail with a duplicate
//! `panic_impl` lang item. Each feature is really called (an unused
//! dependency is never loaded): the core for both kinds of frames (header
//! and raw, pull and push, typed header parsing), both embedded-io adapters
//! for both kinds, and `defmt::Format`.

#![no_std]
#![no_main]

use core::future::Future;
use core::ops::ControlFlow;
use core::panic::PanicInfo;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use unstick::io::{embedded_io_07, embedded_io_async_07};
use unstick::{Config, Decoder, Encoder, Event, RawDecoder, RawEncoder, RawEvent};

#[derive(serde::Serialize, serde::Deserialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

const UPLOAD: Upload<'static> = Upload {
    file_name: "a.txt",
    file_size: 3,
};

/// Encodes one header frame and decodes it again, parsing its header;
/// returns the body length seen.
#[unsafe(no_mangle)]
pub extern "C" fn roundtrip() -> u64 {
    let Ok(mut encoder) = Encoder::<64>::new(Config::python_struct()) else {
        return 0;
    };
    let mut wire = [0u8; 96];
    let Ok(len) = encoder.frame(&UPLOAD, b"abc", &mut wire) else {
        return 0;
    };
    let Ok(mut decoder) = Decoder::<64>::new(Config::python_struct()) else {
        return 0;
    };
    let mut input = &wire[..len];
    let mut body = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        match event {
            Event::Header(header) if header.parse::<Upload>().is_err() => return 0,
            Event::Body { chunk, .. } => body += chunk.len() as u64,
            _ => {}
        }
    }
    body
}

/// Encodes two raw frames (whole, then prefix and payload in pieces) and
/// decodes them with `feed`; returns the payload length seen.
#[unsafe(no_mangle)]
pub extern "C" fn raw_roundtrip() -> u64 {
    let mut encoder = RawEncoder::new(Config::python_struct());
    let mut wire = [0u8; 32];
    let Ok(first) = encoder.frame(b"dir", &mut wire) else {
        return 0;
    };
    let Ok(second) = encoder.start(2, &mut wire[first..]) else {
        return 0;
    };
    let end = first + second;
    let Ok(payload) = encoder.body(b"ls") else {
        return 0;
    };
    wire[end..end + payload.len()].copy_from_slice(payload);
    if encoder.end_frame().is_err() {
        return 0;
    }
    let mut decoder = RawDecoder::new(Config::python_struct());
    let mut input = &wire[..end + payload.len()];
    let mut body = 0;
    let fed = decoder.feed(&mut input, |event| {
        if let RawEvent::Body { chunk, .. } = event {
            body += chunk.len() as u64;
        }
        ControlFlow::<()>::Continue(())
    });
    if fed.is_err() || decoder.finish().is_err() {
        return 0;
    }
    body
}

/// A header frame and a raw frame through the blocking embedded-io writers
/// and readers over slices; returns the body and payload lengths read.
#[unsafe(no_mangle)]
pub extern "C" fn embedded_roundtrip() -> u64 {
    embedded_header().unwrap_or(0) + embedded_raw().unwrap_or(0)
}

fn embedded_header() -> Result<u64, embedded_io_07::Error<embedded_io::SliceWriteError>> {
    let mut wire = [0u8; 96];
    let mut writer =
        embedded_io_07::FrameWriter::new(&mut wire[..], Encoder::<64>::new(Config::default())?);
    writer.write_frame(&UPLOAD, b"abc")?;
    let unused = writer.into_inner().len();
    let sent = &wire[..wire.len() - unused];
    let mut reader = embedded_io_07::FrameReader::new(sent, Decoder::<64>::new(Config::default())?);
    let Ok(Some(header)) = reader.next_header() else {
        return Ok(0);
    };
    let Ok(upload) = header.parse::<Upload>() else {
        return Ok(0);
    };
    if upload.file_name != UPLOAD.file_name {
        return Ok(0);
    }
    Ok(reader.skip_body().unwrap_or(0))
}

fn embedded_raw() -> Result<u64, embedded_io_07::Error<embedded_io::SliceWriteError>> {
    let mut wire = [0u8; 16];
    let mut writer =
        embedded_io_07::RawFrameWriter::new(&mut wire[..], RawEncoder::new(Config::default()));
    writer.write_frame(b"dir")?;
    let unused = writer.into_inner().len();
    let sent = &wire[..wire.len() - unused];
    let mut reader = embedded_io_07::RawFrameReader::new(sent, RawDecoder::new(Config::default()));
    if !matches!(reader.next_start(), Ok(Some(3))) {
        return Ok(0);
    }
    Ok(reader.skip_body().unwrap_or(0))
}

/// The same frames through the embedded-io-async writers and readers,
/// polled without an executor (slices are always ready).
#[unsafe(no_mangle)]
pub extern "C" fn embedded_async_roundtrip() -> u64 {
    poll_ready(async {
        let header = async_header().await.unwrap_or(0);
        let raw = async_raw().await.unwrap_or(0);
        header + raw
    })
    .unwrap_or(0)
}

async fn async_header() -> Result<u64, embedded_io_async_07::Error<embedded_io::SliceWriteError>> {
    let mut wire = [0u8; 96];
    let encoder = Encoder::<64>::new(Config::default())?;
    let mut writer = embedded_io_async_07::FrameWriter::new(&mut wire[..], encoder);
    writer.write_frame(&UPLOAD, b"abc").await?;
    let unused = writer.into_inner().len();
    let sent = &wire[..wire.len() - unused];
    let decoder = Decoder::<64>::new(Config::default())?;
    let mut reader = embedded_io_async_07::FrameReader::new(sent, decoder);
    if !matches!(reader.next_header().await, Ok(Some(_))) {
        return Ok(0);
    }
    Ok(reader.skip_body().await.unwrap_or(0))
}

async fn async_raw() -> Result<u64, embedded_io_async_07::Error<embedded_io::SliceWriteError>> {
    let mut wire = [0u8; 16];
    let encoder = RawEncoder::new(Config::default());
    let mut writer = embedded_io_async_07::RawFrameWriter::new(&mut wire[..], encoder);
    writer.write_frame(b"dir").await?;
    let unused = writer.into_inner().len();
    let sent = &wire[..wire.len() - unused];
    let mut reader =
        embedded_io_async_07::RawFrameReader::new(sent, RawDecoder::new(Config::default()));
    if !matches!(reader.next_start().await, Ok(Some(3))) {
        return Ok(0);
    }
    Ok(reader.skip_body().await.unwrap_or(0))
}

/// Polls `future` once.
fn poll_ready<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// Needs `defmt::Format` for the crate's errors, the embedded error, both
/// kinds of events and the configuration.
#[unsafe(no_mangle)]
pub extern "C" fn loggable() -> bool {
    let values = (
        unstick::Error::Decode(unstick::DecodeError::HeaderLenZero),
        embedded_io_07::Error::<embedded_io::SliceWriteError>::Io(
            embedded_io::SliceWriteError::Full,
        ),
        Event::FrameEnd,
        RawEvent::Start { len: 3 },
        Config::default(),
        unstick::ParseError::EscapedString,
    );
    is_format(&values.0)
        && is_format(&values.1)
        && is_format(&values.2)
        && is_format(&values.3)
        && is_format(&values.4)
        && is_format(&values.5)
}

fn is_format<T: defmt::Format>(_: &T) -> bool {
    true
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}
