//! Paths as reports show them: `workflows/svix/arazzo/../openapi/x.json` is written
//! `workflows/svix/openapi/x.json` in diagnostics, `cargo:rerun-if-changed` lines and generated docs.

use std::path::{Component, Path, PathBuf};

/// `path` without `.` components and with each `name/..` pair removed, computed from the text alone
/// (as cargo does for its own paths): the disk is never read, so a missing file keeps its name. A
/// leading `..` stays, and `..` right after the root is dropped. (Were `name` a symbolic link to
/// another folder, `name/..` would be that folder's parent: sources are named relative to the
/// document, which does not make such links likely, and the file then fails to load with its name.)
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_dot_after_a_name_and_dots_are_removed() {
        let cases = [
            ("workflows/svix/arazzo/../openapi/svix.json", "workflows/svix/openapi/svix.json"),
            ("./workflows/./x.yml", "workflows/x.yml"),
            ("../../workflows/a/../b.yml", "../../workflows/b.yml"),
            ("a/../../b", "../b"),
            ("/a/../../b", "/b"),
            ("a/..", "."),
            ("/srv/x.yml", "/srv/x.yml"),
        ];
        for (path, normal) in cases {
            assert_eq!(normalize(Path::new(path)), Path::new(normal), "{path}");
        }
    }
}
