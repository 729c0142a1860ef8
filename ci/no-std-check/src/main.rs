//! Proves that `unstick` builds without `std` and without an allocator, with
//! every no_std feature on: this binary has its own panic handler, so a
//! dependency that links `std` makes `cargo check` fail with a duplicate
//! `panic_impl` lang item. Each feature is really called (an unused
//! dependency is never loaded): the core, both embedded-io adapters and
//! `defmt::Format`.

#![no_std]
#![no_main]

use core::future::Future;
use core::panic::PanicInfo;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use unstick::io::{embedded, embedded_async};
use unstick::{Config, Decoder, Encoder, Event};

#[derive(serde::Serialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

const UPLOAD: Upload<'static> = Upload { file_name: "a.txt", file_size: 3 };

/// Encodes one frame and decodes it again; returns the body length seen.
#[unsafe(no_mangle)]
pub extern "C" fn roundtrip() -> u64 {
    let Ok(mut encoder) = Encoder::<64>::new(Config::python_struct()) else { return 0 };
    let mut wire = [0u8; 96];
    let Ok(len) = encoder.frame(&UPLOAD, b"abc", &mut wire) else { return 0 };
    let Ok(mut decoder) = Decoder::<64>::new(Config::python_struct()) else { return 0 };
    let mut input = &wire[..len];
    let mut body = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        if let Event::Body { chunk, .. } = event {
            body += chunk.len() as u64;
        }
    }
    body
}

/// The same frame through the blocking embedded-io writer and reader over
/// slices; returns the body length read.
#[unsafe(no_mangle)]
pub extern "C" fn embedded_roundtrip() -> u64 {
    let mut wire = [0u8; 96];
    let Ok(mut writer) = embedded::FrameWriter::<_, 64>::new(&mut wire[..], Config::default())
    else {
        return 0;
    };
    if writer.write_frame(&UPLOAD, b"abc").is_err() {
        return 0;
    }
    let unused = writer.into_inner().len();
    let sent = &wire[..wire.len() - unused];
    let Ok(mut reader) = embedded::FrameReader::<_, 64>::new(sent, Config::default()) else {
        return 0;
    };
    if !matches!(reader.next_header(), Ok(Some(_))) {
        return 0;
    }
    reader.skip_body().unwrap_or(0)
}

/// The same frame through the embedded-io-async writer and reader, polled
/// without an executor (slices are always ready).
#[unsafe(no_mangle)]
pub extern "C" fn embedded_async_roundtrip() -> u64 {
    poll_ready(async {
        let mut wire = [0u8; 96];
        let config = Config::default();
        let Ok(mut writer) = embedded_async::FrameWriter::<_, 64>::new(&mut wire[..], config)
        else {
            return 0;
        };
        if writer.write_frame(&UPLOAD, b"abc").await.is_err() {
            return 0;
        }
        let unused = writer.into_inner().len();
        let sent = &wire[..wire.len() - unused];
        let Ok(mut reader) = embedded_async::FrameReader::<_, 64>::new(sent, config) else {
            return 0;
        };
        if !matches!(reader.next_header().await, Ok(Some(_))) {
            return 0;
        }
        reader.skip_body().await.unwrap_or(0)
    })
    .unwrap_or(0)
}

/// Polls `future` once.
fn poll_ready<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// Needs `defmt::Format` for the crate's error, the embedded error and an
/// event.
#[unsafe(no_mangle)]
pub extern "C" fn loggable() -> bool {
    let errors = (
        unstick::Error::Decode(unstick::DecodeError::HeaderLenZero),
        embedded::Error::<embedded_io::SliceWriteError>::Io(embedded_io::SliceWriteError::Full),
        Event::FrameEnd,
        Config::default(),
    );
    is_format(&errors.0) && is_format(&errors.1) && is_format(&errors.2) && is_format(&errors.3)
}

fn is_format<T: defmt::Format>(_: &T) -> bool {
    true
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}
