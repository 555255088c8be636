//! Hostile documents at build time: every Arazzo document in `tests/hostile/` (and the huge and deep
//! ones `tests/hostile/generate.rs` writes at run time) goes through [`Builder`], as `build.rs` runs it,
//! and must either
//!
//! - generate Rust that parses; carries no identifier or item from document text (the corpus plants
//!   `injected*` functions in ids, names and docs); has no doc text that rustdoc would compile and run
//!   as a doctest (rustdoc itself is asked, see [`doctests`]); matches its golden file
//!   `tests/hostile/expected/<case>.rs`; and compiles under `#![deny(warnings)]` (one library crate
//!   including every generated module, see [`compile`]); or
//! - be refused with errors that each point at a line and column inside a file of the corpus, rendered
//!   as the `Builder` renders them and matching `tests/hostile/expected/<case>.stderr`.
//!
//! Never a panic (caught and reported with the file), never longer than [`SLOW`]. `tests/hostile/README.md`
//! lists every case with its expected outcome; the test fails when the list and the corpus disagree.
//! Regenerate the goldens with `EXPECTORATE=overwrite` and review every changed message by hand.

// Failing checks panic, as tests do; helpers outside `#[test]` functions fail the test that way too.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "../hostile/generate.rs"]
mod generate;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use arazzo_codegen::{BuildError, Builder, Diagnostic};
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

/// The corpus, relative to this crate (the working directory of its tests).
const CORPUS: &str = "hostile";
const EXPECTED: &str = "hostile/expected";

/// Longest a document may take to generate or be refused: a hang or a blow-up, not a slow machine (the
/// 10 MB description takes about 12 s in a debug build).
const SLOW: Duration = Duration::from_secs(60);

/// What every injection payload of the corpus names: no identifier may start with it.
const INJECTED: &str = "injected";

/// One document to run.
struct Case {
    /// The file name without `.arazzo.yaml`/`.arazzo.json`: names the goldens.
    stem: String,
    path: PathBuf,
    /// Whether the generated source has a golden file (not for the multi-megabyte ones).
    golden_source: bool,
    /// Whether the generated source is compiled (see `generate::Written::compile`).
    compile: bool,
}

/// What the `Builder` made of a document.
enum Outcome {
    Generated { file: PathBuf, source: String, warnings: Vec<Diagnostic> },
    Refused { rendered: String, diagnostics: Vec<Diagnostic> },
}

fn tmp_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile")
}

/// The committed corpus: every `*.arazzo.yaml`/`*.arazzo.json` directly in `tests/hostile/`.
fn corpus() -> Vec<Case> {
    let mut cases: Vec<Case> = std::fs::read_dir(CORPUS)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|name| {
            let stem = stem_of(&name)?;
            Some(Case {
                stem: stem.to_string(),
                path: Path::new(CORPUS).join(&name),
                golden_source: true,
                compile: true,
            })
        })
        .collect();
    cases.sort_by(|a, b| a.stem.cmp(&b.stem));
    cases
}

fn stem_of(file_name: &str) -> Option<&str> {
    [".arazzo.yaml", ".arazzo.yml", ".arazzo.json"].iter().find_map(|suffix| file_name.strip_suffix(suffix))
}

/// Runs the `Builder` on one document, a panic caught and returned as `Err`.
fn build(case: &Case, out_dir: &Path) -> Result<Outcome, String> {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        Builder::new().file(&case.path).out_dir(out_dir).emit_rerun_if_changed(false).compile_with_report()
    }));
    let elapsed = started.elapsed();
    if elapsed > SLOW {
        return Err(format!("took {elapsed:?}"));
    }
    match result {
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string panic payload)".to_string());
            Err(format!("the generator panicked: {message}"))
        }
        Ok(Ok(report)) => {
            let [(module, _)] = report.modules.as_slice() else {
                return Err(format!("expected one module, got {:?}", report.modules));
            };
            let file = out_dir.join(format!("{module}.rs"));
            let source = std::fs::read_to_string(&file).map_err(|error| format!("{}: {error}", file.display()))?;
            Ok(Outcome::Generated { file, source, warnings: report.warnings })
        }
        // Rendered by the error's `Display`, which is what `build.rs` shows when it returns the error.
        Ok(Err(error)) => match &error {
            BuildError::Invalid(diagnostics) => {
                Ok(Outcome::Refused { diagnostics: diagnostics.clone(), rendered: error.to_string() })
            }
            other => Err(format!("refused without located diagnostics: {other}")),
        },
    }
}

// ---------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------

/// Identifiers and non-string literals that carry [`INJECTED`]: document text that became code.
fn injected_code(tokens: TokenStream, found: &mut Vec<String>) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => injected_code(group.stream(), found),
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if name.trim_start_matches("r#").to_ascii_lowercase().starts_with(INJECTED) {
                    found.push(format!("identifier `{name}`"));
                }
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                let string = text.starts_with('"') || text.starts_with('r');
                if !string && text.to_ascii_lowercase().contains(INJECTED) {
                    found.push(format!("literal `{text}`"));
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

/// The doc text of every item, as rustdoc reads it: each run of `#[doc]`/`#![doc]` attributes (other
/// attributes in between do not end a run), line by line.
fn doc_fragments(tokens: TokenStream, out: &mut Vec<Vec<String>>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut current = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        if matches!(&tokens[index], TokenTree::Punct(punct) if punct.as_char() == '#') {
            let bang = matches!(tokens.get(index + 1), Some(TokenTree::Punct(punct)) if punct.as_char() == '!');
            let next = index + 1 + usize::from(bang);
            if let Some(TokenTree::Group(group)) = tokens.get(next)
                && group.delimiter() == proc_macro2::Delimiter::Bracket
            {
                if let Ok(meta) = syn::parse2::<syn::MetaNameValue>(group.stream())
                    && meta.path.is_ident("doc")
                    && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &meta.value
                {
                    current.push(text.value());
                }
                index = next + 1;
                continue;
            }
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if let TokenTree::Group(group) = &tokens[index] {
            doc_fragments(group.stream(), out);
        }
        index += 1;
    }
    if !current.is_empty() {
        out.push(current);
    }
}

/// A workflow function's doc text without its `# Example`, the one code block the generator writes on
/// purpose (from identifiers only; `ignore` here, as no doctest path is set). It comes after all document
/// text, so the last `# Example` heading is the generator's; anything else is kept and checked.
fn without_example(fragment: &[String]) -> &[String] {
    match fragment.iter().rposition(|line| line == " # Example") {
        Some(start) if fragment.get(start + 2).is_some_and(|fence| fence == " ```ignore") => &fragment[..start],
        _ => fragment,
    }
}

/// rustdoc compiles and runs the code blocks of doc comments as doctests of the crate that includes a
/// generated module, so document text must never form one. Asks rustdoc itself: the doc text of every
/// generated item goes, as `///` lines, onto an empty function in one file (see [`mirror_docs`]), and
/// rustdoc must list no doctest in it. Returns the doctests it found.
fn doctests(mirror: &str, dir: &Path) -> Vec<String> {
    let file = dir.join("doc_text.rs");
    std::fs::write(&file, format!("//! Doc text of the modules generated from tests/hostile.\n{mirror}")).unwrap();
    let rustdoc = std::env::var_os("RUSTDOC").unwrap_or_else(|| "rustdoc".into());
    let output = std::process::Command::new(rustdoc)
        .args(["--test", "--edition", "2024", "--crate-name", "hostile_doc_text"])
        .arg(&file)
        .args(["--test-args", "--list"])
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(" benchmarks"),
        "rustdoc did not list doctests:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.lines().filter(|line| line.ends_with(": test")).map(str::to_string).collect()
}

/// Checks generated source; returns what is wrong. Appends its doc text to `mirror` (see [`doctests`]).
fn check_source(stem: &str, source: &str, mirror: &mut String) -> Vec<String> {
    let file = match syn::parse_file(source) {
        Ok(file) => file,
        Err(error) => return vec![format!("the generated source does not parse: {error}")],
    };
    let mut problems = Vec::new();
    let mut found = Vec::new();
    let tokens = file.to_token_stream();
    injected_code(tokens.clone(), &mut found);
    problems.extend(found.into_iter().map(|what| format!("document text became code: {what}")));
    if !matches!(file.items.as_slice(), [syn::Item::Mod(_)]) {
        problems.push("the file is not one `pub mod`".to_string());
    }
    let mut fragments = Vec::new();
    doc_fragments(tokens, &mut fragments);
    let stem = stem.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    for (index, fragment) in fragments.iter().enumerate() {
        for line in without_example(fragment) {
            mirror.push_str(&format!("///{}\n", line.replace('\n', "\n///")));
        }
        mirror.push_str(&format!("pub fn {stem}_{index}() {{}}\n"));
    }
    problems
}

/// Every diagnostic must point at a line and column that exist in a file of the corpus (or the
/// run-time folder).
fn check_located(diagnostics: &[Diagnostic], roots: &[PathBuf]) -> Vec<String> {
    let mut problems = Vec::new();
    for diagnostic in diagnostics {
        let Some(location) = diagnostic.location else {
            problems.push(format!("no line and column: {diagnostic}"));
            continue;
        };
        if !roots.iter().any(|root| diagnostic.file.starts_with(root)) {
            problems.push(format!("points outside the corpus: {diagnostic}"));
            continue;
        }
        let text = match std::fs::read(&diagnostic.file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => {
                problems.push(format!("points at a file that cannot be read ({error}): {diagnostic}"));
                continue;
            }
        };
        // Lines end at `\n` (YAML also ends them at a lone `\r`, which the corpus does not rely on).
        let lines: Vec<&str> = text.split('\n').collect();
        let line = location.line.checked_sub(1).and_then(|index| lines.get(index));
        let fits = line.is_some_and(|line| location.column >= 1 && location.column <= line.chars().count() + 1);
        if !fits {
            problems
                .push(format!("line {} column {} is not in the file: {diagnostic}", location.line, location.column));
        }
    }
    problems
}

/// Compares with a golden file, returning the mismatch instead of panicking.
fn golden(path: &Path, actual: &str) -> Result<(), String> {
    catch_unwind(|| expectorate::assert_contents(path, actual)).map_err(|payload| {
        payload.downcast_ref::<String>().cloned().unwrap_or_else(|| format!("{} differs", path.display()))
    })
}

/// Text of diagnostics with the run-time folder written as `$TMP`, so goldens do not depend on the machine.
fn portable(text: &str) -> String {
    text.replace(&tmp_dir().display().to_string(), "$TMP")
}

/// Outcomes per `tests/hostile/README.md`: case file name -> `generates` or `refused`.
fn readme_outcomes() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(Path::new(CORPUS).join("README.md")).unwrap();
    let mut outcomes = BTreeMap::new();
    for row in readme.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let name = cells[0].trim_start_matches("| `").split('`').next().unwrap().to_string();
        let outcome = cells.get(1).map(|cell| cell.trim().to_string()).unwrap_or_default();
        assert!(outcomes.insert(name.clone(), outcome).is_none(), "README lists `{name}` twice");
    }
    outcomes
}

/// Builds a library crate that includes every generated file under `#![deny(warnings)]`, as a user's
/// crate includes them with `include_workflow!`. A library rather than a trybuild binary: a binary
/// sees every unused `pub` item as dead code, and `#![allow(dead_code)]` would also hide the dead code
/// a library would be warned about (such as a step that nothing leads to). A copy of the workspace's
/// lock file keeps the dependencies at the versions the workspace builds with; the target folder is
/// kept between runs, so only the first run builds `arazzo-runtime`'s dependencies.
fn compile<'a>(files: impl Iterator<Item = &'a Path>, tmp: &Path) -> Result<(), String> {
    let project = tmp.join("compile");
    std::fs::create_dir_all(&project).unwrap();
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../arazzo-runtime").canonicalize().unwrap();
    let manifest = format!(
        "[package]\nname = \"hostile-generated\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\npath = \"lib.rs\"\n\n[dependencies]\narazzo-runtime = {{ path = {:?} }}\n\n\
         [profile.dev]\ndebug = false\n\n\
         # Not a member of the arazzo-rs workspace, whatever folder it is in.\n[workspace]\n",
        runtime.display().to_string()
    );
    std::fs::write(project.join("Cargo.toml"), manifest).unwrap();
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, project.join("Cargo.lock")).unwrap();
    let includes: String = files.map(|file| format!("include!({:?});\n", file.display().to_string())).collect();
    std::fs::write(
        project.join("lib.rs"),
        format!("//! Every module generated from tests/hostile.\n#![deny(warnings)]\n\n{includes}"),
    )
    .unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile-compile-target");
    let output = std::process::Command::new(cargo)
        .args(["build", "--lib", "--quiet", "--message-format", "short"])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    if output.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&output.stderr).into_owned()) }
}

// ---------------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------------

#[test]
fn hostile_documents_generate_clean_rust_or_located_errors() {
    let started = Instant::now();
    let tmp = tmp_dir();
    let _ = std::fs::remove_dir_all(&tmp);
    let generated_dir = tmp.join("documents");
    std::fs::create_dir_all(&generated_dir).unwrap();
    let mut cases = corpus();
    let committed = cases.len();
    for written in generate::write_all(&generated_dir) {
        let stem = stem_of(&written.file_name).unwrap().to_string();
        let path = generated_dir.join(&written.file_name);
        cases.push(Case { stem, path, golden_source: written.golden_source, compile: written.compile });
    }

    let roots = [PathBuf::from(CORPUS), generated_dir.clone()];
    let expected = readme_outcomes();
    let mut failures = Vec::new();
    let mut goldens = BTreeSet::new();
    let mut compiled = Vec::new();
    let mut mirror = String::new();
    let (mut generates, mut refused) = (0, 0);
    for case in &cases {
        let name = case.path.file_name().unwrap().to_string_lossy().into_owned();
        // A stack overflow aborts the process before any report: `HOSTILE_TRACE=1` names each document first.
        if std::env::var_os("HOSTILE_TRACE").is_some() {
            eprintln!("{name}");
        }
        let mut fail = |problem: String| failures.push(format!("{name}: {problem}"));
        let case_started = Instant::now();
        let built = build(case, &tmp.join("out").join(&case.stem));
        if std::env::var_os("HOSTILE_TRACE").is_some() {
            eprintln!("  {:?}", case_started.elapsed());
        }
        let outcome = match built {
            Ok(outcome) => outcome,
            Err(problem) => {
                fail(problem);
                continue;
            }
        };
        let stderr = Path::new(EXPECTED).join(format!("{}.stderr", case.stem));
        let actual = match &outcome {
            Outcome::Generated { file, source, warnings } => {
                generates += 1;
                check_source(&case.stem, source, &mut mirror).into_iter().for_each(&mut fail);
                check_located(warnings, &roots).into_iter().for_each(&mut fail);
                if case.golden_source {
                    let path = Path::new(EXPECTED).join(format!("{}.rs", case.stem));
                    golden(&path, &portable(source)).unwrap_or_else(&mut fail);
                    goldens.insert(path);
                }
                if !warnings.is_empty() {
                    // As `Builder::compile` prints them, one `cargo:warning=` line each.
                    let rendered = warnings.iter().map(Diagnostic::short).collect::<Vec<_>>().join("\n");
                    golden(&stderr, &portable(&rendered)).unwrap_or_else(&mut fail);
                    goldens.insert(stderr);
                }
                if case.compile {
                    compiled.push(file.clone());
                }
                "generates"
            }
            Outcome::Refused { rendered, diagnostics } => {
                refused += 1;
                if !diagnostics.iter().any(Diagnostic::is_error) {
                    fail(format!("refused without an error: {rendered}"));
                }
                check_located(diagnostics, &roots).into_iter().for_each(&mut fail);
                golden(&stderr, &portable(rendered)).unwrap_or_else(&mut fail);
                goldens.insert(stderr);
                "refused"
            }
        };
        match expected.get(&name) {
            Some(outcome) if outcome == actual => {}
            Some(outcome) => fail(format!("README.md says `{outcome}`, but it {actual}")),
            None => fail(format!("not listed in README.md (it {actual})")),
        }
    }
    let names: BTreeSet<String> =
        cases.iter().map(|case| case.path.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for listed in expected.keys().filter(|listed| !names.contains(*listed)) {
        failures.push(format!("README.md lists `{listed}`, which is not in the corpus"));
    }
    for entry in std::fs::read_dir(EXPECTED).unwrap() {
        let path = Path::new(EXPECTED).join(entry.unwrap().file_name());
        if !goldens.contains(&path) {
            failures.push(format!("{} is stale: no case produces it", path.display()));
        }
    }
    eprintln!("{} documents: {generates} generate, {refused} refused, in {:?}", cases.len(), started.elapsed());
    let found = doctests(&mirror, &tmp);
    failures.extend(found.iter().map(|test| format!("document text became a doctest: {test}")));
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));

    // Every generated module, in one library crate, compiles without a warning.
    if let Err(errors) = compile(compiled.iter().map(PathBuf::as_path), &tmp) {
        panic!("the generated modules do not compile without warnings:\n{errors}");
    }
    assert!(committed >= 50, "the corpus has {committed} documents");
}

// ---------------------------------------------------------------------------------------------------
// The checks themselves must be able to fail
// ---------------------------------------------------------------------------------------------------

#[test]
fn the_injection_check_sees_code_and_spares_text() {
    let mut mirror = String::new();
    let fine = "pub mod m {\n//! */ fn injected() {} /*\n/// \"#; fn injected() {} r#\"\npub fn f() { \
                let _ = \"fn injected() {}\"; let _ = r#\"injected\"#; }\n}\n";
    assert_eq!(check_source("fine", fine, &mut mirror), Vec::<String>::new());
    assert!(mirror.contains("pub fn fine_0() {}"), "{mirror}");
    for bad in [
        "pub mod m { pub fn injected_by_document() {} }",
        "pub mod m { fn f() { injected(); } }",
        "pub mod m { struct S; const INJECTED: u8 = 0; }",
        "pub mod m { fn f() { /* unterminated }",
        "fn outside() {}",
    ] {
        assert!(!check_source("bad", bad, &mut String::new()).is_empty(), "{bad}");
    }
}

#[test]
fn the_doctest_check_finds_code_blocks() {
    // Not under `tmp_dir()`, which the main test empties when it starts.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile-doctest-check");
    std::fs::create_dir_all(&dir).unwrap();
    let found = doctests(
        "/// text\n///\n///     fn indented() {}\npub fn a() {}\n/// ```text\n/// b\n/// ```\npub fn b() {}\n",
        &dir,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains(" a (line "), "{found:?}");
}

#[test]
fn the_location_check_wants_a_line_and_column_in_the_corpus() {
    let file = Path::new(CORPUS).join("items.openapi.yaml");
    let at = |line, column| Some(arazzo_codegen::diagnostic::Location { line, column });
    let roots = [PathBuf::from(CORPUS)];
    let located = Diagnostic::error(&file, at(1, 1), "", "fine");
    assert!(check_located(&[located], &roots).is_empty());
    for wrong in [
        Diagnostic::error(&file, None, "", "no location"),
        Diagnostic::error(&file, at(10_000, 1), "", "beyond the last line"),
        Diagnostic::error(&file, at(1, 200), "", "beyond the end of the line"),
        Diagnostic::error(Path::new("Cargo.toml"), at(1, 1), "", "outside the corpus"),
    ] {
        assert_eq!(check_located(std::slice::from_ref(&wrong), &roots).len(), 1, "{wrong}");
    }
}
