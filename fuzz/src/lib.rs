//! Shared parts of the `unstick` fuzz targets (see `fuzz_targets/`).
//!
//! - [`setup`]: a configuration and split points chosen from input bytes;
//! - [`decoders`]: the header and raw frame decoders behind one interface;
//! - [`checked`]: a decoder driver that asserts the decoder's invariants;
//! - [`encoders`]: the header and raw frame encoders behind one interface;
//! - [`seen`]: decoded events in a form comparable across splits;
//! - [`json`]: header contents for the structured targets and a header oracle;
//! - [`inputs`]: the structured inputs of `roundtrip` and `encode`;
//! - [`shapes`]: the shapes `encode` serializes a header in.

pub mod checked;
pub mod decoders;
pub mod encoders;
pub mod inputs;
pub mod json;
pub mod seen;
pub mod setup;
pub mod shapes;

pub use checked::{Outcome, decode_checked};
pub use seen::Seen;
pub use setup::{ConfigBytes, Input, Kind, Setup};
