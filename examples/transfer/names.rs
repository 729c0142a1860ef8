//! The receiver's file-name policy: a name from the wire is only ever a
//! single file name inside the output directory.

use std::fmt;

/// Longest accepted name, in UTF-8 bytes (`NAME_MAX` on Linux).
pub const MAX_NAME_BYTES: usize = 255;

/// The policy as `transfer recv --help` prints it (keep in sync with the
/// module docs in `main.rs`).
pub const POLICY: &str = r#"FILE NAMES AND FILES (what the receiver accepts):
  A name from the wire is only ever a single file name inside --out. It is
  refused (never rewritten) if it is empty, "." or "..", longer than 255
  bytes, or contains '/', '\', ':', NUL or any other control character
  (U+0000-U+001F, U+007F-U+009F). JSON escapes are decoded first, so
  "\u002e\u002e" is ".." and is refused too. A header longer than 4096
  bytes ends the connection (nothing after it can be trusted); every other
  refusal skips that file's body and the connection goes on with the next
  file.
  A body goes to a temporary file .transfer-*.part in --out (mode 0600) and
  is renamed to its name only once complete: a dropped connection leaves no
  partial file. An existing file is never overwritten: the upload is
  refused. A file larger than --max-size is refused. Every refusal is
  printed on stderr with its reason."#;

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
