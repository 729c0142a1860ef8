//! Decoded events with body chunks merged, comparable however the input was split.

use unstick::{Event, Header, RawEvent};

/// One decoded event, owned; consecutive body chunks are merged into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A header: its JSON text and declared body length.
    Header {
        /// The JSON text, as received.
        json: String,
        /// The declared body length.
        body_len: u64,
    },
    /// The start of a raw frame.
    RawStart {
        /// The payload length.
        len: u64,
    },
    /// All body bytes of one frame (absent when the body is empty).
    Body(Vec<u8>),
    /// The end of a frame.
    FrameEnd,
}

impl Seen {
    /// The owned form of a header.
    pub fn header(header: &Header<'_>) -> Self {
        Self::Header {
            json: header.json().to_owned(),
            body_len: header.body_len(),
        }
    }
}

/// Appends `event` to `seen`, merging a body chunk into a preceding body.
pub fn push(seen: &mut Vec<Seen>, event: &Event<'_, '_>) {
    match event {
        Event::Header(header) => seen.push(Seen::header(header)),
        Event::Body { chunk, .. } => push_body(seen, chunk),
        Event::FrameEnd => seen.push(Seen::FrameEnd),
    }
}

/// Appends a raw frame's `event` to `seen`, as [`push`] does.
pub fn push_raw(seen: &mut Vec<Seen>, event: &RawEvent<'_>) {
    match event {
        RawEvent::Start { len } => seen.push(Seen::RawStart { len: *len }),
        RawEvent::Body { chunk, .. } => push_body(seen, chunk),
        RawEvent::FrameEnd => seen.push(Seen::FrameEnd),
    }
}

/// Appends body bytes to `seen`, merging with a preceding body; nothing for
/// an empty chunk.
pub fn push_body(seen: &mut Vec<Seen>, chunk: &[u8]) {
    if chunk.is_empty() {
        return;
    }
    match seen.last_mut() {
        Some(Seen::Body(bytes)) => bytes.extend_from_slice(chunk),
        _ => seen.push(Seen::Body(chunk.to_vec())),
    }
}
