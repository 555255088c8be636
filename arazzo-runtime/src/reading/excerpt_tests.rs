//! Unit tests of body excerpts, and a differential test against the former implementation, which
//! parsed the whole body.

use super::*;

/// The excerpt as the runtime made it before it read only a prefix (commit d969e99): the whole body
/// parsed, cloned, redacted and written back, then scrubbed. The oracle of the differential tests.
mod oracle {
    use serde_json::Value;

    use super::super::{EXCERPT_CHARS, is_secret_field};

    const REDACTED: &str = "[REDACTED]";

    pub(super) fn excerpt(body: &[u8], secret_pointers: &[&str], secrets: &[&str]) -> String {
        let parsed = if body.trim_ascii().is_empty() { None } else { serde_json::from_slice::<Value>(body).ok() };
        let mut text = match parsed {
            Some(mut value) => {
                redact_secret_fields(&mut value);
                for pointer in secret_pointers {
                    if let Some(secret) = value.pointer_mut(pointer) {
                        redact_strings(secret);
                    }
                }
                value.to_string()
            }
            None if body.trim_ascii().is_empty() => String::new(),
            None if !secret_pointers.is_empty() => return format!("{REDACTED} (not JSON)"),
            None => String::from_utf8_lossy(body).into_owned(),
        };
        let mut secrets: Vec<&str> = secrets.iter().copied().filter(|secret| !secret.is_empty()).collect();
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        for secret in secrets {
            text = text.replace(secret, REDACTED);
            let escaped = Value::from(secret).to_string();
            let escaped = &escaped[1..escaped.len() - 1];
            if escaped != secret {
                text = text.replace(escaped, REDACTED);
            }
        }
        let mut excerpt: String =
            text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(EXCERPT_CHARS + 1).collect();
        if excerpt.chars().count() > EXCERPT_CHARS {
            excerpt = excerpt.chars().take(EXCERPT_CHARS - 3).collect();
            excerpt.push_str("...");
        }
        excerpt
    }

    fn redact_secret_fields(value: &mut Value) {
        match value {
            Value::Object(fields) => {
                for (name, field) in fields.iter_mut() {
                    if is_secret_field(name) {
                        redact_strings(field);
                    } else {
                        redact_secret_fields(field);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(redact_secret_fields),
            _ => {}
        }
    }

    fn redact_strings(value: &mut Value) {
        match value {
            Value::String(text) => *text = REDACTED.to_owned(),
            Value::Array(items) => items.iter_mut().for_each(redact_strings),
            Value::Object(_) => redact_secret_fields(value),
            _ => {}
        }
    }
}

fn plain(body: &str) -> String {
    excerpt(body.as_bytes(), &[], &[])
}

#[test]
fn json_is_shown_compact_as_a_parsed_document_writes_it() {
    assert_eq!(
        plain(" {\n \"a\" : [ 1 , 2.50 , -0 , 1E2, true, null ] ,\"b\":{ } , \"c\":[]}\n"),
        oracle::excerpt(b" {\n \"a\" : [ 1 , 2.50 , -0 , 1E2, true, null ] ,\"b\":{ } , \"c\":[]}\n", &[], &[])
    );
    assert_eq!(
        plain(r#"{"a":[1,2.5,-0.0,100.0,true,null],"b":{},"c":[]}"#),
        r#"{"a":[1,2.5,-0.0,100.0,true,null],"b":{},"c":[]}"#
    );
    assert_eq!(plain("[18446744073709551616, -9223372036854775808]"), "[1.8446744073709552e+19,-9223372036854775808]");
    assert_eq!(plain(r#""\/\u0041\t""#), r#""/A\t""#);
    assert_eq!(plain("7"), "7");
    assert_eq!(plain(" null "), "null");
}

#[test]
fn strings_under_secret_named_fields_are_redacted_at_any_depth() {
    let body = r#"{"a":{"b":[{"c":{"apiKey":"k1","n":"visible"}}]},"keys":[["k2",{"x":"shown","token":"k3"}],7],"password":{"inner":"shown2","secret":"k4"}}"#;
    let expected = r#"{"a":{"b":[{"c":{"apiKey":"[REDACTED]","n":"visible"}}]},"keys":[["[REDACTED]",{"x":"shown","token":"[REDACTED]"}],7],"password":{"inner":"shown2","secret":"[REDACTED]"}}"#;
    assert_eq!(plain(body), expected);
    assert_eq!(oracle::excerpt(body.as_bytes(), &[], &[]), expected);
}

#[test]
fn strings_at_secret_pointers_are_redacted() {
    let body = br#"{"value":"v1","items":[{"id":"i0"},{"id":"i1","v":["v2",{"w":"shown"}]}],"a/b":{"m~n":"v3"},"list":["v4","v5"]}"#;
    let pointers = ["/value", "/items/1/v", "/a~1b/m~0n", "/list", "/items/01/id", "/absent/x", "no-slash"];
    let expected = r#"{"value":"[REDACTED]","items":[{"id":"i0"},{"id":"i1","v":["[REDACTED]",{"w":"shown"}]}],"a/b":{"m~n":"[REDACTED]"},"list":["[REDACTED]","[REDACTED]"]}"#;
    assert_eq!(excerpt(body, &pointers, &[]), expected);
    assert_eq!(oracle::excerpt(body, &pointers, &[]), expected);
    // `""` is the whole body: a string is redacted, an object's members are judged by their names.
    assert_eq!(excerpt(br#""top""#, &[""], &[]), r#""[REDACTED]""#);
    assert_eq!(excerpt(br#"{"a":"shown"}"#, &[""], &[]), r#"{"a":"shown"}"#);
    assert_eq!(excerpt(br#"["a",["b"]]"#, &[""], &[]), r#"["[REDACTED]",["[REDACTED]"]]"#);
}

#[test]
fn known_secrets_are_replaced_raw_and_json_escaped() {
    let secrets = ["sk_live_abc", "with\"quote", "back\\slash", "abc", "Bearer abc"];
    let body = r#"{"echo":"with\"quote","p":"back\\slash","h":"Bearer abc","t":"x sk_live_abc y abc"}"#;
    let expected = r#"{"echo":"[REDACTED]","p":"[REDACTED]","h":"[REDACTED]","t":"x [REDACTED] y [REDACTED]"}"#;
    assert_eq!(excerpt(body.as_bytes(), &[], &secrets), expected);
    // A secret written with escapes in the body is found in the normalised text.
    assert_eq!(excerpt(br#"{"t":"sk\u005flive_abc"}"#, &[], &secrets), r#"{"t":"[REDACTED]"}"#);
    assert_eq!(excerpt(b"plain with\"quote and sk_live_abc", &[], &secrets), "plain [REDACTED] and [REDACTED]");
}

#[test]
fn known_secrets_spelled_with_xml_references_are_replaced() {
    let secrets = ["p&ss<w>rd", "sk_live_abc", "k1"];
    // An XML body escapes `&`, `<` and `>` in text, and may write any character as a reference.
    let body = "<error><key>p&amp;ss&lt;w&gt;rd</key><echo>&#x73;k_&#108;ive&#X5f;abc</echo>\
                <q a=\"&#107;&#x31;\">p&#38;ss&#60;w>rd</q></error>";
    assert_eq!(
        excerpt(body.as_bytes(), &[], &secrets),
        "<error><key>[REDACTED]</key><echo>[REDACTED]</echo><q a=\"[REDACTED]\">[REDACTED]</q></error>"
    );
    // In a JSON string too (an escaped XML document inside a JSON error).
    assert_eq!(
        excerpt(br#"{"detail":"<k>p&amp;ss&lt;w&gt;rd</k>"}"#, &[], &secrets),
        r#"{"detail":"<k>[REDACTED]</k>"}"#
    );
    // References that spell no secret, and what is no reference, are left as written.
    let other = "a &amp; b &#x263A; &unknown; & c &#xZZ; &#0;";
    assert_eq!(excerpt(other.as_bytes(), &[], &secrets), other);
    // A secret containing another is replaced whole, in whatever mix of spellings.
    assert_eq!(excerpt(b"<a>k1 and p&amp;ss<w>rd</a>", &[], &secrets), "<a>[REDACTED] and [REDACTED]</a>");
}

#[test]
fn a_truncated_body_never_ends_with_part_of_a_secret_spelled_with_references() {
    // The connection was cut inside an escaped secret: none of it shows, nor a reference cut in two.
    let shown = excerpt(br#"{"note":"see &#x73;k_li"#, &[], &["sk_live_abc"]);
    assert_eq!(shown, r#"{"note":"see ..."#);
    let shown = excerpt(br#"{"note":"see &#x73;k_li&#x7"#, &[], &["sk_live_abc"]);
    assert_eq!(shown, r#"{"note":"see ..."#);
    // What cannot begin the secret stays.
    assert_eq!(excerpt(br#"{"note":"a &amp; b"#, &[], &["sk_live_abc"]), r#"{"note":"a &amp; b..."#);
}

#[test]
fn unicode_is_decoded_and_cut_on_character_boundaries() {
    assert_eq!(plain(r#"{"m":"h\u00e9llo \ud83d\ude00 \u2028"}"#), "{\"m\":\"héllo 😀 \u{2028}\"}");
    let long = format!(r#"["{}"]"#, "é".repeat(300));
    let shown = plain(&long);
    assert_eq!(shown.chars().count(), EXCERPT_CHARS);
    assert!(shown.starts_with("[\"ééé") && shown.ends_with("é..."), "{shown}");
    // A body longer than the prefix, cut inside a two-byte character: no replacement character.
    let big = "é".repeat(PREFIX_BYTES);
    let body = format!("x{big}");
    let shown = excerpt(body.as_bytes(), &[], &[]);
    assert!(!shown.contains(char::REPLACEMENT_CHARACTER) && shown.ends_with("..."), "{shown}");
}

#[test]
fn control_characters_become_spaces() {
    assert_eq!(plain("a\nb\r\tc\u{1b}[31m"), "a b  c [31m");
    // In JSON they are escaped, as a parsed document writes them.
    assert_eq!(plain(r#"["a\nb\u0001\u007f"]"#), "[\"a\\nb\\u0001\u{7f}\"]".replace('\u{7f}', " "));
}

#[test]
fn bodies_that_are_not_json() {
    assert_eq!(plain("<html>oops</html>"), "<html>oops</html>");
    assert_eq!(plain("{\"a\":1} trailing"), "{\"a\":1} trailing");
    assert_eq!(plain("[1,]"), "[1,]");
    assert_eq!(plain("\u{c}{}"), " {}", "a form feed is not JSON whitespace");
    assert_eq!(plain("[1e400]"), "[1e400]", "serde_json refuses numbers beyond f64");
    assert_eq!(excerpt(b"\xff\xfe", &[], &[]), "\u{fffd}\u{fffd}");
    assert_eq!(excerpt(b"[\"\xff\"]", &[], &[]), "[\"\u{fffd}\"]");
    assert_eq!(excerpt(b"value=fresh-key", &["/value"], &[]), "[REDACTED] (not JSON)");
    for blank in ["", " \n\t", "\u{c}"] {
        assert_eq!(plain(blank), "");
        assert_eq!(excerpt(blank.as_bytes(), &["/value"], &[]), "");
    }
}

#[test]
fn nesting_deeper_than_serde_json_parses_is_not_json() {
    for depth in [126, 127, 128, 129] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let parses = serde_json::from_str::<Value>(&body).is_ok();
        assert_eq!(compact_json(body.as_bytes(), true, &[]).is_some(), parses, "depth {depth}");
        assert_eq!(plain(&body), oracle::excerpt(body.as_bytes(), &[], &[]), "depth {depth}");
    }
}

#[test]
fn truncated_json_shows_what_arrived_scrubbed() {
    // A full parse refused this and showed the raw text, key included.
    let body = br#"{"id":"k1","key":"sk_new_123","note":"cut her"#;
    assert_eq!(excerpt(body, &[], &[]), r#"{"id":"k1","key":"[REDACTED]","note":"cut her..."#);
    assert!(oracle::excerpt(body, &[], &[]).contains("sk_new_123"));
    // Cut inside a secret-named string, an escape, a number, a literal and a key.
    assert_eq!(excerpt(br#"{"token":"sk_ne"#, &[], &[]), r#"{"token":"[REDACTED]"..."#);
    assert_eq!(excerpt(br#"["ab\u00"#, &[], &[]), r#"["ab..."#);
    assert_eq!(excerpt(br#"["ab\ud83d\ude0"#, &[], &[]), r#"["ab..."#);
    assert_eq!(excerpt(br#"["ab\"#, &[], &[]), r#"["ab..."#);
    assert_eq!(excerpt(br#"[12"#, &[], &[]), r#"[12..."#);
    assert_eq!(excerpt(br#"[tr"#, &[], &[]), r#"[..."#);
    assert_eq!(excerpt(br#"{"ke"#, &["/key"], &[]), "{...", "a key cut short is left out");
    // At a secret pointer, the string is redacted; the body is not withheld.
    assert_eq!(excerpt(br#"{"value":"fresh-ke"#, &["/value"], &[]), r#"{"value":"[REDACTED]"..."#);
    // A known secret cut by the truncation does not show in part.
    assert_eq!(excerpt(br#"{"echo":"sk_live_a"#, &[], &["sk_live_abc"]), r#"{"echo":"..."#);
    // A lone opening is not enough to call a body JSON... but `{` is a value begun.
    assert_eq!(plain("tru"), "tru");
    assert_eq!(plain("{"), "{...");
}

#[test]
fn duplicate_keys_are_shown_each_scrubbed() {
    assert_eq!(plain(r#"{"a":1,"a":2}"#), r#"{"a":1,"a":2}"#);
    assert_eq!(excerpt(br#"{"v":"x","v":"y"}"#, &["/v"], &[]), r#"{"v":"[REDACTED]","v":"[REDACTED]"}"#);
}

#[test]
fn a_leading_byte_order_mark_is_skipped() {
    assert_eq!(excerpt(b"\xEF\xBB\xBF{\"key\":\"k\"}", &[], &[]), r#"{"key":"[REDACTED]"}"#);
}

#[test]
fn length_limit_and_ellipsis() {
    let exact = format!("\"{}\"", "a".repeat(EXCERPT_CHARS - 2));
    assert_eq!(plain(&exact), exact);
    let over = format!("\"{}\"", "a".repeat(EXCERPT_CHARS - 1));
    let shown = plain(&over);
    assert_eq!(shown.chars().count(), EXCERPT_CHARS);
    assert!(shown.ends_with("a..."));
}

/// A body of `len` bytes or more: `{"items":[{"id":"item-0","token":"t-0","note":"..."},...]}`.
fn big_list(len: usize) -> String {
    let mut body = String::from(r#"{"items":["#);
    let mut n = 0;
    while body.len() < len {
        if n > 0 {
            body.push(',');
        }
        body.push_str(&format!(r#"{{"id":"item-{n}","token":"t-{n}","note":"n\u00e9 {n}"}}"#));
        n += 1;
    }
    body.push_str("]}");
    body
}

#[test]
fn a_30_mb_body_is_read_from_its_prefix_only() {
    let body = big_list(30_000_000);
    let shown = excerpt(body.as_bytes(), &["/items/0/id"], &["item-1"]);
    // The former excerpt, on a body small enough to parse whole in a test, is the same.
    let smaller = big_list(1_000_000);
    assert_eq!(oracle::excerpt(smaller.as_bytes(), &["/items/0/id"], &["item-1"]), shown);
    assert!(
        shown.starts_with(r#"{"items":[{"id":"[REDACTED]","token":"[REDACTED]","note":"né 0"},{"id":"[REDACTED]""#)
    );
    // Only the prefix is read: with the rest of the body made invalid, the excerpt is the same.
    let mut broken = body.into_bytes();
    broken.truncate(PREFIX_BYTES + 1);
    broken.extend_from_slice(b"\xff not json at all");
    assert_eq!(excerpt(&broken, &["/items/0/id"], &["item-1"]), shown);
}

#[test]
fn a_secret_straddling_the_end_of_the_prefix_never_shows_in_part() {
    let secret = "SECRET-0123456789-abcdefghij";
    // A redacted field uses up the prefix, so the text after it is short enough to be shown.
    let filler = PREFIX_BYTES - r#"{"password":"","note":""#.len() - 10;
    let body = format!(r#"{{"password":"{}","note":"{secret} tail"}}"#, "p".repeat(filler));
    assert!(body.find(secret).is_some_and(|at| at < PREFIX_BYTES && at + secret.len() > PREFIX_BYTES));
    let shown = excerpt(body.as_bytes(), &[], &[secret]);
    assert_eq!(shown, r#"{"password":"[REDACTED]","note":"..."#);
    // Its escaped spelling too.
    let quoted = "SECRET\"0123456789-abcdefghij";
    let body = format!(r#"{{"password":"{}","note":"SECRET\"0123456789-abcdefghij"}}"#, "p".repeat(filler));
    assert_eq!(excerpt(body.as_bytes(), &[], &[quoted]), r#"{"password":"[REDACTED]","note":"..."#);
    // Raw text: long secrets, replaced whole, leave room to show the cut.
    let long = "L".repeat(10_000) + "-end";
    let body = format!("{} tail", long.repeat(7));
    let shown = excerpt(body.as_bytes(), &[], &[&long]);
    assert_eq!(shown, format!("{}...", "[REDACTED]".repeat(6)));
}

#[test]
fn the_text_is_cut_before_any_tail_that_could_begin_a_secret() {
    assert_eq!(settled_len("abc SEC", &["SECRET"]), 4);
    assert_eq!(settled_len("abc SECRET", &["SECRET"]), 10, "a whole secret stays, to be replaced");
    assert_eq!(settled_len("abc", &["x"]), 3);
    // Cutting one tail may leave the start of another secret at the new end.
    assert_eq!(settled_len("xx ab-cdAB", &["ABC", "cdABZ", "ab-cdQ"]), 3);
    // Multi-byte characters: cut on a boundary.
    assert_eq!(settled_len("héé", &["ééx"]), 1);
    // A text and a secret of one repeated piece would be cut again and again: nothing is kept.
    assert_eq!(settled_len(&"a".repeat(1000), &["aab"]), 0);
}

#[test]
fn the_longest_tail_starting_a_pattern_is_found_as_a_naive_search_finds_it() {
    let mut random = Random(3);
    for _ in 0..5_000 {
        let text: Vec<u8> = (0..random.below(12)).map(|_| *random.pick(b"ab")).collect();
        let pattern: Vec<u8> = (0..1 + random.below(8)).map(|_| *random.pick(b"ab")).collect();
        let naive = (1..pattern.len()).rev().find(|&len| text.ends_with(&pattern[..len])).unwrap_or(0);
        assert_eq!(PrefixMatcher::new(&pattern).longest_tail(&text), naive, "{text:?} {pattern:?}");
    }
}

#[test]
fn breaking_the_scrubbing_fails_these_tests() {
    // Every rule, in one body: if any is skipped, a secret shows.
    let body = br#"{"apiKey":"k-field","v":"k-pointer","echo":"k-known","esc":"k\"esc"}"#;
    let shown = excerpt(body, &["/v"], &["k-known", "k\"esc"]);
    for secret in ["k-field", "k-pointer", "k-known", "k\\\"esc"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

/// A small deterministic generator (SplitMix64): no dependency, the same cases on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KEYS: [&str; 14] = [
    "id",
    "key",
    "api_key_id",
    "api_key_token",
    "name",
    "value",
    "keys",
    "items",
    "a/b",
    "m~n",
    "data",
    "é",
    "q\"k",
    "",
];
const STRINGS: [&str; 12] = [
    "sk_live_abc",
    "with\"quote",
    "back\\slash",
    "x sk_live_abc y",
    "Bearer abc",
    "héllo 😀",
    "line\nbreak\u{1}",
    "",
    "plain",
    "[REDACTED]",
    "\u{7f}\u{2028}",
    "abcabcabc",
];
const NUMBERS: [&str; 12] = [
    "0",
    "-0",
    "1",
    "-12",
    "3.5",
    "1e5",
    "1E-3",
    "2.50",
    "18446744073709551615",
    "18446744073709551616",
    "0.1e1",
    "-1.0",
];
const SECRETS: [&str; 9] =
    ["sk_live_abc", "with\"quote", "back\\slash", "abc", "Bearer abc", "😀", "é", "line\nbreak", "k1"];
const POINTERS: [&str; 10] =
    ["/key", "/items/0", "/items/1/value", "", "/a~1b", "/m~0n", "/keys", "/data/id", "/0", "/items/01"];

/// Writes a random JSON value with random whitespace and spellings (escapes, number forms).
fn write_value(random: &mut Random, depth: usize, out: &mut String) {
    let space = |random: &mut Random, out: &mut String| {
        if random.below(4) == 0 {
            out.push_str(random.pick::<&str>(&[" ", "\n", "\t", "\r\n  "]));
        }
    };
    space(random, out);
    match if depth > 4 { random.below(3) } else { random.below(6) } {
        0 => {
            let text = *random.pick(&STRINGS);
            write_string(random, text, out);
        }
        1 => out.push_str(random.pick::<&str>(&NUMBERS)),
        2 => out.push_str(random.pick::<&str>(&["true", "false", "null"])),
        3 | 4 => {
            out.push('{');
            let mut keys: Vec<&str> = Vec::new();
            for _ in 0..random.below(5) {
                let key = *random.pick(&KEYS);
                if keys.contains(&key) {
                    continue;
                }
                if !keys.is_empty() {
                    out.push(',');
                }
                keys.push(key);
                space(random, out);
                write_string(random, key, out);
                space(random, out);
                out.push(':');
                write_value(random, depth + 1, out);
            }
            space(random, out);
            out.push('}');
        }
        _ => {
            out.push('[');
            for item in 0..random.below(5) {
                if item > 0 {
                    out.push(',');
                }
                write_value(random, depth + 1, out);
            }
            space(random, out);
            out.push(']');
        }
    }
    space(random, out);
}

/// Writes `text` as a JSON string, each character raw or escaped at random.
fn write_string(random: &mut Random, text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        let escape = matches!(c, '"' | '\\') || c < ' ' || random.below(5) == 0;
        if !escape {
            out.push(c);
        } else if c == '/' || (random.below(2) == 0 && matches!(c, '"' | '\\' | '\n' | '\t')) {
            out.push('\\');
            out.push(match c {
                '\n' => 'n',
                '\t' => 't',
                other => other,
            });
        } else {
            let mut units = [0; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out.push('"');
}

/// Breaks a body at random, or leaves it: cut short, a byte replaced, text after it, not JSON.
fn mutate(random: &mut Random, body: String) -> Vec<u8> {
    let mut bytes = body.into_bytes();
    match random.below(10) {
        0 if !bytes.is_empty() => {
            let at = random.below(bytes.len());
            bytes.truncate(at);
        }
        1 if !bytes.is_empty() => {
            let at = random.below(bytes.len());
            bytes[at] = *random.pick(b"x,]}\"\\\x01\xff:");
        }
        2 => bytes.extend_from_slice(random.pick::<&[u8]>(&[b" x", b"{}", b"\xff"])),
        3 => bytes = format!("error: {}", String::from_utf8_lossy(&bytes)).into_bytes(),
        _ => {}
    }
    bytes
}

#[test]
fn the_excerpt_is_the_former_one_for_every_body_under_the_prefix() {
    let mut random = Random(13);
    let (mut compared, mut json, mut truncated) = (0, 0, 0);
    for _ in 0..20_000 {
        let mut body = String::new();
        write_value(&mut random, 0, &mut body);
        if random.below(20) == 0 {
            // Long bodies: many items, so the excerpt is cut.
            let items: Vec<String> = (0..random.below(200))
                .map(|_| {
                    let mut item = String::new();
                    write_value(&mut random, 3, &mut item);
                    item
                })
                .collect();
            body = format!("[{}]", items.join(","));
        }
        let body = mutate(&mut random, body);
        let pointers: Vec<&str> = (0..random.below(3)).map(|_| *random.pick(&POINTERS)).collect();
        let secrets: Vec<&str> = (0..random.below(4)).map(|_| *random.pick(&SECRETS)).collect();
        let shown = excerpt(&body, &pointers, &secrets);
        let parses = !body.trim_ascii().is_empty() && serde_json::from_slice::<Value>(&body).is_ok();
        let syntax_error = compact_json(&body, true, &pointers).is_none();
        if parses || syntax_error {
            let expected = oracle::excerpt(&body, &pointers, &secrets);
            assert_eq!(
                shown,
                expected,
                "body {:?} pointers {pointers:?} secrets {secrets:?}",
                String::from_utf8_lossy(&body)
            );
            compared += 1;
            json += usize::from(parses);
        } else {
            // Truncated JSON: shown as JSON, which the former excerpt did not do; no known secret shows.
            for secret in &secrets {
                assert!(!shown.contains(secret), "{secret:?} in {shown:?}");
            }
            truncated += 1;
        }
    }
    assert!(compared > 15_000 && json > 12_000 && truncated > 100, "{compared} {json} {truncated}");
}

#[test]
fn long_valid_bodies_beyond_the_prefix_show_the_former_excerpt() {
    let mut random = Random(7);
    for _ in 0..20 {
        let mut items = Vec::new();
        let mut len = 0;
        while len < PREFIX_BYTES * 2 {
            let mut item = String::new();
            write_value(&mut random, 2, &mut item);
            len += item.len() + 1;
            items.push(item);
        }
        let body = format!("{{\"items\":[{}]}}", items.join(","));
        let pointers: Vec<&str> = (0..random.below(3)).map(|_| *random.pick(&POINTERS)).collect();
        let secrets: Vec<&str> = (0..random.below(4)).map(|_| *random.pick(&SECRETS)).collect();
        let expected = oracle::excerpt(body.as_bytes(), &pointers, &secrets);
        assert_eq!(
            excerpt(body.as_bytes(), &pointers, &secrets),
            expected,
            "pointers {pointers:?} secrets {secrets:?}"
        );
    }
}

#[test]
fn secret_field_names() {
    for name in [
        "key",
        "apiKey",
        "api_key_token",
        "applicationKey",
        "authorizationToken",
        "consumerSecret",
        "password",
        "keys",
        "Cookie",
    ] {
        assert!(is_secret_field(name), "{name}");
    }
    for name in ["api_key_id", "applicationKeyId", "keyName", "status", "key_status", "id"] {
        assert!(!is_secret_field(name), "{name}");
    }
}
