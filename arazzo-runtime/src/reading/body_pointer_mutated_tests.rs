//! The differential test of the one JSON reading: bodies built to hit every known difference
//! between a skipping walk and the full parse, read by every path.

use super::*;

/// Scalars the differential test builds bodies from: every place where reading JSON by skipping
/// could differ from the full parse (surrogate escapes, numbers at and past `f64`'s range, integers
/// past 64 bits, `-0`, bad escapes, control characters, brackets inside strings), and some
/// syntax errors.
const SCALARS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "1.5",
    "-12",
    r#""k1""#,
    r#""sk_1""#,
    "-0",
    "-0.0",
    "1e3",
    "1e400",
    "-1e400",
    "1E+400",
    "1.8e308",
    "1e308",
    "1.7976931348623157e308",
    "1e-400",
    "0e400",
    "0.0e999",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    r#""""#,
    r#""é""#,
    r#""\u00e9""#,
    r#""\ud83d\ude00""#,
    r#""\ud800""#,
    r#""\udc00""#,
    r#""\ud800\u0041""#,
    r#""\ud800\ud800""#,
    r#""\ud800\n""#,
    r#""\ud800x""#,
    r#""\\ud800""#,
    r#""\\\ud800""#,
    r#""\x""#,
    r#""\u12""#,
    "\"tab\there\"",
    r#""\u0000""#,
    r#""]]}}""#,
    r#""[[{{""#,
    "01",
    "1.",
    "+1",
    "tru",
];

/// How many of [`SCALARS`] are plain (read alike by every path).
const PLAIN: usize = 8;

/// Object keys as written in the body, and as a pointer names them (`None`: no pointer can).
const RAW_KEYS: &[(&str, Option<&str>)] = &[
    ("id", Some("id")),
    ("key", Some("key")),
    ("token", Some("token")),
    ("a/b", Some("a/b")),
    ("m~n", Some("m~n")),
    ("", Some("")),
    ("dup", Some("dup")),
    ("0", Some("0")),
    (r"e\u0073caped", Some("escaped")),
    (r"\ud83d\ude00", Some("\u{1f600}")),
    ("é", Some("é")),
    (r"\ud800", None),
    (r"\udc00x", None),
    ("tab\there", None),
];

/// A key of [`RAW_KEYS`], rarely one the full parse refuses (the last three).
fn raw_key(rng: &mut Rng) -> (&'static str, Option<&'static str>) {
    let from = if rng.below(16) == 0 { RAW_KEYS.len() } else { RAW_KEYS.len() - 3 };
    RAW_KEYS[rng.below(from as u64) as usize]
}

/// Writes a random value at `pointer` into `out`, and the pointers of its nodes into `pointers`.
fn mutant_value(rng: &mut Rng, depth: u32, out: &mut String, pointer: &str, pointers: &mut Vec<String>) {
    pointers.push(pointer.to_owned());
    let choice = if depth == 0 { 0 } else { rng.below(40) };
    match choice {
        // Mostly the plain scalars at the start of the list: a body with one odd scalar in it is
        // often refused whole, and values must be left to compare.
        0..=9 => {
            let from = if rng.below(16) == 0 { SCALARS.len() } else { PLAIN };
            out.push_str(SCALARS[rng.below(from as u64) as usize]);
        }
        10..=23 => {
            out.push('{');
            for member in 0..rng.below(5) {
                if member > 0 {
                    out.push(',');
                }
                let (raw, name) = raw_key(rng);
                out.push('"');
                out.push_str(raw);
                out.push_str("\":");
                let below = match name {
                    Some(name) => format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1")),
                    None => format!("{pointer}/unnamed"),
                };
                mutant_value(rng, depth - 1, out, &below, pointers);
            }
            out.push('}');
        }
        24..=37 => {
            out.push('[');
            for item in 0..rng.below(5) {
                if item > 0 {
                    out.push(',');
                }
                mutant_value(rng, depth - 1, out, &format!("{pointer}/{item}"), pointers);
            }
            out.push(']');
        }
        // Deep nesting around the full parse's limit, and far past it.
        _ => {
            let levels = [120, 124, 125, 126, 127, 128, 300][rng.below(7) as usize];
            out.push_str(&"[".repeat(levels));
            let inner = format!("{pointer}{}", "/0".repeat(levels));
            mutant_value(rng, 0, out, &inner, pointers);
            out.push_str(&"]".repeat(levels));
        }
    }
}

/// A random body (usually an object, with a duplicate key now and then; sometimes with a BOM,
/// cut short, with bytes or text added, or blank) and pointers into it.
fn mutant_body(rng: &mut Rng) -> (Vec<u8>, Vec<String>) {
    let mut text = String::new();
    let mut pointers = Vec::new();
    if rng.below(5) == 0 {
        mutant_value(rng, 3, &mut text, "", &mut pointers);
    } else {
        // An object whose first members are the usual outputs, then random ones.
        pointers.push(String::new());
        text.push_str(r#"{"id":"k1""#);
        if rng.below(4) == 0 {
            text.push_str(r#","id":"k2""#);
        }
        for _ in 0..rng.below(4) {
            let (raw, name) = raw_key(rng);
            text.push_str(",\"");
            text.push_str(raw);
            text.push_str("\":");
            let below =
                name.map_or("/unnamed".to_owned(), |name| format!("/{}", name.replace('~', "~0").replace('/', "~1")));
            mutant_value(rng, 3, &mut text, &below, &mut pointers);
        }
        text.push('}');
    }
    let mut body = text.into_bytes();
    match rng.below(24) {
        0..=2 => body.splice(0..0, BOM.iter().copied()).for_each(drop),
        3 => body.splice(0..0, b"\xEF\xBB\xBF\xEF\xBB\xBF".iter().copied()).for_each(drop),
        4 => body.splice(0..0, b"\xEF\xBB".iter().copied()).for_each(drop),
        5 | 6 => body.truncate(rng.below(body.len() as u64 + 1) as usize),
        7 => body.extend_from_slice([&b"x"[..], b" \n\t\r", b"{}", b"\x0c", b"\xEF\xBB\xBF"][rng.below(5) as usize]),
        8 => body.splice(0..0, [&b" \n\t\r"[..], b"\x0c", b"\0"][rng.below(3) as usize].iter().copied()).for_each(drop),
        9 => {
            let at = rng.below(body.len() as u64 + 1) as usize;
            let byte = [0xff, 0xc3, 0x00, 0x1f, b'\\', b'"'][rng.below(6) as usize];
            body.insert(at, byte);
        }
        10 => body = [&b""[..], b"  ", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF \n"][rng.below(4) as usize].to_vec(),
        _ => {}
    }
    pointers.truncate(12);
    pointers.extend(["/id", "/missing", "/id/0", "/0", "/a~1b", "/unnamed"].map(String::from));
    (body, pointers)
}

/// What the full parse reads at `pointer` of a parsed `root`, as a `T`.
fn full<T: DeserializeOwned>(root: Option<&Value>, pointer: &str) -> Option<T> {
    let root = root?;
    let value = if pointer.is_empty() { Some(root) } else { root.pointer(pointer) }?;
    T::deserialize(value).ok()
}

/// The differential test of the one JSON reading: on bodies built to hit every known difference
/// between a skipping walk and the full parse, whatever `read`, `read_many`, `Response::extract`
/// and `Outputs::read` answer from the bytes is what the parsed document answers, value or error.
#[test]
fn mutated_bodies_read_the_same_by_every_path() {
    use crate::reading::Outputs;
    use crate::reading::Response;

    let mut rng = Rng(0x5eed_0000_0000_0013);
    let (mut compared, mut answered, mut refused) = (0, 0, 0);
    for _ in 0..2000 {
        let (body, pointers) = mutant_body(&mut rng);
        let root = crate::reading::parse_json(&body).ok();
        refused += usize::from(root.is_none());
        for pointer in &pointers {
            let expected = full::<Value>(root.as_ref(), pointer);
            let shown = || format!("{pointer:?} of {:?}", String::from_utf8_lossy(&body));
            // The walk answers every value the full parse has, and nothing else.
            assert_eq!(read::<Value>(&body, pointer), expected, "{}", shown());
            assert_eq!(read::<String>(&body, pointer), full::<String>(root.as_ref(), pointer), "{}", shown());
            assert_eq!(read::<i64>(&body, pointer), full::<i64>(root.as_ref(), pointer), "{}", shown());
            assert_eq!(read::<f64>(&body, pointer), full::<f64>(root.as_ref(), pointer), "{}", shown());
            assert_eq!(read::<Option<u64>>(&body, pointer), full::<Option<u64>>(root.as_ref(), pointer), "{}", shown());
            compared += 1;
            answered += usize::from(expected.is_some());
            // An output nobody reads is checked without being built, and a criterion's operand read
            // without parsing the body: both answer as the parsed document does, errors included.
            if is_valid(pointer) {
                let fresh = Response::from_parts(200, Default::default(), body.clone());
                let parsed = Response::from_parts(200, Default::default(), body.clone());
                let _ = parsed.json();
                for array in [false, true] {
                    assert_eq!(fresh.check_unread(pointer, array), parsed.check_unread(pointer, array), "{}", shown());
                }
                assert_eq!(fresh.body_part(pointer).as_deref(), parsed.body_part(pointer).as_deref(), "{}", shown());
            }
        }
        // Three pointers at a time, as a step reads them: by `read_many`, and through the public API
        // on a fresh response (the walk) and on one a criterion parsed already (the document).
        for chunk in pointers.chunks(3) {
            let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let mut slots = vec![None; chunk.len()];
            let walked = read_many(&body, &chunk, &mut slots);
            assert_eq!(walked, root.is_some(), "{chunk:?} of {:?}", String::from_utf8_lossy(&body));
            for (position, pointer) in chunk.iter().enumerate() {
                let here = tokens(pointer);
                let shadowed = chunk[..position].contains(pointer)
                    || chunk.iter().any(|other| {
                        is_valid(other) && tokens(other).len() < here.len() && here.starts_with(&tokens(other))
                    });
                if walked && !shadowed {
                    assert_eq!(slots[position], full::<Value>(root.as_ref(), pointer), "{pointer:?}");
                }
            }
            let fresh = Response::from_parts(200, Default::default(), body.clone());
            let parsed = Response::from_parts(200, Default::default(), body.clone());
            let _ = parsed.json();
            for pointer in &chunk {
                let walk = format!("{:?}", fresh.extract::<Value>(pointer));
                assert_eq!(walk, format!("{:?}", parsed.extract::<Value>(pointer)), "{pointer:?}");
                let walk = format!("{:?}", fresh.extract::<String>(pointer));
                assert_eq!(walk, format!("{:?}", parsed.extract::<String>(pointer)), "{pointer:?}");
            }
            if let [a, b, c] = chunk[..] {
                // `Outputs` takes the generated code's static pointers.
                let [a, b, c] = [a, b, c].map(|pointer| &*pointer.to_owned().leak());
                let fresh = Response::from_parts(200, Default::default(), body.clone());
                let walk = <(Value, String, Value) as Outputs>::read(&fresh, &[a, b, c]);
                let document = <(Value, String, Value) as Outputs>::read(&parsed, &[a, b, c]);
                assert_eq!(format!("{walk:?}"), format!("{document:?}"), "{chunk:?}");
            }
        }
    }
    // The generator must keep producing both kinds of body, and values to compare.
    assert!(compared > 20_000 && answered > 5_000 && refused > 500, "{compared} {answered} {refused}");
}
