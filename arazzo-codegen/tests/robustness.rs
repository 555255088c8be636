//! No document can crash the generator or put its text into code.
//!
//! - A deterministic mutation loop rewrites the seed documents (the published workflows and this
//!   crate's fixtures) with hostile values: Rust keywords, comment and string breakers, runtime
//!   expressions, control and bidirectional characters, huge strings and numbers, deep nesting,
//!   duplicated, deleted and renamed entries. Every result must be either a located error or Rust
//!   that parses and carries the injected text only in comments and string literals; a panic fails
//!   the test with the document that caused it.
//! - Targeted cases check, by hand, names that are keywords or collide, a step reading its own output,
//!   comment breakers in docs, cyclic schemas, and files that are not Arazzo documents at all.

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use arazzo_codegen::load::load_file;
use arazzo_codegen::{Diagnostic, GenerateError, Generated, Options, Overlay, generate_file};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use serde_json::{Map, Value, json};

/// Embedded in every hostile string: it may reach the output only inside comments and string literals.
const MARKER: &str = "INJECTED_MARKER_42";

/// Seed of the mutation loop. `ROBUSTNESS_SEED=<number>` explores other documents; each seed gives
/// the same documents on every run. `ROBUSTNESS_TRACE=1` prints every document before it is generated
/// (for a stack overflow, which aborts the process before any report).
const SEED: u64 = 0x00a2_a220_2024_0001;

fn seed() -> u64 {
    std::env::var("ROBUSTNESS_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or(SEED)
}

/// Mutated documents per seed document.
const ROUNDS_PER_SEED: usize = 90;

/// Longest time one document may take before it counts as a hang. A hang detector, not a speed
/// target (speed is measured by the benchmarks): a document takes milliseconds, so the bound is far
/// above what a loaded 2-core CI machine needs, and far below an endless loop or an exponential blow-up.
const SLOW: Duration = Duration::from_secs(30);

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/robustness").join(name)
}

// ---------------------------------------------------------------------------------------------------
// Checks shared by the loop and the targeted cases
// ---------------------------------------------------------------------------------------------------

/// Runs the generator with panics caught; a panic becomes `Err` with its message.
fn run(path: &Path, options: &Options, overlays: &[Overlay]) -> Result<Result<Generated, GenerateError>, String> {
    catch_unwind(AssertUnwindSafe(|| generate_file(path, options, overlays))).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-string panic payload)".to_string())
    })
}

/// Where `marker` occurs in code: in an identifier, or in a literal that is not a string.
fn marker_in_code(tokens: TokenStream, marker: &str, found: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => marker_in_code(group.stream(), marker, found),
            TokenTree::Ident(ident) => {
                if ident.to_string().contains(marker) {
                    found.push(format!("identifier `{ident}`"));
                }
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                let string = text.starts_with('"') || text.starts_with("r\"") || text.starts_with("r#");
                if text.contains(marker) && !string {
                    found.push(format!("literal `{text}`"));
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

/// Accepted output must parse, and `marker` may appear only in comments and string literals.
fn check_output(source: &str, marker: &str) -> Result<(), String> {
    let file = syn::parse_file(source).map_err(|error| format!("the generated source does not parse: {error}"))?;
    let mut found = Vec::new();
    marker_in_code(file.to_token_stream(), marker, &mut found);
    if !found.is_empty() {
        return Err(format!("`{marker}` reached code: {}", found.join(", ")));
    }
    for line in source.lines().filter(|line| line.contains(marker)) {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("//") && !trimmed.contains('"') {
            return Err(format!("`{marker}` on a line that is neither a comment nor a string literal: {line}"));
        }
    }
    Ok(())
}

/// A refusal must be `Invalid` with an error; when the file itself loads, some error must be located.
fn check_refusal(error: &GenerateError, path: &Path) -> Result<(), String> {
    let GenerateError::Invalid { diagnostics, .. } = error else {
        return Err(format!("not a document error: {error}"));
    };
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|diagnostic| diagnostic.is_error()).collect();
    if errors.is_empty() {
        return Err(format!("refused without an error diagnostic: {error}"));
    }
    if load_file(path).is_ok() && !errors.iter().any(|diagnostic| diagnostic.location.is_some()) {
        return Err(format!("the file parsed but no error is located: {error}"));
    }
    Ok(())
}

/// Generates a fixture that must be refused, returning its diagnostics.
fn refused(path: &Path, options: &Options) -> Vec<Diagnostic> {
    match run(path, options, &[]) {
        Err(panic) => panic!("{} panicked: {panic}", path.display()),
        Ok(Ok(generated)) => panic!("{} was accepted:\n{}", path.display(), generated.source),
        Ok(Err(error)) => {
            if let Err(problem) = check_refusal(&error, path) {
                panic!("{}: {problem}", path.display());
            }
            error.diagnostics().to_vec()
        }
    }
}

/// Generates a fixture that must be accepted, returning its source.
fn accepted(path: &Path, options: &Options) -> String {
    match run(path, options, &[]) {
        Err(panic) => panic!("{} panicked: {panic}", path.display()),
        Ok(Err(error)) => panic!("{} was refused:\n{error}", path.display()),
        Ok(Ok(generated)) => {
            if let Err(problem) = check_output(&generated.source, MARKER) {
                panic!("{}: {problem}\n{}", path.display(), generated.source);
            }
            generated.source
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// The mutation loop
// ---------------------------------------------------------------------------------------------------

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Names for renames: keywords, collisions after case conversion, and hostile text.
fn hostile_names() -> Vec<String> {
    let mut names: Vec<String> = [
        "self", "Self", "type", "crate", "super", "fn", "r#type", "_", "__", "0", "1st", "app-id", "appId", "app_id",
        "config", "client", "inputs", "run", "request", "response", "Config", "x", "é", "🦀",
    ]
    .map(String::from)
    .to_vec();
    names.extend([
        format!("{MARKER}\"); panic!(); //"),
        format!("*/ {MARKER} /*"),
        format!("\"# {MARKER}"),
        format!("}} {MARKER} {{"),
        format!("{MARKER}\n#[doc = {MARKER}]"),
        format!("a\rb{MARKER}"),
        format!("{MARKER}\u{202e}lrt\u{202c}"),
    ]);
    names
}

/// Hostile strings, each but the bare names carrying [`MARKER`].
fn hostile_strings() -> Vec<String> {
    let mut strings = hostile_names();
    strings.extend([
        format!("{MARKER} \\ \\\" \\\\ \\u{{0}}"),
        format!("/* {MARKER}"),
        format!("{MARKER} */"),
        format!("\"#) {MARKER} r#\""),
        format!("{{{MARKER}}}"),
        format!("{{$inputs.x}} {MARKER}"),
        "{$inputs.x}".to_string(),
        format!("{{$steps.x.outputs.y}}{MARKER}"),
        "$steps.".to_string(),
        "$steps.a.outputs.b".to_string(),
        "$".to_string(),
        "$inputs.".to_string(),
        format!("$inputs.{MARKER}\"x"),
        "$response.body#/a".to_string(),
        "$response.body#/0/0/0".to_string(),
        "$response.header.X".to_string(),
        "$statusCode".to_string(),
        "$statusCode == 200".to_string(),
        "$sourceDescriptions.".to_string(),
        "$url".to_string(),
        format!("{MARKER}\r\n# {MARKER}\n#![deny(warnings)] {MARKER}"),
        format!("\r{MARKER}\r"),
        format!("{MARKER}\u{2028}{MARKER}\u{2029}\u{85}{MARKER}"),
        format!("{MARKER} \u{202e}evil\u{202c} 🦀 \u{200b}\u{feff} é ﷽"),
        format!("\u{0}{MARKER}\u{7}\u{1b}[31m"),
        format!("\t{MARKER}\t"),
        String::new(),
        " ".to_string(),
        "x".repeat(10_000),
        format!("{MARKER}{}", "\"*/".repeat(3_000)),
        "http://example.com/".to_string(),
        "./missing.yaml".to_string(),
        "#/paths/~1pets/get".to_string(),
        "{$sourceDescriptions.pets.url}#/paths/~1pets/get".to_string(),
        "1.0.9".to_string(),
        "2.0.0".to_string(),
        "object".to_string(),
        "array".to_string(),
        "string".to_string(),
        "header".to_string(),
        "path".to_string(),
        "application/xml".to_string(),
    ]);
    strings
}

/// `depth` arrays inside each other around `leaf`.
fn nested(depth: usize, leaf: Value) -> Value {
    (0..depth).fold(leaf, |inner, _| Value::Array(vec![inner]))
}

/// A hostile replacement value.
fn hostile_value(rng: &mut Rng, strings: &[String]) -> Value {
    match rng.below(20) {
        0..=9 => Value::String(rng.pick(strings).clone()),
        10 => json!(rng.pick(&[0i64, -1, i64::MIN, i64::MAX, 200])),
        11 => json!(rng.pick(&[1e308, -1e308, 0.5, f64::MIN_POSITIVE])),
        12 => json!(rng.pick(&[1u64 << 63, u64::MAX])),
        13 => Value::Bool(rng.chance(50)),
        14 => Value::Null,
        15 => json!([]),
        16 => json!({}),
        17 => nested(200, Value::String(MARKER.to_string())),
        18 => json!({"$ref": rng.pick(&["#/components/inputs/x", "#", "#/", "other.yaml#/a", "#/workflows/0"])}),
        _ => {
            let mut object = Map::new();
            object.insert(rng.pick(strings).clone(), Value::String(rng.pick(strings).clone()));
            Value::Object(object)
        }
    }
}

/// JSON pointers of every node, the root included.
fn pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointers(item, format!("{pointer}/{index}"), out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                pointers(item, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
    out.push(pointer);
}

/// Names a document uses as identifiers: step, workflow and source ids, input and output names.
fn document_names(value: &Value) -> Vec<String> {
    let mut names = Vec::new();
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
    for source in value.get("sourceDescriptions").and_then(Value::as_array).into_iter().flatten() {
        names.extend(text(source.get("name")));
    }
    for workflow in value.get("workflows").and_then(Value::as_array).into_iter().flatten() {
        names.extend(text(workflow.get("workflowId")));
        let properties = workflow.pointer("/inputs/properties").and_then(Value::as_object);
        names.extend(properties.into_iter().flat_map(Map::keys).cloned());
        names.extend(workflow.get("outputs").and_then(Value::as_object).into_iter().flat_map(Map::keys).cloned());
        for step in workflow.get("steps").and_then(Value::as_array).into_iter().flatten() {
            names.extend(text(step.get("stepId")));
            names.extend(step.get("outputs").and_then(Value::as_object).into_iter().flat_map(Map::keys).cloned());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Replaces the name `from` by `to` wherever the document uses it: as a whole string, as a key, and
/// as a segment of a runtime expression (`$steps.from.outputs`, `{$inputs.from}`), so that the
/// document stays consistent and has a chance to be accepted.
fn rename_everywhere(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(text) => *text = rename_in_text(text, from, to),
        Value::Array(items) => items.iter_mut().for_each(|item| rename_everywhere(item, from, to)),
        Value::Object(fields) => {
            let old = std::mem::take(fields);
            for (key, mut item) in old {
                rename_everywhere(&mut item, from, to);
                let key = if key == from { to.to_string() } else { key };
                fields.insert(key, item);
            }
        }
        _ => {}
    }
}

fn rename_in_text(text: &str, from: &str, to: &str) -> String {
    if text == from {
        return to.to_string();
    }
    let ends_name = |rest: &str| rest.is_empty() || rest.starts_with(['.', '}', '#', ' ']);
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&format!(".{from}")) {
        let after = &rest[at + 1 + from.len()..];
        out.push_str(&rest[..=at]);
        out.push_str(if ends_name(after) { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Applies one random mutation to `document`.
fn mutate(document: &mut Value, rng: &mut Rng, strings: &[String], names: &[String]) {
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    match rng.below(12) {
        // Replace a node (any node, the root included) with a hostile value.
        0..=3 => {
            let pointer = rng.pick(&all).clone();
            if let Some(node) = document.pointer_mut(&pointer) {
                *node = hostile_value(rng, strings);
            }
        }
        // Duplicate an array element: duplicate workflows, steps, parameters, sources...
        4 => {
            let arrays: Vec<&String> = all
                .iter()
                .filter(|pointer| document.pointer(pointer).and_then(Value::as_array).is_some_and(|a| !a.is_empty()))
                .collect();
            if arrays.is_empty() {
                return;
            }
            let pointer = (*rng.pick(&arrays)).clone();
            if let Some(Value::Array(items)) = document.pointer_mut(&pointer) {
                let index = rng.below(items.len());
                let copy = items[index].clone();
                items.insert(index + 1, copy);
            }
        }
        // Delete a key, or rename it (to a hostile name or to a sibling's name).
        5 | 6 => {
            let objects: Vec<&String> = all
                .iter()
                .filter(|pointer| document.pointer(pointer).and_then(Value::as_object).is_some_and(|o| !o.is_empty()))
                .collect();
            if objects.is_empty() {
                return;
            }
            let pointer = (*rng.pick(&objects)).clone();
            let rename = rng.chance(50);
            let new_name = if rng.chance(70) { rng.pick(strings).clone() } else { rng.pick(names).clone() };
            if let Some(Value::Object(fields)) = document.pointer_mut(&pointer) {
                let Some(key) = fields.keys().nth(rng.below(fields.len())).cloned() else { return };
                let Some(value) = fields.shift_remove(&key) else { return };
                if rename {
                    fields.insert(new_name, value);
                }
            }
        }
        // Rename a step, workflow, source, input or output consistently.
        7..=8 => {
            let used = document_names(document);
            if used.is_empty() {
                return;
            }
            let from = rng.pick(&used).clone();
            let to = rng.pick(names).clone();
            rename_everywhere(document, &from, &to);
        }
        // Hostile text where free text is allowed: docs, and the names of inputs and outputs.
        10 | 11 => {
            let free: Vec<&String> = all
                .iter()
                .filter(|pointer| {
                    let last = pointer.rsplit('/').next().unwrap_or_default();
                    matches!(last, "description" | "summary" | "title" | "version")
                        || pointer.contains("/outputs/")
                        || pointer.contains("/properties/")
                })
                .collect();
            if free.is_empty() {
                return;
            }
            let pointer = (*rng.pick(&free)).clone();
            let hostile: Vec<&String> = strings.iter().filter(|text| text.contains(MARKER)).collect();
            let text = (*rng.pick(&hostile)).clone();
            let (parent, key) = pointer.rsplit_once('/').unwrap_or_default();
            let rename_key = parent.ends_with("/outputs") || parent.ends_with("/properties");
            match document.pointer_mut(parent) {
                Some(Value::Object(fields)) if rename_key => {
                    let key = key.replace("~1", "/").replace("~0", "~");
                    if let Some(value) = fields.shift_remove(&key) {
                        fields.insert(text, value);
                    }
                }
                _ => {
                    if let Some(node) = document.pointer_mut(&pointer) {
                        *node = Value::String(text);
                    }
                }
            }
        }
        // Point one string at another name the document uses (a reference to a sibling, a duplicate id).
        _ => {
            let leaves: Vec<&String> =
                all.iter().filter(|pointer| document.pointer(pointer).is_some_and(Value::is_string)).collect();
            let used = document_names(document);
            if leaves.is_empty() || used.is_empty() {
                return;
            }
            let pointer = (*rng.pick(&leaves)).clone();
            let name = rng.pick(&used).clone();
            if let Some(node) = document.pointer_mut(&pointer) {
                *node = Value::String(name);
            }
        }
    }
}

/// A seed document and what it needs to generate.
struct Seed {
    path: PathBuf,
    document: Value,
    sources: BTreeMap<String, PathBuf>,
    overlay: Option<Value>,
}

/// The `.yml`/`.yaml` files of `folder`, sorted.
fn yaml_files(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "yml" || extension == "yaml"))
        .collect();
    found.sort();
    found
}

/// The published workflows, and the fixtures of this crate that describe their sources locally.
fn seeds() -> Vec<Seed> {
    let root = manifest_dir();
    let workflows = root.join("../workflows");
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&workflows)
        .unwrap()
        .map(|entry| entry.unwrap().path().join("arazzo"))
        .filter(|folder| folder.is_dir())
        .collect();
    folders.sort();
    let mut paths: Vec<PathBuf> = folders.iter().flat_map(|folder| yaml_files(folder)).collect();
    assert!(paths.len() >= 5, "expected the seed workflows in {}", workflows.display());
    let fixtures = yaml_files(&root.join("tests/fixtures"));
    let local = |path: &PathBuf| {
        let name = path.file_name().unwrap().to_string_lossy();
        name.ends_with(".arazzo.yaml") && !std::fs::read_to_string(path).unwrap().contains("://")
    };
    paths.extend(fixtures.into_iter().filter(local));
    assert!(paths.iter().any(|path| path.ends_with("features.arazzo.yaml")), "{paths:?}");
    paths
        .into_iter()
        .map(|path| {
            let document = load_file(&path).unwrap_or_else(|error| panic!("seed {}: {error}", path.display())).value;
            let folder = path.parent().unwrap();
            let mut sources = BTreeMap::new();
            for source in document["sourceDescriptions"].as_array().unwrap() {
                let name = source["name"].as_str().unwrap().to_string();
                let openapi = folder.join(source["url"].as_str().unwrap()).canonicalize().unwrap();
                sources.insert(name, openapi);
            }
            // An overlay next to the workflow is re-pointed at the mutated copy.
            let overlays = folder.join("../overlays");
            let overlay = std::fs::read_dir(&overlays).ok().and_then(|mut entries| {
                let entry = entries.next()?.ok()?;
                Some(load_file(&entry.path()).unwrap().value)
            });
            Seed { path, document, sources, overlay }
        })
        .collect()
}

#[derive(Default, Debug)]
struct Tally {
    tried: usize,
    accepted: usize,
    /// Accepted with hostile text in the output: the injection check had something to check.
    accepted_with_marker: usize,
    refused: usize,
    /// Refused because the file no longer parses (a cut-short file, nesting beyond the loader's limit).
    refused_unparsed: usize,
}

/// Mutates one seed `ROUNDS_PER_SEED` times; returns the counts and every failure.
fn fuzz(seed: &Seed, rng: &mut Rng, strings: &[String], names: &[String]) -> (Tally, Vec<String>) {
    let directory = tempfile::tempdir().unwrap();
    let trace = std::env::var_os("ROBUSTNESS_TRACE").is_some();
    let file_name = seed.path.file_name().unwrap();
    let path = directory.path().join(file_name);
    let overlays = match &seed.overlay {
        Some(overlay) => {
            let mut overlay = overlay.clone();
            overlay["extends"] = Value::String(format!("./{}", file_name.to_string_lossy()));
            let overlay_path = directory.path().join("seed.overlay.json");
            std::fs::write(&overlay_path, serde_json::to_string_pretty(&overlay).unwrap()).unwrap();
            vec![Overlay::load(&overlay_path).unwrap()]
        }
        None => Vec::new(),
    };
    let mut names = names.to_vec();
    names.extend(document_names(&seed.document));
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for round in 0..ROUNDS_PER_SEED {
        let mut document = seed.document.clone();
        // Round 0 is the unmutated seed: it must generate.
        let mutations = if round == 0 { 0 } else { 1 + rng.below(3) };
        for _ in 0..mutations {
            mutate(&mut document, rng, strings, &names);
        }
        let mut text = serde_json::to_string_pretty(&document).unwrap();
        // Now and then a file cut short, to exercise the loader's errors.
        if round > 0 && rng.chance(5) {
            let cut = rng.below(text.len());
            let cut = (0..=cut).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
            text.truncate(cut);
        }
        std::fs::write(&path, &text).unwrap();
        let mut options = Options { sources: seed.sources.clone(), ..Options::default() };
        if round > 0 && rng.chance(10) {
            options.display_name = Some(rng.pick(strings).clone());
        }
        if trace {
            eprintln!("{} round {round}:\n{text}", seed.path.display());
        }
        let describe = || format!("seed {} round {round}, document:\n{text}", seed.path.display());
        tally.tried += 1;
        let started = Instant::now();
        let outcome = run(&path, &options, &overlays);
        if started.elapsed() > SLOW {
            failures.push(format!("took {:?} (a hang?); {}", started.elapsed(), describe()));
        }
        match outcome {
            Err(panic) => failures.push(format!("PANIC `{panic}`; {}", describe())),
            Ok(Ok(generated)) => {
                tally.accepted += 1;
                tally.accepted_with_marker += usize::from(generated.source.contains(MARKER));
                if let Err(problem) = check_output(&generated.source, MARKER) {
                    failures.push(format!("{problem}; {}\noutput:\n{}", describe(), generated.source));
                }
            }
            Ok(Err(error)) => {
                tally.refused += 1;
                if round == 0 {
                    failures.push(format!("the unmutated seed was refused: {error}"));
                }
                if load_file(&path).is_err() {
                    tally.refused_unparsed += 1;
                }
                if let Err(problem) = check_refusal(&error, &path) {
                    failures.push(format!("{problem}; {}", describe()));
                }
            }
        }
    }
    (tally, failures)
}

#[test]
fn mutated_documents_never_crash_or_inject() {
    let started = Instant::now();
    let strings = hostile_strings();
    let names = hostile_names();
    let seeds = seeds();
    let base = seed();
    // One thread per seed (each with its own generator state, so the run stays deterministic), on the
    // default 2 MiB stack of test threads: a stack overflow is a failure too.
    let results: Vec<(Tally, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .iter()
            .enumerate()
            .map(|(index, seed)| {
                let (strings, names) = (&strings, &names);
                scope.spawn(move || fuzz(seed, &mut Rng(base ^ index as u64), strings, names))
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for (seed, (counts, found)) in seeds.iter().zip(results) {
        eprintln!("{}: {counts:?}", seed.path.display());
        tally.tried += counts.tried;
        tally.accepted += counts.accepted;
        tally.accepted_with_marker += counts.accepted_with_marker;
        tally.refused += counts.refused;
        tally.refused_unparsed += counts.refused_unparsed;
        failures.extend(found);
    }
    eprintln!("robustness (seed {base}): {tally:?} in {:?}", started.elapsed());
    assert!(failures.is_empty(), "{} failures, the first:\n{}", failures.len(), failures[0]);
    // The loop must exercise both paths, or it proves little.
    assert!(tally.accepted >= tally.tried / 10, "{tally:?}");
    assert!(tally.refused >= tally.tried / 10, "{tally:?}");
    assert!(tally.accepted_with_marker >= tally.accepted / 4, "{tally:?}");
}

#[test]
fn the_injection_check_sees_code() {
    // The oracle of the loop: text in comments and string literals passes, text in code does not.
    let fine =
        format!("//! {MARKER}\n/// */ {MARKER}\nfn f() {{ let _ = \"{MARKER}\\\"\"; let _ = r#\"{MARKER}\"#; }}\n");
    check_output(&fine, MARKER).unwrap();
    for bad in [
        format!("fn {MARKER}() {{}}\n"),
        format!("fn f() {{ let _ = \"\"; {MARKER}(); }}\n"),
        format!("/// x\n#[doc = \"\"] struct S; const {MARKER}: u8 = 0;\n"),
        "fn f() { /* unterminated\n".to_string(),
    ] {
        assert!(check_output(&bad, MARKER).is_err(), "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------------
// Targeted cases
// ---------------------------------------------------------------------------------------------------

/// The generated line that declares `what`, trimmed, e.g. `pub app_id_2: ::std::string::String,`.
fn line_with<'a>(source: &'a str, what: &str) -> &'a str {
    source.lines().map(str::trim).find(|line| line.contains(what)).unwrap_or_else(|| panic!("no `{what}` in\n{source}"))
}

#[test]
fn keywords_and_colliding_names_get_distinct_identifiers() {
    let source = accepted(&fixture("names.arazzo.yaml"), &Options::default());
    // Inputs `appId`, `app-id` and `self`: the first spelling wins, later ones are numbered, keywords get `_`.
    assert_eq!(line_with(&source, "pub app_id:"), "pub app_id: ::std::string::String,");
    assert_eq!(line_with(&source, "pub app_id_2:"), "pub app_id_2: ::std::string::String,");
    assert_eq!(line_with(&source, "pub self_:"), "pub self_: ::std::string::String,");
    assert!(source.contains("#[serde(rename = \"app-id\")]\n        pub app_id_2:"), "{source}");
    assert!(source.contains("#[serde(rename = \"appId\")]\n        pub app_id:"), "{source}");
    assert!(source.contains("#[serde(rename = \"self\")]\n        pub self_:"), "{source}");
    // Workflows `rotate-key` and `rotate_key`: distinct functions and types.
    assert!(source.contains("pub async fn rotate_key(\n"), "{source}");
    assert!(source.contains("pub async fn rotate_key_2(\n"), "{source}");
    for ty in ["RotateKeyInputs", "RotateKeyOutputs", "RotateKeyPartial"] {
        assert!(source.contains(&format!("pub struct {ty} {{")), "{ty}\n{source}");
        assert!(source.contains(&format!("pub struct {ty}2 {{")), "{ty}2\n{source}");
    }
    // Steps `self` and `Self`: their outputs `name` become `self_name` and `self_name_2`.
    assert!(source.contains("let self_name: ::std::string::String = run.output(&response, \"/name\")?;"), "{source}");
    assert!(source.contains("let self_name_2: ::std::string::String = run.output(&response, \"/name\")?;"), "{source}");
    assert!(source.contains("run.step(\"self\", \"getPet\");"), "{source}");
    assert!(source.contains("run.step(\"Self\", \"getPet\");"), "{source}");
    // Workflow outputs `self` and `Self`; a step `type` with an output `crate`.
    assert_eq!(line_with(&source, "pub self_: ::std::string"), "pub self_: ::std::string::String,");
    assert_eq!(line_with(&source, "pub self_2:"), "pub self_2: ::std::string::String,");
    assert_eq!(line_with(&source, "let type_crate:"), "let type_crate: i64 = i64::from(response.status());");
    assert_eq!(line_with(&source, "pub crate_:"), "pub crate_: i64,");
}

#[test]
fn a_step_cannot_read_its_own_output() {
    let path = fixture("own-output.arazzo.yaml");
    let diagnostics = refused(&path, &Options::default());
    let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [format!(
            "error: {}:16:20: step `read` cannot use its own output `petId`: it does not exist before the step has \
             run (at workflows[0].steps[0].parameters[0].value)",
            path.display()
        )]
    );
}

#[test]
fn comment_breakers_and_hash_lines_stay_in_doc_comments() {
    let source = accepted(&fixture("docs.arazzo.yaml"), &Options::default());
    check_output(&source, "DOC_MARKER").unwrap();
    let lines: Vec<&str> = source.lines().filter(|line| line.contains("DOC_MARKER")).map(str::trim).collect();
    for line in &lines {
        assert!(line.starts_with("/// ") || line.starts_with("//! "), "not a doc comment: {line}\n{source}");
    }
    // Every piece of text arrives, each `*/ */ "# }` intact and `#` lines as text.
    let breakers = lines.iter().filter(|line| line.contains(r##"*/ */ "# } DOC_MARKER"##)).count();
    // 9: the input's description is also the doc of its builder setter.
    assert_eq!(breakers, 9, "{source}");
    assert!(lines.contains(&"//! # DOC_MARKER a line that starts with a hash"), "{source}");
    assert!(lines.contains(&"//! #[derive(Debug)] DOC_MARKER"), "{source}");
    assert!(lines.contains(&"//! #![allow(warnings)] DOC_MARKER"), "{source}");
    assert_eq!(lines.iter().filter(|line| **line == "/// # DOC_MARKER").count(), 3, "{source}");
    // The step list folds a step's description into its item.
    let item = line_with(&source, "/// 1. `read`:");
    assert!(item.contains(r##"on `pets`, expects a 2xx status. */ */ "# } DOC_MARKER # DOC_MARKER"##), "{item}");
}

#[test]
fn cyclic_response_schemas_end_quickly() {
    let started = Instant::now();
    let path = fixture("cycle.arazzo.yaml");
    let warnings = match run(&path, &Options::default(), &[]) {
        Err(panic) => panic!("{} panicked: {panic}", path.display()),
        Ok(Err(error)) => panic!("{} was refused:\n{error}", path.display()),
        Ok(Ok(generated)) => generated.warnings,
    };
    assert!(started.elapsed() < SLOW, "took {:?} (a hang?)", started.elapsed());
    let rendered: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    // The `$ref` loop cannot type the output, which becomes a `serde_json::Value` with a warning (a
    // tolerant reading, issue 14); the recursive `Node` and `Tree` schemas give typed or `Value` outputs.
    assert_eq!(
        rendered,
        [format!(
            "warning: {}:33:18: the response schema of output `value` cannot be read (cyclic $ref chain: \
             #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A); fix the OpenAPI \
             description. Accepted: the output is a `serde_json::Value`, unchecked against the schema (at \
             workflows[1].steps[0].outputs.value)",
            path.display()
        )]
    );
}

#[test]
fn recursive_schemas_without_a_ref_loop_generate() {
    // The same document without the `loop` workflow is accepted.
    let directory = tempfile::tempdir().unwrap();
    let mut document = load_file(&fixture("cycle.arazzo.yaml")).unwrap().value;
    document["workflows"].as_array_mut().unwrap().truncate(1);
    let path = directory.path().join("cycle.arazzo.json");
    std::fs::write(&path, serde_json::to_string_pretty(&document).unwrap()).unwrap();
    let options = Options {
        sources: BTreeMap::from([("cycle".to_string(), fixture("cycle.openapi.yaml"))]),
        ..Options::default()
    };
    let started = Instant::now();
    let source = accepted(&path, &options);
    assert!(started.elapsed() < SLOW, "took {:?} (a hang?)", started.elapsed());
    for expected in [
        // Each step's body outputs are read as one tuple of their types.
        "node_deep_name,\n            node_whole,\n            node_children,\n        ): (\n            \
         ::std::string::String,\n            ::arazzo_runtime::serde_json::Value,\n            \
         ::std::vec::Vec<::arazzo_runtime::serde_json::Value>,\n        )",
        "tree_tree,\n            tree_deep,\n        ): (\n            \
         ::std::vec::Vec<::arazzo_runtime::serde_json::Value>,\n            \
         ::std::vec::Vec<::arazzo_runtime::serde_json::Value>,\n        )",
    ] {
        // Compared without whitespace: prettyplease breaks lines where their indentation makes it.
        let squeezed = |text: &str| text.split_whitespace().collect::<String>();
        assert!(squeezed(&source).contains(&squeezed(expected)), "{expected}\n{source}");
    }
}

#[test]
fn an_input_schema_that_contains_itself_ends_quickly() {
    let started = Instant::now();
    let path = fixture("input-cycle.arazzo.yaml");
    let outcome = run(&path, &Options::default(), &[]);
    assert!(started.elapsed() < SLOW, "took {:?} (a hang?)", started.elapsed());
    match outcome {
        Err(panic) => panic!("panicked: {panic}"),
        Ok(Ok(generated)) => check_output(&generated.source, MARKER).unwrap(),
        Ok(Err(error)) => check_refusal(&error, &path).unwrap(),
    }
}

/// Writes `document` as JSON into `directory` and generates it with the pets description.
fn generate_value(directory: &Path, name: &str, document: &Value) -> Result<Result<Generated, GenerateError>, String> {
    let path = directory.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(document).unwrap()).unwrap();
    let options = Options {
        sources: BTreeMap::from([("pets".to_string(), manifest_dir().join("tests/fixtures/pets.openapi.yaml"))]),
        display_name: Some(name.to_string()),
        ..Options::default()
    };
    run(&path, &options, &[])
}

#[test]
fn a_bare_carriage_return_ends_a_doc_line() {
    // Regression: a lone `\r` in a name or description was copied into a `///` comment, which does not lex.
    let directory = tempfile::tempdir().unwrap();
    let mut document = load_file(&fixture("docs.arazzo.yaml")).unwrap().value;
    document["info"]["description"] = json!("first\rsecond DOC_MARKER");
    document["workflows"][0]["description"] = json!("one\r\rtwo DOC_MARKER\r\nthree DOC_MARKER");
    let outputs = document["workflows"][0]["outputs"].as_object_mut().unwrap();
    outputs.insert("a\rb".to_string(), json!("$steps.read.outputs.name"));
    let source = match generate_value(directory.path(), "cr.arazzo.json", &document) {
        Ok(Ok(generated)) => generated.source,
        other => panic!("{other:?}"),
    };
    check_output(&source, "DOC_MARKER").unwrap();
    assert!(!source.contains('\r'), "{source}");
    for expected in [
        "    //! first\n    //! second DOC_MARKER\n",
        "    /// one\n    ///\n    /// two DOC_MARKER\n    /// three DOC_MARKER\n",
        // The output serializes under its own name, the carriage return escaped in the string literal.
        "        /// `a\n        /// b`: `$steps.read.outputs.name`.\n        #[serde(rename = \"a\\rb\")]\n        pub a_b:",
    ] {
        assert!(source.contains(expected), "{expected:?}\n{source}");
    }
}

#[test]
fn deeply_nested_request_values_are_refused_not_overflowed() {
    // Regression: a payload 120 arrays deep (the loader allows 128) overflowed the stack in syn and
    // prettyplease. This runs on the 2 MiB stack of a test thread, like the loop above.
    let directory = tempfile::tempdir().unwrap();
    let mut document = load_file(&fixture("own-output.arazzo.yaml")).unwrap().value;
    let step = &mut document["workflows"][0]["steps"][0];
    step["parameters"][0]["value"] = json!("rex");
    step["requestBody"] = json!({"payload": {"deep": nested(31, json!("x"))}});
    match generate_value(directory.path(), "deep.arazzo.json", &document) {
        Ok(Ok(generated)) => check_output(&generated.source, MARKER).unwrap(),
        other => panic!("32 levels must generate: {other:?}"),
    }
    document["workflows"][0]["steps"][0]["requestBody"]["payload"]["deep"] = nested(120, json!("x"));
    let path = directory.path().join("deep.arazzo.json");
    let error = match generate_value(directory.path(), "deep.arazzo.json", &document) {
        Ok(Err(error)) => error,
        other => panic!("120 levels must be refused: {other:?}"),
    };
    check_refusal(&error, &path).unwrap();
    let rendered: Vec<String> = error.diagnostics().iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [format!(
            "error: {}:31:24: this value nests arrays and objects more than 32 levels deep; arazzo-rs generates \
             request values up to that depth (at workflows[0].steps[0].requestBody.payload)",
            path.display()
        )]
    );
}

/// Writes `bytes` to a file in a fresh folder and generates it; it must be refused.
fn refused_bytes(name: &str, bytes: &[u8]) -> Vec<String> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let options = Options { display_name: Some(name.to_string()), ..Options::default() };
    refused(&path, &options).iter().map(|diagnostic| diagnostic.message.clone()).collect()
}

#[test]
fn an_unknown_arazzo_version_is_refused() {
    let mut document = load_file(&fixture("own-output.arazzo.yaml")).unwrap().value;
    document["arazzo"] = json!("2.0.0");
    document["workflows"][0]["steps"][0]["parameters"][0]["value"] = json!("abc");
    let source = serde_json::to_string_pretty(&document).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("version.arazzo.json");
    std::fs::write(&path, source).unwrap();
    let options = Options {
        sources: BTreeMap::from([("pets".to_string(), manifest_dir().join("tests/fixtures/pets.openapi.yaml"))]),
        ..Options::default()
    };
    let diagnostics = refused(&path, &options);
    let messages: Vec<&str> = diagnostics.iter().map(|diagnostic| diagnostic.message.as_str()).collect();
    assert_eq!(messages, ["unsupported Arazzo version `2.0.0`; arazzo-rs reads 1.0.x and 1.1.x"]);
    assert_eq!(diagnostics[0].location.map(|location| (location.line, location.column)), Some((2, 13)));
}

#[test]
fn a_yaml_list_is_not_a_document() {
    let messages = refused_bytes("list.arazzo.yaml", b"- arazzo: 1.0.1\n- workflows: []\n");
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages, ["expected an Arazzo document (a mapping), found a list"]);
}

#[test]
fn an_empty_file_is_refused() {
    assert_eq!(refused_bytes("empty.arazzo.yaml", b""), ["the file is empty: expected a YAML or JSON document"]);
    assert_eq!(
        refused_bytes("blank.arazzo.yaml", b" \n\r\n\t"),
        ["the file is empty: expected a YAML or JSON document"]
    );
}

#[test]
fn a_binary_file_is_refused() {
    let messages = refused_bytes("binary.arazzo.yaml", &[0xff, 0xfe, 0x00, 0x9f, 0x92, 0x96, 0x00, 0x01]);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].starts_with("cannot read file: not UTF-8"), "{messages:?}");
    // Valid UTF-8 that is still binary garbage: control characters YAML does not allow.
    let messages = refused_bytes("control.arazzo.yaml", b"\x00\x01\x02arazzo\x7f: \x1b[0m");
    assert_eq!(messages.len(), 1, "{messages:?}");
}

/// A value that starts with `$` but not like an expression is text; one that starts like an
/// expression (`$inputs.`, `$steps.`, ...) but is none is refused rather than sent as its text.
#[test]
fn dollar_values_are_text_unless_they_start_like_an_expression() {
    let source = accepted(&fixture("dollar-values.arazzo.yaml"), &Options::default());
    assert!(source.contains(r#""$5.00 or $HOME/bin or $stepsX""#), "{source}");
    let path = fixture("not-quite-expression.arazzo.yaml");
    let rendered: Vec<String> = refused(&path, &Options::default()).iter().map(ToString::to_string).collect();
    // Checked by hand: line 16, `$inputs.r#try` starts at column 20, its `#` is at column 29, and the
    // `t` after it, where the pointer's `/` was expected, at column 30.
    assert_eq!(
        rendered,
        [format!(
            "error: {}:16:30: `$inputs.r#try` starts like a runtime expression but is not one: a JSON pointer after \
             `#` must be empty or start with `/` (at workflows[0].steps[0].parameters[0].value)",
            path.display()
        )]
    );
}
