//! The pointer walker must answer exactly what the parsed document answers, or not at all.

use super::*;
use serde_json::Value;

#[path = "body_pointer_mutated_tests.rs"]
mod mutated;

/// What the slow path (`serde_json::Value::pointer` over the parsed body) reads.
fn parsed<T: DeserializeOwned>(body: &str, pointer: &str) -> Option<T> {
    parsed_bytes(body.as_bytes(), pointer)
}

/// [`parsed`] of a body that need not be UTF-8.
fn parsed_bytes<T: DeserializeOwned>(body: &[u8], pointer: &str) -> Option<T> {
    let root: Value = crate::reading::parse_json(body).ok()?;
    let value = if pointer.is_empty() { Some(&root) } else { root.pointer(pointer) }?;
    T::deserialize(value).ok()
}

const BODIES: &[&str] = &[
    r#"{"id":"k1","key":"sk_1","n":5,"f":1.5,"ok":true,"none":null}"#,
    r#"{"api_keys":[{"api_key_id":"a"},{"api_key_id":"b","token":"t"}],"count":2}"#,
    r#"{"a/b":{"m~n":7},"":{"":"empty names"},"e\u0073caped":"yes","x\"q":1}"#,
    r#"{"dup":"first","dup":"second","nested":{"dup":1,"dup":{"deeper":"z"}}}"#,
    r#"[10,20,{"k":"v"},[1,[2,3]]]"#,
    r#""a whole string""#,
    "42",
    "null",
    r#"{"id":"k1"} trailing"#,
    r#"{"id":"k1","#,
    r#"{"id":"k1","late":[1,2,"#,
    "",
    "   ",
    "<html>502</html>",
    r#"{"big":18446744073709551615,"neg":-9223372036854775808,"exp":1e3}"#,
    r#"{"id":"k1","huge":1e400}"#,
    r#"{"unicode":"ステップ","emoji":"\ud83d\ude00"}"#,
];

const POINTERS: &[&str] = &[
    "",
    "/id",
    "/key",
    "/n",
    "/f",
    "/ok",
    "/none",
    "/missing",
    "/api_keys/0/api_key_id",
    "/api_keys/1/token",
    "/api_keys/2/api_key_id",
    "/api_keys/01/api_key_id",
    "/api_keys/+1/token",
    "/api_keys/-",
    "/count/0",
    "/a~1b/m~0n",
    "/a~2b",
    "/",
    "//",
    "/escaped",
    "/x\"q",
    "/dup",
    "/nested/dup",
    "/nested/dup/deeper",
    "/0",
    "/2/k",
    "/3/1/0",
    "/3/1/2",
    "/4",
    "/big",
    "/neg",
    "/exp",
    "/huge",
    "/unicode",
    "/emoji",
    "id",
    "/id/0",
];

fn agrees<T: DeserializeOwned + PartialEq + std::fmt::Debug>(kind: &str) -> usize {
    let mut answered = 0;
    for body in BODIES {
        for pointer in POINTERS {
            let fast = read::<T>(body.as_bytes(), pointer);
            let slow = parsed::<T>(body, pointer);
            if let Some(value) = &fast {
                answered += 1;
                assert_eq!(Some(value), slow.as_ref(), "{kind} at {pointer:?} of {body}");
            }
            // Not answering is always allowed (the caller takes the slow path), but the common
            // cases must be answered, or the walker is pointless.
            if slow.is_some() {
                assert!(fast.is_some(), "{kind} at {pointer:?} of {body}: the walker gave up");
            }
        }
    }
    answered
}

#[test]
fn answers_what_the_parsed_document_answers() {
    // Counted by hand from BODIES and POINTERS: how many pairs have a value of that type.
    assert_eq!(agrees::<String>("String"), 12);
    assert_eq!(agrees::<i64>("i64"), 7);
    assert_eq!(agrees::<u64>("u64"), 7);
    assert_eq!(agrees::<f64>("f64"), 10);
    assert_eq!(agrees::<bool>("bool"), 1);
    assert_eq!(agrees::<Value>("Value"), 34);
    // Strings, and the two nulls (`/none` of the first body, the `null` body).
    assert_eq!(agrees::<Option<String>>("Option<String>"), 14);
}

#[test]
fn the_last_duplicate_key_wins() {
    let body = br#"{"dup":"first","dup":"second","nested":{"dup":1,"dup":{"deeper":"z"}}}"#;
    assert_eq!(read::<String>(body, "/dup").as_deref(), Some("second"));
    // The later `dup` replaces the earlier one whole: the number is gone, the object is there.
    assert_eq!(read::<i64>(body, "/nested/dup"), None);
    assert_eq!(read::<String>(body, "/nested/dup/deeper").as_deref(), Some("z"));
}

#[test]
fn invalid_json_anywhere_is_not_answered() {
    // The value is found before the body breaks off: a full parse would still fail.
    assert_eq!(read::<String>(br#"{"id":"k1","late":[1,2,"#, "/id"), None);
    assert_eq!(read::<String>(br#"{"id":"k1"} trailing"#, "/id"), None);
    assert_eq!(read::<String>(b"", ""), None);
}

#[test]
fn escaped_keys_and_tokens_match() {
    let body = br#"{"e\u0073caped":"yes","a/b":{"m~n":7}}"#;
    assert_eq!(read::<String>(body, "/escaped").as_deref(), Some("yes"));
    assert_eq!(read::<i64>(body, "/a~1b/m~0n"), Some(7));
    assert_eq!(read::<i64>(body, "/a~2b/m~0n"), None);
}

#[test]
fn secrets_deserialize_from_the_bytes() {
    let key: crate::SecretString = read(br#"{"key":"sk_9"}"#, "/key").unwrap();
    assert_eq!(key.expose_secret(), "sk_9");
}

#[test]
fn out_of_range_numbers_anywhere_are_refused_as_the_full_parse_refuses_them() {
    // Valid JSON (RFC 8259 sets no range) that serde_json's full parse refuses: so does the walk,
    // off the path as on it, in objects and arrays, in exponent form or spelled out.
    let long = format!("1{}", "0".repeat(400));
    for huge in ["1e400", "-1e400", "1E+400", "1.8e308", long.as_str()] {
        for body in [format!(r#"{{"id":"k1","huge":{huge}}}"#), format!(r#"{{"id":"k1","x":[1,{huge}]}}"#)] {
            assert!(parsed_bytes::<Value>(body.as_bytes(), "/id").is_none(), "{body}");
            assert_eq!(read::<String>(body.as_bytes(), "/id"), None, "{body}");
            assert_eq!(many(&body, &["/id", "/x/0"]).map(|slots| slots[0].clone()), None, "{body}");
        }
        assert_eq!(read::<f64>(format!(r#"{{"huge":{huge}}}"#).as_bytes(), "/huge"), None);
    }
    // Numbers at the edge of the range, tiny ones, and integers past u64 are read by both.
    for (number, value) in [("1e308", 1e308), ("1.7976931348623157e308", f64::MAX), ("1e-400", 0.0)] {
        let body = format!(r#"{{"id":"k1","n":{number}}}"#);
        assert_eq!(read::<String>(body.as_bytes(), "/id").as_deref(), Some("k1"));
        assert_eq!(read::<f64>(body.as_bytes(), "/n"), Some(value));
        assert_eq!(parsed::<f64>(&body, "/n"), Some(value));
    }
    let body = r#"{"big":18446744073709551616,"neg":-9223372036854775809,"zero":-0}"#;
    for pointer in ["/big", "/neg", "/zero"] {
        assert_eq!(read::<Value>(body.as_bytes(), pointer), parsed::<Value>(body, pointer));
        assert_eq!(read::<i64>(body.as_bytes(), pointer), parsed::<i64>(body, pointer));
    }
}

#[test]
fn lone_surrogate_escapes_anywhere_are_refused_as_the_full_parse_refuses_them() {
    // serde_json checks `\u` escapes when it reads a string, not when it skips one: a bare skip let
    // the walk answer `/id` of bodies the full parse refuses.
    for escape in [r"\ud800", r"\udc00", r"\ud800\u0041", r"\ud800\ud800", r"\udbff x", r"\\\ud800"] {
        for body in [
            format!(r#"{{"id":"k1","x":"{escape}"}}"#),
            format!(r#"{{"x":"{escape}","id":"k1"}}"#),
            format!(r#"{{"id":"k1","x":["{escape}"]}}"#),
            format!(r#"{{"id":"k1","{escape}":1}}"#),
            format!(r#"{{"id":"k1","x":{{"{escape}":null}}}}"#),
        ] {
            assert!(crate::reading::parse_json(body.as_bytes()).is_err(), "{body}");
            assert_eq!(read::<String>(body.as_bytes(), "/id"), None, "{body}");
            assert_eq!(read::<Value>(body.as_bytes(), ""), None, "{body}");
            assert_eq!(many(&body, &["/id", "/y"]), None, "{body}");
        }
    }
    // A pair is a character; an escaped backslash before `ud800` is text, not an escape.
    for (escape, text) in [(r"\ud83d\ude00", "\u{1f600}"), (r"\\ud800", r"\ud800"), (r"\u00e9", "é")] {
        let body = format!(r#"{{"x":"{escape}","id":"k1","{escape}":"{escape}"}}"#);
        assert_eq!(read::<String>(body.as_bytes(), "/id").as_deref(), Some("k1"));
        assert_eq!(read::<String>(body.as_bytes(), "/x").as_deref(), Some(text));
        assert_eq!(read::<String>(body.as_bytes(), &format!("/{text}")).as_deref(), Some(text));
        assert_eq!(many(&body, &["/id", "/x"]), Some(vec![Some(Value::from("k1")), Some(Value::from(text))]));
    }
}

#[test]
fn control_characters_in_keys_are_refused_as_the_full_parse_refuses_them() {
    // A key read as bytes let a raw tab through; the full parse refuses it as in any string.
    for body in ["{\"id\":\"k1\",\"a\tb\":1}", "{\"a\u{1}\":1,\"id\":\"k1\"}", "{\"x\":{\"\n\":1},\"id\":\"k1\"}"] {
        assert!(crate::reading::parse_json(body.as_bytes()).is_err(), "{body:?}");
        assert_eq!(read::<String>(body.as_bytes(), "/id"), None, "{body:?}");
        assert_eq!(many(body, &["/id", "/y"]), None, "{body:?}");
    }
}

#[test]
fn nesting_deeper_than_the_full_parse_allows_is_refused_off_the_path_too() {
    // serde_json's full parse reads 127 levels (the object and 126 arrays here) and refuses the
    // 128th; its skip has no limit.
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for (depth, readable) in [(125, true), (126, true), (127, false), (128, false), (1000, false)] {
        let body = format!(r#"{{"id":"k1","x":{}}}"#, nested(depth));
        assert_eq!(parsed::<String>(&body, "/id").is_some(), readable, "depth {depth}");
        assert_eq!(read::<String>(body.as_bytes(), "/id").is_some(), readable, "depth {depth}");
        assert_eq!(many(&body, &["/id", "/y"]).is_some(), readable, "depth {depth}");
    }
    // On the path, counted the same way: the deepest array the full parse reads is read.
    let body = format!(r#"{{"x":{}}}"#, nested(126));
    let pointer = format!("/x{}", "/0".repeat(125));
    assert_eq!(read::<Value>(body.as_bytes(), &pointer), Some(Value::Array(Vec::new())));
    assert_eq!(read::<Value>(body.as_bytes(), &pointer), parsed::<Value>(&body, &pointer));
}

#[test]
fn a_byte_order_mark_is_ignored_by_the_walk_and_the_full_parse() {
    let body = b"\xEF\xBB\xBF{\"id\":\"k1\",\"n\":[1,2]}";
    assert_eq!(read::<String>(body, "/id").as_deref(), Some("k1"));
    assert_eq!(parsed_bytes::<String>(body, "/id").as_deref(), Some("k1"));
    let mut slots = vec![None, None];
    assert!(read_many(body, &["/id", "/n/1"], &mut slots));
    assert_eq!(slots, vec![Some(Value::from("k1")), Some(Value::from(2))]);
    // Only one, only at the start; a mark alone is an empty body.
    for body in
        [&b"\xEF\xBB\xBF\xEF\xBB\xBF{}"[..], b" \xEF\xBB\xBF{}", b"{}\xEF\xBB\xBF", b"\xEF\xBB\xBF", b"\xEF\xBB{}"]
    {
        assert_eq!(read::<Value>(body, ""), None, "{body:?}");
        assert!(crate::reading::parse_json(body).is_err(), "{body:?}");
    }
    assert_eq!(read::<Value>(b"\xEF\xBB\xBF \n{} ", ""), Some(serde_json::json!({})));
}

#[test]
fn a_body_that_is_not_utf8_is_not_answered() {
    // Invalid UTF-8 inside a string off the path: a full parse refuses the body, so the walk must too.
    let body = b"{\"id\":\"k1\",\"x\":\"\xff\"}";
    assert!(serde_json::from_slice::<Value>(body).is_err());
    assert_eq!(read::<String>(body, "/id"), None);
}

/// A small deterministic generator (xorshift64*), so the randomized test below needs no crate and
/// fails the same way every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const KEYS: &[&str] = &["id", "key", "a/b", "m~n", "", "é", "dup", "0", "items"];

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth == 0 { 4 } else { 7 }) {
        0 => Value::Null,
        1 => Value::from(rng.below(3) == 0),
        2 => Value::from(rng.below(1000) as i64 - 500),
        3 => Value::from(KEYS[rng.below(KEYS.len() as u64) as usize]),
        4 | 5 => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                map.insert(KEYS[rng.below(KEYS.len() as u64) as usize].to_owned(), random_value(rng, depth - 1));
            }
            Value::Object(map)
        }
        _ => Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth - 1)).collect()),
    }
}

/// Every pointer into `value`, escaped as RFC 6901 says.
fn pointers(value: &Value, prefix: String, out: &mut Vec<String>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                pointers(item, format!("{prefix}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{prefix}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// A random document as text (sometimes with a duplicate key, which a `Value` cannot hold: written
/// into the text by hand) and pointers into it: every value's, and some that name nothing (past an
/// end, below a scalar, badly escaped).
fn random_document(rng: &mut Rng) -> (String, Vec<String>) {
    let document = random_value(rng, 4);
    let mut text = document.to_string();
    if rng.below(4) == 0 && text.starts_with("{\"") {
        text.insert_str(1, "\"dup\":[1,2],");
    }
    let mut all = Vec::new();
    pointers(&document, String::new(), &mut all);
    all.extend(["/missing", "/id/0", "/items/9", "/a~2b", "/0/0/0", "/dup/1"].map(String::from));
    (text, all)
}

#[test]
fn random_documents_read_the_same_by_walk_and_by_parse() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut compared = 0;
    for _ in 0..3000 {
        let (text, all) = random_document(&mut rng);
        for pointer in &all {
            let fast = read::<Value>(text.as_bytes(), pointer);
            let slow = parsed::<Value>(&text, pointer);
            assert_eq!(fast, slow, "{pointer:?} of {text}");
            compared += 1;
        }
    }
    assert!(compared > 20_000, "only {compared} pointers compared");
}

/// Slots of any number, all read as `Value`s.
impl Slots for Vec<Option<Value>> {
    fn fill(&mut self, index: usize, value: Value) -> Result<(), serde_json::Error> {
        self[index] = Some(value);
        Ok(())
    }

    fn clear(&mut self, index: usize) {
        self[index] = None;
    }
}

/// What `read_many` reads, or `None` where it gave up.
fn many(body: &str, pointers: &[&str]) -> Option<Vec<Option<Value>>> {
    let mut slots = vec![None; pointers.len()];
    read_many(body.as_bytes(), pointers, &mut slots).then_some(slots)
}

/// What `read_many` reads for each of `pointers` must be what `read` finds for that pointer alone,
/// except for pointers below another one of the set, or repeating an earlier one, which it leaves
/// unanswered. Gives how many it answered.
fn check_many(body: &str, pointers: &[&str]) -> usize {
    let read_all = many(body, pointers);
    let mut answered = 0;
    for (position, pointer) in pointers.iter().enumerate() {
        let here = tokens(pointer);
        let below_another = pointers
            .iter()
            .any(|other| other != pointer && tokens(other).len() < here.len() && here.starts_with(&tokens(other)));
        let repeated = pointers[..position].contains(pointer);
        let found = read_all.as_ref().and_then(|slots| slots[position].clone());
        if below_another || repeated {
            assert_eq!(found, None, "{pointer:?} of {body}");
            continue;
        }
        assert_eq!(found, read::<Value>(body.as_bytes(), pointer), "{pointer:?} of {body}");
        answered += usize::from(found.is_some());
    }
    answered
}

/// The reference tokens of a pointer, unescaped.
fn tokens(pointer: &str) -> Vec<Cow<'_, str>> {
    let mut tokens = Vec::new();
    let mut rest = pointer;
    while !rest.is_empty() {
        let (token, after) = first_token(rest);
        tokens.push(token);
        rest = after;
    }
    tokens
}

#[test]
fn reading_many_pointers_at_once_finds_what_each_read_finds() {
    let mut answered = 0;
    for body in BODIES {
        // Up to 16 at once (the whole-body pointer apart: every other pointer is below it), each alone.
        let without_root: Vec<&str> = POINTERS.iter().copied().filter(|pointer| !pointer.is_empty()).collect();
        for chunk in without_root.chunks(MAX_POINTERS) {
            answered += check_many(body, chunk);
        }
        for pointer in POINTERS {
            check_many(body, &[pointer]);
        }
    }
    // Counted by hand, values of any type, all pointers at once: 6 in the first body, 2 in the
    // second, 4 in the third (`//` is below `/`), 2 in the fourth (`/nested/dup/deeper` is below
    // `/nested/dup`), 3 in the array, 3 numbers, 2 unicode strings (`/id` beside `1e400` is not:
    // the full parse refuses that body).
    assert_eq!(answered, 22);
    // The last duplicate wins, also when the earlier one held what a deeper pointer names.
    let body = r#"{"a":{"b":1},"a":2,"c":{"d":"x"},"c":{"d":"y"}}"#;
    assert_eq!(many(body, &["/a/b", "/c/d"]), Some(vec![None, Some(Value::from("y"))]));
    // The first of two equal pointers is answered; so is an outer one, not the pointer below it.
    let body = r#"{"a":{"b":1}}"#;
    assert_eq!(many(body, &["/a", "/a"]), Some(vec![Some(serde_json::json!({"b": 1})), None]));
    assert_eq!(many(body, &["/a/b", "/a"]), Some(vec![None, Some(serde_json::json!({"b": 1}))]));
    // Invalid pointers are not answered, escaped ones are.
    let body = r#"{"a":1,"m~n":2,"a/b":3}"#;
    let expected = vec![None, None, Some(Value::from(1)), Some(Value::from(2)), Some(Value::from(3))];
    assert_eq!(many(body, &["a", "/a~2", "/a", "/m~0n", "/a~1b"]), Some(expected));
    // Not JSON, or too many pointers: no answer at all.
    assert_eq!(many("{\"a\":1", &["/a"]), None);
    assert_eq!(many("{}", &["/a"; MAX_POINTERS + 1]), None);
    assert_eq!(many("{\"a\":1}", &["/a"; MAX_POINTERS]).map(|slots| slots[0].clone()), Some(Some(Value::from(1))));
}

#[test]
fn random_documents_read_many_what_each_read_finds() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut answered = 0;
    for _ in 0..1000 {
        let (text, all) = random_document(&mut rng);
        // A few at a time, as a step reads them.
        for chunk in all.chunks(3) {
            let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
            answered += check_many(&text, &chunk);
        }
    }
    assert!(answered > 1_000, "only {answered} pointers answered");
}
