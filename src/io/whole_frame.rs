//! The part of a whole-frame write that every `FrameWriter` shares: the
//! frame's prefix and header are encoded, the body's length is checked
//! against the header, and the frame is accounted for and closed, all before
//! a byte is written. The adapters then only write the bytes.

use serde::Serialize;

use crate::{EncodeError, Encoder};

/// Encodes the prefix and header of a header frame whose whole body is `body`
/// into `out`, accounts for the body and closes the frame; returns the length
/// of the prefix and header.
///
/// # Errors
/// As [`Encoder::header`], and [`EncodeError::BodyLenMismatch`] if `body` is
/// not as long as the header declares. No frame is left open.
pub(crate) fn whole_frame_head<T: Serialize + ?Sized, const N: usize>(
    encoder: &mut Encoder<N>,
    header: &T,
    body: &[u8],
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let head = encoder.header(header, out)?;
    let actual = body.len() as u64;
    if let Some(declared) = encoder.remaining().filter(|&declared| declared != actual) {
        encoder.reset();
        return Err(EncodeError::BodyLenMismatch { declared, actual });
    }
    encoder.body(body)?;
    encoder.end_frame()?;
    Ok(head)
}
