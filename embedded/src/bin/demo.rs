//! The demo: a microcontroller receiving the Python tutorial's uploads.
//!
//! Three frames of the tutorial's `python-struct` profile arrive glued into
//! one byte stream, the first with the `\u`-escaped name that `json.dumps`
//! writes for `电影.mp4`. The firmware decodes the stream three times — one
//! byte per call, in irregular pieces, whole — printing the events of the
//! first pass over semihosting, parses every header with `parse_unescaped`
//! into a `heapless::String` (and checks that the zero-copy `parse` refuses
//! the escaped name instead of handing out its raw text), checks names and
//! bodies, encodes a reply frame and decodes it back. QEMU exits with success only if every check held.
//!
//! From `embedded/`: `cargo run --release --bin demo` (Cortex-M3), or
//! `cargo run --release --bin demo --target thumbv6m-none-eabi` (Cortex-M0).

#![no_std]
#![no_main]

use core::{fmt, str};

use cortex_m_semihosting::hprintln;
use heapless::{String, Vec};
use serde::{Deserialize, Serialize};
use unstick::{
    Config, ConfigError, DecodeError, Decoder, EncodeError, Encoder, Event, Header, ParseError,
};

/// What the tutorial's client sends for three files: for each,
/// `struct.pack('i', len(h))` (4 bytes, little endian), `h = json.dumps(header)`,
/// then the file's bytes.
const STREAM: &[u8] =
    b"\x32\0\0\0{\"file_name\": \"\\u7535\\u5f71.mp4\", \"file_size\": 11}movie bytes\
\x26\0\0\0{\"file_name\": \"a.txt\", \"file_size\": 3}abc\
\x2a\0\0\0{\"file_name\": \"empty.txt\", \"file_size\": 0}";

/// The files in [`STREAM`]: unescaped name and body.
const FILES: [(&str, &[u8]); 3] = [
    ("电影.mp4", b"movie bytes"),
    ("a.txt", b"abc"),
    ("empty.txt", b""),
];

/// The body of the reply frame.
const REPLY_BODY: &str = "ok";

/// The tutorial's header, with the name unescaped into an owned string.
#[derive(Deserialize)]
struct Upload {
    file_name: String<64>,
    file_size: u64,
}

/// The tutorial's header, borrowing the name from the decoder's buffer.
#[derive(Deserialize)]
struct UploadRef<'a> {
    file_name: &'a str,
    file_size: u64,
}

/// The header of the reply frame.
#[derive(Serialize)]
struct Reply<'a> {
    file_name: &'a str,
    status: &'a str,
    file_size: u64,
}

/// One frame as received: unescaped name and the body bytes.
struct Received {
    name: String<64>,
    body: Vec<u8, 16>,
}

/// Why the demo stopped before its checks were done.
enum Failure {
    Config(ConfigError),
    Decode(DecodeError),
    Parse(ParseError),
    Encode(EncodeError),
    /// The stream held something the demo does not expect.
    Unexpected(&'static str),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(err) => write!(f, "configuration: {err}"),
            Self::Decode(err) => write!(f, "decoding: {err}"),
            Self::Parse(err) => write!(f, "parsing a header: {err}"),
            Self::Encode(err) => write!(f, "encoding: {err}"),
            Self::Unexpected(what) => write!(f, "unexpected: {what}"),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(err: ConfigError) -> Self {
        Self::Config(err)
    }
}

impl From<DecodeError> for Failure {
    fn from(err: DecodeError) -> Self {
        Self::Decode(err)
    }
}

impl From<ParseError> for Failure {
    fn from(err: ParseError) -> Self {
        Self::Parse(err)
    }
}

impl From<EncodeError> for Failure {
    fn from(err: EncodeError) -> Self {
        Self::Encode(err)
    }
}

/// How the stream is cut into the slices handed to the decoder.
#[derive(Clone, Copy)]
enum Feeding {
    OneByte,
    Irregular,
    Whole,
}

impl Feeding {
    /// Pieces of the irregular feeding, in turn.
    const IRREGULAR: [usize; 6] = [1, 2, 3, 5, 8, 13];

    fn describe(self) -> &'static str {
        match self {
            Self::OneByte => "one byte per call",
            Self::Irregular => "pieces of 1, 2, 3, 5, 8, 13 bytes",
            Self::Whole => "the whole stream in one call",
        }
    }

    /// The length of the `index`th piece.
    fn piece_len(self, index: usize) -> usize {
        match self {
            Self::OneByte => 1,
            Self::Irregular => Self::IRREGULAR[index % Self::IRREGULAR.len()],
            Self::Whole => usize::MAX,
        }
    }
}

#[cortex_m_rt::entry]
fn main() -> ! {
    let ok = run().unwrap_or_else(|failure| {
        hprintln!("FAILED: {}", failure);
        false
    });
    hprintln!(
        "{}",
        if ok {
            "all checks held"
        } else {
            "a check FAILED"
        }
    );
    unstick_embedded::exit(ok)
}

/// Every pass and the reply; `Ok(false)` if a check did not hold.
fn run() -> Result<bool, Failure> {
    hprintln!(
        "unstick demo: {} frames of the tutorial's python-struct profile, {} bytes glued",
        FILES.len(),
        STREAM.len()
    );
    let mut ok = true;
    for (pass, feeding) in [Feeding::OneByte, Feeding::Irregular, Feeding::Whole]
        .into_iter()
        .enumerate()
    {
        hprintln!("pass {}, {}:", pass + 1, feeding.describe());
        let frames = receive(STREAM, feeding, pass == 0)?;
        if pass == 0 {
            print_files(&frames);
        }
        ok &= verdict("  every name and body as sent", matches(&frames, &FILES));
    }
    ok &= reply(FILES[0].0)?;
    Ok(ok)
}

/// Decodes `stream` fed as `feeding` says; prints every event if `verbose`.
fn receive(stream: &[u8], feeding: Feeding, verbose: bool) -> Result<Vec<Received, 4>, Failure> {
    let mut decoder = Decoder::<256>::new(Config::python_struct())?;
    let mut frames = Vec::new();
    let mut rest = stream;
    let mut index = 0;
    while !rest.is_empty() {
        let (mut piece, tail) = rest.split_at(feeding.piece_len(index).min(rest.len()));
        rest = tail;
        index += 1;
        while let Some(event) = decoder.decode(&mut piece)? {
            if verbose {
                print_event(&event);
            }
            on_event(event, &mut frames)?;
        }
    }
    decoder.finish()?;
    Ok(frames)
}

/// Records one event in `frames`.
fn on_event(event: Event<'_, '_>, frames: &mut Vec<Received, 4>) -> Result<(), Failure> {
    match event {
        Event::Header(header) => frames
            .push(on_header(&header)?)
            .map_err(|_| Failure::Unexpected("more than 4 frames")),
        Event::Body { chunk, .. } => {
            let frame = frames
                .last_mut()
                .ok_or(Failure::Unexpected("a body before any header"))?;
            frame
                .body
                .extend_from_slice(chunk)
                .map_err(|_| Failure::Unexpected("a body over 16 bytes"))
        }
        Event::FrameEnd => Ok(()),
    }
}

/// Parses a header into a new frame with its name unescaped.
fn on_header(header: &Header<'_>) -> Result<Received, Failure> {
    let mut scratch = [0; 64];
    let upload: Upload = header.parse_unescaped(&mut scratch)?;
    if upload.file_size != header.body_len() {
        return Err(Failure::Unexpected(
            "file_size differs from the body length",
        ));
    }
    check_zero_copy(header, &upload.file_name)?;
    Ok(Received {
        name: upload.file_name,
        body: Vec::new(),
    })
}

/// Checks that the zero-copy `parse` agrees with `parse_unescaped`: it
/// borrows a name without escapes and refuses an escaped one with
/// `EscapedString`, never handing out the raw escaped text.
fn check_zero_copy(header: &Header<'_>, unescaped: &str) -> Result<(), Failure> {
    match header.parse::<UploadRef>() {
        Ok(upload) if upload.file_name == unescaped && upload.file_size == header.body_len() => {
            Ok(())
        }
        Err(ParseError::EscapedString) if header.json().contains('\\') => Ok(()),
        _ => Err(Failure::Unexpected("parse and parse_unescaped disagree")),
    }
}

/// Prints one event on one line.
fn print_event(event: &Event<'_, '_>) {
    match event {
        Event::Header(header) => {
            hprintln!(
                "  header {} (body: {} bytes)",
                header.json(),
                header.body_len()
            )
        }
        Event::Body { chunk, remaining } => {
            let text = str::from_utf8(chunk).unwrap_or("<not UTF-8>");
            hprintln!("  body {:?} ({} to go)", text, remaining)
        }
        Event::FrameEnd => hprintln!("  frame end"),
    }
}

/// Prints the unescaped name and body length of every frame.
fn print_files(frames: &[Received]) {
    for frame in frames {
        hprintln!(
            "  file {:?}: {} bytes",
            frame.name.as_str(),
            frame.body.len()
        );
    }
}

/// Whether `frames` are exactly `files`, name by name and byte by byte.
fn matches(frames: &[Received], files: &[(&str, &[u8])]) -> bool {
    frames.len() == files.len()
        && frames
            .iter()
            .zip(files)
            .all(|(frame, (name, body))| frame.name == *name && frame.body == *body)
}

/// Prints `what: ok` or `what: FAILED` and returns `ok`.
fn verdict(what: &str, ok: bool) -> bool {
    hprintln!("{}: {}", what, if ok { "ok" } else { "FAILED" });
    ok
}

/// Encodes a reply frame naming `name`, prints it, decodes it back and
/// checks that name and body survived.
fn reply(name: &str) -> Result<bool, Failure> {
    let mut encoder = Encoder::<256>::new(Config::python_struct())?;
    let body = REPLY_BODY.as_bytes();
    let header = Reply {
        file_name: name,
        status: "stored",
        file_size: body.len() as u64,
    };
    let mut wire = [0; 128];
    let len = encoder.frame(&header, body, &mut wire)?;
    let json = str::from_utf8(&wire[4..len - body.len()]).unwrap_or("<not UTF-8>");
    hprintln!(
        "reply frame, {} bytes: 4-byte prefix, {}, body {:?}",
        len,
        json,
        REPLY_BODY
    );
    let frames = receive(&wire[..len], Feeding::Whole, false)?;
    Ok(verdict(
        "reply decoded back",
        matches(&frames, &[(name, body)]),
    ))
}
