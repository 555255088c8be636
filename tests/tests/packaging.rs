//! The crates meant for crates.io are ready for it, and nothing else is (issue 17).
//!
//! `scripts/test.sh` runs `cargo publish --workspace --dry-run --no-verify`, which fails on a missing
//! description or license, a path dependency without a version, or a package that does not
//! assemble. What it only warns about, or does not look at, is checked here: every publishable
//! crate (so also one added later, such as arazzo-macros) has the metadata crates.io and docs.rs
//! show, its package holds its sources and README and no tests, goldens or fixtures, and its library
//! reads no file the package leaves out. The full dry run, which also builds each package from its
//! archive, is left to releases: it rebuilds the dependency tree once more (see docs/BENCHMARKS.md).

// A test: a failed unwrap is a failed check.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The crates that must stay publishable; others may join them.
const PUBLISHED: [&str; 4] = ["arazzo-runtime", "arazzo-codegen", "arazzo-generated", "arazzo-macros"];

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `cargo metadata` of the workspace's own packages.
fn packages() -> Vec<Value> {
    let output = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"].as_array().unwrap().clone()
}

/// `publish` is `null` in `cargo metadata` when any registry may have the crate, `[]` when none.
fn publishable(package: &Value) -> bool {
    package["publish"].is_null()
}

#[test]
fn the_published_crates_and_only_they_are_publishable() {
    let packages = packages();
    for name in PUBLISHED {
        let package = packages.iter().find(|package| package["name"] == name).unwrap();
        assert!(publishable(package), "{name} must be publishable");
    }
    for package in &packages {
        let name = package["name"].as_str().unwrap();
        let path = package["manifest_path"].as_str().unwrap();
        // Examples, tests and benches (and the fuzz crate, outside the workspace) stay private.
        if ["/examples/", "/tests/Cargo.toml", "/benches/"].iter().any(|part| path.contains(part)) {
            assert!(!publishable(package), "{name} ({path}) must keep `publish = false`");
        }
    }
}

#[test]
fn publishable_crates_have_the_metadata_crates_io_shows() {
    for package in packages().iter().filter(|package| publishable(package)) {
        let name = package["name"].as_str().unwrap();
        for field in ["description", "license", "repository", "documentation", "readme", "rust_version"] {
            let value = package[field].as_str().unwrap_or_default();
            assert!(!value.is_empty(), "{name} has no `{field}`");
        }
        assert_eq!(package["documentation"], format!("https://docs.rs/{name}"), "{name}");
        let keywords = package["keywords"].as_array().unwrap();
        assert!((1..=5).contains(&keywords.len()), "{name}: crates.io takes 1 to 5 keywords, not {}", keywords.len());
        assert!(!package["categories"].as_array().unwrap().is_empty(), "{name} has no categories");
        // Dependencies on the workspace's other crates carry a version, or the package cannot be built
        // from crates.io.
        for dependency in package["dependencies"].as_array().unwrap() {
            if dependency["path"].is_string() && dependency["kind"] != "dev" {
                assert_ne!(dependency["req"], "*", "{name} depends on {} by path only", dependency["name"]);
            }
        }
    }
}

#[test]
fn packages_hold_their_sources_and_readme_and_no_tests() {
    for package in packages().iter().filter(|package| publishable(package)) {
        let name = package["name"].as_str().unwrap();
        let dir = Path::new(package["manifest_path"].as_str().unwrap()).parent().unwrap().to_path_buf();
        let output = cargo()
            .args(["package", "--list", "--allow-dirty", "--offline", "-p", name])
            .current_dir(workspace_root())
            .output()
            .unwrap();
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        let listed: Vec<String> = String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect();
        assert!(listed.iter().any(|file| file == "README.md"), "{name}: {listed:?}");
        for file in &listed {
            let allowed = file.starts_with("src/")
                || ["Cargo.toml", "Cargo.toml.orig", "Cargo.lock", "README.md", ".cargo_vcs_info.json"]
                    .contains(&file.as_str());
            assert!(allowed, "{name}'s package holds {file}: only sources and the README belong there");
        }
        // Every source file is in, and none reads a file the package leaves out.
        let mut sources = Vec::new();
        collect_rust_files(&dir.join("src"), &mut sources);
        for source in sources {
            let relative = source.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
            assert!(listed.contains(&relative), "{name}'s package lacks {relative}");
            let text = std::fs::read_to_string(&source).unwrap();
            // A proc-macro writes `include_bytes!` into its expansions (so that the user's crate
            // rebuilds when a document changes); it reads nothing of its own package.
            let proc_macro = package["targets"]
                .as_array()
                .unwrap()
                .iter()
                .any(|target| target["kind"].as_array().unwrap().iter().any(|kind| kind == "proc-macro"));
            for reader in ["include_str!(", "include_bytes!("].into_iter().filter(|_| !proc_macro) {
                assert!(!text.contains(reader), "{name}: {relative} uses {reader}: add the file to `include`");
            }
        }
        assert!(!dir.join("build.rs").exists() || listed.contains(&"build.rs".to_owned()), "{name}: build.rs left out");
    }
}

fn collect_rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust_files(&path, into);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            into.push(path);
        }
    }
}

/// The normal dependencies of `package` built with `features` (`cargo tree`, no build), one crate
/// name per entry.
fn dependency_names(package: &str, features: &[&str]) -> Vec<String> {
    let output = cargo()
        .args(["tree", "-p", package, "-e", "normal", "--prefix", "none", "--offline"])
        .args(features)
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect()
}

/// The prebuilt clients forward the runtime's TLS features: a user who picks native-tls through
/// them (or through the runtime, alongside them) does not get rustls and ring built as well.
#[test]
fn the_prebuilt_clients_forward_the_tls_choice() {
    let native = dependency_names("arazzo-generated", &["--no-default-features", "--features", "native-tls"]);
    assert!(native.iter().any(|name| name == "native-tls"), "{native:?}");
    for left_out in ["rustls", "ring", "hyper-rustls"] {
        assert!(!native.iter().any(|name| name == left_out), "{left_out} is built with native-tls only: {native:?}");
    }
    let default = dependency_names("arazzo-generated", &[]);
    for needed in ["rustls", "ring"] {
        assert!(default.iter().any(|name| name == needed), "{needed} missing by default: {default:?}");
    }
    let none = dependency_names("arazzo-generated", &["--no-default-features"]);
    assert!(!none.iter().any(|name| name == "rustls" || name == "native-tls"), "{none:?}");
}
