//! The state of an [`embedded`](crate::io::embedded) or
//! [`embedded_async`](crate::io::embedded_async) `FrameReader` without its
//! transport: a [`Decoder`] and where the reader stands in the current frame.
//! There is no read buffer: the reader asks the transport for at most the
//! bytes the decoder still needs for the current prefix, header or body, so
//! every byte read belongs to the current part and is handed to the decoder
//! at once. Every decision is made here; the adapters only make the reads,
//! blocking or with `.await`, into a small stage of their own or the
//! caller's buffer, and hand the bytes to [`commit`](Unbuffered::commit).

use crate::io::embedded::Error;
use crate::{Config, ConfigError, DecodeError, Decoder, EncodeError, Event, FrameKind, Header};

/// Bytes read at most per transport call while a header is assembled or a
/// body skipped (a stage of that size on the stack, or in the future).
pub(crate) const STAGE: usize = 64;

/// Where the reader stands in the current frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Between frames: the next byte is a prefix byte.
    Between,
    /// The prefix is decoded; the header is due.
    Header,
    /// The header (or raw prefix) is decoded; body bytes and `FrameEnd` are due.
    Body,
}

/// A reader's decoder and its place in the frame. See the
/// [module docs](self).
#[derive(Debug)]
pub(crate) struct Unbuffered<const N: usize> {
    decoder: Decoder<N>,
    part: Part,
}

impl<const N: usize> Unbuffered<N> {
    /// A reader's state at the start of a stream of frames.
    pub(crate) fn new(config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            decoder: Decoder::new(config)?,
            part: Part::Between,
        })
    }

    /// The configuration.
    pub(crate) const fn config(&self) -> &Config {
        self.decoder.config()
    }

    /// Body bytes of the current frame not yet read (0 between frames).
    pub(crate) fn body_remaining(&self) -> u64 {
        match self.part {
            Part::Body => self.decoder.needed(),
            Part::Between | Part::Header => 0,
        }
    }

    /// Refuses a call for the other frame kind.
    pub(crate) fn expect_kind<E>(&self, kind: FrameKind) -> Result<(), Error<E>> {
        let configured = self.decoder.config().kind();
        if configured == kind {
            return Ok(());
        }
        Err(Error::Encode(EncodeError::WrongKind { configured }))
    }

    /// Whether the next frame's prefix is being read.
    pub(crate) fn in_prefix(&self) -> bool {
        self.part == Part::Between
    }

    /// How many bytes to read next for the current prefix or header, at most
    /// `max`; 0 once the decoder has failed (reading nothing then reports
    /// its error).
    pub(crate) fn head_want(&self, max: usize) -> usize {
        self.needed().min(max)
    }

    /// Whether `len` bytes just read complete the header: they must then go
    /// to [`header`](Self::header), not to [`commit`](Self::commit).
    pub(crate) fn completes_header(&self, len: usize) -> bool {
        self.part == Part::Header && len != 0 && len == self.needed()
    }

    /// Decodes the bytes that complete the header, and opens the frame's
    /// body.
    pub(crate) fn header<E>(&mut self, last: &[u8]) -> Result<Header<'_>, Error<E>> {
        match self.decoder.decode(&mut &*last) {
            Ok(Some(Event::Header(header))) => {
                self.part = Part::Body;
                Ok(header)
            }
            Err(err) => Err(Error::Decode(err)),
            // The decoder yields the header with the last of the bytes it
            // asks for. Were it ever not to, the header would lack bytes
            // this call cannot read: it is reported as truncated, short of
            // the bytes that should have completed it.
            Ok(_) => Err(Error::Decode(DecodeError::TruncatedHeader {
                missing: last.len(),
            })),
        }
    }

    /// How many body bytes to read into a buffer of `max` bytes, or `None`
    /// when there is nothing to read: between frames, for an empty buffer,
    /// or once the body is complete (the frame is then ended).
    pub(crate) fn body_want<E>(&mut self, max: usize) -> Result<Option<usize>, Error<E>> {
        if self.part != Part::Body || max == 0 {
            return Ok(None);
        }
        match self.needed() {
            0 => {
                self.end_frame()?;
                Ok(None)
            }
            owed => Ok(Some(owed.min(max))),
        }
    }

    /// Hands `bytes` just read to the decoder: all part of the current
    /// prefix, header or body, as the reader reads no more than
    /// [`head_want`](Self::head_want) or [`body_want`](Self::body_want)
    /// allow. None means the transport has ended: `Ok(false)` if it ended
    /// between two frames (the reader then stands there), else the decoder's
    /// truncation error.
    pub(crate) fn commit<E>(&mut self, bytes: &[u8]) -> Result<bool, Error<E>> {
        if bytes.is_empty() {
            self.decoder.finish().map_err(Error::Decode)?;
            self.part = Part::Between;
            return Ok(false);
        }
        let completes = bytes.len() == self.needed();
        let event = self.decoder.decode(&mut &*bytes).map_err(Error::Decode)?;
        if self.part == Part::Between && completes {
            // A raw frame opens with its prefix; a header frame's header is due.
            self.part = match event {
                Some(_) => Part::Body,
                None => Part::Header,
            };
        }
        Ok(true)
    }

    /// Consumes the `FrameEnd` that is due after a complete body.
    fn end_frame<E>(&mut self) -> Result<(), Error<E>> {
        self.decoder.decode(&mut &[][..]).map_err(Error::Decode)?;
        self.part = Part::Between;
        Ok(())
    }

    /// The bytes the decoder's current part still needs, as a slice length
    /// (0 after an error, or when a complete body's `FrameEnd` is due).
    fn needed(&self) -> usize {
        usize::try_from(self.decoder.needed()).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Result<T> = core::result::Result<T, Error<()>>;

    const JSON: &[u8] = br#"{"file_size":2}"#;

    #[test]
    fn a_header_frame_asks_for_its_prefix_then_its_header() -> Result<()> {
        let mut state = Unbuffered::<64>::new(Config::default()).unwrap();
        assert_eq!(state.head_want(STAGE), 4);
        assert!(state.commit(&[0, 0])?);
        assert_eq!(state.head_want(STAGE), 2);
        assert!(state.commit(&[0, JSON.len() as u8])?);
        assert!(!state.in_prefix());
        assert_eq!(state.head_want(4), 4);
        assert!(!state.completes_header(4));
        assert!(state.commit(&JSON[..4])?);
        let rest = &JSON[4..];
        assert!(state.completes_header(rest.len()));
        assert_eq!(state.header(rest)?.body_len(), 2);
        assert_eq!(state.body_remaining(), 2);
        assert_eq!(state.body_want(8)?, Some(2));
        Ok(())
    }

    #[test]
    fn a_raw_frame_opens_with_its_prefix_and_ends_with_its_payload() -> Result<()> {
        let config = Config::builder().kind(FrameKind::Raw).build().unwrap();
        let mut state = Unbuffered::<0>::new(config).unwrap();
        assert!(state.commit(&[0, 0, 0, 3])?);
        assert!(!state.in_prefix());
        assert_eq!(state.body_remaining(), 3);
        assert_eq!(state.body_want(2)?, Some(2));
        assert!(state.commit(b"ab")?);
        assert!(state.commit(b"c")?);
        assert_eq!(state.body_want(2)?, None);
        assert!(state.in_prefix());
        assert!(!state.commit(&[])?, "a clean end between frames");
        Ok(())
    }

    #[test]
    fn an_end_inside_a_frame_is_the_decoders_truncation_error() {
        let mut state = Unbuffered::<64>::new(Config::default()).unwrap();
        assert_eq!(state.commit::<()>(&[0, 0, 0]), Ok(true));
        assert_eq!(
            state.commit::<()>(&[]),
            Err(Error::Decode(DecodeError::TruncatedPrefix { missing: 1 }))
        );
        assert_eq!(state.head_want(STAGE), 0, "a failed decoder needs nothing");
    }
}
