//! XML request bodies written from the JSON form of a payload (`application/xml`, `text/xml`,
//! `*+xml`). Arazzo 1.0.1 writes an XML payload as its text; published documents often write the
//! element tree as a YAML object instead (`VersioningConfiguration: {Status: Enabled}`), which has
//! exactly one XML form:
//!
//! - the object has one member, the root element;
//! - an object is an element whose members are its children, in order;
//! - an array repeats its element once per item (`{Tag: [a, b]}` is `<Tag>a</Tag><Tag>b</Tag>`);
//! - a string is the element's text, a number or a boolean its JSON text, `null` an empty element;
//! - a member whose name starts with `@` is an attribute of its element (`"@xmlns": "urn:x"`), and
//!   a member named `#text` is the element's own text beside its attributes, the convention of
//!   xml2js, xmltodict and fast-xml-parser; a `null` attribute is left out.
//!
//! Filled-in values are escaped, so none can change the document's structure; names that XML
//! cannot have, and characters XML 1.0 cannot carry (control characters), fail the step before
//! anything is sent. No XML declaration is written: without one, XML is UTF-8, as the body is.
//!
//! Serialized with quick-xml's writer, which escapes text and attribute values (including the
//! `\r`, `\n` and `\t` that parsers would otherwise normalize away).

use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use serde_json::{Map, Value};

/// Why a payload has no XML form. Messages name the place in the payload (a JSON pointer) and
/// never a value, which may be a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum XmlError {
    #[error("an XML body is an object with one member, its root element; this payload is {found}")]
    Root { found: String },
    #[error("`{name}` (at `{at}`) is not a valid XML name")]
    Name { name: String, at: String },
    #[error("the value at `{at}` contains U+{code:04X}, which XML 1.0 cannot carry")]
    Character { at: String, code: u32 },
    #[error("the attribute at `{at}` needs a string, number or boolean value")]
    Attribute { at: String },
    #[error("the `#text` at `{at}` needs a string, number or boolean value")]
    Text { at: String },
    #[error("the list at `{at}` is inside a list, which has no XML form")]
    NestedList { at: String },
    #[error("the XML body could not be written")]
    Write,
}

/// A value embedded in an XML payload written as text (`<Name>{$inputs.name}</Name>`), escaped so
/// that it cannot change the document's structure: its text (a string as it is, a number or a
/// boolean as its JSON text, anything else as its JSON text; nothing when absent) with `<`, `>`,
/// `&`, `'` and `"` written as references, which is right in element text and in attribute
/// values alike.
pub fn xml_escaped<T: crate::ParamValue + ?Sized>(value: &T) -> String {
    let text = match value.to_json() {
        None | Some(Value::Null) => return String::new(),
        Some(Value::String(text)) => text,
        Some(other) => other.to_string(),
    };
    quick_xml::escape::escape(text.as_str()).into_owned()
}

/// The XML text of `value` (see the module documentation for the mapping).
pub(crate) fn to_xml(value: &Value) -> Result<Vec<u8>, XmlError> {
    let root = match value {
        Value::Object(members) if members.len() == 1 => members.iter().next(),
        Value::Object(members) => {
            return Err(XmlError::Root { found: format!("an object with {} members", members.len()) });
        }
        other => return Err(XmlError::Root { found: kind(other).to_owned() }),
    };
    let Some((name, content)) = root else { return Err(XmlError::Root { found: "empty".to_owned() }) };
    let at = child_pointer("", name);
    if name.starts_with('@') || name == TEXT {
        return Err(XmlError::Root { found: format!("`{name}`, which is not an element") });
    }
    if content.is_array() {
        return Err(XmlError::Root { found: format!("a list at `{at}`, which would be several root elements") });
    }
    let mut writer = Writer::new(Vec::with_capacity(128));
    element(&mut writer, name, content, &at)?;
    Ok(writer.into_inner())
}

/// The member holding an element's own text beside its attributes.
const TEXT: &str = "#text";

fn element(writer: &mut Writer<Vec<u8>>, name: &str, content: &Value, at: &str) -> Result<(), XmlError> {
    check_name(name, at)?;
    match content {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let at = format!("{at}/{index}");
                if item.is_array() {
                    return Err(XmlError::NestedList { at });
                }
                element(writer, name, item, &at)?;
            }
            Ok(())
        }
        Value::Object(members) => object(writer, name, members, at),
        Value::Null => write(writer, Event::Empty(BytesStart::new(name))),
        scalar => {
            let text = scalar_text(scalar, at)?;
            write(writer, Event::Start(BytesStart::new(name)))?;
            write(writer, Event::Text(BytesText::new(&text)))?;
            write(writer, Event::End(BytesEnd::new(name)))
        }
    }
}

fn object(writer: &mut Writer<Vec<u8>>, name: &str, members: &Map<String, Value>, at: &str) -> Result<(), XmlError> {
    let mut start = BytesStart::new(name);
    let mut has_content = false;
    for (key, value) in members {
        let Some(attribute) = key.strip_prefix('@') else {
            has_content = has_content || !(key == TEXT && value.is_null());
            continue;
        };
        let at = child_pointer(at, key);
        check_name(attribute, &at)?;
        if value.is_null() {
            continue;
        }
        if value.is_array() || value.is_object() {
            return Err(XmlError::Attribute { at });
        }
        let text = scalar_text(value, &at)?;
        // `(&str, &str)` escapes the value for an attribute (quotes, `<`, `&`, tab and line breaks).
        start.push_attribute((attribute, text.as_str()));
    }
    if !has_content {
        return write(writer, Event::Empty(start));
    }
    write(writer, Event::Start(start))?;
    for (key, value) in members {
        let at = child_pointer(at, key);
        if key.starts_with('@') {
            continue;
        }
        if key == TEXT {
            if value.is_array() || value.is_object() {
                return Err(XmlError::Text { at });
            }
            if !value.is_null() {
                let text = scalar_text(value, &at)?;
                write(writer, Event::Text(BytesText::new(&text)))?;
            }
            continue;
        }
        element(writer, key, value, &at)?;
    }
    write(writer, Event::End(BytesEnd::new(name)))
}

/// The text of a string, number or boolean (numbers and booleans as their JSON text), checked for
/// characters XML 1.0 cannot carry.
fn scalar_text(value: &Value, at: &str) -> Result<String, XmlError> {
    let text = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    match text.chars().find(|&character| !is_xml_char(character)) {
        Some(character) => Err(XmlError::Character { at: at.to_owned(), code: u32::from(character) }),
        None => Ok(text),
    }
}

fn write(writer: &mut Writer<Vec<u8>>, event: Event<'_>) -> Result<(), XmlError> {
    // Writing to a `Vec` does not fail; the error is kept rather than unwrapped all the same.
    writer.write_event(event).map_err(|_| XmlError::Write)
}

fn check_name(name: &str, at: &str) -> Result<(), XmlError> {
    if is_xml_name(name) { Ok(()) } else { Err(XmlError::Name { name: name.to_owned(), at: at.to_owned() }) }
}

/// XML 1.0 `Char`: tab, line feed, carriage return and everything from U+0020 up, except U+FFFE and
/// U+FFFF (a Rust string holds no surrogates).
pub(crate) fn is_xml_char(character: char) -> bool {
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

fn child_pointer(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
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

#[cfg(test)]
#[path = "xml_tests.rs"]
mod tests;
