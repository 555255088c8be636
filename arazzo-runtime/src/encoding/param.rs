//! Values that fill parameters and body fields: the conversions generated code relies on.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::secrets::SecretString;

/// A value that can fill a parameter or a body field.
///
/// `to_json` returning `None` means "absent": the parameter or field is left out. The other
/// methods have defaults built on `to_json`; the types of this crate override them so that the
/// common cases (a string parameter, a body of strings and numbers) are encoded straight from the
/// value, without building a `serde_json::Value` first.
pub trait ParamValue {
    /// The value as JSON, or `None` when absent.
    fn to_json(&self) -> Option<Value>;

    /// Every secret the value is or holds (containers of secrets report each item), shared rather
    /// than copied: the request marks parameters built from them as sensitive and scrubs them from
    /// error excerpts.
    fn collect_secrets(&self, _out: &mut Vec<SecretString>) {}

    /// The value as text, when it has a plain text form that parameters send as is (before
    /// encoding): a string, an integer, a boolean, a [`concat()`] of them. `None` for every other
    /// value (encoded through its JSON form), and when absent.
    fn as_text(&self) -> Option<Cow<'_, str>> {
        None
    }

    /// Appends the value's JSON text to `out`, or nothing when it is absent (`false`).
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        match self.to_json() {
            Some(value) => {
                write_serialized(out, &value);
                true
            }
            None => false,
        }
    }
}

/// Appends the JSON text of `value`. Writing to a `Vec` cannot fail, and neither can serializing
/// a string, a number, a boolean or a `serde_json::Value` (whose keys are strings).
pub(crate) fn write_serialized<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let _infallible = serde_json::to_writer(out, value);
}

impl ParamValue for str {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_owned()))
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        write_serialized(out, self);
        true
    }
}

impl ParamValue for String {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        self.as_str().write_json(out)
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_json(&self) -> Option<Value> {
        (**self).to_json()
    }
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        (**self).collect_secrets(out);
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        (**self).as_text()
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        (**self).write_json(out)
    }
}

macro_rules! integer_param_value {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_json(&self) -> Option<Value> {
                Some(Value::from(*self))
            }
            fn as_text(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Owned(self.to_string()))
            }
            fn write_json(&self, out: &mut Vec<u8>) -> bool {
                write_serialized(out, self);
                true
            }
        }
    )*};
}
integer_param_value!(i64, i32, u64, u32);

impl ParamValue for f64 {
    /// NaN and infinities have no JSON form and count as absent.
    fn to_json(&self) -> Option<Value> {
        serde_json::Number::from_f64(*self).map(Value::Number)
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        let finite = self.is_finite();
        if finite {
            write_serialized(out, self);
        }
        finite
    }
}

impl ParamValue for bool {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(if *self { "true" } else { "false" }))
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        write_serialized(out, self);
        true
    }
}

impl ParamValue for SecretString {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.expose_secret().to_owned()))
    }
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        out.push(self.clone());
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self.expose_secret()))
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        self.expose_secret().write_json(out)
    }
}

impl<T: ParamValue> ParamValue for [T] {
    /// Absent items become `null` (dropped when encoded into a parameter).
    fn to_json(&self) -> Option<Value> {
        Some(Value::Array(self.iter().map(|item| item.to_json().unwrap_or(Value::Null)).collect()))
    }
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        for item in self {
            item.collect_secrets(out);
        }
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        write_items(out, self.iter().map(|item| item as &dyn ParamValue));
        true
    }
}

/// Appends a JSON array of `items`, absent ones as `null` (positions are kept).
pub(crate) fn write_items<'v>(out: &mut Vec<u8>, items: impl Iterator<Item = &'v dyn ParamValue>) {
    out.push(b'[');
    for (index, item) in items.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        if !item.write_json(out) {
            out.extend_from_slice(b"null");
        }
    }
    out.push(b']');
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_slice().to_json()
    }
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        self.as_slice().collect_secrets(out);
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        self.as_slice().write_json(out)
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_ref().and_then(ParamValue::to_json)
    }
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        if let Some(value) = self {
            value.collect_secrets(out);
        }
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        self.as_ref()?.as_text()
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        self.as_ref().is_some_and(|value| value.write_json(out))
    }
}

impl ParamValue for Value {
    fn to_json(&self) -> Option<Value> {
        Some(self.clone())
    }
    fn as_text(&self) -> Option<Cow<'_, str>> {
        Value::as_str(self).map(Cow::Borrowed)
    }
    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        write_serialized(out, self);
        true
    }
}

/// A parameter value as a request holds it: borrowed, encoded only when the request is sent.
#[derive(Clone, Copy)]
pub struct ParamRef<'a>(ParamRefInner<'a>);

#[derive(Clone, Copy)]
enum ParamRefInner<'a> {
    Str(&'a str),
    Value(&'a (dyn ParamValue + Sync)),
}

impl<'a> ParamRef<'a> {
    pub(crate) fn to_json(self) -> Option<Value> {
        match self.0 {
            ParamRefInner::Str(text) => text.to_json(),
            ParamRefInner::Value(value) => value.to_json(),
        }
    }

    pub(crate) fn collect_secrets(self, out: &mut Vec<SecretString>) {
        if let ParamRefInner::Value(value) = self.0 {
            value.collect_secrets(out);
        }
    }

    pub(crate) fn as_text(self) -> Option<Cow<'a, str>> {
        match self.0 {
            ParamRefInner::Str(text) => Some(Cow::Borrowed(text)),
            ParamRefInner::Value(value) => value.as_text(),
        }
    }
}

/// What the request builders take as a value: a reference to any [`ParamValue`] (`&inputs.id`,
/// `&10_i64`, `&Some(key)`), or a string slice (`"app_1"`).
pub trait IntoParamRef<'a> {
    /// The value, borrowed.
    fn into_param_ref(self) -> ParamRef<'a>;
}

impl<'a, V: ParamValue + Sync> IntoParamRef<'a> for &'a V {
    fn into_param_ref(self) -> ParamRef<'a> {
        ParamRef(ParamRefInner::Value(self))
    }
}

impl<'a> IntoParamRef<'a> for &'a str {
    fn into_param_ref(self) -> ParamRef<'a> {
        ParamRef(ParamRefInner::Str(self))
    }
}

/// Text made of pieces, for a value written in the document as a string with embedded expressions
/// (`Bearer {$inputs.token}`): each piece's text in turn (see [`ParamValue::as_text`]), an absent
/// piece as nothing. It is written once, when the request is sent; the secrets among the pieces
/// are the value's secrets.
///
/// ```
/// use arazzo_runtime::{ParamValue, SecretString, concat};
///
/// let token = SecretString::from("sk_1");
/// let header = concat([&"Bearer ", &token]);
/// assert_eq!(header.as_text().as_deref(), Some("Bearer sk_1"));
/// ```
pub fn concat<'a, const N: usize>(pieces: [&'a (dyn ParamValue + Sync); N]) -> Concat<'a, N> {
    Concat(pieces)
}

/// Text made of pieces: see [`concat()`].
#[derive(Clone, Copy)]
pub struct Concat<'a, const N: usize>([&'a (dyn ParamValue + Sync); N]);

impl<const N: usize> ParamValue for Concat<'_, N> {
    fn to_json(&self) -> Option<Value> {
        self.as_text().map(|text| Value::String(text.into_owned()))
    }

    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        self.0.iter().for_each(|piece| piece.collect_secrets(out));
    }

    fn as_text(&self) -> Option<Cow<'_, str>> {
        let texts = self.0.map(|piece| piece.as_text());
        // Sized exactly: a header value is then handed over without a copy.
        let mut text = String::with_capacity(texts.iter().flatten().map(|text| text.len()).sum());
        texts.iter().flatten().for_each(|piece| text.push_str(piece));
        Some(Cow::Owned(text))
    }

    fn write_json(&self, out: &mut Vec<u8>) -> bool {
        self.as_text().is_some_and(|text| text.write_json(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets_of<V: ParamValue + ?Sized>(value: &V) -> Vec<SecretString> {
        let mut out = Vec::new();
        value.collect_secrets(&mut out);
        out
    }

    #[test]
    fn secrets_are_collected_from_containers_and_shared_not_copied() {
        let key = SecretString::from("sk_1");
        let found = secrets_of(&key);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].expose_secret().as_ptr(), key.expose_secret().as_ptr());
        let texts = |found: Vec<SecretString>| found.iter().map(|s| s.expose_secret().to_owned()).collect::<Vec<_>>();
        assert_eq!(texts(secrets_of(&Some(key.clone()))), ["sk_1"]);
        assert_eq!(texts(secrets_of(&None::<SecretString>)), Vec::<String>::new());
        let list = vec![SecretString::from("a"), SecretString::from("b")];
        assert_eq!(texts(secrets_of(&list)), ["a", "b"]);
        assert_eq!(texts(secrets_of(&&list[..1])), ["a"]);
        // Plain values hold none.
        assert!(
            secrets_of("sk_1").is_empty() && secrets_of(&String::from("x")).is_empty() && secrets_of(&7_i64).is_empty()
        );
    }
}
