//! `arazzo-codegen upgrade FILE...`: where the upgraded documents go and what is reported.
//!
//! Like `openapi swagger upgrade` (Speakeasy), one document goes to stdout by default, so nothing is
//! overwritten unless asked; `--write` rewrites in place and, unlike it, keeps the original as
//! `FILE.orig` (`--no-backup` for files under version control, as `cargo fix` relies on them);
//! `--check` writes nothing and fails when a document would change, like `cargo fmt --check`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use arazzo_codegen::upgrade::{TARGET_VERSION, Upgraded, upgrade_file};
use serde_json::{Value, json};

use super::{MessageFormat, Output, UpgradeArgs};

/// Where the upgraded text of one document goes.
enum Target<'a> {
    Stdout,
    InPlace { backup: bool },
    File(&'a Path),
    Nowhere,
}

pub(super) fn run(args: &UpgradeArgs, output: &mut Output) -> ExitCode {
    let target = match (&args.output, args.write, args.check) {
        (_, _, true) => Target::Nowhere,
        (_, true, _) => Target::InPlace { backup: !args.no_backup },
        (Some(path), _, _) => Target::File(path),
        (None, false, false) => Target::Stdout,
    };
    let one_document = matches!(target, Target::Stdout | Target::File(_));
    if one_document && args.files.len() > 1 {
        output.failure(None, "several FILEs: pass --write or --check (stdout and --output take one document)");
        return ExitCode::from(2);
    }
    if matches!(target, Target::Stdout) && output.format == MessageFormat::Json {
        output.failure(None, "--message-format json prints on stdout: pass --write, --output or --check");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for file in &args.files {
        let upgraded = match upgrade_file(file) {
            Ok(upgraded) => upgraded,
            Err(diagnostic) => {
                output.diagnostics(&[diagnostic]);
                failed = true;
                continue;
            }
        };
        // Rendered while the original is still on disk: the renderer shows its lines.
        output.diagnostics(&upgraded.needs_human);
        let written = match (&target, upgraded.already_current()) {
            (Target::Stdout, _) => {
                print!("{}", upgraded.text);
                None
            }
            (Target::Nowhere, _) | (Target::InPlace { .. }, true) => None,
            (Target::InPlace { backup }, false) => match write_in_place(file, &upgraded.text, *backup) {
                Ok(backup) => Some((file.clone(), backup)),
                Err(message) => {
                    output.failure(Some(file), &message);
                    failed = true;
                    continue;
                }
            },
            (Target::File(path), _) => match write(path, &upgraded.text) {
                Ok(()) => Some((path.to_path_buf(), None)),
                Err(message) => {
                    output.failure(Some(path), &message);
                    failed = true;
                    continue;
                }
            },
        };
        report(output, &upgraded, matches!(target, Target::Nowhere), written.as_ref());
        if args.check && !upgraded.already_current() {
            failed = true;
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// What was done to one document: on stderr (stdout may hold the document), or one JSON object.
fn report(output: &Output, upgraded: &Upgraded, check: bool, written: Option<&(PathBuf, Option<PathBuf>)>) {
    let file = upgraded.path.display();
    if output.format == MessageFormat::Json {
        let changes: Vec<Value> = upgraded
            .changes
            .iter()
            .map(|change| {
                json!({
                    "line": change.location.map(|at| at.line),
                    "column": change.location.map(|at| at.column),
                    "json_path": change.json_path,
                    "message": change.message,
                })
            })
            .collect();
        let (written, backup) = match written {
            Some((path, backup)) => (Some(path.to_string_lossy()), backup.as_ref().map(|b| b.to_string_lossy())),
            None => (None, None),
        };
        let reason = if upgraded.already_current() { "up-to-date" } else { "upgraded" };
        println!(
            "{}",
            json!({
                "reason": reason,
                "file": upgraded.path.to_string_lossy(),
                "from": upgraded.declared,
                "to": if upgraded.already_current() { upgraded.declared.as_str() } else { TARGET_VERSION },
                "changes": changes,
                "needs_human": upgraded.needs_human.len(),
                "written": written,
                "backup": backup,
            })
        );
        return;
    }
    if upgraded.already_current() {
        eprintln!("{file}: already Arazzo {}, nothing to do", upgraded.declared);
        return;
    }
    let counted = arazzo_codegen::diagnostic::counted(upgraded.changes.len(), "change");
    let done = match written {
        _ if check => {
            format!("{file} would be upgraded from Arazzo {} to {TARGET_VERSION} ({counted})", upgraded.declared)
        }
        Some((path, backup)) => {
            let kept =
                backup.as_ref().map(|b| format!("; the original is kept in {}", b.display())).unwrap_or_default();
            format!(
                "upgraded {file} from Arazzo {} to {TARGET_VERSION} ({counted}), written to {}{kept}",
                upgraded.declared,
                path.display()
            )
        }
        None => format!("upgraded {file} from Arazzo {} to {TARGET_VERSION} ({counted})", upgraded.declared),
    };
    eprintln!("{done}");
    for change in &upgraded.changes {
        let at = change.location.map(|at| format!(":{}:{}", at.line, at.column)).unwrap_or_default();
        eprintln!("  {file}{at}: {}", change.message);
    }
    if !upgraded.needs_human.is_empty() {
        let counted = arazzo_codegen::diagnostic::counted(upgraded.needs_human.len(), "warning");
        eprintln!("  needs a human: {counted} above, which the upgrade cannot decide");
    }
}

/// Writes `text` to `path` through a temporary file beside it, so that a failure leaves `path` whole.
fn write(path: &Path, text: &str) -> Result<(), String> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".arazzo-upgrade.tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text).map_err(|error| format!("cannot write {}: {error}", temporary.display()))?;
    std::fs::rename(&temporary, path).map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot replace {}: {error}", path.display())
    })
}

/// Rewrites `file`, first copying it to `FILE.orig` (never over an existing one). Returns the backup.
fn write_in_place(file: &Path, text: &str, backup: bool) -> Result<Option<PathBuf>, String> {
    let kept = if backup {
        let mut name = file.as_os_str().to_owned();
        name.push(".orig");
        let kept = PathBuf::from(name);
        if kept.exists() {
            return Err(format!(
                "{} already exists and is not overwritten: move it away, or pass --no-backup",
                kept.display()
            ));
        }
        std::fs::copy(file, &kept)
            .map_err(|error| format!("cannot keep the original in {}: {error}", kept.display()))?;
        Some(kept)
    } else {
        None
    };
    write(file, text)?;
    Ok(kept)
}
