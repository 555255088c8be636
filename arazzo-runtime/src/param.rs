//! Values that fill parameters and body fields: the conversions generated code relies on.

use serde_json::Value;

use crate::secret::SecretString;

/// A value that can fill a parameter or a body field.
///
/// `to_json` returning `None` means "absent": the parameter or field is left out.
pub trait ParamValue {
    /// The value as JSON, or `None` when absent.
    fn to_json(&self) -> Option<Value>;

    /// The plain text when the value is a secret: the request marks headers built from it as
    /// sensitive and scrubs it from error excerpts.
    fn secret_text(&self) -> Option<&str> {
        None
    }

    /// Every secret inside the value (containers of secrets report each item).
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.extend(self.secret_text());
    }
}

impl ParamValue for str {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.to_owned()))
    }
}

impl ParamValue for String {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_json(&self) -> Option<Value> {
        (**self).to_json()
    }
    fn secret_text(&self) -> Option<&str> {
        (**self).secret_text()
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        (**self).collect_secrets(out);
    }
}

macro_rules! integer_param_value {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_json(&self) -> Option<Value> {
                Some(Value::from(*self))
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
}

impl ParamValue for bool {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
}

impl ParamValue for SecretString {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.expose_secret().to_owned()))
    }
    fn secret_text(&self) -> Option<&str> {
        Some(self.expose_secret())
    }
}

impl<T: ParamValue> ParamValue for [T] {
    /// Absent items become `null` (dropped when encoded into a parameter).
    fn to_json(&self) -> Option<Value> {
        Some(Value::Array(self.iter().map(|item| item.to_json().unwrap_or(Value::Null)).collect()))
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        for item in self {
            item.collect_secrets(out);
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_slice().to_json()
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.as_slice().collect_secrets(out);
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_ref().and_then(ParamValue::to_json)
    }
    fn secret_text(&self) -> Option<&str> {
        self.as_ref().and_then(ParamValue::secret_text)
    }
    fn collect_secrets<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let Some(value) = self {
            value.collect_secrets(out);
        }
    }
}

impl ParamValue for Value {
    fn to_json(&self) -> Option<Value> {
        Some(self.clone())
    }
}
