//! Frames exactly as the tutorial's Python writes them — produced by a real
//! `python3` running `struct.pack('i', len(h)) + h + body` with
//! `h = json.dumps(header).encode()` — decode under `Config::python_struct()`,
//! and both typed parses treat the escapes `json.dumps` writes as documented.

use std::process::Command;

use serde::Deserialize;
use std::ops::ControlFlow;

use unstick::{Config, Decoder, Event, ParseError};

/// Runs the tutorial's sender code in Python and returns the bytes it would
/// have sent for `(header, body)` pairs given as Python literals.
fn python_sends(frames: &str) -> Vec<u8> {
    let script = format!(
        "import json, struct, sys\n\
         out = b''\n\
         for header, body in {frames}:\n\
         \x20   h = json.dumps(header).encode('utf-8')\n\
         \x20   out += struct.pack('i', len(h)) + h + body\n\
         sys.stdout.buffer.write(out)\n"
    );
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[derive(Debug, Deserialize)]
struct Borrowed<'a> {
    file_name: &'a str,
    file_size: u64,
}

#[derive(Debug, Deserialize)]
struct Owned {
    file_name: heapless::String<64>,
    file_size: u64,
}

/// Decodes `wire` and returns, per frame, the header JSON and the body.
fn frames(wire: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut decoder = Decoder::<256>::new(Config::python_struct()).unwrap();
    let mut frames: Vec<(String, Vec<u8>)> = Vec::new();
    decoder
        .feed(&mut &wire[..], |event| {
            match event {
                Event::Header(header) => frames.push((header.json().to_owned(), Vec::new())),
                Event::Body { chunk, .. } => frames.last_mut().unwrap().1.extend_from_slice(chunk),
                Event::FrameEnd => {}
            }
            ControlFlow::<()>::Continue(())
        })
        .unwrap();
    decoder.finish().unwrap();
    frames
}

#[test]
fn python_frames_decode_byte_for_byte() {
    let wire = python_sends(
        "[({'file_name': 'a.txt', 'file_size': 5}, b'hello'), \
          ({'file_name': 'empty', 'file_size': 0}, b''), \
          ({'file_name': 'b.bin', 'file_size': 3}, b'\\x00\\xff\\x10')]",
    );
    let expected_start = [
        &38i32.to_le_bytes()[..],
        br#"{"file_name": "a.txt", "file_size": 5}hello"#,
    ]
    .concat();
    assert!(
        wire.starts_with(&expected_start),
        "python wrote what the spec says"
    );
    let frames = frames(&wire);
    assert_eq!(frames.len(), 3);
    assert_eq!(
        frames[0],
        (
            r#"{"file_name": "a.txt", "file_size": 5}"#.to_owned(),
            b"hello".to_vec()
        )
    );
    assert_eq!(frames[1].1, b"");
    assert_eq!(frames[2].1, b"\x00\xff\x10");
}

#[test]
fn python_escapes_non_ascii_names_parse_refuses_them_and_parse_unescaped_restores_them() {
    let wire = python_sends("[({'file_name': '电影.mp4', 'file_size': 2}, b'ok')]");
    let frames = frames(&wire);
    let json = &frames[0].0;
    assert_eq!(json, r#"{"file_name": "\u7535\u5f71.mp4", "file_size": 2}"#);

    let mut decoder = Decoder::<256>::new(Config::python_struct()).unwrap();
    let mut input = &wire[..];
    let Some(Event::Header(header)) = decoder.decode(&mut input).unwrap() else {
        panic!("header first")
    };

    assert_eq!(
        header.parse::<Borrowed>().unwrap_err(),
        ParseError::EscapedString,
        "a borrowed field cannot hold the real text"
    );
    assert_eq!(
        header.parse::<Owned>().unwrap_err(),
        ParseError::EscapedString,
        "parse never hands out the escaped text, not even to owned fields"
    );
    assert!(
        ParseError::EscapedString
            .to_string()
            .contains("parse_unescaped"),
        "the error names the fix"
    );

    let mut scratch = [0u8; 64];
    let owned: Owned = header.parse_unescaped(&mut scratch).unwrap();
    assert_eq!(owned.file_name, "电影.mp4");
    assert_eq!(owned.file_size, 2);

    let mut tiny = [0u8; 4];
    assert_eq!(
        header.parse_unescaped::<Owned>(&mut tiny).unwrap_err(),
        ParseError::ScratchTooSmall
    );
    assert_eq!(
        header
            .parse_unescaped::<Borrowed>(&mut scratch)
            .unwrap_err(),
        ParseError::Rejected,
        "a borrowed &str field cannot take a decoded string"
    );
}

#[test]
fn escape_free_python_headers_parse_without_copying() {
    let wire = python_sends("[({'file_name': 'a.txt', 'file_size': 1}, b'x')]");
    let mut decoder = Decoder::<256>::new(Config::python_struct()).unwrap();
    let mut input = &wire[..];
    let Some(Event::Header(header)) = decoder.decode(&mut input).unwrap() else {
        panic!("header first")
    };
    let borrowed: Borrowed = header.parse().unwrap();
    assert_eq!(borrowed.file_name, "a.txt");
    assert_eq!(borrowed.file_size, 1);
    let json = header.json().as_bytes().as_ptr_range();
    assert!(
        json.contains(&borrowed.file_name.as_ptr()),
        "the name borrows the decoder's header buffer"
    );
}

#[test]
fn python_escapes_quotes_backslashes_and_controls() {
    let wire = python_sends(r#"[({'file_name': 'a "q" \\ b\n.txt', 'file_size': 0}, b'')]"#);
    let mut decoder = Decoder::<256>::new(Config::python_struct()).unwrap();
    let mut input = &wire[..];
    let Some(Event::Header(header)) = decoder.decode(&mut input).unwrap() else {
        panic!("header first")
    };
    let mut scratch = [0u8; 64];
    let owned: Owned = header.parse_unescaped(&mut scratch).unwrap();
    assert_eq!(owned.file_name, "a \"q\" \\ b\n.txt");
}
