//! A URL as `Debug` output may show it: without its user name and password, or its query.

use std::fmt;

/// Formats a URL for `Debug` output without what may be secret: a user name and password
/// (`user:password@`) and the query (`?api_key=...`) show as `[REDACTED]`; scheme, host, port and
/// path are kept. The generated settings structs show their `base_url` through it.
///
/// The text is scanned, not parsed, so that a URL the parser refuses is redacted too.
///
/// ```
/// use arazzo_runtime::DebugUrl;
///
/// let shown = format!("{:?}", DebugUrl("https://user:hunter2@api.example.com/v1?key=k"));
/// assert_eq!(shown, r#""https://[REDACTED]@api.example.com/v1?[REDACTED]""#);
/// ```
#[derive(Clone, Copy)]
pub struct DebugUrl<'a>(pub &'a str);

impl fmt::Debug for DebugUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redacted(self.0), f)
    }
}

/// `url` with its user info and everything from its first `?` or `#` replaced by `[REDACTED]`.
fn redacted(url: &str) -> String {
    let authority_start = authority_start(url);
    let authority_len = url[authority_start..].find(['/', '\\', '?', '#']).unwrap_or(url.len() - authority_start);
    let authority = &url[authority_start..authority_start + authority_len];
    let mut shown = String::with_capacity(url.len());
    shown.push_str(&url[..authority_start]);
    // The host follows the last `@`: the parser reads the user info up to there.
    match authority.rfind('@') {
        Some(at) => {
            shown.push_str("[REDACTED]");
            shown.push_str(&authority[at..]);
        }
        None => shown.push_str(authority),
    }
    let rest = &url[authority_start + authority_len..];
    match rest.find(['?', '#']) {
        Some(cut) => {
            shown.push_str(&rest[..cut]);
            shown.push_str(&rest[cut..=cut]);
            shown.push_str("[REDACTED]");
        }
        None => shown.push_str(rest),
    }
    shown
}

/// Where the authority begins: after the scheme's `:` and the slashes (or backslashes, which the
/// parser reads as slashes) that follow it; at the start when there is no scheme.
fn authority_start(url: &str) -> usize {
    let scheme_end = url.find([':', '/', '\\', '?', '#', '@']).filter(|&index| url.as_bytes()[index] == b':');
    match scheme_end {
        Some(colon) => {
            let after = &url[colon + 1..];
            colon + 1 + (after.len() - after.trim_start_matches(['/', '\\']).len())
        }
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_and_query_are_redacted_whatever_the_spelling() {
        for (url, shown) in [
            ("https://api.example.com/v1/", "https://api.example.com/v1/"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://user:hunter2@api.example.com/v1", "https://[REDACTED]@api.example.com/v1"),
            ("https://hunter2@api.example.com", "https://[REDACTED]@api.example.com"),
            ("https://us@er:hunter2@host:99/p@th", "https://[REDACTED]@host:99/p@th"),
            ("https:\\\\user:hunter2@host", "https:\\\\[REDACTED]@host"),
            ("https:user:hunter2@host", "https:[REDACTED]@host"),
            ("user:hunter2@host/x", "user:[REDACTED]@host/x"),
            ("https://host/v1?api_key=hunter2", "https://host/v1?[REDACTED]"),
            ("https://host#hunter2", "https://host#[REDACTED]"),
            ("not a url @ all", "[REDACTED]@ all"),
            ("", ""),
        ] {
            assert_eq!(redacted(url), shown, "{url}");
            assert!(!format!("{:?}", DebugUrl(url)).contains("hunter2"), "{url}");
        }
    }
}
