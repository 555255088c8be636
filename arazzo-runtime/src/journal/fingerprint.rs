//! What identifies a request across runs: a fingerprint of what it sends, with the hash behind it.

use std::borrow::Cow;

use memchr::memmem;

use crate::secrets::SecretString;

/// What a secret's occurrences become in what is hashed: a byte UTF-8 never has (and not 0xff, the
/// field separator).
const SECRET: &[u8] = &[0xfe];

/// A fingerprint of what a request sends: its method, path and query as filled in and its body,
/// without the request's secrets. FNV-1a, 64 bits, in hex: stable across Rust versions and
/// platforms, unlike `std`'s hasher, because checkpoints are stored and read back by later builds.
/// It detects changed inputs; it is not a security measure.
///
/// Secrets are left out, wherever they are: a query value that is one is left out with its name, and
/// every other occurrence (in the path, a query name or value such as a JSON query string, the body)
/// is hashed as one marker byte, in each spelling the runtime writes a secret in (as is, inside a
/// JSON string, form-encoded, XML-escaped as text or as an attribute value; the path percent-decoded
/// first). A stored checkpoint then
/// holds no hash of a secret, which a fast unkeyed hash of a known request would let anyone holding
/// it test guesses against, and a renewed API key still resumes. What holds no secret is hashed as
/// it always was, so the values checkpoints stored before stay valid.
pub(crate) fn fingerprint(method: &str, url: &reqwest::Url, body: Option<&[u8]>, secrets: &[SecretString]) -> u64 {
    let spellings = Spellings::of(secrets);
    let mut hash = Fnv1a::new();
    // Each field is followed by 0xff, a byte UTF-8 never has, so fields cannot run together.
    let mut feed = |bytes: &[u8]| {
        hash.write(bytes);
        hash.write(&[0xff]);
    };
    feed(method.as_bytes());
    // A secret in the path is percent-encoded: it is looked for in the decoded path, and the path is
    // hashed decoded only when one is there.
    let decoded: Cow<'_, [u8]> = percent_encoding::percent_decode(url.path().as_bytes()).into();
    match spellings.strip(&decoded) {
        Cow::Owned(stripped) => feed(&stripped),
        Cow::Borrowed(_) => feed(url.path().as_bytes()),
    }
    // The query's pairs decoded as `Url::query_pairs` decodes them (`application/x-www-form-urlencoded`);
    // a pair with nothing to decode is borrowed, not copied.
    for (name, value) in form_urlencoded::parse(url.query().unwrap_or_default().as_bytes()) {
        if !secrets.iter().any(|secret| secret.expose_secret() == value) {
            feed(&spellings.strip(name.as_bytes()));
            feed(&spellings.strip(value.as_bytes()));
        }
    }
    feed(&spellings.strip(body.unwrap_or_default()));
    hash.finish()
}

/// The spellings of a request's secrets, longest first.
struct Spellings(Vec<Vec<u8>>);

impl Spellings {
    fn of(secrets: &[SecretString]) -> Self {
        let mut spellings: Vec<Vec<u8>> = Vec::new();
        for secret in secrets.iter().map(SecretString::expose_secret).filter(|secret| !secret.is_empty()) {
            let json = serde_json::Value::from(secret).to_string();
            let json = &json[1..json.len() - 1];
            // As the encoding part writes form fields (`encode::form_component`), which the journal
            // does not depend on.
            let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let xml = quick_xml::escape::escape(secret);
            // In an attribute value quick-xml also writes tabs and line breaks as references.
            let attribute = xml.replace('\t', "&#9;").replace('\n', "&#10;").replace('\r', "&#13;");
            for spelling in [secret, json, form.as_str(), &xml, &attribute] {
                if !spellings.iter().any(|known| known == spelling.as_bytes()) {
                    spellings.push(spelling.as_bytes().to_vec());
                }
            }
        }
        // A secret containing another is left out whole.
        spellings.sort_by_key(|spelling| std::cmp::Reverse(spelling.len()));
        Self(spellings)
    }

    /// `bytes` with every occurrence of a spelling replaced by [`SECRET`]; borrowed as it was when
    /// it holds none.
    fn strip<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let mut bytes = Cow::Borrowed(bytes);
        for spelling in &self.0 {
            let finder = memmem::Finder::new(spelling);
            if finder.find(&bytes).is_none() {
                continue;
            }
            let mut stripped = Vec::with_capacity(bytes.len());
            let mut at = 0;
            for found in finder.find_iter(&bytes) {
                stripped.extend_from_slice(&bytes[at..found]);
                stripped.extend_from_slice(SECRET);
                at = found + spelling.len();
            }
            stripped.extend_from_slice(&bytes[at..]);
            bytes = Cow::Owned(stripped);
        }
        bytes
    }
}

/// FNV-1a, 64 bits (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`), for checkpoint
/// fingerprints and multipart boundaries. By hand: no FNV crate is in the dependency tree, and
/// the values must never change (checkpoints store them), which a test computed by hand pins.
pub(crate) struct Fnv1a(u64);

impl Fnv1a {
    pub(crate) fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
#[path = "fingerprint_tests.rs"]
mod tests;
