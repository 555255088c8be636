//! Values that fill parameters and body fields: the conversions generated code relies on.

use serde_json::Value;

use crate::secret::SecretString;

/// A value that can fill a parameter or a body field.
///
/// `to_json` returning `None` means "absent": the parameter or field is left out.
pub trait ParamValue {
    /// The value as JSON, or `None` when absent.
    fn to_json(&self) -> Option<Value>;

    /// Every secret the value is or holds (containers of secrets report each item), shared rather
    /// than copied: the request marks parameters built from them as sensitive and scrubs them from
    /// error excerpts.
    fn collect_secrets(&self, _out: &mut Vec<SecretString>) {}
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
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
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
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        out.push(self.clone());
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
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_slice().to_json()
    }
    fn collect_secrets(&self, out: &mut Vec<SecretString>) {
        self.as_slice().collect_secrets(out);
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
}

impl ParamValue for Value {
    fn to_json(&self) -> Option<Value> {
        Some(self.clone())
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
