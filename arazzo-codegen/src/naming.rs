//! One place for Rust names: every identifier the generator emits comes from here, so that no text
//! from a document can produce an invalid identifier, a keyword, or a collision.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers, even as raw identifiers in some cases (`self`, `crate`, ...).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
    "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut",
    "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try",
    "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "abstract", "become",
];

/// What the builder type of an inputs struct adds to the struct's name (`FetchInputsBuilder`).
pub const BUILDER_SUFFIX: &str = "Builder";

/// The setter a builder has for the field `field`: the field's name, except `build`, which finishes
/// the builder, so its setter is `set_build` (unique among the fields' names).
pub fn setter(field: &str, fields: &[&str]) -> String {
    if field != "build" {
        return field.to_string();
    }
    (1..)
        .map(|n| if n == 1 { "set_build".to_string() } else { format!("set_build_{n}") })
        .find(|candidate| !fields.contains(&candidate.as_str()))
        .unwrap_or_default()
}

/// `snake_case` identifier for a field, variable, function or module.
pub fn snake(name: &str) -> String {
    sanitize(&ascii_words(name).to_snake_case(), "value")
}

/// `UpperCamelCase` identifier for a type.
pub fn camel(name: &str) -> String {
    sanitize(&ascii_words(name).to_upper_camel_case(), "Value")
}

/// Replaces every character that cannot appear in an ASCII identifier with a word break.
fn ascii_words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

fn sanitize(candidate: &str, fallback: &str) -> String {
    let mut ident: String = candidate.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if ident.trim_matches('_').is_empty() {
        ident = fallback.to_string();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// Hands out identifiers that are unique within one scope, deterministically: the first request for a
/// name gets it, later ones get `name_2`, `name_3`, ...
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// Put before every name handed out (the workflows of another document in the same module).
    prefix: String,
}

impl Scope {
    /// A scope in which `reserved` names are already taken (names the generated code itself uses).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self { taken: reserved.iter().map(|name| name.to_string()).collect(), prefix: String::new() }
    }

    /// The same scope, putting `prefix` before every name it hands out from now on.
    pub fn prefixed(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_string();
        self
    }

    pub fn claim(&mut self, ident: String) -> String {
        let ident = if self.prefix.is_empty() { ident } else { format!("{}{ident}", self.prefix) };
        let ident = tidy(&ident);
        if self.taken.insert(ident.clone()) {
            return ident;
        }
        // `value_2` (`self_2`) for snake case; `Value2` (`Self2`) for types, where an underscore would
        // trip `non_camel_case_types`.
        let (stem, separator) = if is_type(&ident) {
            (ident.trim_end_matches('_'), "")
        } else if ident.ends_with('_') {
            (ident.as_str(), "")
        } else {
            (ident.as_str(), "_")
        };
        (2..)
            .map(|n| format!("{stem}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(ident)
    }

    /// Claims a type name together with the companion type generated beside it (`Name` and
    /// `NameBuilder`): the first candidate whose two names are both free, so that neither collides
    /// with a type claimed before or after.
    pub fn claim_with_companion(&mut self, ident: String, suffix: &str) -> String {
        let ident = if self.prefix.is_empty() { ident } else { format!("{}{ident}", self.prefix) };
        let ident = tidy(&ident);
        let stem = ident.trim_end_matches('_');
        let candidates = std::iter::once(ident.clone()).chain((2..).map(|n| format!("{stem}{n}")));
        for candidate in candidates.take(10_000) {
            let companion = format!("{candidate}{suffix}");
            if !self.taken.contains(&candidate) && !self.taken.contains(&companion) {
                self.taken.insert(companion);
                self.taken.insert(candidate.clone());
                return candidate;
            }
        }
        // Unreachable in practice (a document would need 10,000 such names); `claim` still hands out
        // a unique name.
        self.claim(ident)
    }

    pub fn snake(&mut self, name: &str) -> String {
        let ident = snake(name);
        self.claim(ident)
    }

    pub fn camel(&mut self, name: &str) -> String {
        let ident = camel(name);
        self.claim(ident)
    }
}

fn is_type(ident: &str) -> bool {
    ident.starts_with(|c: char| c.is_ascii_uppercase())
}

/// Makes a joined name (a prefix and a name, a name and a suffix) one that rustc's case lints accept,
/// then escapes it if it is a keyword: a keyword's `_` must not end up inside a longer name
/// (`Self_` + `Inputs`, `self_` + `_2`), where it would trip `non_camel_case_types` or
/// `non_snake_case`. Types lose inner underscores; other names keep one of each run.
fn tidy(ident: &str) -> String {
    let body = ident.trim_start_matches('_');
    let mut out = ident[..ident.len() - body.len()].to_string();
    let camel = is_type(body);
    let mut pending = false;
    for c in body.chars() {
        if c == '_' {
            pending = true;
            continue;
        }
        if pending && !camel {
            out.push('_');
        }
        pending = false;
        out.push(c);
    }
    if pending && !camel {
        out.push('_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Module name for an Arazzo file: its stem without a trailing `-workflow`/`.arazzo`, in snake case.
pub fn module_name(file_stem: &str) -> String {
    let mut stem = file_stem;
    for suffix in [".arazzo", "-arazzo", "_arazzo", "-workflow", "_workflow", ".workflow"] {
        if let Some(rest) = stem.strip_suffix(suffix) {
            stem = rest;
        }
    }
    snake(stem)
}

/// Whether a name says it carries a credential: its last word is key, token, secret or password,
/// so `apiKey` and `newKeyToken` are secrets while `newKeyId` and `keyName` are not.
pub fn names_a_secret(name: &str) -> bool {
    let snake = ascii_words(name).to_snake_case();
    let last = snake.rsplit('_').next().unwrap_or_default();
    matches!(last, "key" | "token" | "secret" | "password" | "passwd" | "apikey" | "passphrase")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_camel_follow_rust_casing() {
        assert_eq!(snake("integrationId"), "integration_id");
        assert_eq!(snake("rotate-integration-key"), "rotate_integration_key");
        assert_eq!(camel("rotate-integration-key"), "RotateIntegrationKey");
        assert_eq!(camel("svixApi"), "SvixApi");
    }

    #[test]
    fn keywords_and_odd_characters_give_valid_identifiers() {
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("1st step"), "_1st_step");
        assert_eq!(snake("*/"), "value");
        assert_eq!(snake("é"), "value");
        assert_eq!(snake("a\"b{c}"), "a_b_c");
    }

    #[test]
    fn scope_resolves_collisions_in_order() {
        let mut scope = Scope::with_reserved(&["config"]);
        assert_eq!(scope.snake("Config"), "config_2");
        assert_eq!(scope.snake("api-key"), "api_key");
        assert_eq!(scope.snake("apiKey"), "api_key_2");
        assert_eq!(scope.snake("v1"), "v1");
        assert_eq!(scope.snake("v-1"), "v_1");
        assert_eq!(scope.claim("v1".into()), "v1_2");
        assert_eq!(scope.camel("v-1"), "V1");
        assert_eq!(scope.camel("v1"), "V12");
    }

    #[test]
    fn keyword_escapes_do_not_end_up_inside_names() {
        // rustc warns about `Self_Inputs` (non_camel_case_types) and `self__2` (non_snake_case).
        let mut types = Scope::default();
        assert_eq!(types.claim(format!("{}Inputs", camel("Self"))), "SelfInputs");
        assert_eq!(types.camel("Self"), "Self_");
        assert_eq!(types.camel("self"), "Self2");
        assert_eq!(types.claim(format!("{}Inputs", camel("self"))), "SelfInputs2");
        let mut fields = Scope::default();
        assert_eq!(fields.snake("self"), "self_");
        assert_eq!(fields.snake("Self"), "self_2");
        let mut prefixed = Scope::default().prefixed(&format!("{}_", snake("crate")));
        assert_eq!(prefixed.snake("fn"), "crate_fn_");
        assert_eq!(prefixed.snake("list"), "crate_list");
    }

    #[test]
    fn a_type_and_its_companion_are_claimed_together() {
        let mut types = Scope::default();
        // A nested input struct named like the inputs' builder, claimed first.
        assert_eq!(types.claim("FetchInputsBuilder".into()), "FetchInputsBuilder");
        assert_eq!(types.claim_with_companion("FetchInputs".into(), "Builder"), "FetchInputs2");
        assert_eq!(types.claim("FetchInputs2Builder".into()), "FetchInputs2Builder2");
        assert_eq!(types.claim_with_companion("Owner".into(), "Builder"), "Owner");
        assert_eq!(types.claim("OwnerBuilder".into()), "OwnerBuilder2");
        assert_eq!(types.claim_with_companion("Self".into(), "Builder"), "Self_");
        assert_eq!(types.claim_with_companion("Self".into(), "Builder"), "Self2");
    }

    #[test]
    fn module_name_drops_workflow_suffix() {
        assert_eq!(module_name("svix-rotate-integration-key-workflow"), "svix_rotate_integration_key");
        assert_eq!(module_name("pet-coupons.arazzo"), "pet_coupons");
    }

    #[test]
    fn secret_names_follow_the_design_rule() {
        for secret in ["integrationKey", "newKeyToken", "apiKey", "backendApiKey", "consumerSecret", "password"] {
            assert!(names_a_secret(secret), "{secret}");
        }
        for plain in ["newKeyId", "keyName", "apiKeys", "integrationId", "keyStatus", "tokenType"] {
            assert!(!names_a_secret(plain), "{plain}");
        }
    }
}
