//! The header check's fast path for flat headers, on 64-bit targets.
//!
//! Most headers are one flat object of plain strings and integers, as
//! Python's `json.dumps` writes them: `{"file_name": "a.txt", "file_size": 1024}`.
//! [`body_len`] accepts such a header in one pass with the position in a
//! register and no error bookkeeping, and gives up (`None`) on anything else:
//! an escape, a non-ASCII or control byte, a nested value, `true`, `false`,
//! `null`, a fraction or exponent, a second body key, a body length that is
//! not an unsigned integer or does not fit, any syntax error. The full check
//! then starts over, decides, and reports the error with its offset.
//!
//! What this path accepts, the full check accepts with the same body length:
//! it accepts a subset of RFC 8259 (the grammar below), the top-level key
//! compared with the body key is plain ASCII or the body key's own bytes (so
//! unescaping would not change it), and the body length is read the same
//! way. The unit tests below and the `header` fuzz target check that on
//! generated and on arbitrary headers.
//!
//! ```text
//! header       = ws "{" ws [ member *( ws "," ws member ) ] ws "}" ws
//! member       = plain-string ws ":" ws ( plain-string / integer )
//! plain-string = %x22 *( %x20-21 / %x23-5B / %x5D-7F ) %x22
//! integer      = [ "-" ] ( "0" / %x31-39 *%x30-39 )   ; the body length: no "-"
//! ws           = *( %x20 / %x09 / %x0A / %x0D )
//! ```
//!
//! 32-bit targets (micro-controllers) do without it: their headers are few
//! and their flash is not.

use super::{parse_u64, plain_run};

/// The body length of a flat header under `key`; `None` if the header is
/// not flat or not valid, which the full check then tells apart.
pub(super) fn body_len(json: &[u8], key: &[u8]) -> Option<u64> {
    let mut at = ws(json, 0);
    if json.get(at) != Some(&b'{') {
        return None;
    }
    at = ws(json, at + 1);
    let mut body_len = None;
    if json.get(at) == Some(&b'}') {
        return end(json, at + 1, body_len);
    }
    loop {
        let is_body_key = is_body_key(json, at, key);
        at = if is_body_key {
            at + key.len() + 2
        } else {
            string_end(json, at)?
        };
        at = ws(json, at);
        if json.get(at) != Some(&b':') {
            return None;
        }
        at = ws(json, at + 1);
        at = if !is_body_key {
            other_value_end(json, at)?
        } else if body_len.is_none() {
            let (value, value_end) = unsigned_integer(json, at)?;
            body_len = Some(value);
            value_end
        } else {
            return None;
        };
        at = ws(json, at);
        match json.get(at) {
            Some(b',') => at = ws(json, at + 1),
            Some(b'}') => return end(json, at + 1, body_len),
            _ => return None,
        }
    }
}

/// Whether the key at `at` is `key` written plainly: a quote, its bytes,
/// a quote.
#[inline(always)]
fn is_body_key(json: &[u8], at: usize, key: &[u8]) -> bool {
    let content = json.get(at + 1..).unwrap_or_default();
    json.get(at) == Some(&b'"')
        && starts_with(content, key)
        && content.get(key.len()) == Some(&b'"')
}

/// Whether `bytes` start with `prefix`. A prefix of 8 to 16 bytes (such as
/// `file_size`) is compared as two overlapping 8-byte words.
#[inline(always)]
fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    let Some(head) = bytes.get(..prefix.len()) else {
        return false;
    };
    match (prefix.first_chunk::<8>(), prefix.last_chunk::<8>()) {
        (Some(first), Some(last)) if prefix.len() <= 16 => {
            head.first_chunk() == Some(first) && head.last_chunk() == Some(last)
        }
        _ => head == prefix,
    }
}

/// Where the plain string or the integer at `at` ends.
#[inline(always)]
fn other_value_end(json: &[u8], at: usize) -> Option<usize> {
    match json.get(at)? {
        b'"' => string_end(json, at),
        b'-' => Some(unsigned_integer(json, at + 1)?.1),
        _ => Some(unsigned_integer(json, at)?.1),
    }
}

/// Where the plain string at `at` ends, after its closing quote: a quote,
/// then ASCII from 0x20 up other than quotes and backslashes (the full
/// check's [`plain_run`], a word per step), then a quote.
#[inline(always)]
fn string_end(json: &[u8], at: usize) -> Option<usize> {
    if json.get(at) != Some(&b'"') {
        return None;
    }
    let end = at + 1 + plain_run(&json[at + 1..]).len();
    (json.get(end) == Some(&b'"')).then_some(end + 1)
}

/// The value of the integer without a sign at `at`, and where it ends: `0`,
/// or a digit from 1 to 9 and all digits after it; `None` if there is none
/// or it does not fit in a `u64`. Up to 19 digits always fit, so the value
/// is accumulated without overflow checks and checked only beyond that.
#[inline(always)]
fn unsigned_integer(json: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut end = at;
    let mut value: u64 = 0;
    while let Some(&digit @ b'0'..=b'9') = json.get(end) {
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit - b'0'));
        end += 1;
    }
    let digits = &json[at..end];
    match digits {
        [] | [b'0', _, ..] => None,
        _ if digits.len() > 19 => Some((parse_u64(digits)?, end)),
        _ => Some((value, end)),
    }
}

/// `body_len` (0 if absent) if nothing but white space follows `at`.
fn end(json: &[u8], at: usize, body_len: Option<u64>) -> Option<u64> {
    (ws(json, at) == json.len()).then_some(body_len.unwrap_or(0))
}

/// The position of the first byte at or after `at` that is not JSON white space.
#[inline(always)]
fn ws(json: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = json.get(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use std::format;
    use std::string::String;

    use proptest::prelude::*;

    use super::super::full_check;
    use super::body_len;

    const KEY: &str = "file_size";

    fn fast(json: &str) -> Option<u64> {
        body_len(json.as_bytes(), KEY.as_bytes())
    }

    /// The fast path's answer, after making sure the full check agrees.
    fn agreed(json: &str) -> Option<u64> {
        let fast = fast(json);
        if let Some(body_len) = fast {
            assert_eq!(full_check(json.as_bytes(), KEY), Ok(body_len), "{json}");
        }
        fast
    }

    #[test]
    fn takes_the_headers_peers_write() {
        assert_eq!(
            agreed(r#"{"file_name":"a.txt","file_size":1024}"#),
            Some(1024)
        );
        assert_eq!(
            agreed(r#"{"file_name": "a.txt", "file_size": 1024}"#),
            Some(1024)
        );
        assert_eq!(agreed(" {\n\t\"file_size\" : 0 ,\r\"x\":-12 } \n"), Some(0));
        assert_eq!(
            agreed(r#"{"cmd":"ls -l","file_size":18446744073709551615}"#),
            Some(u64::MAX)
        );
        assert_eq!(agreed(r#"{"file_size":7,"file_size_2":"","":-0}"#), Some(7));
    }

    #[test]
    fn an_object_without_the_body_key_declares_no_body() {
        assert_eq!(agreed("{}"), Some(0));
        assert_eq!(
            agreed(r#"{"file_name":"long enough to take several words"}"#),
            Some(0)
        );
        assert_eq!(agreed(r#"{"file_sizes":5,"file_siz":6}"#), Some(0));
    }

    #[test]
    fn body_keys_of_every_length_are_compared_whole() {
        for key in [
            "n",
            "size",
            "file_size",
            "sixteen_bytes_ok",
            "length_of_the_body_in_bytes",
        ] {
            let json = format!(r#"{{"{key}":5}}"#);
            assert_eq!(body_len(json.as_bytes(), key.as_bytes()), Some(5), "{key}");
            for at in 0..key.len() {
                let mut other = String::from(key);
                other.replace_range(at..=at, "X");
                let json = format!(r#"{{"{other}":5}}"#);
                assert_eq!(
                    body_len(json.as_bytes(), key.as_bytes()),
                    Some(0),
                    "{other}"
                );
                assert_eq!(full_check(json.as_bytes(), key), Ok(0), "{other}");
            }
        }
    }

    #[test]
    fn leaves_everything_else_to_the_full_check() {
        let others = [
            r#"{"file_name":"caf\u00e9","file_size":1}"#,
            r#"{"file_n\u0061me":"a","file_size":1}"#,
            r#"{"file\u005fsize":1}"#,
            "{\"file_name\":\"café\",\"file_size\":1}",
            "{\"file_name\":\"a\u{1}\",\"file_size\":1}",
            r#"{"meta":{},"file_size":1}"#,
            r#"{"tags":[],"file_size":1}"#,
            r#"{"ok":true,"file_size":1}"#,
            r#"{"x":null,"file_size":1}"#,
            r#"{"x":1.5,"file_size":1}"#,
            r#"{"x":1e3,"file_size":1}"#,
            r#"{"file_size":1,"file_size":1}"#,
            r#"{"file_size":-1}"#,
            r#"{"file_size":01}"#,
            r#"{"file_size":"1"}"#,
            r#"{"file_size":18446744073709551616}"#,
            r#"{"file_size":1,}"#,
            r#"{"file_size":1} x"#,
            r#"{"file_size":1"#,
            r#"{"file_size"1}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a" "b"}"#,
            r#"["file_size",1]"#,
            "",
        ];
        for json in others {
            assert_eq!(fast(json), None, "{json}");
        }
    }

    /// Near-flat headers: mostly valid, some with what the fast path must
    /// leave alone (escapes, non-ASCII, nesting, literals, fractions), and one
    /// in three with one byte replaced by a byte of JSON's structure.
    fn near_flat() -> impl Strategy<Value = String> {
        let ws = prop_oneof![3 => Just(String::new()), 1 => "[ \t\n\r]{1,2}"];
        let key = r#"file_size|file_name|file_siz|file_size_|[a-z_]{0,10}|file\\u005fsize|é"#;
        let value = prop_oneof![
            4 => "-?(0|[1-9][0-9]{0,20})",
            4 => "\"[a-z /.]{0,24}\"",
            1 => "\"[a-z\\\\é]{0,6}\"|0[0-9]|-|[0-9]\\.[0-9]|1e5|\\{\\}|\\[1\\]|true|null",
        ];
        let member = (ws.clone(), key, ws.clone(), value, ws.clone())
            .prop_map(|(a, key, b, value, c)| format!("{a}\"{key}\"{b}:{b}{value}{c}"));
        let object = (proptest::collection::vec(member, 0..5), ws)
            .prop_map(|(members, ws)| format!("{ws}{{{}}}{ws}", members.join(",")));
        let mutation = proptest::option::weighted(0.3, (any::<usize>(), "[,:{}\"x 0-]"));
        (object, mutation).prop_map(|(mut json, mutation)| {
            if let Some((at, byte)) = mutation {
                let at = at % json.len();
                if json.is_char_boundary(at) && json.is_char_boundary(at + 1) {
                    json.replace_range(at..=at, &byte);
                }
            }
            json
        })
    }

    /// The property below means something only if many generated headers
    /// take the fast path, and many that the full check accepts do not.
    #[test]
    fn near_flat_headers_reach_both_paths() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;

        let mut runner = TestRunner::deterministic();
        let (mut fast_taken, mut full_only) = (0, 0);
        for _ in 0..2000 {
            let json = near_flat()
                .new_tree(&mut runner)
                .expect("a header")
                .current();
            match (fast(&json), full_check(json.as_bytes(), KEY)) {
                (Some(_), _) => fast_taken += 1,
                (None, Ok(_)) => full_only += 1,
                (None, Err(_)) => {}
            }
        }
        assert!(
            fast_taken > 200 && full_only > 200,
            "{fast_taken} / {full_only}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn what_the_fast_path_takes_the_full_check_takes_alike(json in near_flat()) {
            agreed(&json);
        }

        #[test]
        fn arbitrary_bytes_taken_are_taken_alike(json in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Some(body_len) = body_len(&json, KEY.as_bytes()) {
                prop_assert_eq!(full_check(&json, KEY), Ok(body_len));
            }
        }
    }
}
