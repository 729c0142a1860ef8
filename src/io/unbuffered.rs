//! The reading logic of the [`embedded_io_07`](crate::io::embedded_io_07) and
//! [`embedded_io_async_07`](crate::io::embedded_io_async_07) readers, which
//! have no buffer and never read ahead: they ask the transport for at most
//! what the decoder [`needed`](crate::Decoder::needed) says, so the decoder
//! always takes all of a read and where the reader stands is the decoder's
//! own [`part`](crate::Decoder::part). Every decision is made here; the
//! adapters only make the reads, blocking or with `.await`.
//!
//! Towards the next frame: read [`open_want`] bytes into a stage (prefix and
//! header bytes go on into the decoder's header buffer), hand them to
//! [`open_commit`], repeat until it says the frame is open. A body: read at
//! most [`body_want`] bytes straight into the caller's buffer and hand them
//! to [`body_commit`].

use crate::framing::FrameDecoder;
use crate::{DecodeError, Part};

/// The size of the stage on the stack through which prefix, header and
/// skipped body bytes pass.
pub(crate) const STAGE: usize = 64;

/// How many bytes to read next towards the next frame (at most [`STAGE`]);
/// first ends a frame whose body is complete.
pub(crate) fn open_want<D: FrameDecoder>(decoder: &mut D) -> Result<usize, DecodeError> {
    end_complete_frame(decoder)?;
    Ok(at_most(decoder.needed(), STAGE))
}

/// Hands the decoder `bytes` read after [`open_want`]: `Some(true)` once the
/// next frame is open, `Some(false)` to read on, `None` when the transport
/// ended (`bytes` empty) cleanly between two frames.
///
/// # Errors
/// The decoder's, including its truncation error for a transport that ended
/// inside a frame.
pub(crate) fn open_commit<D: FrameDecoder>(
    decoder: &mut D,
    bytes: &[u8],
) -> Result<Option<bool>, DecodeError> {
    if bytes.is_empty() {
        decoder.finish()?;
        return Ok(None);
    }
    decoder.open_next(&mut &*bytes).map(Some)
}

/// How many body bytes to read next into a buffer of `max` bytes: 0 when no
/// body is being read or it is complete (the frame is then ended).
pub(crate) fn body_want<D: FrameDecoder>(
    decoder: &mut D,
    max: usize,
) -> Result<usize, DecodeError> {
    end_complete_frame(decoder)?;
    match decoder.part() {
        Part::Body => Ok(at_most(decoder.needed(), max)),
        Part::Prefix | Part::Header | Part::Failed => Ok(0),
    }
}

/// Hands the decoder the body bytes read after [`body_want`] and returns
/// their count.
///
/// # Errors
/// The decoder's truncation error if the transport ended (`bytes` empty).
pub(crate) fn body_commit<D: FrameDecoder>(
    decoder: &mut D,
    bytes: &[u8],
) -> Result<usize, DecodeError> {
    if bytes.is_empty() {
        decoder.finish()?;
    }
    decoder.body_chunk(&mut &*bytes)?;
    Ok(bytes.len())
}

/// Body bytes of the current frame not yet read (0 between frames).
pub(crate) fn body_remaining<D: FrameDecoder>(decoder: &D) -> u64 {
    match decoder.part() {
        Part::Body => decoder.needed(),
        Part::Prefix | Part::Header | Part::Failed => 0,
    }
}

/// Ends the frame whose body is complete, if any: its frame end is due.
fn end_complete_frame<D: FrameDecoder>(decoder: &mut D) -> Result<(), DecodeError> {
    if decoder.part() == Part::Body && decoder.needed() == 0 {
        decoder.body_chunk(&mut &[][..])?;
    }
    Ok(())
}

/// `needed`, capped at `max`.
fn at_most(needed: u64, max: usize) -> usize {
    usize::try_from(needed).map_or(max, |needed| needed.min(max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Decoder, RawDecoder};

    const JSON: &[u8] = br#"{"file_size":2}"#;

    #[test]
    fn a_header_frame_asks_for_its_prefix_then_its_header_then_its_body() -> Result<(), DecodeError>
    {
        let mut decoder = Decoder::<64>::new(Config::default()).unwrap();
        assert_eq!(open_want(&mut decoder)?, 4);
        assert_eq!(open_commit(&mut decoder, &[0, 0])?, Some(false));
        assert_eq!(open_want(&mut decoder)?, 2);
        assert_eq!(
            open_commit(&mut decoder, &[0, JSON.len() as u8])?,
            Some(false)
        );
        assert_eq!(open_want(&mut decoder)?, JSON.len());
        assert_eq!(open_commit(&mut decoder, &JSON[..4])?, Some(false));
        assert_eq!(open_commit(&mut decoder, &JSON[4..])?, Some(true));
        assert_eq!(decoder.header().map(|h| h.body_len()), Some(2));
        assert_eq!(body_remaining(&decoder), 2);
        assert_eq!(body_want(&mut decoder, 8)?, 2);
        Ok(())
    }

    #[test]
    fn a_raw_frame_opens_with_its_prefix_and_ends_with_its_payload() -> Result<(), DecodeError> {
        let mut decoder = RawDecoder::new(Config::default());
        assert_eq!(open_commit(&mut decoder, &[0, 0, 0, 3])?, Some(true));
        assert_eq!(body_remaining(&decoder), 3);
        assert_eq!(body_want(&mut decoder, 2)?, 2);
        assert_eq!(body_commit(&mut decoder, b"ab")?, 2);
        assert_eq!(body_commit(&mut decoder, b"c")?, 1);
        assert_eq!(body_want(&mut decoder, 2)?, 0);
        assert!(decoder.is_at_frame_boundary());
        assert_eq!(
            open_commit(&mut decoder, &[])?,
            None,
            "a clean end between frames"
        );
        Ok(())
    }

    #[test]
    fn an_end_inside_a_frame_is_the_decoders_truncation_error() {
        let mut decoder = Decoder::<64>::new(Config::default()).unwrap();
        assert_eq!(open_commit(&mut decoder, &[0, 0, 0]), Ok(Some(false)));
        let err = DecodeError::TruncatedPrefix { missing: 1 };
        assert_eq!(open_commit(&mut decoder, &[]), Err(err));
        assert_eq!(
            open_want(&mut decoder),
            Ok(0),
            "a failed decoder needs nothing"
        );
        assert_eq!(
            open_commit(&mut decoder, &[]),
            Err(err),
            "the error is final"
        );
    }
}
