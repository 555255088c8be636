//! The runtime's parts (the modules directly under `src/`) depend on one another without a cycle,
//! so that each can be read, and changed, knowing only the parts below it.
//!
//! A part depends on another when its code names `crate::<other>` (or an item the crate root
//! re-exports from it: `crate::Request` is `encoding`; or an item defined at the crate root that a
//! part re-exports as its own: `crate::SecretString` is `secrets`). Comments and test code
//! (`*_tests.rs` files, `#[cfg(test)] mod tests`) do not count: a test may drive a part through the
//! parts above it. Cycles inside one part are its own business.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// For each part, the parts its code names, each with one place that names it (`file:line`).
type Graph = BTreeMap<String, BTreeMap<String, String>>;

#[test]
fn the_parts_of_the_runtime_depend_on_one_another_without_a_cycle() {
    let graph = graph();
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|pair| format!("  {} -> {} ({})", pair[0], pair[1], graph[&pair[0]][&pair[1]]))
            .collect();
        panic!("the runtime's parts import one another in a cycle:\n{}", steps.join("\n"));
    }
}

/// What a run records and replays is read and written by whatever stores it (a journal, a
/// checkpoint file), so it is built from plain parts, not from the run, its errors or responses.
#[test]
fn the_journal_depends_on_secrets_only() {
    let graph = graph();
    let journal = graph.get("journal").expect("src/journal exists");
    let others: Vec<String> =
        journal.iter().filter(|(part, _)| *part != "secrets").map(|(part, at)| format!("{part} ({at})")).collect();
    assert!(others.is_empty(), "the journal depends on {}", others.join(", "));
}

#[test]
fn a_cycle_is_found_and_named() {
    let edges = |list: &[(&str, &str)]| {
        let mut graph = Graph::new();
        for (from, to) in list {
            graph.entry((*from).into()).or_default().insert((*to).into(), String::new());
            graph.entry((*to).into()).or_default();
        }
        graph
    };
    assert_eq!(find_cycle(&edges(&[("run", "transport"), ("transport", "reading"), ("run", "reading")])), None);
    assert_eq!(
        find_cycle(&edges(&[("error", "journal"), ("journal", "reading"), ("reading", "error"), ("run", "error")])),
        Some(vec!["error".into(), "journal".into(), "reading".into(), "error".into()])
    );
}

#[test]
fn an_item_defined_at_the_root_belongs_to_the_part_that_re_exports_it() {
    let src = src();
    let owners = owners(&src, &parts(&src));
    assert_eq!(owners.get("SecretString").map(String::as_str), Some("secrets"));
    assert_eq!(owners.get("Request").map(String::as_str), Some("encoding"));
    let text = "pub use debug_url::DebugUrl;\n// `pub use crate::Commented;` is no code\npub use crate::SecretString;\n\
                pub use crate::{A, B};\npub use crate::encoding::Request;\n";
    assert_eq!(adopted_root_items(text), ["SecretString", "A", "B"]);
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The dependencies of each part of `src/`.
fn graph() -> Graph {
    let src = src();
    let parts = parts(&src);
    let owners = owners(&src, &parts);
    let mut graph = Graph::new();
    for (part, path) in &parts {
        let dependencies = graph.entry(part.clone()).or_default();
        for file in rust_files(path) {
            let text = fs::read_to_string(&file).expect("source files are readable");
            let shown = file.strip_prefix(&src).unwrap_or(&file).display().to_string();
            for (line, name) in crate_references(&text) {
                let target = if parts.contains_key(&name) { Some(&name) } else { owners.get(&name) };
                if let Some(target) = target.filter(|target| *target != part) {
                    dependencies.entry(target.clone()).or_insert_with(|| format!("src/{shown}:{line}"));
                }
            }
        }
    }
    graph
}

/// The parts of `src/` by name.
fn parts(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut parts = BTreeMap::new();
    for entry in fs::read_dir(src).expect("src/ is readable") {
        let path = entry.expect("src/ is readable").path();
        let name = path.file_stem().and_then(|stem| stem.to_str()).expect("file names are UTF-8").to_owned();
        if name != "lib" {
            parts.insert(name, path);
        }
    }
    parts
}

/// The part each item named at the crate root (`crate::<Name>`) belongs to: the part the root
/// re-exports it from, or, for an item defined at the root, the part whose `mod.rs` re-exports it.
fn owners(src: &Path, parts: &BTreeMap<String, PathBuf>) -> BTreeMap<String, String> {
    let mut owners = root_reexports(&fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs is readable"), parts);
    for (part, path) in parts {
        if let Ok(text) = fs::read_to_string(path.join("mod.rs")) {
            for name in adopted_root_items(&text) {
                owners.insert(name, part.clone());
            }
        }
    }
    owners
}

/// The `.rs` files of a part (a file, or a folder of them), without test files.
fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).expect("source folders are readable") {
        let path = entry.expect("source folders are readable").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|extension| extension == "rs")
            && !path.to_string_lossy().ends_with("_tests.rs")
        {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The names that the crate root's `pub use <part>::...;` statements re-export, and their part.
fn root_reexports(lib: &str, parts: &BTreeMap<String, PathBuf>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(rest) = statement.trim_start().rsplit("pub use ").next().filter(|_| statement.contains("pub use "))
        else {
            continue;
        };
        let mut words = rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|word| !word.is_empty());
        let Some(part) = words.next().filter(|part| parts.contains_key(*part)) else { continue };
        for word in words {
            names.insert(word.to_owned(), part.to_owned());
        }
    }
    names
}

/// The items of the crate root that a part's `mod.rs` (`text`) re-exports as its own:
/// `pub use crate::SecretString;` (defined at the root so that rustc's notes name it by its public
/// path, it is the part's).
fn adopted_root_items(text: &str) -> Vec<String> {
    let code: Vec<&str> = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect();
    let mut names = Vec::new();
    for statement in code.join("\n").split(';') {
        let Some((_, rest)) = statement.rsplit_once("pub use crate::") else { continue };
        // `pub use crate::other_part::Item` is the other part's item, not one of the root's.
        if rest.contains("::") {
            continue;
        }
        let words = rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|word| !word.is_empty());
        names.extend(words.map(str::to_owned));
    }
    names
}

/// Each `crate::<name>` in the code of `text` (comments and `#[cfg(test)]` modules left out), with
/// its line; `crate::{a, b}` gives `a` and `b`.
fn crate_references(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        if line == "#[cfg(test)]" {
            // Skip a test module: a declaration (`mod tests;`) or an inline block up to its `}`.
            let declaration = lines.by_ref().map(|(_, line)| line).find(|line| !line.starts_with("#["));
            if declaration.is_some_and(|line| line.starts_with("mod ") && line.ends_with('{')) {
                lines.by_ref().find(|(_, line)| *line == "}");
            }
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let names = match after.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or_default(),
                None => after,
            };
            for name in names.split(',') {
                let name: String = name.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    found.push((index + 1, name));
                }
                if after.starts_with('{') {
                    continue;
                }
                break;
            }
            rest = after;
        }
    }
    found
}

/// A cycle of `graph` as the parts along it, the first repeated at the end; `None` when it has none.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(part: &str, graph: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|on_path| on_path == part) {
            let mut cycle = path[start..].to_vec();
            cycle.push(part.to_owned());
            return Some(cycle);
        }
        if done.contains(part) {
            return None;
        }
        path.push(part.to_owned());
        for next in graph.get(part).into_iter().flat_map(BTreeMap::keys) {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(part.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|part| visit(part, graph, &mut Vec::new(), &mut done))
}
