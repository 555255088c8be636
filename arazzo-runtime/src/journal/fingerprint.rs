//! What identifies a request across runs: a fingerprint of what it sends, with the hash behind it.

use crate::secrets::SecretString;

/// A fingerprint of what a request sends: its method, path and query as filled in (without the
/// query values that are secrets, so that a renewed API key still resumes) and its body. FNV-1a,
/// 64 bits, in hex: stable across Rust versions and platforms, unlike `std`'s hasher, because
/// checkpoints are stored and read back by later builds. It detects changed inputs; it is not a
/// security measure.
pub(crate) fn fingerprint(method: &str, url: &reqwest::Url, body: Option<&[u8]>, secrets: &[SecretString]) -> u64 {
    let mut hash = Fnv1a::new();
    // Each field is followed by 0xff, a byte UTF-8 never has, so fields cannot run together.
    let mut feed = |bytes: &[u8]| {
        hash.write(bytes);
        hash.write(&[0xff]);
    };
    feed(method.as_bytes());
    feed(url.path().as_bytes());
    // The query's pairs decoded as `Url::query_pairs` decodes them (`application/x-www-form-urlencoded`);
    // a pair with nothing to decode is borrowed, not copied.
    for (name, value) in form_urlencoded::parse(url.query().unwrap_or_default().as_bytes()) {
        if !secrets.iter().any(|secret| secret.expose_secret() == value) {
            feed(name.as_bytes());
            feed(value.as_bytes());
        }
    }
    feed(body.unwrap_or_default());
    hash.finish()
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
