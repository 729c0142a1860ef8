//! Bounded logging for the receiver. A hostile sender decides how many
//! files and refusals there are, so per-file lines are capped twice: at
//! [`PER_CONNECTION`] lines per connection (the connection's closing line
//! counts the rest), and at [`PER_SECOND`] lines per second over all
//! connections (a summary line counts what was held back). Output errors
//! (a closed stdout) are ignored: logging never stops the receiver.

use std::fmt;
use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// Per-file lines printed for one connection; the rest are counted.
pub const PER_CONNECTION: u64 = 100;

/// Lines printed per second over all connections; the rest are counted.
pub const PER_SECOND: u64 = 200;

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output: what was received.
    Out,
    /// Standard error: refusals and errors.
    Err,
}

/// Prints a line, ignoring output errors.
pub fn print(stream: Stream, text: fmt::Arguments<'_>) {
    // A closed stdout or stderr must not stop the receiver.
    let _ = match stream {
        Stream::Out => writeln!(io::stdout(), "{text}"),
        Stream::Err => writeln!(io::stderr(), "{text}"),
    };
}

/// The receiver's log: a rate limit shared by all connections.
#[derive(Debug)]
pub struct Log {
    start: Instant,
    window: Mutex<Window>,
}

/// Lines printed and held back in the current second.
#[derive(Debug, Default)]
struct Window {
    second: u64,
    printed: u64,
    held: u64,
}

impl Log {
    /// A log whose first second starts now.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            window: Mutex::new(Window::default()),
        }
    }

    /// Prints `text` unless this second's lines are used up; `true` if
    /// printed.
    pub fn line(&self, stream: Stream, text: fmt::Arguments<'_>) -> bool {
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        self.roll(&mut window);
        if window.printed >= PER_SECOND {
            window.held += 1;
            return false;
        }
        window.printed += 1;
        print(stream, text);
        true
    }

    /// Prints the summary of a past second that held lines back; call it
    /// about once a second.
    pub fn tick(&self) {
        let mut window = self.window.lock().unwrap_or_else(PoisonError::into_inner);
        self.roll(&mut window);
    }

    /// Starts a new window if the second changed, summarising the old one.
    fn roll(&self, window: &mut Window) {
        let second = self.start.elapsed().as_secs();
        if second == window.second {
            return;
        }
        if window.held > 0 {
            print(
                Stream::Err,
                format_args!(
                    "({} log lines held back: more than {PER_SECOND} in one second)",
                    window.held
                ),
            );
        }
        *window = Window {
            second,
            ..Window::default()
        };
    }
}

/// The per-file lines of one connection.
#[derive(Debug, Default)]
pub struct ConnectionLog {
    shown: u64,
    held: u64,
}

impl ConnectionLog {
    /// Prints a per-file line unless this connection's lines or the
    /// second's are used up.
    pub fn line(&mut self, log: &Log, stream: Stream, text: fmt::Arguments<'_>) {
        if self.shown < PER_CONNECTION && log.line(stream, text) {
            self.shown += 1;
        } else {
            self.held += 1;
        }
    }

    /// Per-file lines not printed.
    pub fn held(&self) -> u64 {
        self.held
    }
}
