//! The promise both encoders keep: a frame's body is exactly as long as its
//! prefix or header declares. One counter, shared by
//! [`Encoder`](crate::Encoder) and [`RawEncoder`](crate::RawEncoder).

use crate::error::EncodeError;

/// Body bytes the open frame still expects; `None` between frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyCount(Option<u64>);

impl BodyCount {
    /// No frame is open.
    pub(crate) const BETWEEN_FRAMES: Self = Self(None);

    /// Body bytes the open frame still expects, or `None` between frames.
    pub(crate) const fn remaining(&self) -> Option<u64> {
        self.0
    }

    /// Refuses to start a frame while one is open.
    pub(crate) const fn ready(&self) -> Result<(), EncodeError> {
        match self.0 {
            Some(remaining) => Err(EncodeError::FrameInProgress { remaining }),
            None => Ok(()),
        }
    }

    /// Opens a frame whose body is `len` bytes.
    pub(crate) fn open(&mut self, len: u64) {
        self.0 = Some(len);
    }

    /// Counts `chunk` as the next body bytes and hands it back.
    pub(crate) fn take<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError> {
        let remaining = self.0.ok_or(EncodeError::NoFrameInProgress)?;
        match remaining.checked_sub(chunk.len() as u64) {
            Some(left) => {
                self.0 = Some(left);
                Ok(chunk)
            }
            None => Err(EncodeError::BodyOverrun {
                remaining,
                chunk: chunk.len(),
            }),
        }
    }

    /// Closes the frame, which must have had its whole body.
    pub(crate) fn end(&mut self) -> Result<(), EncodeError> {
        match self.0 {
            Some(0) => {
                self.0 = None;
                Ok(())
            }
            Some(missing) => Err(EncodeError::BodyUnderrun { missing }),
            None => Err(EncodeError::NoFrameInProgress),
        }
    }
}
