//! A secret spelled with XML references in an excerpt: an XML body escapes `&` and `<` in text
//! (`p&amp;ss`), and may write any character as a character reference (`&#x73;`, `&#115;`), so the
//! raw search misses a secret written that way. The text is read once with its references decoded,
//! each decoded character remembering where it was written, and every secret found in the decoded
//! text is replaced, with all its spelling, by `[REDACTED]`.

use super::{REDACTED, settled_len};

/// The longest reference kept whole when the text ends inside one: `&#x10FFFF;` and the named ones
/// are shorter.
const LONGEST_REFERENCE: usize = 12;

/// `text` with every secret spelled with at least one XML reference replaced by `[REDACTED]`.
/// `secrets` are non-empty, longest first. When `cut` (the text ends where the body or the prefix
/// did, not where the body does), a reference cut in two at the end is dropped, then the text is
/// shortened so that it does not end with the start of a secret, in any spelling.
pub(super) fn scrub(mut text: String, secrets: &[&str], cut: bool) -> String {
    if !text.contains('&') || secrets.is_empty() {
        return text;
    }
    if cut {
        drop_unfinished_reference(&mut text);
    }
    let (mut decoded, origin) = decode(&text);
    if decoded.len() == text.len() {
        // No reference: the raw search has seen every secret already.
        return text;
    }
    if cut {
        let end = settled_len(&decoded, secrets);
        text.truncate(origin[end]);
        decoded.truncate(end);
    }
    // Each secret's occurrences, longest secret first, as ranges of `text`; an occurrence
    // overlapping one already found is part of a longer secret, replaced with it.
    let mut found: Vec<(usize, usize)> = Vec::new();
    for secret in secrets {
        for (start, matched) in decoded.match_indices(secret) {
            let range = (origin[start], origin[start + matched.len()]);
            if !found.iter().any(|&(from, to)| range.0 < to && from < range.1) {
                found.push(range);
            }
        }
    }
    if found.is_empty() {
        return text;
    }
    found.sort_unstable();
    let mut scrubbed = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to) in found {
        scrubbed.push_str(&text[at..from]);
        scrubbed.push_str(REDACTED);
        at = to;
    }
    scrubbed.push_str(&text[at..]);
    scrubbed
}

/// Removes a reference the end of `text` cuts in two (`…&#x7`, `…&am`): its character is not known,
/// and it may be the start of a secret.
fn drop_unfinished_reference(text: &mut String) {
    let Some(amp) = text.rfind('&') else { return };
    let tail = &text[amp + 1..];
    let unfinished =
        tail.len() < LONGEST_REFERENCE && tail.bytes().all(|byte| byte == b'#' || byte.is_ascii_alphanumeric());
    if unfinished {
        text.truncate(amp);
    }
}

/// `text` with its XML references decoded (the five predefined entities and character
/// references; anything else after a `&` is left as written), and for each byte of the decoded text,
/// where in `text` the character it belongs to starts, then `text.len()`.
fn decode(text: &str) -> (String, Vec<usize>) {
    let mut decoded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let (character, len) = match rest.strip_prefix('&').and_then(reference) {
            Some((character, len)) => (character, len + 1),
            None => {
                let Some(character) = rest.chars().next() else { break };
                (character, character.len_utf8())
            }
        };
        decoded.push(character);
        origin.extend(std::iter::repeat_n(at, character.len_utf8()));
        at += len;
    }
    origin.push(text.len());
    (decoded, origin)
}

/// The character of the reference `after` begins with (the text after its `&`), and the length of
/// the reference there, `;` included.
fn reference(after: &str) -> Option<(char, usize)> {
    // `;` is ASCII: the name before it ends on a character boundary.
    let end = after.bytes().take(LONGEST_REFERENCE).position(|byte| byte == b';')?;
    let name = &after[..end];
    let character = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = name.strip_prefix('#')?;
            // XML writes `&#x`; HTML also `&#X`, which a server's error page may use.
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|byte| byte.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                None if !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit()) => {
                    number.parse().ok()?
                }
                _ => return None,
            };
            char::from_u32(code).filter(|&character| character != '\0')?
        }
    };
    Some((character, end + 1))
}
