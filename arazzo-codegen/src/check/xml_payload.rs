//! An XML request body whose payload is written as an object (a tolerant reading, see
//! [`super::lenient::xml_object_payload`]): the shape the runtime turns into XML (`Request::xml_body`
//! in arazzo-runtime, whose `xml` module states the mapping) is checked here, so that what the
//! document itself writes (names, nesting, literal text) fails at build time, located; only values
//! filled in at run time are checked when the request is built.

use serde_json::Value;

use super::{Reporter, escape};

/// `application/xml`, `text/xml` and any `+xml` media type (essence, lower case).
pub(super) fn is_xml_media(essence: &str) -> bool {
    essence == "application/xml" || essence == "text/xml" || essence.ends_with("+xml")
}

/// The member holding an element's own text beside its attributes.
const TEXT: &str = "#text";

/// Reports every place of `payload` that has no XML form. `Ok` with the root element's name (for
/// the warning) when there is none.
pub(super) fn check<'p>(reporter: &mut Reporter<'_>, payload: &'p Value, pointer: &str) -> Result<&'p str, ()> {
    let members = match payload {
        Value::Object(members) => members,
        other => {
            reporter.error(
                pointer,
                format!(
                    "an XML payload is its XML text, or an object whose one member is the root element; {} has \
                     no XML form",
                    kind(other)
                ),
            );
            return Err(());
        }
    };
    let mut root = members.iter();
    let (Some((name, content)), None) = (root.next(), root.next()) else {
        reporter.error(
            pointer,
            format!(
                "an XML document has one root element, and this payload has {} members: write them inside one \
                 (`{{Root: {{...}}}}`), or write the payload as XML text",
                members.len()
            ),
        );
        return Err(());
    };
    let at = format!("{pointer}/{}", escape(name));
    if name.starts_with('@') || name == TEXT {
        reporter.error(
            &at,
            format!("`{name}` is not an element, but the one member of an XML payload is its root element"),
        );
        return Err(());
    }
    if content.is_array() {
        reporter.error(
            &at,
            format!(
                "a list here would repeat the root element `{name}`, and an XML document has one root: put the \
                 `{name}` elements inside another element"
            ),
        );
        return Err(());
    }
    let before = errors(reporter);
    element(reporter, name, content, &at);
    if errors(reporter) == before { Ok(name) } else { Err(()) }
}

fn errors(reporter: &Reporter<'_>) -> usize {
    reporter.diagnostics.iter().filter(|diagnostic| diagnostic.is_error()).count()
}

fn element(reporter: &mut Reporter<'_>, name: &str, content: &Value, at: &str) {
    if !name_is_valid(reporter, name, at) {
        return;
    }
    match content {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let at = format!("{at}/{index}");
                if item.is_array() {
                    reporter.error(
                        &at,
                        format!(
                            "a list inside a list has no XML form (each item of `{name}` is one `<{name}>` element): \
                             put the inner list inside an element"
                        ),
                    );
                } else {
                    element(reporter, name, item, &at);
                }
            }
        }
        Value::Object(members) => {
            for (key, value) in members {
                let at = format!("{at}/{}", escape(key));
                if let Some(attribute) = key.strip_prefix('@') {
                    if name_is_valid(reporter, attribute, &at) {
                        scalar(reporter, value, &at, &format!("attribute `{key}`"));
                    }
                } else if key == TEXT {
                    scalar(reporter, value, &at, "`#text`, the element's own text,");
                } else {
                    element(reporter, key, value, &at);
                }
            }
        }
        Value::String(text) => text_is_valid(reporter, text, at),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// An attribute or `#text`: a string, number, boolean or null (left out).
fn scalar(reporter: &mut Reporter<'_>, value: &Value, at: &str, what: &str) {
    match value {
        Value::Array(_) | Value::Object(_) => {
            reporter.error(at, format!("{what} needs a string, number or boolean, not {}", kind(value)));
        }
        Value::String(text) => text_is_valid(reporter, text, at),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn name_is_valid(reporter: &mut Reporter<'_>, name: &str, at: &str) -> bool {
    let valid = is_xml_name(name);
    if !valid {
        reporter.error(
            at,
            format!(
                "`{name}` is not a valid XML name (a letter, `_` or `:` first, then letters, digits, `-`, `.`, `_` \
                 or `:`): rename it, or write the payload as XML text"
            ),
        );
    }
    valid
}

/// Text written in the document (expressions are filled in and checked at run time).
fn text_is_valid(reporter: &mut Reporter<'_>, text: &str, at: &str) {
    if let Some(character) = text.chars().find(|&character| !is_xml_char(character)) {
        reporter.error(at, format!("this text holds U+{:04X}, which XML 1.0 cannot carry", u32::from(character)));
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

// The two productions below are also in arazzo-runtime's `xml` module, which checks what is filled in
// at run time; the generator does not depend on the runtime, and the productions are fixed by XML 1.0.

/// XML 1.0 `Char`: tab, line feed, carriage return and everything from U+0020 up, except U+FFFE and
/// U+FFFF.
fn is_xml_char(character: char) -> bool {
    matches!(character, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// XML 1.0 (fifth edition) `Name`, which allows `:` (`xmlns:s3`, `s3:Key`).
pub(crate) fn is_xml_name(name: &str) -> bool {
    let mut characters = name.chars();
    characters.next().is_some_and(is_name_start) && characters.all(is_name_char)
}

fn is_name_start(character: char) -> bool {
    matches!(
        character,
        ':' | 'A'..='Z'
            | '_'
            | 'a'..='z'
            | '\u{C0}'..='\u{D6}'
            | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{2FF}'
            | '\u{370}'..='\u{37D}'
            | '\u{37F}'..='\u{1FFF}'
            | '\u{200C}'..='\u{200D}'
            | '\u{2070}'..='\u{218F}'
            | '\u{2C00}'..='\u{2FEF}'
            | '\u{3001}'..='\u{D7FF}'
            | '\u{F900}'..='\u{FDCF}'
            | '\u{FDF0}'..='\u{FFFD}'
            | '\u{10000}'..='\u{EFFFF}'
    )
}

fn is_name_char(character: char) -> bool {
    is_name_start(character)
        || matches!(character, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}
