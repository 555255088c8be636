//! Where a source description's `url` points, as a local file: the caller's mapping first, then the
//! URL itself. Remote URLs are never fetched.
//!
//! A relative `url` resolves against the document's base URI. In 1.0 that is the Arazzo file itself. In
//! 1.1 a `$self` field sets it (RFC 3986 section 5.1.1): an absolute `$self` is the base whatever the file
//! is called (so `../specs/pets.yaml` under `$self: https://example.com/flows/x.yaml` is the remote
//! `https://example.com/specs/pets.yaml`, and under `$self: file:///srv/flows/x.yaml` the local
//! `/srv/specs/pets.yaml`); a relative `$self` is first resolved against the file (Appendix B).

use std::path::{Component, Path, PathBuf};

use super::{Options, Reporter};
use crate::model::{self, Version};

/// The local file a source description stands for; the file counts as read.
pub(super) fn source_path(
    description: &model::SourceDescription,
    options: &Options,
    pointer: &str,
    reporter: &mut Reporter<'_>,
    read: &mut Vec<PathBuf>,
) -> Option<PathBuf> {
    let path = match options.sources.get(&description.name) {
        Some(path) => crate::paths::normalize(path),
        None => {
            let self_uri = match reporter.version {
                Version::V1_0 => None,
                _ => reporter.loaded.value.get("$self").and_then(serde_json::Value::as_str),
            };
            match resolve(&description.url, self_uri, &reporter.loaded.path) {
                // `./x.yaml`, `x.yaml` and `../arazzo/x.yaml` name the same file: reports and
                // `rerun-if-changed` lines show one spelling.
                Resolved::Local(path) => crate::paths::normalize(&path),
                Resolved::Remote(url) => {
                    let resolved =
                        if url == description.url { String::new() } else { format!(" (`{url}` against `$self`)") };
                    reporter.error(
                        &format!("{pointer}/url"),
                        format!(
                            "source description `{}` points at `{}`{resolved}, which is not a local file; arazzo-rs \
                             never fetches descriptions: map it to a local copy (CLI `--source {}=PATH`, or \
                             `Builder::source`)",
                            description.name, description.url, description.name
                        ),
                    );
                    return None;
                }
            }
        }
    };
    read.push(path.clone());
    Some(path)
}

/// Where a URL points once resolved.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    Local(PathBuf),
    /// The resolved URL, for the message.
    Remote(String),
}

/// Resolves `url` against `$self` (when given) and the Arazzo file.
fn resolve(url: &str, self_uri: Option<&str>, arazzo_file: &Path) -> Resolved {
    let Some(self_uri) = self_uri.filter(|uri| !uri.contains('#')) else {
        return local(url, arazzo_file);
    };
    match url::Url::parse(self_uri) {
        Ok(base) => match base.join(url) {
            Ok(joined) if joined.scheme() == "file" => match joined.to_file_path() {
                Ok(path) => Resolved::Local(path),
                Err(()) => Resolved::Remote(joined.to_string()),
            },
            Ok(joined) => Resolved::Remote(joined.to_string()),
            Err(_) => Resolved::Remote(url.to_string()),
        },
        // A relative `$self` names a place relative to the file; `url` is relative to that place.
        Err(_) => match local(self_uri, arazzo_file) {
            Resolved::Local(base) => local(url, &base),
            remote => remote,
        },
    }
}

/// `url` relative to the file `base`: `file://` URLs are taken as they are; anything with another scheme
/// is remote.
fn local(url: &str, base: &Path) -> Resolved {
    if let Some(path) = url.strip_prefix("file://") {
        return Resolved::Local(PathBuf::from(path));
    }
    if url.contains("://") || url.is_empty() {
        return Resolved::Remote(url.to_string());
    }
    let folder = base.parent().unwrap_or_else(|| Path::new("."));
    // `./x.yaml` and `x.yaml` name the same file: drop `.` components so reports and
    // `rerun-if-changed` lines show one spelling.
    Resolved::Local(folder.join(url).components().filter(|part| !matches!(part, Component::CurDir)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(url: &str, self_uri: Option<&str>) -> Resolved {
        resolve(url, self_uri, Path::new("flows/purchase.arazzo.yaml"))
    }

    #[test]
    fn without_self_urls_resolve_against_the_file() {
        assert_eq!(resolved("./pets.yaml", None), Resolved::Local(PathBuf::from("flows/pets.yaml")));
        assert_eq!(resolved("https://x.test/p.yaml", None), Resolved::Remote("https://x.test/p.yaml".into()));
        assert_eq!(resolved("file:///srv/p.yaml", None), Resolved::Local(PathBuf::from("/srv/p.yaml")));
    }

    #[test]
    fn an_absolute_self_is_the_base_whatever_the_file_is_called() {
        // Appendix B, "Base URI Within Content".
        let https = Some("https://api.example.com/workflows/purchase.arazzo.yaml");
        assert_eq!(
            resolved("../specs/petstore.yaml", https),
            Resolved::Remote("https://api.example.com/specs/petstore.yaml".into())
        );
        let file = Some("file:///srv/workflows/purchase.arazzo.yaml");
        assert_eq!(
            resolved("../specs/petstore.yaml", file),
            Resolved::Local(PathBuf::from("/srv/specs/petstore.yaml"))
        );
        // An absolute `url` needs no base.
        assert_eq!(resolved("file:///other/p.yaml", https), Resolved::Local(PathBuf::from("/other/p.yaml")));
    }

    #[test]
    fn a_relative_self_is_resolved_against_the_file_first() {
        // Appendix B, "Resolving Relative `$self`", with a local retrieval URI.
        assert_eq!(
            resolved("../specs/petstore.yaml", Some("workflows/purchase.arazzo.yaml")),
            Resolved::Local(PathBuf::from("flows/workflows/../specs/petstore.yaml"))
        );
    }
}
