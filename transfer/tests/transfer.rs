//! Process-level tests of the `transfer` binary and of the Python peers in
//! `examples/python/` (at the workspace root): Rust→Rust, Python→Rust,
//! Rust→Python, naive client and server written the tutorial's way,
//! hostile file names, a truncated upload, 32 concurrent senders, the demo
//! and the bench. `tests/hostile.rs` tries the receiver and the sender as a
//! hostile peer would.
//!
//! # Sizes
//! Kept small for CI; raise them with environment variables:
//! `TRANSFER_TEST_LARGE` (bytes of the large files, default 4 MiB),
//! `TRANSFER_TEST_SMALL` (number of small files in the demo, default 100),
//! `TRANSFER_TEST_CONCURRENT` (bytes per file of the 32 concurrent
//! senders, default 64 KiB).
//!
//! The Python tests need `python3` (3.8 or later, standard library only).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::process::{Command, Output};
use std::thread::{self, JoinHandle};

use common::{
    Receiver, assert_success, content, env_size, exe, expected, python, python_dir, read_dir, run,
    rust_send, send_raw_frames, source_files, upload_frame,
};

fn large_size() -> usize {
    env_size("TRANSFER_TEST_LARGE", 4 << 20)
}

/// A mix of sizes and names: empty, tiny, non-ASCII, large.
fn sample_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty.txt", Vec::new()),
        ("a.txt", b"hello".to_vec()),
        ("电影.mp4", content(1, 70_000)),
        ("large.bin", content(2, large_size())),
    ]
}

#[test]
fn rust_sender_to_rust_receiver_every_file_intact() {
    let files = sample_files();
    let (_src, paths) = source_files(&files);
    let receiver = Receiver::rust("default", &["--once"]);
    let sent = rust_send(&receiver.addr, "default", &paths);
    assert_success(&sent, "send");
    let finished = receiver.finish();
    assert!(finished.status.success(), "{finished:?}");
    assert!(finished.files == expected(&files), "files differ");
    assert_eq!(finished.stdout.matches("received ").count(), files.len());
}

#[test]
fn python_sender_to_rust_receiver() {
    let files = sample_files();
    let (_src, paths) = source_files(&files);
    let receiver = Receiver::rust("python-struct", &["--once"]);
    let mut sender = python(&python_dir().join("sender.py"));
    sender.args(["--to", &receiver.addr]).args(&paths);
    assert_success(&run(sender), "sender.py");
    let finished = receiver.finish();
    assert!(finished.status.success(), "{finished:?}");
    assert!(finished.files == expected(&files), "files differ");
}

#[test]
fn rust_sender_to_python_receiver() {
    let files = sample_files();
    let (_src, paths) = source_files(&files);
    let receiver = Receiver::python(&["--once"]);
    assert_success(&rust_send(&receiver.addr, "python-struct", &paths), "send");
    let finished = receiver.finish();
    assert!(finished.status.success(), "{finished:?}");
    assert!(finished.files == expected(&files), "files differ");
}

/// A naive upload client written the way the tutorial teaches: plain
/// `send` (not `sendall`), native `struct.pack('i', ...)`, 1 KiB file reads.
const TUTORIAL_CLIENT: &str = r#"
import json, os, socket, struct, sys
address, path = sys.argv[1], sys.argv[2]
host, port = address.rsplit(':', 1)
conn = socket.create_connection((host, int(port)))
meta = {'file_name': os.path.basename(path), 'file_size': os.path.getsize(path)}
head = json.dumps(meta).encode('utf-8')
conn.send(struct.pack('i', len(head)))
conn.send(head)
left = meta['file_size']
with open(path, 'rb') as source:
    while left:
        piece = source.read(1024)
        conn.send(piece)
        left -= len(piece)
conn.close()
"#;

/// A naive upload server written the way the tutorial teaches: one
/// connection, one file, `recv(4)` and `recv(n)` trusted to return whole
/// fields, the file saved in the working directory under the name it was
/// sent; plus a line that says which port it got.
const TUTORIAL_SERVER: &str = r#"
import json, socket, struct
server = socket.socket()
server.bind(('127.0.0.1', 0))
server.listen()
print('listening on %s:%d' % server.getsockname(), flush=True)
conn, _ = server.accept()
(head_len,) = struct.unpack('i', conn.recv(4))
meta = json.loads(conn.recv(head_len).decode('utf-8'))
left = meta['file_size']
with open(meta['file_name'], 'wb') as target:
    while left:
        piece = conn.recv(1024)
        target.write(piece)
        left -= len(piece)
conn.close()
server.close()
"#;

#[test]
fn tutorial_client_to_rust_receiver() {
    let files = [("电影.mp4", content(3, 100_000))];
    let (_src, paths) = source_files(&files);
    let receiver = Receiver::rust("python-struct", &["--once"]);
    let mut client = Command::new("python3");
    client
        .args(["-B", "-c", TUTORIAL_CLIENT, &receiver.addr])
        .arg(&paths[0]);
    assert_success(&run(client), "the tutorial's client");
    let finished = receiver.finish();
    assert!(finished.status.success(), "{finished:?}");
    assert!(finished.files == expected(&files), "files differ");
}

#[test]
fn rust_sender_to_tutorial_server() {
    let files = [("report.pdf", content(4, 100_000))];
    let (_src, paths) = source_files(&files);
    let cwd = tempfile::tempdir().unwrap();
    let mut command = Command::new("python3");
    command
        .args(["-B", "-c", TUTORIAL_SERVER])
        .current_dir(cwd.path());
    let receiver = Receiver::spawn(command, cwd.path().to_owned(), None);
    assert_success(&rust_send(&receiver.addr, "python-struct", &paths), "send");
    let finished = receiver.finish();
    assert!(finished.status.success(), "{finished:?}");
    assert!(read_dir(cwd.path()) == expected(&files), "files differ");
}

#[test]
fn hostile_names_are_refused_and_other_files_survive() {
    let root = tempfile::tempdir().unwrap();
    let absolute = root.path().join("absolute.txt");
    let long = format!("\"{}\"", "x".repeat(300));
    let hostile: Vec<String> = [
        r#""../escaped.txt""#,
        r#""..""#,
        r#"".""#,
        r#""""#,
        r#""C:\\x.txt""#,
        r#""a\\b.txt""#,
        r#""sub/dir.txt""#,
        r#""a\u0000b.txt""#,
        r#""a\nb.txt""#,
        r#""\u001b[31mred.txt""#,
        r#""\u002e\u002e""#,
        r#""a:stream.txt""#,
        "5",
        "null",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([format!("{:?}", absolute.display().to_string()), long])
    .collect();
    let mut frames = Vec::new();
    let mut good = Vec::new();
    for (i, name) in hostile.iter().enumerate() {
        frames.push(upload_frame(name, b"evil"));
        let body = content(i as u64, 100 + i);
        let good_name = format!("good-{i}.txt");
        frames.push(upload_frame(&format!("\"{good_name}\""), &body));
        good.push((good_name, body));
    }
    let receiver = Receiver::rust("default", &["--once"]);
    send_raw_frames(&receiver.addr, &frames);
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1), "{finished:?}");
    let good: BTreeMap<String, Vec<u8>> = good.into_iter().collect();
    assert!(finished.files == good, "kept: {:?}", finished.files.keys());
    assert_eq!(
        finished.stderr.matches("refused ").count(),
        hostile.len(),
        "{}",
        finished.stderr
    );
    assert!(!absolute.exists());
    assert!(!finished.out.parent().unwrap().join("escaped.txt").exists());
    assert!(
        !finished.stderr.contains('\u{1b}'),
        "names are printed escaped"
    );
}

#[test]
fn header_over_the_limit_ends_the_connection_and_keeps_earlier_files() {
    let name = format!("\"{}\"", "y".repeat(5000));
    let frames = [
        upload_frame("\"before.txt\"", b"kept"),
        upload_frame(&name, b"x"),
        upload_frame("\"after.txt\"", b"never read"),
    ];
    let receiver = Receiver::rust("default", &["--once"]);
    send_raw_frames(&receiver.addr, &frames);
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1));
    assert_eq!(finished.files.keys().collect::<Vec<_>>(), ["before.txt"]);
    assert!(
        finished.stderr.contains("exceeds the limit of 4096 bytes"),
        "{}",
        finished.stderr
    );
}

#[test]
fn truncated_upload_leaves_no_partial_file() {
    let body = content(9, 1 << 20);
    let mut truncated = upload_frame("\"cut.bin\"", &body);
    truncated.truncate(truncated.len() - 1000);
    let frames = [upload_frame("\"whole.txt\"", b"complete"), truncated];
    let receiver = Receiver::rust("default", &["--once"]);
    send_raw_frames(&receiver.addr, &frames);
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1));
    assert_eq!(
        finished.files.keys().collect::<Vec<_>>(),
        ["whole.txt"],
        "no partial file"
    );
    assert!(finished.partial.is_empty(), "{:?}", finished.partial);
    assert!(
        finished
            .stderr
            .contains("input ended inside a body, 1000 bytes short")
            && finished.stderr.contains("cut.bin"),
        "{}",
        finished.stderr
    );
}

#[test]
fn python_receiver_also_drops_a_truncated_upload() {
    let body = content(10, 100_000);
    let json = format!(r#"{{"file_name": "cut.bin", "file_size": {}}}"#, body.len());
    let mut truncated = common::python_frame(&json, &body);
    truncated.truncate(truncated.len() - 10);
    let receiver = Receiver::python(&["--once"]);
    send_raw_frames(&receiver.addr, &[truncated]);
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1));
    assert!(finished.files.is_empty(), "{:?}", finished.files.keys());
    assert!(
        finished.stderr.contains("10 bytes short"),
        "{}",
        finished.stderr
    );
}

#[test]
fn python_receiver_refuses_hostile_names() {
    let frames: Vec<Vec<u8>> = [
        r#""../x""#,
        r#""C:\\x""#,
        r#""a\u0000b""#,
        r#""..""#,
        r#""ok.txt""#,
    ]
    .iter()
    .map(|name| {
        let json = format!(r#"{{"file_name": {name}, "file_size": 2}}"#);
        common::python_frame(&json, b"hi")
    })
    .collect();
    let receiver = Receiver::python(&["--once"]);
    send_raw_frames(&receiver.addr, &frames);
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1));
    assert_eq!(finished.files.keys().collect::<Vec<_>>(), ["ok.txt"]);
    assert_eq!(
        finished.stderr.matches("refused").count(),
        4,
        "{}",
        finished.stderr
    );
}

#[test]
fn existing_file_is_never_overwritten_and_the_sender_says_so() {
    let files = [("a.txt", b"new content".to_vec()), ("b.txt", b"b".to_vec())];
    let (_src, paths) = source_files(&files);
    let receiver = Receiver::rust("default", &["--once"]);
    fs::create_dir_all(&receiver.out).unwrap();
    fs::write(receiver.out.join("a.txt"), b"original").unwrap();
    let sent = rust_send(&receiver.addr, "default", &paths);
    assert_eq!(sent.status.code(), Some(1), "{sent:?}");
    let stdout = String::from_utf8_lossy(&sent.stdout);
    assert!(
        stdout.contains("refused \"a.txt\": exists:") && stdout.contains("stored \"b.txt\""),
        "{stdout}"
    );
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1));
    assert_eq!(finished.files["a.txt"], b"original");
    assert_eq!(finished.files["b.txt"], b"b");
    assert!(
        finished.stderr.contains("already exists; not overwritten"),
        "{}",
        finished.stderr
    );
}

#[test]
fn file_over_max_size_is_refused_and_the_connection_closed() {
    let files = [("fits.bin", content(6, 10)), ("big.bin", content(5, 11))];
    let (_src, paths) = source_files(&files);
    let receiver = Receiver::rust("default", &["--once", "--max-size", "10"]);
    let sent = rust_send(&receiver.addr, "default", &paths);
    assert_eq!(sent.status.code(), Some(1), "{sent:?}");
    let stdout = String::from_utf8_lossy(&sent.stdout);
    assert!(
        stdout.contains("refused \"big.bin\": too_large:"),
        "{stdout}"
    );
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1));
    assert_eq!(finished.files.keys().collect::<Vec<_>>(), ["fits.bin"]);
    assert!(
        finished.stderr.contains("exceeds --max-size")
            && finished
                .stderr
                .contains("closed after a file over --max-size"),
        "{}",
        finished.stderr
    );
}

#[test]
fn thirty_two_concurrent_senders_every_file_intact() {
    let size = env_size("TRANSFER_TEST_CONCURRENT", 64 << 10);
    let receiver = Receiver::rust("default", &[]);
    let mut expected = BTreeMap::new();
    let mut sources = Vec::new();
    for sender in 0..32u64 {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..3u64 {
            let name = format!("s{sender:02}-{i}.bin");
            let body = content(sender * 10 + i, size + (sender * 3 + i) as usize);
            paths.push(dir.path().join(&name));
            fs::write(dir.path().join(&name), &body).unwrap();
            expected.insert(name, body);
        }
        sources.push((dir, paths));
    }
    let senders: Vec<JoinHandle<Output>> = sources
        .iter()
        .map(|(_, paths)| {
            let (addr, paths) = (receiver.addr.clone(), paths.clone());
            thread::spawn(move || rust_send(&addr, "default", &paths))
        })
        .collect();
    for sender in senders {
        assert_success(&sender.join().unwrap(), "send");
    }
    // `send` returns once the receiver has closed the connection, so every
    // file is in place by now.
    let finished = receiver.stop();
    assert_eq!(finished.files.len(), 96, "{}", finished.stderr);
    assert!(finished.files == expected, "files differ");
    assert!(finished.stderr.is_empty(), "{}", finished.stderr);
}

#[test]
fn demo_verifies_every_file() {
    let large = large_size().to_string();
    let small = env_size("TRANSFER_TEST_SMALL", 100).to_string();
    let mut command = Command::new(exe());
    command.args(["--large", &large, "--small", &small, "--small-max", "4KiB"]);
    let output = run(command);
    assert_success(&output, "the demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let files = env_size("TRANSFER_TEST_SMALL", 100) + 1;
    assert!(
        stdout.contains(&format!(
            "verified {files}/{files} files by SHA-256: all intact"
        )),
        "{stdout}"
    );
}

#[test]
fn bench_compares_with_raw_io_copy_and_reads_the_receivers_peak_memory() {
    let mut command = Command::new(exe());
    command.args(["bench", "--size", "1MiB", "--rounds", "1", "--peak-rss"]);
    let output = run(command);
    assert_success(&output, "the bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("ratio adapter/raw"), "{stdout}");
    assert!(stdout.contains("peak RSS (VmHWM)"), "{stdout}");
}

#[test]
fn recv_help_states_the_file_name_policy() {
    let mut command = Command::new(exe());
    command.args(["recv", "--help"]);
    let output = run(command);
    assert_success(&output, "recv --help");
    let help = String::from_utf8_lossy(&output.stdout);
    for rule in [
        "\"..\"",
        "'\\'",
        "never overwritten",
        "partial file",
        "--max-size",
    ] {
        assert!(help.contains(rule), "{rule} missing from:\n{help}");
    }
}
