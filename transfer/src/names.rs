//! The receiver's file-name policy: a name from the wire is only ever a
//! single file name inside the output directory.

use std::fmt;

/// Longest accepted name, in UTF-8 bytes (`NAME_MAX` on Linux).
pub const MAX_NAME_BYTES: usize = 255;

/// The policy as `transfer recv --help` prints it.
pub const POLICY: &str = r#"FILE NAMES AND FILES (what the receiver accepts):
  A name from the wire is only ever a single file name inside --out. It is
  refused (never rewritten) if it is empty, "." or "..", longer than 255
  bytes, or contains '/', '\', ':', NUL or any other control character
  (U+0000-U+001F, U+007F-U+009F). JSON escapes are decoded first, so
  "\u002e\u002e" is ".." and is refused too. A header longer than 4096
  bytes ends the connection (nothing after it can be trusted); a file over
  --max-size is refused and the connection closed; every other refusal
  skips that file's body and the connection goes on with the next file.
  A body goes to a temporary file in --out/.transfer-partial/ (mode 0600),
  a directory no name from the wire can reach, and is linked to its name
  only once complete: a dropped connection leaves no partial file. An
  existing file is never overwritten (symlinks are not followed): the
  upload is refused. A receiver that starts removes the temporary files a
  killed receiver left in .transfer-partial/ (and nothing else); one
  receiver at a time may use a directory.

LIMITS (what the receiver survives):
  At most --max-connections connections are served at once (lowered to fit
  the open-file limit); others wait in the kernel's accept queue (1024,
  capped by net.core.somaxconn). Accept errors (out of descriptors)
  pause 100 ms to 1 s instead of spinning. A connection on which nothing
  moves for --idle-timeout seconds (no byte read, no receipt byte written)
  is closed and its temporary file removed. SIGINT and SIGTERM stop
  accepting, abort the uploads in flight, remove their temporary files and
  say which. Memory per connection is fixed whatever the number of files.
  Per-file lines are capped (100 per connection, 200 per second over all
  connections); the rest are counted in summary lines. Refusals are printed
  on stderr with their reason when decided.

RECEIPTS (default wire only): every file is answered, in order, by a header
  frame {"file_name", "status": "stored", "size", "sha256"} or
  {"file_name", "status": "refused", "reason", "message"}; reasons: exists,
  bad_name, too_large, io_error, truncated, bad_header."#;

/// Why a name from the wire is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRefusal {
    /// The empty string.
    Empty,
    /// `.` or `..`.
    Dots,
    /// Longer than [`MAX_NAME_BYTES`].
    TooLong { len: usize },
    /// A separator or a control character.
    Forbidden(char),
}

impl fmt::Display for NameRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("the name is empty"),
            Self::Dots => f.write_str("\".\" and \"..\" name directories, not files"),
            Self::TooLong { len } => {
                write!(
                    f,
                    "the name is {len} bytes long; at most {MAX_NAME_BYTES} are accepted"
                )
            }
            Self::Forbidden('/') => f.write_str("the name contains '/', a path separator"),
            Self::Forbidden('\\') => {
                f.write_str("the name contains '\\', a Windows path separator")
            }
            Self::Forbidden(':') => {
                f.write_str("the name contains ':', a Windows drive or stream separator")
            }
            Self::Forbidden(c) => write!(
                f,
                "the name contains the control character U+{:04X}",
                u32::from(c)
            ),
        }
    }
}

/// Accepts `name` only if it is a single, plain file name.
pub fn check(name: &str) -> Result<&str, NameRefusal> {
    if name.is_empty() {
        return Err(NameRefusal::Empty);
    }
    if name == "." || name == ".." {
        return Err(NameRefusal::Dots);
    }
    if let Some(c) = name
        .chars()
        .find(|&c| matches!(c, '/' | '\\' | ':') || c.is_control())
    {
        return Err(NameRefusal::Forbidden(c));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(NameRefusal::TooLong { len: name.len() });
    }
    Ok(name)
}
