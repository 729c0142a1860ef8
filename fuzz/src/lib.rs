//! Shared parts of the `unstick` fuzz targets (see `fuzz_targets/`).
//!
//! - [`setup`]: a configuration and split points chosen from input bytes;
//! - [`checked`]: a decoder driver that asserts the decoder's invariants;
//! - [`seen`]: decoded events in a form comparable across splits;
//! - [`json`]: header contents for the structured targets and a header oracle;
//! - [`inputs`]: the structured inputs of `roundtrip` and `encode`;
//! - [`shapes`]: the shapes `encode` serializes a header in.

pub mod checked;
pub mod inputs;
pub mod json;
pub mod seen;
pub mod setup;
pub mod shapes;

pub use checked::{Outcome, decode_checked};
pub use seen::Seen;
pub use setup::{ConfigBytes, Input, Setup};
