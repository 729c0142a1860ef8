//! The two encoders under test, [`Encoder<N>`] (header frames) and
//! [`RawEncoder`] (raw frames), as one value for the targets that drive
//! either: the calls both have are forwarded, the others are reached
//! through [`header_frames`](Encoders::header_frames) and
//! [`raw_frames`](Encoders::raw_frames).

use unstick::{EncodeError, Encoder, RawEncoder};

use crate::setup::{Kind, Setup};

/// The encoder a setup calls for.
#[derive(Debug, Clone)]
pub enum Encoders<const N: usize> {
    /// Header frames.
    Header(Encoder<N>),
    /// Raw frames.
    Raw(RawEncoder),
}

impl<const N: usize> Encoders<N> {
    /// A fresh encoder of the kind `setup` calls for, with its configuration.
    pub fn new(setup: &Setup) -> Self {
        let encoders = match setup.kind {
            Kind::Header => {
                Self::Header(Encoder::new(setup.config).expect("every chosen setup is valid"))
            }
            Kind::Raw => Self::Raw(RawEncoder::new(setup.config)),
        };
        let config = match &encoders {
            Self::Header(encoder) => encoder.config(),
            Self::Raw(encoder) => encoder.config(),
        };
        assert_eq!(*config, setup.config);
        encoders
    }

    /// The header frame encoder, if that is the kind.
    pub fn header_frames(&mut self) -> Option<&mut Encoder<N>> {
        match self {
            Self::Header(encoder) => Some(encoder),
            Self::Raw(_) => None,
        }
    }

    /// The raw frame encoder, if that is the kind.
    pub fn raw_frames(&mut self) -> Option<&mut RawEncoder> {
        match self {
            Self::Raw(encoder) => Some(encoder),
            Self::Header(_) => None,
        }
    }

    /// `remaining`.
    pub fn remaining(&self) -> Option<u64> {
        match self {
            Self::Header(encoder) => encoder.remaining(),
            Self::Raw(encoder) => encoder.remaining(),
        }
    }

    /// `body`.
    pub fn body<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError> {
        match self {
            Self::Header(encoder) => encoder.body(chunk),
            Self::Raw(encoder) => encoder.body(chunk),
        }
    }

    /// `end_frame`.
    pub fn end_frame(&mut self) -> Result<(), EncodeError> {
        match self {
            Self::Header(encoder) => encoder.end_frame(),
            Self::Raw(encoder) => encoder.end_frame(),
        }
    }

    /// `reset`.
    pub fn reset(&mut self) {
        match self {
            Self::Header(encoder) => encoder.reset(),
            Self::Raw(encoder) => encoder.reset(),
        }
    }
}
