//! Shared support of the process-level tests: the `transfer` binary and the
//! Python peers as child processes, hand-made frames, and the files a
//! receiver left. Every child runs under a deadline; everything runs on
//! `127.0.0.1` with port 0 (receivers print the real port).

#![allow(dead_code)] // each test binary uses its own part of this module

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Output, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// How long any child may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(120);

/// The receiver's directory of temporary files inside `--out`.
pub const PARTIAL_DIR: &str = ".transfer-partial";

/// The `transfer` binary under test.
pub fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_transfer")
}

/// `TRANSFER_TEST_*` sizes: the default unless the variable says otherwise.
pub fn env_size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The Python peers, at the workspace root.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/python")
}

/// `python3 -B SCRIPT`.
pub fn python(script: &Path) -> Command {
    let mut command = Command::new("python3");
    command.arg("-B").arg(script);
    command
}

/// A running receiver: its address, output directory, and its output so far.
pub struct Receiver {
    pub child: Child,
    pub addr: String,
    pub out: PathBuf,
    pub dir: Option<TempDir>,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

/// How a receiver exited, what it printed, and the files it left.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    /// The output directory (kept until this is dropped).
    pub out: PathBuf,
    /// Its files, without the partial directory.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The names in the partial directory but its lock: temporary files.
    pub partial: Vec<String>,
    pub dir: Option<TempDir>,
}

impl Receiver {
    /// Starts `command` with `--out DIR` appended (a fresh directory),
    /// reads `listening on ADDR`.
    pub fn start(command: Command) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        Self::start_in(command, out, Some(dir))
    }

    /// Starts `command` with `--out OUT` appended.
    pub fn start_in(mut command: Command, out: PathBuf, dir: Option<TempDir>) -> Self {
        command.arg("--out").arg(&out);
        Self::spawn(command, out, dir)
    }

    /// Starts `command` as it is; its first stdout line must be
    /// `listening on ADDR`.
    pub fn spawn(mut command: Command, out: PathBuf, dir: Option<TempDir>) -> Self {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("receiver starts");
        let stderr = drain(child.stderr.take().unwrap());
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let first = read_line(&mut stdout);
        let Some(addr) = first.trim_end().strip_prefix("listening on ") else {
            let status = child.wait().unwrap();
            let err = stderr.join().unwrap();
            panic!("the first line is {first:?}, not `listening on ADDR` ({status}):\n{err}");
        };
        let addr = addr.to_owned();
        assert!(
            addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"),
            "{addr}"
        );
        Self {
            child,
            addr,
            out,
            dir,
            stdout: drain(stdout),
            stderr,
        }
    }

    /// `transfer recv --listen 127.0.0.1:0 --wire WIRE EXTRA... --out DIR`.
    pub fn rust(wire: &str, extra: &[&str]) -> Self {
        Self::start(recv_command(wire, extra))
    }

    /// `examples/python/receiver.py --listen 127.0.0.1:0 EXTRA...`.
    pub fn python(extra: &[&str]) -> Self {
        let mut command = python(&python_dir().join("receiver.py"));
        command.args(["--listen", "127.0.0.1:0"]).args(extra);
        Self::start(command)
    }

    /// Waits for the receiver to exit.
    pub fn finish(mut self) -> Finished {
        let status = wait(&mut self.child);
        Finished {
            status,
            stdout: self.stdout.join().unwrap(),
            stderr: self.stderr.join().unwrap(),
            files: read_dir(&self.out),
            partial: partial_files(&self.out),
            out: self.out,
            dir: self.dir,
        }
    }

    /// Kills a receiver that serves forever (SIGKILL).
    pub fn stop(mut self) -> Finished {
        self.child.kill().unwrap();
        self.finish()
    }

    /// Sends `signal` (`-INT`, `-TERM`, `-KILL`) to the receiver.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(signal)
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// A field of /proc/PID/status in kB (Linux).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|line| line.starts_with(field)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// User plus system CPU time of the receiver so far, from
    /// /proc/PID/stat, in clock ticks (100 per second on Linux).
    pub fn cpu_ticks(&self) -> u64 {
        let stat = fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of stat; 3 is the first here.
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }
}

/// `transfer recv --listen 127.0.0.1:0 --wire WIRE EXTRA...` (no `--out`).
pub fn recv_command(wire: &str, extra: &[&str]) -> Command {
    let mut command = Command::new(exe());
    command
        .args(["recv", "--listen", "127.0.0.1:0", "--wire", wire])
        .args(extra);
    command
}

fn drain<R: Read + Send + 'static>(mut source: R) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        source.read_to_end(&mut bytes).unwrap();
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for `child`, killing it past the deadline.
pub fn wait(child: &mut Child) -> ExitStatus {
    wait_for(child, DEADLINE).unwrap_or_else(|| {
        child.kill().unwrap();
        panic!("a child process ran past the deadline");
    })
}

/// Waits for `child` up to `limit`; `None` if it is still running.
pub fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `command` to completion (with the deadline) and returns its output.
pub fn run(mut command: Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let status = wait(&mut child);
    Output {
        status,
        stdout: stdout.join().unwrap().into_bytes(),
        stderr: stderr.join().unwrap().into_bytes(),
    }
}

pub fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `transfer send --to ADDR --wire WIRE EXTRA... FILES...`.
pub fn send_command(addr: &str, wire: &str, extra: &[&str], files: &[PathBuf]) -> Command {
    let mut command = Command::new(exe());
    command
        .args(["send", "--to", addr, "--wire", wire])
        .args(extra)
        .args(files);
    command
}

pub fn rust_send(addr: &str, wire: &str, files: &[PathBuf]) -> Output {
    run(send_command(addr, wire, &[], files))
}

/// Every file in `dir` but the partial directory, by name (none if `dir`
/// does not exist); a symlink's content is `symlink -> TARGET`.
pub fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().unwrap() != PARTIAL_DIR)
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let content = match fs::read_link(&path) {
                Ok(target) => format!("symlink -> {}", target.display()).into_bytes(),
                Err(_) => fs::read(&path).unwrap(),
            };
            (name, content)
        })
        .collect()
}

/// The names in `out`'s partial directory, but its lock file.
pub fn partial_files(out: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(out.join(PARTIAL_DIR)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".lock")
        .collect();
    names.sort();
    names
}

/// Pseudo-random bytes, different for every seed.
pub fn content(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Writes `files` into a fresh directory; returns it and the paths.
pub fn source_files(files: &[(&str, Vec<u8>)]) -> (TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let paths = files
        .iter()
        .map(|(name, body)| {
            let path = dir.path().join(name);
            fs::write(&path, body).unwrap();
            path
        })
        .collect();
    (dir, paths)
}

pub fn expected(files: &[(&str, Vec<u8>)]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(name, body)| ((*name).to_owned(), body.clone()))
        .collect()
}

/// A frame on the default wire, built by hand: 4-byte big-endian length,
/// JSON header, body.
pub fn header_frame(json: &str, body: &[u8]) -> Vec<u8> {
    let mut frame = (json.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(json.as_bytes());
    frame.extend_from_slice(body);
    frame
}

/// What `struct.pack('i', len(h)) + h + body` writes, `h` being JSON text.
pub fn python_frame(json: &str, body: &[u8]) -> Vec<u8> {
    let mut frame = (json.len() as i32).to_le_bytes().to_vec();
    frame.extend_from_slice(json.as_bytes());
    frame.extend_from_slice(body);
    frame
}

/// An upload frame on the default wire; `name_json` is JSON text.
pub fn upload_frame(name_json: &str, body: &[u8]) -> Vec<u8> {
    let json = format!(r#"{{"file_name":{name_json},"file_size":{}}}"#, body.len());
    header_frame(&json, body)
}

/// Writes hand-made frames to `addr` in one go, half-closes, and returns
/// what came back (the receipts) until the receiver closed.
pub fn send_raw_frames(addr: &str, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    // the receiver may refuse and go on, or stop reading: both are fine here
    let _ = stream.write_all(&frames.concat());
    let _ = stream.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

/// The JSON headers of the receipt frames in `bytes` (default wire: every
/// receipt has an empty body).
pub fn receipts(mut bytes: &[u8]) -> Vec<String> {
    let mut headers = Vec::new();
    while bytes.len() >= 4 {
        let len = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        let json = &bytes[4..4 + len];
        headers.push(String::from_utf8(json.to_vec()).unwrap());
        bytes = &bytes[4 + len..];
    }
    assert!(bytes.is_empty(), "a receipt was cut");
    headers
}

/// Reads one line from a child's stdout.
pub fn read_line(stdout: &mut BufReader<ChildStdout>) -> String {
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    line
}
