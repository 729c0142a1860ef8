//! The receiver and the sender tried as a hostile peer would, one test per
//! row of issue 10's table, plus what held before and must keep holding
//! (concurrent uploads, racing senders, symlinks, a full disk). Receivers run
//! with `--idle-timeout 1`; every test is bounded in count and time.
//!
//! Tests that need root (a process limit enforced on an unprivileged user, a
//! small tmpfs) print why they skip when they cannot run.

mod common;

use std::fs;
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{
    Receiver, assert_success, content, env_size, exe, header_frame, partial_files, read_dir,
    receipts, recv_command, run, rust_send, send_command, send_raw_frames, source_files,
    upload_frame, wait_for,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Idle timeout of every receiver here.
const IDLE: &str = "1";

fn recv(extra: &[&str]) -> Receiver {
    let mut args = vec!["--idle-timeout", IDLE];
    args.extend_from_slice(extra);
    Receiver::rust("default", &args)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse(receipt: &str) -> Value {
    serde_json::from_str(receipt).unwrap()
}

/// Opens `count` connections that each send 4 bytes (the prefix of a header
/// that never comes) and stay open; closed when the returned sockets drop.
fn idle_connections(addr: &str, count: usize) -> Vec<TcpStream> {
    (0..count)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(&[0, 0, 0, 40]).unwrap();
            stream
        })
        .collect()
}

/// Sends one good file with `transfer send` and checks it arrived.
fn good_upload(receiver: &Receiver, name: &str) {
    let body = content(77, 100_000);
    let (_src, paths) = source_files(&[(name, body.clone())]);
    let sent = rust_send(&receiver.addr, "default", &paths);
    assert_success(&sent, "the good upload");
    assert_eq!(fs::read(receiver.out.join(name)).unwrap(), body);
}

#[test]
fn idle_connections_past_the_descriptor_limit_neither_spin_nor_block_a_good_upload() {
    if Command::new("prlimit").arg("--version").output().is_err() {
        println!("skipped: needs prlimit (util-linux) to lower the open-file limit");
        return;
    }
    let mut command = Command::new("prlimit");
    command
        .args([
            "--nofile=64:64",
            "--",
            exe(),
            "recv",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--idle-timeout", IDLE]);
    let receiver = Receiver::start(command);
    let cpu_before = receiver.cpu_ticks();
    let start = Instant::now();
    let idle = idle_connections(&receiver.addr, 100);
    good_upload(&receiver, "good.bin");
    let waited = start.elapsed();
    thread::sleep(Duration::from_secs(1));
    let cpu = receiver.cpu_ticks() - cpu_before;
    drop(idle);
    let mut receiver = receiver;
    assert!(
        receiver.child.try_wait().unwrap().is_none(),
        "the receiver died"
    );
    let finished = receiver.stop();
    println!(
        "descriptor limit 64, 100 idle connections: good upload in {:.1} s, receiver CPU {} ms, stderr {} bytes",
        waited.as_secs_f64(),
        cpu * 10,
        finished.stderr.len()
    );
    assert!(
        finished
            .stdout
            .contains("serving at most 24 connections at once"),
        "{}",
        finished.stdout
    );
    // Spinning on EMFILE burnt 80% of a core; a receiver that waits uses
    // next to nothing. The bound is generous for a loaded machine.
    assert!(
        cpu * 10 < (waited.as_millis() as u64 + 1000) / 2,
        "{cpu} ticks"
    );
    assert!(
        finished.stderr.len() < 64 << 10,
        "{}",
        finished.stderr.len()
    );
    assert!(finished.stderr.contains("nothing moved for 1 s"));
}

/// Copies the binary where an unprivileged user can run it, and makes
/// `dir` theirs.
fn for_nobody(dir: &Path) -> PathBuf {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    let exe_copy = dir.join("transfer");
    fs::copy(exe(), &exe_copy).unwrap();
    let out = dir.join("out");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::chown(&out, Some(65534), Some(65534)).unwrap();
    exe_copy
}

#[test]
fn idle_connections_under_a_process_limit_do_not_crash_the_receiver() {
    let mut id = Command::new("id");
    id.arg("-u");
    let is_root = run(id).stdout == b"0\n";
    let has_setpriv = Command::new("setpriv").arg("--version").output().is_ok();
    if !is_root || !has_setpriv {
        println!(
            "skipped: needs root and setpriv to run the receiver as `nobody` (root ignores RLIMIT_NPROC)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let exe_copy = for_nobody(dir.path());
    let mut command = Command::new("prlimit");
    command
        .args([
            "--nproc=40:40",
            "--",
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
        ])
        .args(["--clear-groups", "--"])
        .arg(&exe_copy)
        .args(["recv", "--listen", "127.0.0.1:0", "--idle-timeout", IDLE]);
    let receiver = Receiver::start_in(command, dir.path().join("out"), None);
    let idle = idle_connections(&receiver.addr, 200);
    good_upload(&receiver, "good.bin");
    let threads = receiver.status_kib("Threads");
    drop(idle);
    let mut receiver = receiver;
    assert!(
        receiver.child.try_wait().unwrap().is_none(),
        "the receiver died"
    );
    let finished = receiver.stop();
    println!(
        "process limit 40 as nobody, 200 idle connections: {threads} threads, good upload served"
    );
    assert!(threads <= 8, "{threads} threads");
    assert!(!finished.stderr.contains("panicked"), "{}", finished.stderr);
}

#[test]
fn a_stalled_header_is_closed_after_the_idle_timeout() {
    let receiver = recv(&["--once"]);
    let mut stream = TcpStream::connect(&receiver.addr).unwrap();
    stream.write_all(&[0, 0, 0, 40, b'{', b'"', b'f']).unwrap();
    let start = Instant::now();
    let mut receiver = receiver;
    let status = wait_for(&mut receiver.child, Duration::from_secs(10));
    let elapsed = start.elapsed();
    assert!(status.is_some(), "still open after 10 s");
    let finished = receiver.finish();
    println!("stalled header closed after {:.1} s", elapsed.as_secs_f64());
    assert_eq!(finished.status.code(), Some(1));
    assert!(
        finished.stderr.contains("nothing moved for 1 s"),
        "{}",
        finished.stderr
    );
}

#[test]
fn a_stalled_body_is_closed_and_its_temporary_file_removed() {
    let receiver = recv(&["--once"]);
    let mut stream = TcpStream::connect(&receiver.addr).unwrap();
    let frame = upload_frame("\"stalled.bin\"", &content(1, 200_000));
    stream.write_all(&frame[..100_000]).unwrap();
    let finished = receiver.finish();
    assert_eq!(finished.status.code(), Some(1));
    assert!(finished.files.is_empty(), "{:?}", finished.files.keys());
    assert!(finished.partial.is_empty(), "{:?}", finished.partial);
    assert!(
        finished.stderr.contains("\"stalled.bin\" cut at")
            && finished.stderr.contains("temporary file removed"),
        "{}",
        finished.stderr
    );
}

#[test]
fn a_slow_but_moving_upload_is_not_idle() {
    let receiver = recv(&["--once"]);
    let body = content(2, 12);
    let frame = upload_frame("\"slow.bin\"", &body);
    let mut stream = TcpStream::connect(&receiver.addr).unwrap();
    // 2.4 s in all, more than twice the idle timeout, a piece every 0.4 s.
    for piece in frame.chunks(frame.len().div_ceil(6)) {
        stream.write_all(piece).unwrap();
        thread::sleep(Duration::from_millis(400));
    }
    stream.shutdown(Shutdown::Write).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let finished = receiver.finish();
    assert!(finished.status.success(), "{finished:?}");
    assert_eq!(finished.files["slow.bin"], body);
    assert_eq!(parse(&receipts(&answer)[0])["status"], "stored");
}

#[test]
fn a_peer_that_never_reads_its_receipts_cannot_stall_the_receiver() {
    let receiver = recv(&["--once"]);
    let name = format!("\"{}/x\"", "n".repeat(200));
    let frame = upload_frame(&name, b"");
    let count = env_size("TRANSFER_TEST_UNREAD_RECEIPTS", 150_000);
    let flood = frame.repeat(count);
    let stream = TcpStream::connect(&receiver.addr).unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let writer = {
        let mut stream = stream.try_clone().unwrap();
        thread::spawn(move || stream.write_all(&flood).is_ok())
    };
    let start = Instant::now();
    let finished = receiver.finish();
    let elapsed = start.elapsed();
    let _ = writer.join();
    println!(
        "receipts never read: connection closed after {:.1} s, stderr {} bytes",
        elapsed.as_secs_f64(),
        finished.stderr.len()
    );
    assert_eq!(finished.status.code(), Some(1));
    assert!(
        finished.stderr.contains("nothing moved for 1 s"),
        "{}",
        finished.stderr
    );
    assert!(finished.stderr.len() < 64 << 10);
}

/// An upload that stops half-way and stays open, so that its temporary
/// file exists; returns the socket once the file is there.
fn upload_in_flight(receiver: &Receiver, name: &str) -> TcpStream {
    let mut stream = TcpStream::connect(&receiver.addr).unwrap();
    let frame = upload_frame(&format!("\"{name}\""), &content(3, 4 << 20));
    stream.write_all(&frame[..1 << 20]).unwrap();
    let start = Instant::now();
    while partial_files(&receiver.out).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no temporary file"
        );
        thread::sleep(Duration::from_millis(10));
    }
    stream
}

#[test]
fn sigint_and_sigterm_abort_uploads_and_leave_no_temporary_file() {
    for signal in ["-INT", "-TERM"] {
        let mut receiver = Receiver::rust("default", &["--idle-timeout", "30"]);
        let _upload = upload_in_flight(&receiver, "cut.bin");
        let _idle = idle_connections(&receiver.addr, 3);
        receiver.signal(signal);
        let start = Instant::now();
        let status = wait_for(&mut receiver.child, Duration::from_secs(6));
        let elapsed = start.elapsed();
        assert!(status.is_some(), "{signal}: still running after 6 s");
        let finished = receiver.finish();
        println!("{signal}: exited in {:.2} s", elapsed.as_secs_f64());
        assert!(
            finished.partial.is_empty(),
            "{signal}: {:?}",
            finished.partial
        );
        assert!(
            finished.files.is_empty(),
            "{signal}: {:?}",
            finished.files.keys()
        );
        let name = if signal == "-INT" {
            "SIGINT"
        } else {
            "SIGTERM"
        };
        assert!(
            finished
                .stderr
                .contains(&format!("{name}: no longer accepting"))
                && finished.stderr.contains("\"cut.bin\" cut at")
                && finished.stderr.contains("stopped: 1 upload aborted"),
            "{}",
            finished.stderr
        );
    }
}

#[test]
fn sigkill_debris_is_removed_on_restart_and_a_look_alike_file_survives() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let look_alike = ".transfer-AbC123.part";
    let killed = Receiver::start_in(recv_command("default", &[]), out.clone(), None);
    let answer = send_raw_frames(
        &killed.addr,
        &[upload_frame(&format!("\"{look_alike}\""), b"real data")],
    );
    assert_eq!(parse(&receipts(&answer)[0])["status"], "stored");
    let _upload = upload_in_flight(&killed, "cut.bin");
    killed.signal("-KILL");
    let killed = killed.finish();
    assert_eq!(killed.partial.len(), 1, "the debris of a killed run");
    let restarted = Receiver::start_in(recv_command("default", &[]), out.clone(), None);
    let finished = restarted.stop();
    assert!(
        finished.stdout.starts_with("removed 1 file (")
            && finished
                .stdout
                .contains("by an earlier receiver that did not finish"),
        "{}",
        finished.stdout
    );
    assert!(finished.partial.is_empty(), "{:?}", finished.partial);
    assert_eq!(finished.files[look_alike], b"real data");
    assert_eq!(finished.files.len(), 1);
}

/// Sends `frames` on one connection from one thread while another reads
/// the receipts; calls `at` with the number of receipts read so far at
/// every 1000th receipt. Returns the receipts' bytes.
fn exchange(addr: &str, frames: Vec<u8>, mut at: impl FnMut(usize)) -> usize {
    let stream = TcpStream::connect(addr).unwrap();
    let mut write = stream.try_clone().unwrap();
    let writer: JoinHandle<()> = thread::spawn(move || {
        write.write_all(&frames).unwrap();
        write.shutdown(Shutdown::Write).unwrap();
    });
    let mut read = BufReader::new(stream);
    let mut count = 0;
    let mut prefix = [0u8; 4];
    while read.read_exact(&mut prefix).is_ok() {
        let mut json = vec![0u8; u32::from_be_bytes(prefix) as usize];
        read.read_exact(&mut json).unwrap();
        count += 1;
        if count % 1000 == 0 {
            at(count);
        }
    }
    writer.join().unwrap();
    count
}

#[test]
fn memory_stays_flat_over_tens_of_thousands_of_files() {
    let count = env_size("TRANSFER_TEST_MANY_FILES", 30_000);
    let receiver = recv(&[]);
    let long = "f".repeat(200);
    let frames: Vec<u8> = (0..count)
        .flat_map(|i| upload_frame(&format!("\"{long}-{i}\""), b""))
        .collect();
    let mut early = 0;
    let answered = exchange(&receiver.addr, frames, |n| {
        if n == 2000 {
            early = receiver.status_kib("VmHWM");
        }
    });
    let late = receiver.status_kib("VmHWM");
    let finished = receiver.stop();
    println!(
        "{count} files on one connection: VmHWM {early} KiB after 2000, {late} KiB at the end"
    );
    assert_eq!(answered, count);
    assert_eq!(finished.files.len(), count);
    assert!(late < early + 1024, "grew from {early} to {late} KiB");
}

#[test]
fn log_stays_small_under_a_flood_of_refusals() {
    let count = env_size("TRANSFER_TEST_REFUSALS", 100_000);
    let receiver = recv(&[]);
    let frame = upload_frame("\"../escape\"", b"x");
    let answered = exchange(&receiver.addr, frame.repeat(count), |_| {});
    thread::sleep(Duration::from_millis(1100));
    let finished = receiver.stop();
    println!(
        "{count} refusals on one connection: stderr {} bytes",
        finished.stderr.len()
    );
    assert_eq!(answered, count);
    assert!(
        finished.stderr.len() < 32 << 10,
        "{} bytes",
        finished.stderr.len()
    );
    assert!(
        finished.stdout.contains(&format!(
            "0 files received, {count} refused ({} per-file lines not shown)",
            count - 100
        )),
        "{}",
        finished.stdout
    );
}

#[test]
fn a_huge_declared_size_is_refused_at_once_and_the_connection_closed() {
    let receiver = recv(&["--once"]);
    let json = format!(r#"{{"file_name":"huge.bin","file_size":{}}}"#, 1u64 << 63);
    let mut stream = TcpStream::connect(&receiver.addr).unwrap();
    stream
        .write_all(&header_frame(&json, &[0u8; 1 << 16]))
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let start = Instant::now();
    let mut answer = Vec::new();
    // The receiver answers and closes while we could go on sending: a reset
    // may follow the receipt.
    let mut piece = [0u8; 4096];
    while let Ok(len @ 1..) = stream.read(&mut piece) {
        answer.extend_from_slice(&piece[..len]);
    }
    let elapsed = start.elapsed();
    let finished = receiver.finish();
    println!(
        "2^63 declared: answered and closed in {:.2} s",
        elapsed.as_secs_f64()
    );
    assert!(elapsed < Duration::from_secs(5));
    let receipt = parse(&receipts(&answer)[0]);
    assert_eq!(receipt["reason"], "too_large");
    assert!(
        finished.stderr.contains("refused \"huge.bin\"")
            && finished.stderr.contains("exceeds --max-size"),
        "{}",
        finished.stderr
    );
    assert!(finished.partial.is_empty() && finished.files.is_empty());
}

#[test]
fn receipts_for_stored_refused_and_truncated_files() {
    let receiver = recv(&["--once"]);
    fs::create_dir_all(&receiver.out).unwrap();
    fs::write(receiver.out.join("old.txt"), b"old").unwrap();
    let mut truncated = upload_frame("\"cut.bin\"", &content(4, 5000));
    truncated.truncate(truncated.len() - 100);
    let frames = [
        upload_frame("\"a.txt\"", b"hello"),
        upload_frame("\"old.txt\"", b"new"),
        upload_frame("\"../x\"", b"evil"),
        header_frame(r#"{"file_size":2}"#, b"no"),
        header_frame(r#"{"file_name":5,"file_size":2}"#, b"no"),
        upload_frame("\"\\u7535.txt\"", b"escaped"),
        truncated,
    ];
    let answer = send_raw_frames(&receiver.addr, &frames);
    let finished = receiver.finish();
    let receipts: Vec<Value> = receipts(&answer).iter().map(|r| parse(r)).collect();
    assert_eq!(receipts.len(), 7, "{receipts:?}");
    assert_eq!(
        receipts[0],
        serde_json::json!({"file_name": "a.txt", "status": "stored", "size": 5, "sha256": hex_sha256(b"hello")})
    );
    let refused = |i: usize| {
        (
            receipts[i]["file_name"].clone(),
            receipts[i]["reason"].clone(),
        )
    };
    assert_eq!(refused(1), ("old.txt".into(), "exists".into()));
    assert_eq!(refused(2), ("../x".into(), "bad_name".into()));
    assert_eq!(refused(3), (Value::Null, "bad_header".into()));
    assert_eq!(refused(4), (Value::Null, "bad_header".into()));
    assert_eq!(receipts[5]["file_name"], "电.txt");
    assert_eq!(receipts[5]["sha256"], hex_sha256(b"escaped"));
    assert_eq!(refused(6), ("cut.bin".into(), "truncated".into()));
    for receipt in &receipts[1..5] {
        assert_eq!(receipt["status"], "refused");
        assert!(receipt["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(finished.files["old.txt"], b"old");
    assert!(finished.partial.is_empty());
}

#[test]
fn python_struct_wire_has_no_receipts_and_the_sender_says_so() {
    let files = [("a.txt", b"a".to_vec())];
    let (_src, paths) = source_files(&files);
    let receiver = Receiver::rust("python-struct", &["--once"]);
    let sent = rust_send(&receiver.addr, "python-struct", &paths);
    assert_success(&sent, "send");
    assert!(String::from_utf8_lossy(&sent.stdout).contains("has no receipts"));
    assert!(receiver.finish().status.success());
}

#[test]
fn sender_exit_status_when_refused_timed_out_or_the_receiver_is_gone() {
    let (_src, paths) = source_files(&[("a.bin", content(5, 8 << 20))]);
    let status = |output: &std::process::Output| output.status.code();

    // refused: the name exists
    let receiver = recv(&["--once"]);
    fs::create_dir_all(&receiver.out).unwrap();
    fs::write(receiver.out.join("a.bin"), b"old").unwrap();
    let refused = rust_send(&receiver.addr, "default", &paths);
    assert_eq!(status(&refused), Some(1), "{refused:?}");
    drop(receiver.finish());

    // timed out: a peer that accepts and never reads
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let start = Instant::now();
    let timed_out = run(send_command(&addr, "default", &["--timeout", "1"], &paths));
    println!("timed out after {:.1} s", start.elapsed().as_secs_f64());
    assert_eq!(status(&timed_out), Some(3), "{timed_out:?}");
    assert!(
        String::from_utf8_lossy(&timed_out.stderr).contains("timed out: nothing moved for 1 s")
    );

    // timed out: a peer that reads everything and never answers
    let reader = thread::spawn(move || {
        let (mut stream, _) = silent.accept().unwrap();
        let _ = stream.read_to_end(&mut Vec::new());
        thread::sleep(Duration::from_secs(3));
    });
    let mute = run(send_command(&addr, "default", &["--timeout", "1"], &paths));
    assert_eq!(status(&mute), Some(3), "{mute:?}");
    reader.join().unwrap();

    // gone: nobody listens
    let gone = run(send_command(&addr, "default", &["--timeout", "1"], &paths));
    assert_eq!(status(&gone), Some(3), "{gone:?}");
    assert!(String::from_utf8_lossy(&gone.stderr).contains("cannot connect"));

    // gone: the receiver closes mid-transfer
    let closing = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closing.local_addr().unwrap().to_string();
    let closer = thread::spawn(move || {
        let (mut stream, _) = closing.accept().unwrap();
        let _ = stream.read_exact(&mut [0u8; 1000]);
    });
    let cut = run(send_command(&addr, "default", &["--timeout", "5"], &paths));
    closer.join().unwrap();
    assert_eq!(status(&cut), Some(3), "{cut:?}");
}

/// Sends one frame, half-closes and reads the answer; the error says
/// which step failed.
fn upload_reporting(addr: &str, frame: &[u8]) -> Result<Vec<u8>, String> {
    let mut stream = TcpStream::connect(addr).map_err(|err| format!("connect: {err}"))?;
    stream
        .write_all(frame)
        .map_err(|err| format!("write: {err}"))?;
    stream
        .shutdown(Shutdown::Write)
        .map_err(|err| format!("shutdown: {err}"))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|err| format!("read: {err}"))?;
    Ok(answer)
}

/// A name, the body sent under it, and what came back.
type Upload = (String, Vec<u8>, Result<Vec<u8>, String>);

#[test]
fn five_hundred_concurrent_uploads_arrive_intact() {
    let count = env_size("TRANSFER_TEST_UPLOADS", 500);
    // Not a timeout test: 244 of the connections wait in the accept queue
    // (256 are served at once), and 500 client threads on a loaded machine
    // need not send within a second of connecting.
    let receiver = Receiver::rust("default", &["--idle-timeout", "30"]);
    let uploads: Vec<JoinHandle<Upload>> = (0..count)
        .map(|i| {
            let addr = receiver.addr.clone();
            thread::spawn(move || {
                let name = format!("u{i:03}.bin");
                let body = content(i as u64, 8_000 + i);
                let frame = upload_frame(&format!("\"{name}\""), &body);
                let answer = upload_reporting(&addr, &frame);
                (name, body, answer)
            })
        })
        .collect();
    let uploads: Vec<Upload> = uploads.into_iter().map(|u| u.join().unwrap()).collect();
    let finished = receiver.stop();
    for (name, body, answer) in uploads {
        let answer = answer.unwrap_or_else(|err| {
            let port = err
                .rsplit("port ")
                .next()
                .unwrap_or("?")
                .trim_end_matches(')');
            let logged: Vec<&str> = finished
                .stdout
                .lines()
                .chain(finished.stderr.lines())
                .filter(|line| line.contains(&format!(":{port} ")))
                .collect();
            panic!(
                "{name}: {err}; stored: {}; the receiver said {logged:?}; its stderr:\n{}",
                finished.files.contains_key(&name),
                finished.stderr
            )
        });
        let receipt = receipts(&answer);
        assert_eq!(receipt.len(), 1, "{name}: {}", finished.stderr);
        assert_eq!(parse(&receipt[0])["sha256"], hex_sha256(&body), "{name}");
        assert_eq!(finished.files[&name], body);
    }
    assert_eq!(finished.files.len(), count);
}

#[test]
fn twenty_racing_senders_of_one_name_make_one_winner_with_pure_content() {
    let receiver = Receiver::rust("default", &["--idle-timeout", "30"]);
    let racers: Vec<JoinHandle<Vec<u8>>> = (0..20u64)
        .map(|i| {
            let addr = receiver.addr.clone();
            thread::spawn(move || {
                let body = content(100 + i, 300_000);
                send_raw_frames(&addr, &[upload_frame("\"race.bin\"", &body)])
            })
        })
        .collect();
    let answers: Vec<Value> = racers
        .into_iter()
        .map(|racer| parse(&receipts(&racer.join().unwrap())[0]))
        .collect();
    let finished = receiver.stop();
    let winners: Vec<&Value> = answers.iter().filter(|r| r["status"] == "stored").collect();
    assert_eq!(winners.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .filter(|r| r["status"] == "refused")
            .all(|r| r["reason"] == "exists")
    );
    assert_eq!(
        winners[0]["sha256"],
        hex_sha256(&finished.files["race.bin"])
    );
    let pure = (0..20u64).any(|i| content(100 + i, 300_000) == finished.files["race.bin"]);
    assert!(pure);
}

#[test]
fn a_symlink_in_out_is_never_followed() {
    let receiver = recv(&["--once"]);
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("target.txt");
    fs::write(&target, b"untouched").unwrap();
    fs::create_dir_all(&receiver.out).unwrap();
    std::os::unix::fs::symlink(&target, receiver.out.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("dangling"),
        receiver.out.join("dangling.txt"),
    )
    .unwrap();
    let answer = send_raw_frames(
        &receiver.addr,
        &[
            upload_frame("\"link.txt\"", b"evil"),
            upload_frame("\"dangling.txt\"", b"evil"),
        ],
    );
    drop(receiver.finish());
    for receipt in receipts(&answer) {
        assert_eq!(parse(&receipt)["reason"], "exists");
    }
    assert_eq!(fs::read(&target).unwrap(), b"untouched");
    assert!(!elsewhere.path().join("dangling").exists());
}

/// A 1 MiB tmpfs, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_refuses_the_file_and_serves_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(dir.path())
        .output();
    if !mounted.is_ok_and(|output| output.status.success()) {
        println!("skipped: cannot mount a small tmpfs (needs root)");
        return;
    }
    let disk = SmallDisk { dir };
    let out = disk.dir.path().join("out");
    let receiver = Receiver::start_in(
        recv_command("default", &["--once", "--idle-timeout", IDLE]),
        out,
        None,
    );
    let answer = send_raw_frames(
        &receiver.addr,
        &[
            upload_frame("\"big.bin\"", &content(6, 2 << 20)),
            upload_frame("\"small.txt\"", b"fits"),
        ],
    );
    let finished = receiver.finish();
    let receipts: Vec<Value> = receipts(&answer).iter().map(|r| parse(r)).collect();
    assert_eq!(receipts[0]["reason"], "io_error", "{receipts:?}");
    assert!(
        receipts[0]["message"]
            .as_str()
            .unwrap()
            .contains("No space left")
    );
    assert_eq!(receipts[1]["status"], "stored");
    assert_eq!(
        read_dir(&finished.out).keys().collect::<Vec<_>>(),
        ["small.txt"]
    );
    assert!(finished.partial.is_empty());
}
