//! Loading YAML and JSON with a line and column for every node.

// clippy's test allowances only cover `#[test]` functions, not the helpers of an integration test.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use arazzo_codegen::diagnostic::{Diagnostic, Location};
use arazzo_codegen::load::{Loaded, load_file, load_str};
use serde_json::json;

fn load(text: &str) -> Loaded {
    load_str(Path::new("doc.yaml"), text).unwrap_or_else(|d| panic!("should load: {d}"))
}

fn fail(text: &str) -> Diagnostic {
    match load_str(Path::new("doc.yaml"), text) {
        Ok(loaded) => panic!("should fail, loaded {}", loaded.value),
        Err(diagnostic) => diagnostic,
    }
}

fn at(line: usize, column: usize) -> Option<Location> {
    Some(Location { line, column })
}

fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi").join(relative)
}

const PETS: &str = "\
openapi: 3.1.0
info:
  title: Pets
paths:
  /pets:
    get:
      operationId: listPets
      tags: [a, b]
";

#[test]
fn yaml_values_and_keys_are_located() {
    let loaded = load(PETS);
    assert_eq!(loaded.value["paths"]["/pets"]["get"]["operationId"], "listPets");
    assert_eq!(loaded.spans.get(""), at(1, 1));
    assert_eq!(loaded.spans.get("/info/title"), at(3, 10));
    assert_eq!(loaded.spans.key("/info/title"), at(3, 3));
    assert_eq!(loaded.spans.get("/info"), at(3, 3), "a block mapping starts at its first key");
    assert_eq!(loaded.spans.get("/paths/~1pets/get/operationId"), at(7, 20));
    assert_eq!(loaded.spans.get("/paths/~1pets/get/tags"), at(8, 13));
    assert_eq!(loaded.spans.get("/paths/~1pets/get/tags/1"), at(8, 17));
    assert_eq!(loaded.spans.key("/paths/~1pets/get/tags/1"), None, "sequence items have no key");
    assert_eq!(loaded.spans.get("/paths/~1pets/get/missing"), None);
}

#[test]
fn nearest_walks_up_to_a_located_ancestor() {
    let loaded = load(PETS);
    assert_eq!(loaded.spans.nearest("/info/title/added/by/overlay"), at(3, 10));
    assert_eq!(loaded.spans.nearest("/nothing"), at(1, 1));
    assert_eq!(loaded.spans.nearest("/info/title"), at(3, 10));
}

#[test]
fn columns_count_characters_not_bytes() {
    let loaded = load("é: ü\nk: [ü, 1]\n");
    assert_eq!(loaded.spans.get("/k/1"), at(2, 8));
    let json = load("{\"é\": \"ü\", \"k\": 1}");
    assert_eq!(json.spans.get("/k"), at(1, 17));
}

/// A quoted scalar ends at its closing quote, and a flow collection at its bracket, not after the
/// comment that follows them (saphyr's own spans go on to the end of the line); a quoted scalar on
/// one line or several, with escapes and non-ASCII text.
#[test]
fn quoted_scalars_and_flow_collections_end_where_they_close() {
    let loaded =
        load("a: \"x\" # note\nb: 'it''s' # more\nc: \"é\\\"q\"   # é\nd: \"one\n  two\" # next\ne: plain # note\n");
    assert_eq!(loaded.value["c"], "é\"q");
    assert_eq!(loaded.spans.end("/a"), at(1, 7));
    assert_eq!(loaded.spans.end("/b"), at(2, 11));
    assert_eq!(loaded.spans.end("/c"), at(3, 10));
    assert_eq!(loaded.spans.end("/d"), at(5, 7));
    assert_eq!(loaded.spans.end("/e"), at(6, 9));
    // Line breaks inside a quoted scalar: `\r\n` is one, a lone `\r` one too.
    let loaded = load("a: \"one\r\n  two\" # note\r\nb: 'x\r  y' # note\n");
    assert_eq!(loaded.spans.end("/a"), at(2, 7));
    assert_eq!(loaded.spans.end("/b"), at(4, 5));
    // Flow collections end at their bracket.
    let loaded = load("f: {a: 1, b: [x, 'y']} # note\ng: [1, {c: 2}]   # more\n");
    assert_eq!(loaded.spans.end("/f"), at(1, 23));
    assert_eq!(loaded.spans.end("/f/b"), at(1, 22));
    assert_eq!(loaded.spans.end("/g"), at(2, 15));
    assert_eq!(loaded.spans.end("/g/1"), at(2, 14));
}

#[test]
fn json_values_and_keys_are_located_and_tabs_accepted() {
    let loaded = load("{\n  \"a\": {\"b\": [1, \"x\"]},\n\t\"c\": true\n}\n");
    assert_eq!(loaded.value, json!({"a": {"b": [1, "x"]}, "c": true}));
    assert_eq!(loaded.spans.get("/a/b"), at(2, 14));
    assert_eq!(loaded.spans.key("/a/b"), at(2, 9));
    assert_eq!(loaded.spans.get("/a/b/1"), at(2, 18));
    assert_eq!(loaded.spans.get("/c"), at(3, 7));
    assert_eq!(loaded.spans.key("/c"), at(3, 2));
}

#[test]
fn json_keys_with_escapes_and_slashes_make_proper_pointers() {
    let loaded = load(r#"{"paths": {"/a~b": {"x\"y": 1}}}"#);
    assert_eq!(loaded.spans.get("/paths/~1a~0b/x\"y"), at(1, 29));
}

#[test]
fn json_key_order_is_preserved() {
    let loaded = load(r#"{"z": 1, "a": 2, "m": 3}"#);
    let keys: Vec<&String> = loaded.value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a", "m"]);
}

#[test]
fn yaml_key_order_is_preserved() {
    let loaded = load("z: 1\na: 2\nm: 3\n");
    let keys: Vec<&String> = loaded.value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a", "m"]);
}

#[test]
fn plain_scalars_follow_the_yaml_1_2_core_schema() {
    let loaded = load(
        "n1: ~\nn2: null\nn3:\nb: True\ni: 0x1F\no: 0o17\nneg: -12\nf: 1.5e3\nbig: 18446744073709551615\n\
         inf: .inf\nyes: yes\nver: 3.0.3\ndate: 2024-01-01\n",
    );
    assert_eq!(
        loaded.value,
        json!({"n1": null, "n2": null, "n3": null, "b": true, "i": 31, "o": 15, "neg": -12, "f": 1500.0,
               "big": 18446744073709551615u64, "inf": ".inf", "yes": "yes", "ver": "3.0.3", "date": "2024-01-01"})
    );
}

#[test]
fn quoted_and_block_scalars_are_strings() {
    let loaded = load("s1: \"123\"\ns2: '0x1F'\ns3: 'true'\nblk: |\n  line1\n  line2\nfold: >\n  a\n  b\n");
    assert_eq!(
        loaded.value,
        json!({"s1": "123", "s2": "0x1F", "s3": "true", "blk": "line1\nline2\n", "fold": "a b\n"})
    );
}

#[test]
fn tags_are_honoured_where_they_mean_something() {
    let loaded = load("a: !!str 42\nb: !thing 42\nc: ! 42\nd: !!float 1\ne: !!binary aGk=\n");
    assert_eq!(loaded.value, json!({"a": "42", "b": 42, "c": "42", "d": 1, "e": "aGk="}));
}

#[test]
fn a_plain_value_that_does_not_fit_its_tag_is_located() {
    let diagnostic = fail("x: 1\na: !!int abc\n");
    assert_eq!(diagnostic.location, at(2, 4));
    assert_eq!(diagnostic.json_path, "a");
    assert!(diagnostic.message.contains("`abc` is not a valid `!!int` value"), "{diagnostic}");
}

#[test]
fn non_string_keys_are_taken_as_written() {
    let loaded = load("responses:\n  200: {}\n  '2XX': {}\n  default: {}\ntrue: 1\n0x10: 2\n");
    let keys: Vec<&String> = loaded.value["responses"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["200", "2XX", "default"]);
    assert_eq!(loaded.value["true"], 1);
    assert_eq!(loaded.value["0x10"], 2);
    assert_eq!(loaded.spans.get("/responses/200"), at(2, 8));
}

#[test]
fn duplicate_yaml_keys_are_errors_at_the_second_key() {
    let diagnostic = fail("a: 1\nb:\n  c: 2\n  'c': 3\n");
    assert_eq!(diagnostic.location, at(4, 3));
    assert_eq!(diagnostic.json_path, "b.c");
    assert!(diagnostic.message.contains("duplicate key `c`"), "{diagnostic}");
    assert_eq!(diagnostic.file, Path::new("doc.yaml"));
}

#[test]
fn keys_that_read_the_same_are_duplicates() {
    let diagnostic = fail("200: a\n'200': b\n");
    assert_eq!(diagnostic.location, at(2, 1));
}

#[test]
fn duplicate_json_keys_are_errors_at_the_second_key() {
    let diagnostic = fail("{\"a\": 1,\n \"b\": {\"c\": 2, \"c\": 3}}");
    assert_eq!(diagnostic.location, at(2, 16));
    assert_eq!(diagnostic.json_path, "b.c");
}

#[test]
fn more_than_one_document_is_an_error() {
    let diagnostic = fail("a: 1\n---\nb: 2\n");
    assert_eq!(diagnostic.location, at(2, 1));
    assert!(diagnostic.message.contains("more than one YAML document"), "{diagnostic}");
}

#[test]
fn explicit_document_markers_around_one_document_are_fine() {
    assert_eq!(load("---\na: 1\n...\n").value, json!({"a": 1}));
}

#[test]
fn empty_files_are_errors() {
    for text in ["", "  \n\n", "# only a comment\n", "---\n", "\u{feff}"] {
        let diagnostic = fail(text);
        assert!(diagnostic.message.contains("empty"), "{text:?}: {diagnostic}");
        // Located at the start, so that every error about a file that exists has a line and column.
        assert_eq!(diagnostic.location, at(1, 1), "{text:?}");
    }
}

#[test]
fn malformed_yaml_is_located() {
    let bad_indent = fail("a:\n  b: 1\n c: 2\n");
    assert_eq!(bad_indent.location, at(3, 2), "{bad_indent}");
    assert!(bad_indent.message.starts_with("malformed YAML: "), "{bad_indent}");

    let two_colons = fail("a: b: c\n");
    assert_eq!(two_colons.location, at(1, 5), "{two_colons}");

    let unterminated = fail("key: \"unterminated\n");
    assert_eq!(unterminated.location.map(|l| l.line), Some(1), "{unterminated}");
}

#[test]
fn malformed_json_is_located() {
    let diagnostic = fail("{\"a\": 1,\n \"b\": {\"c\": 2 \"d\": 3}}");
    assert_eq!(diagnostic.location, at(2, 15));
    assert!(diagnostic.message.starts_with("malformed JSON: expected `,` or `}`"), "{diagnostic}");
}

#[test]
fn aliases_are_expanded_and_located_at_the_alias() {
    let loaded = load("base: &b {type: string}\nuse: *b\nkey: &k name\n*k : 2\n");
    assert_eq!(loaded.value, json!({"base": {"type": "string"}, "use": {"type": "string"}, "key": "name", "name": 2}));
    assert_eq!(loaded.spans.get("/use"), at(2, 6));
    assert_eq!(loaded.spans.get("/use/type"), None);
    assert_eq!(loaded.spans.nearest("/use/type"), at(2, 6));
}

#[test]
fn billion_laughs_is_refused() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let items = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    let diagnostic = fail(&text);
    assert!(diagnostic.message.contains("too many alias expansions"), "{diagnostic}");
    assert!(diagnostic.location.is_some());
}

#[test]
fn aliases_inside_complex_keys_are_refused_quickly() {
    // saphyr's own loader does not count alias copies inside keys; this document would explode there.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let keys: Vec<String> = (0..10).map(|j| format!("? [*a{}, {j}] : {j}", level - 1)).collect();
        text.push_str(&format!("a{level}: &a{level} {{ {} }}\n", keys.join(", ")));
    }
    let diagnostic = fail(&text);
    assert!(diagnostic.message.contains("mapping keys must be scalars"), "{diagnostic}");
    assert_eq!(diagnostic.location, at(2, 13));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    assert!(fail(&flow).location.is_some());
    let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(fail(&json).message.contains("recursion limit"));
    let block: String = (0..300).map(|depth| format!("{}- \n", "  ".repeat(depth))).collect();
    assert!(fail(&block).message.contains("nesting deeper than 128 levels"));
}

#[test]
fn a_byte_order_mark_is_skipped() {
    assert_eq!(load("\u{feff}a: 1\n").spans.get("/a"), at(1, 4));
    assert_eq!(load("\u{feff}{\"a\": 1}").spans.get("/a"), at(1, 7));
}

#[test]
fn content_decides_between_yaml_and_json_not_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let yaml_in_json = dir.path().join("x.json");
    std::fs::write(&yaml_in_json, "a: 1\n").unwrap();
    let loaded = load_file(&yaml_in_json).unwrap();
    assert_eq!(loaded.value, json!({"a": 1}));
    assert_eq!(loaded.path, yaml_in_json);

    let json_in_yaml = dir.path().join("x.yaml");
    std::fs::write(&json_in_yaml, "  {\"a\": [1]}").unwrap();
    assert_eq!(load_file(&json_in_yaml).unwrap().value, json!({"a": [1]}));
}

#[test]
fn unreadable_files_are_errors_and_bytes_that_are_not_utf8_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let missing = load_file(&dir.path().join("missing.yaml")).unwrap_err();
    assert!(missing.message.starts_with("cannot read file"), "{missing}");
    assert_eq!(missing.location, None);

    let binary = dir.path().join("binary.yaml");
    std::fs::write(&binary, b"a: 1\n\xff\n").unwrap();
    let diagnostic = load_file(&binary).unwrap_err();
    assert!(diagnostic.message.contains("not UTF-8"), "{diagnostic}");
    assert_eq!(diagnostic.location, at(2, 1), "{diagnostic}");
    // Columns count characters: `é` before the bad byte is one.
    std::fs::write(&binary, "a: 1\nb: caf\u{e9}".bytes().chain([0xe9]).collect::<Vec<u8>>()).unwrap();
    assert_eq!(load_file(&binary).unwrap_err().location, at(2, 8));
}

#[test]
fn the_svix_description_loads_with_spans() {
    let loaded = load_file(&shared("svix/svix-openapi.json")).unwrap();
    let pointer = "/paths/~1api~1v1~1app~1{app_id}~1integration~1{integ_id}/get/operationId";
    assert_eq!(loaded.value.pointer(pointer).unwrap(), "v1.integration.get");
    assert_eq!(loaded.spans.get(pointer), at(6438, 24));
    assert_eq!(loaded.spans.key(pointer), at(6438, 9));
}

#[test]
fn every_shared_description_loads_the_same_as_a_reference_parser_for_json() {
    let svix = std::fs::read_to_string(shared("svix/svix-openapi.json")).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&svix).unwrap();
    assert_eq!(load(&svix).value, expected);
    for file in [
        "apigee/apigee-api-management-openapi.yml",
        "backblaze/backblaze-b2-native-api.yaml",
        "deepgram/deepgram-keys-api-openapi.yml",
        "deepgram/deepgram-management-openapi.yml",
        "propelauth/propelauth-api-keys-api-openapi.yml",
    ] {
        let loaded = load_file(&shared(file)).unwrap_or_else(|d| panic!("{d}"));
        assert!(loaded.value.get("openapi").is_some(), "{file}");
        assert!(loaded.spans.len() > 100, "{file}");
    }
}

/// A tiny deterministic generator so that the garbling below is reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[test]
fn truncated_and_garbled_inputs_never_panic() {
    let mut samples = Vec::new();
    for file in ["backblaze/backblaze-b2-native-api.yaml", "propelauth/propelauth-api-keys-api-openapi.yml"] {
        let text = std::fs::read_to_string(shared(file)).unwrap();
        samples.push(text[..floor_boundary(&text, 30_000)].to_string());
    }
    let svix = std::fs::read_to_string(shared("svix/svix-openapi.json")).unwrap();
    samples.push(svix[..floor_boundary(&svix, 20_000)].to_string());
    samples.push(format!("# now YAML\n{}", &svix[..floor_boundary(&svix, 8_000)]));
    let pieces = [
        "&a ",
        "*a ",
        "[",
        "]",
        "{",
        "}",
        ":",
        "- ",
        "? ",
        "!!int ",
        "\t",
        "\"",
        "'",
        "|",
        ">",
        "\n",
        "#",
        "---\n",
        "\\",
        "é",
        "%YAML 1.2\n",
        "!",
        "*",
        "&",
        ",",
        "\r",
        "\u{feff}",
    ];
    let mut random = XorShift(0x5eed);
    for text in &samples {
        let mut cut = 0;
        while cut < text.len() {
            let _ = load_str(Path::new("t"), &text[..floor_boundary(text, cut)]);
            cut += 1 + random.next() % 401;
        }
        for _ in 0..300 {
            let mut garbled = text[..floor_boundary(text, 6_000)].to_string();
            for _ in 0..1 + random.next() % 4 {
                let at = floor_boundary(&garbled, random.next() % garbled.len().max(1));
                let piece = pieces[random.next() % pieces.len()];
                if random.next().is_multiple_of(2) {
                    garbled.insert_str(at, piece);
                } else {
                    let end = floor_boundary(&garbled, at + 1 + random.next() % 8);
                    garbled.replace_range(at..end, piece);
                }
            }
            let _ = load_str(Path::new("t"), &garbled);
        }
    }
    for _ in 0..20_000 {
        let text: String = (0..random.next() % 24).map(|_| pieces[random.next() % pieces.len()]).collect();
        let _ = load_str(Path::new("t"), &text);
    }
}
