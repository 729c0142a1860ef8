//! A custom event loop driving the sans-IO core: a mio server on loopback
//! serves several non-blocking connections at once, one [`Decoder`] per
//! connection, while client threads each send a burst of frames.
//!
//! The server reads into a small buffer, so a read may end in the middle of a
//! frame (the decoder keeps the partial prefix or header and goes on with the
//! next read) or hold several frames (the decoder hands them out one by one,
//! never consuming past the event it returns). It checks every frame against
//! what the client sent, prints what it received and exits by itself: after
//! all clients have closed their connections cleanly, or with an error after
//! ten seconds.
//!
//! ```text
//! cargo run --example event_loop
//! ```

use std::collections::HashMap;
use std::error::Error;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::thread;
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use serde::{Deserialize, Serialize};
use unstick::{Config, Decoder, Encoder, Event};

/// Client threads, each on its own connection.
const CLIENTS: u32 = 8;
/// Frames in each client's burst.
const FRAMES: u32 = 12;
/// The server's read buffer: smaller than a burst, so reads split frames.
const READ_BUF: usize = 100;
/// Header buffer of every decoder and encoder.
const CAPACITY: usize = 256;
/// The server gives up after this long.
const DEADLINE: Duration = Duration::from_secs(10);
const LISTENER: Token = Token(0);

/// The header of every frame; `file_size` is the body length.
#[derive(Serialize, Deserialize)]
struct Note<'a> {
    client: u32,
    seq: u32,
    topic: &'a str,
    file_size: u64,
}

/// The body client `client` sends in frame `seq`: empty for every fifth
/// frame, else its name and up to 39 `x`.
fn body(client: u32, seq: u32) -> Vec<u8> {
    if seq.is_multiple_of(5) {
        return Vec::new();
    }
    let mut body = format!("c{client}s{seq}:").into_bytes();
    body.resize(body.len() + (seq as usize * 7) % 40, b'x');
    body
}

const TOPICS: [&str; 3] = ["weather", "traffic", "news"];

/// One frame as the server received it.
struct Received {
    client: u32,
    seq: u32,
    topic: String,
    body: Vec<u8>,
}

/// A connection and its own decoder, with what came through it.
struct Connection {
    stream: TcpStream,
    decoder: Decoder<CAPACITY>,
    current: Option<Received>,
    frames: Vec<Received>,
    reads: u32,
    reads_ending_inside_a_frame: u32,
    reads_ending_several_frames: u32,
}

impl Connection {
    fn new(stream: TcpStream) -> Result<Self, unstick::ConfigError> {
        Ok(Self {
            stream,
            decoder: Decoder::new(Config::default())?,
            current: None,
            frames: Vec::new(),
            reads: 0,
            reads_ending_inside_a_frame: 0,
            reads_ending_several_frames: 0,
        })
    }

    /// Reads until the socket would block; `true` once the peer has closed
    /// the connection cleanly, between two frames.
    fn on_readable(&mut self) -> io::Result<bool> {
        let mut buf = [0u8; READ_BUF];
        loop {
            match self.stream.read(&mut buf) {
                Ok(0) => {
                    self.decoder.finish()?;
                    return Ok(true);
                }
                Ok(len) => self.take(&buf[..len])?,
                Err(err) if err.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// Hands one read to the decoder and collects the frames it completes.
    fn take(&mut self, mut input: &[u8]) -> io::Result<()> {
        self.reads += 1;
        let mut ended = 0;
        while let Some(event) = self.decoder.decode(&mut input)? {
            match event {
                Event::Header(header) => {
                    let note: Note = header.parse()?;
                    self.current = Some(Received {
                        client: note.client,
                        seq: note.seq,
                        topic: note.topic.to_owned(),
                        body: Vec::new(),
                    });
                }
                Event::Body { chunk, .. } => {
                    if let Some(frame) = &mut self.current {
                        frame.body.extend_from_slice(chunk);
                    }
                }
                Event::FrameEnd => {
                    self.frames.extend(self.current.take());
                    ended += 1;
                }
            }
        }
        if ended > 1 {
            self.reads_ending_several_frames += 1;
        }
        if !self.decoder.is_at_frame_boundary() {
            self.reads_ending_inside_a_frame += 1;
        }
        Ok(())
    }
}

/// Serves until `CLIENTS` connections have closed; returns them.
fn serve(mut listener: TcpListener) -> io::Result<Vec<Connection>> {
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(64);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut open = HashMap::new();
    let mut next_token = LISTENER.0 + 1;
    let mut closed = Vec::new();
    let deadline = Instant::now() + DEADLINE;
    while closed.len() < CLIENTS as usize {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Err(io::Error::new(ErrorKind::TimedOut, "clients took too long"));
        };
        poll.poll(&mut events, Some(left))?;
        for event in events.iter() {
            match event.token() {
                LISTENER => accept_all(&listener, &poll, &mut open, &mut next_token)?,
                token => {
                    if let Some(done) = read_connection(&poll, &mut open, token)? {
                        closed.push(done);
                    }
                }
            }
        }
    }
    Ok(closed)
}

/// Accepts every pending connection and registers it for reading under a
/// token of its own.
fn accept_all(
    listener: &TcpListener,
    poll: &Poll,
    open: &mut HashMap<Token, Connection>,
    next_token: &mut usize,
) -> io::Result<()> {
    loop {
        let mut stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(err) if err.kind() == ErrorKind::WouldBlock => return Ok(()),
            Err(err) => return Err(err),
        };
        let token = Token(*next_token);
        *next_token += 1;
        poll.registry()
            .register(&mut stream, token, Interest::READABLE)?;
        open.insert(token, Connection::new(stream)?);
    }
}

/// Reads what `token`'s connection has; returns the connection once it is
/// closed (cleanly, or after an error, which is printed).
fn read_connection(
    poll: &Poll,
    open: &mut HashMap<Token, Connection>,
    token: Token,
) -> io::Result<Option<Connection>> {
    let Some(mut connection) = open.remove(&token) else {
        return Ok(None);
    };
    match connection.on_readable() {
        Ok(false) => {
            open.insert(token, connection);
            return Ok(None);
        }
        Ok(true) => {}
        Err(err) => println!("connection {}: dropped: {err}", token.0),
    }
    poll.registry().deregister(&mut connection.stream)?;
    Ok(Some(connection))
}

/// Connects to `addr` and sends all frames of client `client` in one burst.
fn client(addr: SocketAddr, client: u32) -> Result<(), Box<dyn Error + Send + Sync>> {
    let mut encoder = Encoder::<CAPACITY>::new(Config::default())?;
    let mut burst = Vec::new();
    let mut out = [0u8; 512];
    for seq in 0..FRAMES {
        let body = body(client, seq);
        let note = Note {
            client,
            seq,
            topic: TOPICS[seq as usize % TOPICS.len()],
            file_size: body.len() as u64,
        };
        let len = encoder.frame(&note, &body, &mut out)?;
        burst.extend_from_slice(&out[..len]);
    }
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.write_all(&burst)?;
    stream.shutdown(Shutdown::Write)?;
    Ok(())
}

/// Prints what `connection` received, one `topic/body length` per frame,
/// and checks it against what its client sent; returns the number of frames.
fn report(connection: &Connection) -> Result<usize, String> {
    let Some(first) = connection.frames.first() else {
        return Err("a connection closed without a frame".into());
    };
    let client = first.client;
    let frames: Vec<String> = connection
        .frames
        .iter()
        .map(|frame| format!("{}/{}", frame.topic, frame.body.len()))
        .collect();
    println!(
        "client {client}: {} frames in {} reads ({} ended inside a frame, {} completed several): {}",
        connection.frames.len(),
        connection.reads,
        connection.reads_ending_inside_a_frame,
        connection.reads_ending_several_frames,
        frames.join(" "),
    );
    for (seq, frame) in (0..).zip(&connection.frames) {
        if frame.client != client || frame.seq != seq || frame.body != body(client, seq) {
            return Err(format!(
                "client {client}: frame {seq} differs from what was sent"
            ));
        }
    }
    if connection.frames.len() != FRAMES as usize {
        return Err(format!(
            "client {client}: only {} frames arrived",
            connection.frames.len()
        ));
    }
    Ok(connection.frames.len())
}

fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let listener = TcpListener::bind("127.0.0.1:0".parse()?)?;
    let addr = listener.local_addr()?;
    println!("serving on {addr}, {CLIENTS} clients x {FRAMES} frames, {READ_BUF}-byte reads");
    let clients: Vec<_> = (0..CLIENTS)
        .map(|id| thread::spawn(move || client(addr, id)))
        .collect();
    let connections = serve(listener)?;
    for handle in clients {
        handle.join().map_err(|_| "a client thread panicked")??;
    }
    let mut total = 0;
    for connection in &connections {
        total += report(connection)?;
    }
    println!(
        "received {total} frames from {} connections",
        connections.len()
    );
    Ok(())
}
