//! The conformance vectors through the core decoder, fed whole, a byte at a
//! time, in the scenario's reads and at every single split point.

mod common;

use common::{Vector, decode_pieces, scenario_reads, vectors};

fn check(vector: &Vector, how: &str, pieces: Vec<&[u8]>) {
    let (seen, error) = decode_pieces(vector.kind, vector.config, pieces);
    assert_eq!(error, vector.error, "{} ({how}): error", vector.name);
    assert!(
        seen == vector.expected,
        "{} ({how}): events differ",
        vector.name
    );
}

#[test]
fn vectors_fed_whole() {
    for vector in vectors() {
        check(&vector, "whole", vec![&vector.input[..]]);
    }
}

#[test]
fn vectors_fed_one_byte_at_a_time() {
    for vector in vectors().into_iter().filter(|v| v.input.len() < 1_000_000) {
        check(&vector, "bytewise", vector.input.chunks(1).collect());
    }
}

#[test]
fn vectors_fed_in_their_scenario_reads() {
    for vector in vectors() {
        check(&vector, "scenario", scenario_reads(&vector));
    }
}

#[test]
fn vectors_split_at_every_point() {
    for vector in vectors().into_iter().filter(|v| v.input.len() < 1_000) {
        for at in 0..=vector.input.len() {
            let (a, b) = vector.input.split_at(at);
            check(&vector, &format!("split at {at}"), vec![a, b]);
        }
    }
}

#[test]
fn ten_mb_body_arrives_in_tcp_sized_reads() {
    let vector = vectors()
        .into_iter()
        .find(|v| v.name == "ten_mb_body_then_the_next_frame_in_one_slice")
        .expect("vector exists");
    check(
        &vector,
        "1460-byte reads",
        vector.input.chunks(1460).collect(),
    );
    check(
        &vector,
        "64 KiB reads",
        vector.input.chunks(65536).collect(),
    );
}
