//! `upgrade`: 1.0 documents rewritten as 1.1.0 generate exactly the client they generated before
//! (seeds, fixtures and the specification's examples); the golden upgraded texts (YAML and JSON, with
//! comments); what is listed for a human, located; and idempotence.

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arazzo_codegen::upgrade::{Upgraded, upgrade_file, upgrade_str};
use arazzo_codegen::{Options, generate_file, generate_in_memory};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Generates `path` from disk, then again with its text replaced by the upgraded one (the other files
/// read the same), and asserts that the two modules are the same text.
fn same_client(path: &Path, options: &Options) -> bool {
    let Ok(before) = generate_file(path, options, &[]) else { return false };
    let upgraded = upgrade_file(path).unwrap_or_else(|error| panic!("{error}"));
    assert!(upgraded.changes.iter().any(|change| change.message.contains("-> `1.1.0`")), "{}", path.display());
    let mut files: BTreeMap<PathBuf, String> =
        before.files_read.iter().map(|file| (file.clone(), std::fs::read_to_string(file).unwrap())).collect();
    files.insert(path.to_path_buf(), upgraded.text.clone());
    let after = generate_in_memory(&files, path, options)
        .unwrap_or_else(|error| panic!("{} no longer generates once upgraded:\n{error}", path.display()));
    // Everything equal: the version appears nowhere in the generated code.
    assert_eq!(after.source, before.source, "{} generates another client once upgraded", path.display());
    // Upgrading twice changes nothing the second time.
    let again = upgrade_str(path, &upgraded.text).unwrap();
    assert!(again.already_current() && again.text == upgraded.text, "{}", path.display());
    true
}

#[test]
fn seeds_generate_the_same_clients_once_upgraded() {
    let mut seeds = 0;
    for provider in std::fs::read_dir(root().join("workflows")).unwrap() {
        let Ok(files) = std::fs::read_dir(provider.unwrap().path().join("arazzo")) else { continue };
        for file in files {
            let file = file.unwrap().path();
            assert!(same_client(&file, &Options::default()), "{} does not generate", file.display());
            seeds += 1;
        }
    }
    assert_eq!(seeds, 5);
}

#[test]
fn fixtures_that_generate_generate_the_same_clients_once_upgraded() {
    let mut generated = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".arazzo.yaml") || !std::fs::read_to_string(&file).unwrap().contains("arazzo: 1.0") {
            continue;
        }
        if same_client(&file, &Options::default()) {
            generated.push(name);
        }
    }
    // Every 1.0 fixture that generates today (the others are refused on purpose: `remote-source` names
    // a URL that is never fetched).
    assert_eq!(
        generated,
        [
            "action-shapes.arazzo.yaml",
            "actions.arazzo.yaml",
            "bodies.arazzo.yaml",
            "criteria.arazzo.yaml",
            "enum-attributes.arazzo.yaml",
            "evolving-v1.arazzo.yaml",
            "evolving-v2.arazzo.yaml",
            "features.arazzo.yaml",
            "foreign-case.arazzo.yaml",
            "foreign.arazzo.yaml",
            "input-object-outputs.arazzo.yaml",
            "lenient-xml.arazzo.yaml",
            "lenient.arazzo.yaml",
            "many-reads.arazzo.yaml",
            "nested.arazzo.yaml",
            "nullable.arazzo.yaml",
            "reuse.arazzo.yaml",
            "sent.arazzo.yaml",
            "tricky-names.arazzo.yaml",
            "types.arazzo.yaml",
            "xpath-10.arazzo.yaml",
            "xpath.arazzo.yaml",
        ]
    );
}

#[test]
fn specification_examples_upgrade_and_the_one_that_generates_generates_the_same_client() {
    let dir = root().join("../shared/conformance/oai-examples");
    if !dir.exists() {
        return;
    }
    let options = |name: &str| Options { display_name: Some(format!("oai-examples/{name}")), ..Options::default() };
    assert!(same_client(&dir.join("oauth.arazzo.yaml"), &options("oauth.arazzo.yaml")));
    // The others are refused for their own defects (conformance_examples.rs); they still upgrade, and
    // upgrading them twice changes nothing.
    for name in [
        "ExtendedParametersExample.arazzo.yaml",
        "FAPI-PAR.arazzo.yaml",
        "LoginAndRetrievePets.arazzo.yaml",
        "bnpl-arazzo.yaml",
        "pet-coupons.arazzo.yaml",
    ] {
        let upgraded = upgrade_file(&dir.join(name)).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(upgraded.declared, "1.0.0", "{name}");
        let again = upgrade_str(&dir.join(name), &upgraded.text).unwrap();
        assert!(again.already_current() && again.text == upgraded.text, "{name}");
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade").join(name)
}

/// Comments, blank lines and quoting stay; only the version, the braces and the empty lists change.
/// The expected text was checked by hand, line by line, against the fixture.
#[test]
fn a_yaml_document_is_edited_in_place_and_generates_the_same_client() {
    let upgraded = upgrade_file(&fixture("pets.arazzo.yaml")).unwrap();
    expectorate::assert_contents("tests/golden/upgrade/pets.arazzo.yaml", &upgraded.text);
    let changes: Vec<String> = upgraded
        .changes
        .iter()
        .map(|change| {
            let at = change.location.unwrap();
            format!("{}:{} {}", at.line, at.column, change.json_path)
        })
        .collect();
    assert_eq!(
        changes,
        [
            "2:9 arazzo",
            "28:20 workflows[0].steps[0].parameters[0].value",
            "32:46 workflows[0].steps[0].parameters[2].value",
            "33:9 workflows[0].steps[0].successCriteria",
            "37:9 workflows[0].steps[1].successCriteria",
            "46:20 workflows[0].steps[1].parameters[1].value",
            "48:111 workflows[0].steps[2].successCriteria",
        ]
    );
    assert!(upgraded.needs_human.is_empty(), "{:?}", upgraded.needs_human);
    assert!(same_client(&fixture("pets.arazzo.yaml"), &Options::default()));
}

#[test]
fn a_json_document_is_edited_in_place_and_generates_the_same_client() {
    let upgraded = upgrade_file(&fixture("store.arazzo.json")).unwrap();
    expectorate::assert_contents("tests/golden/upgrade/store.arazzo.json", &upgraded.text);
    assert_eq!(upgraded.changes.len(), 4, "{:?}", upgraded.changes);
    assert!(same_client(&fixture("store.arazzo.json"), &Options::default()));
}

/// Each place is located where the change would be, and says why; the document is still upgraded.
#[test]
fn what_needs_a_human_is_listed_at_its_place() {
    let upgraded = upgrade_file(&fixture("needs-human.arazzo.yaml")).unwrap();
    let found = needs_human(&upgraded);
    let expected = [
        ("17:20", "this mapping is a literal JSON value in Arazzo 1.0, but Arazzo 1.1 reads a mapping with `context`"),
        ("20:20", "an object as a parameter value: the Arazzo 1.1 JSON Schema allows no object here"),
        ("23:19", "this mapping is a literal JSON value in Arazzo 1.0, but Arazzo 1.1 reads a mapping with `context`"),
        ("26:24", "this `jsonpath` condition holds `{$inputs.tag}`, which arazzo-rs matched as literal text"),
        ("28:24", "`$response.body#/a{b}`: Arazzo 1.1 keeps `{` and `}` out of JSON pointers"),
        ("34:26", "remove `successCriteria: []` (1.1 requires at least one criterion"),
        ("36:13", "`$steps.list.plan`: Arazzo 1.1 reads a step only as `$steps.list.outputs.<name>`"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (line, (at, message)) in found.iter().zip(expected) {
        assert!(line.starts_with(&format!("{at}: {message}")), "expected {at}: {message}...\nfound {line}");
    }
    assert!(upgraded.needs_human.iter().all(|d| d.severity == arazzo_codegen::Severity::Warning));
    assert!(upgraded.text.starts_with("arazzo: 1.1.0\n"));
    // What needs a human is left as it was.
    assert_eq!(
        upgraded.text.replacen("1.1.0", "1.0.1", 1),
        std::fs::read_to_string(fixture("needs-human.arazzo.yaml")).unwrap()
    );
}

#[test]
fn a_document_already_1_1_is_left_alone() {
    let text = "arazzo: 1.1.0 # current\ninfo: {title: t, version: '1'}\n";
    let upgraded = upgrade_str(Path::new("current.arazzo.yaml"), text).unwrap();
    assert!(upgraded.already_current());
    assert_eq!(upgraded.text, text);
    assert!(upgraded.changes.is_empty() && upgraded.needs_human.is_empty());
}

#[test]
fn documents_that_are_not_arazzo_1_0_are_errors_at_their_place() {
    let error = |text: &str| {
        let diagnostic = upgrade_str(Path::new("doc.yaml"), text).unwrap_err();
        let at = diagnostic.location.unwrap();
        format!("{}:{}: {}", at.line, at.column, diagnostic.message)
    };
    assert_eq!(
        error("info: {title: t}\narazzo: 2.0.0\n"),
        "2:9: the document declares Arazzo `2.0.0`; `upgrade` reads 1.0.x documents (and leaves 1.1.x ones)"
    );
    assert_eq!(error("arazzo: 1.0\n"), "1:9: `arazzo` must be a version string such as `1.0.1`, not `1.0`");
    assert_eq!(
        error("openapi: 3.1.0\n"),
        "1:1: no `arazzo` field: this is not an Arazzo document (`upgrade` reads Arazzo 1.0.x documents)"
    );
    assert!(error("arazzo: [1.0.1\n").contains("malformed YAML"));
}

/// A byte order mark and CRLF line ends are kept.
#[test]
fn byte_order_marks_and_crlf_line_ends_are_kept() {
    let text = "\u{feff}arazzo: 1.0.1\r\nworkflows:\r\n  - steps:\r\n      - stepId: a\r\n        successCriteria: []\r\n        parameters:\r\n          - {name: h, in: header, value: 'x $inputs.y'}\r\n";
    let upgraded = upgrade_str(Path::new("crlf.yaml"), text).unwrap();
    assert_eq!(
        upgraded.text,
        "\u{feff}arazzo: 1.1.0\r\nworkflows:\r\n  - steps:\r\n      - stepId: a\r\n        parameters:\r\n          - {name: h, in: header, value: 'x {$inputs.y}'}\r\n"
    );
}

/// The messages of what needs a human, as `line:column: message`.
fn needs_human(upgraded: &Upgraded) -> Vec<String> {
    upgraded
        .needs_human
        .iter()
        .map(|diagnostic| {
            let at = diagnostic.location.unwrap();
            format!("{}:{}: {}", at.line, at.column, diagnostic.message)
        })
        .collect()
}
