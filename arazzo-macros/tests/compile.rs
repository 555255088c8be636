//! What `workflow!` refuses, and how: trybuild compiles each `tests/ui/*.rs` and compares rustc's
//! output with the `.stderr` beside it (`TRYBUILD=overwrite` rewrites them after an intended change).

use std::path::{Path, PathBuf};

#[test]
fn diagnostics_are_compile_errors_at_the_macro_call() -> std::io::Result<()> {
    // trybuild compiles each case as a crate of its own, in `<target>/tests/trybuild/arazzo-macros`:
    // that is the case's CARGO_MANIFEST_DIR, against which `workflow!` resolves its paths. The
    // documents are copied there, so the cases name them as a user's crate would, and the expected
    // output does not depend on where the repository is.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().map(Path::to_path_buf).unwrap_or_default();
    let project = target.join("tests/trybuild/arazzo-macros");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/documents"), &project.join("documents"))?;
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    Ok(())
}

fn copy_dir(from: &Path, to: &PathBuf) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, to.join(name))?;
        }
    }
    Ok(())
}
