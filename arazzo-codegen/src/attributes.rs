//! Attributes the caller adds to generated types and fields ([`Builder::type_attribute`],
//! [`Builder::field_attribute`], [`Builder::derive`](crate::Builder::derive)), as prost-build and
//! progenitor offer.
//!
//! # Paths
//!
//! A path names what an attribute goes on, in the names of the generated Rust code:
//!
//! - `"."`: every generated type (or every field of every type);
//! - `"module"`: every type of one generated module (`"svix_rotate_integration_key"`);
//! - `"module::Type"`: one type (`"svix_rotate_integration_key::RotateIntegrationKeyOutputs"`), or
//!   for a field attribute, every field of it;
//! - `"module::Type.field"`: one field (`"…::RotateIntegrationKeyOutputs.integration_key"`), for
//!   field attributes only.
//!
//! The types are the data types of each workflow: `…Inputs` (and the structs of its nested
//! objects), `…Outputs` and `…Partial`, and the module's enums of string `enum`s (type attributes
//! and derives only: their variants are not fields). `Config`, the settings structs and the
//! builders are left alone: their `Debug` and constructors are written to keep credentials out of
//! logs.
//!
//! An enum derives `Clone`, `Debug`, `PartialEq`, `Eq`, `Hash`, `Serialize` and `Deserialize`
//! itself; a derive that reaches it (`derive(".", "PartialEq, PartialOrd")`, written for the
//! structs) leaves out those traits, named by the last segment of their path, so that the enum
//! does not derive a trait twice. Other traits are derived as asked (`PartialOrd` here).
//!
//! [`Builder::struct_attribute`] and [`Builder::enum_attribute`] reach one kind alone, as
//! prost-build's `message_attribute` and `enum_attribute` do: a derive no enum can take
//! (`Default`, which an enum takes only with a `#[default]` variant) is written
//! `struct_attribute(".", "#[derive(Default)]")`.
//!
//! Attributes are parsed when added: text that is not one or more outer attributes (`#[...]`) or,
//! for `derive`, a comma-separated list of paths, is an error naming the path and the text. Whether
//! the attribute compiles on the type (a `PartialEq` derive on a struct holding a `SecretString`
//! does not) is rustc's to say.
//!
//! [`Builder::type_attribute`]: crate::Builder::type_attribute
//! [`Builder::field_attribute`]: crate::Builder::field_attribute
//! [`Builder::struct_attribute`]: crate::Builder::struct_attribute
//! [`Builder::enum_attribute`]: crate::Builder::enum_attribute

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::Parser;

/// The attributes to add, in the order they were given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    rules: Vec<Rule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    path: Path,
    /// One or more outer attributes, checked to parse.
    attributes: String,
    /// For a derive, each trait's path (checked to parse) and the last segment of it.
    derives: Option<Vec<(String, String)>>,
    /// The kind of type the rule is for, when only one ([`Attributes::struct_attribute`],
    /// [`Attributes::enum_attribute`]).
    only: Option<TypeKind>,
}

/// Structs or enums, for the attributes meant for one kind of type only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TypeKind {
    Struct,
    Enum,
}

/// A parsed path: `None` parts match anything.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Path {
    module: Option<String>,
    ty: Option<String>,
    field: Option<String>,
}

/// An attribute or path that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} for `{path}`: `{text}`: {message}")]
pub struct AttributeError {
    /// `attribute`, `derive` or `path`.
    pub what: &'static str,
    pub path: String,
    pub text: String,
    pub message: String,
}

impl Attributes {
    /// Adds `attribute` (such as `#[serde(rename_all = "camelCase")]`) to the types `path` names.
    pub fn type_attribute(&mut self, path: &str, attribute: &str) -> Result<(), AttributeError> {
        let parsed = parse_path(path, false)?;
        self.push(parsed, path, attribute, None)
    }

    /// Adds `attribute` to the structs `path` names, leaving enums alone (prost-build's
    /// `message_attribute`): `struct_attribute(".", "#[derive(Default)]")`, which no enum could take.
    pub fn struct_attribute(&mut self, path: &str, attribute: &str) -> Result<(), AttributeError> {
        let parsed = parse_path(path, false)?;
        self.push(parsed, path, attribute, Some(TypeKind::Struct))
    }

    /// Adds `attribute` to the string enums `path` names, leaving structs alone.
    pub fn enum_attribute(&mut self, path: &str, attribute: &str) -> Result<(), AttributeError> {
        let parsed = parse_path(path, false)?;
        self.push(parsed, path, attribute, Some(TypeKind::Enum))
    }

    /// Adds `attribute` to the fields `path` names.
    pub fn field_attribute(&mut self, path: &str, attribute: &str) -> Result<(), AttributeError> {
        let parsed = parse_path(path, true)?;
        self.push(parsed, path, attribute, Some(TypeKind::Struct))
    }

    /// Adds `#[derive(traits)]` (`"PartialEq"`, `"serde::Deserialize, PartialEq"`) to the types
    /// `path` names.
    pub fn derive(&mut self, path: &str, traits: &str) -> Result<(), AttributeError> {
        let parsed = parse_path(path, false)?;
        let error =
            |message: String| AttributeError { what: "derive", path: path.into(), text: traits.into(), message };
        let list = syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_separated_nonempty
            .parse_str(traits)
            .map_err(|error_| error(error_.to_string()))?;
        let attribute = quote!(#[derive(#list)]).to_string();
        let derives = list
            .iter()
            .map(|trait_path| {
                let last = trait_path.segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
                (quote!(#trait_path).to_string(), last)
            })
            .collect();
        self.rules.push(Rule { path: parsed, attributes: attribute, derives: Some(derives), only: None });
        Ok(())
    }

    fn push(&mut self, path: Path, text: &str, attribute: &str, only: Option<TypeKind>) -> Result<(), AttributeError> {
        let error =
            |message: String| AttributeError { what: "attribute", path: text.into(), text: attribute.into(), message };
        let parsed = syn::Attribute::parse_outer.parse_str(attribute).map_err(|error_| error(error_.to_string()))?;
        if parsed.is_empty() {
            return Err(error("expected an outer attribute such as `#[serde(default)]`".into()));
        }
        self.rules.push(Rule { path, attributes: attribute.to_owned(), derives: None, only });
        Ok(())
    }

    /// Whether no attribute was added.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The attributes of the type `ty` of `module`.
    pub(crate) fn on_type(&self, module: &str, ty: &str) -> TokenStream {
        self.collect(module, ty, None)
    }

    /// The attributes of the string enum `ty` of `module`, which derives `derived` (the last
    /// segments of the traits' paths) itself: derives of these traits are left out.
    pub(crate) fn on_enum(&self, module: &str, ty: &str, derived: &[&str]) -> TokenStream {
        let mut tokens = TokenStream::new();
        let for_enums = |rule: &&Rule| rule.only != Some(TypeKind::Struct);
        for rule in self.rules.iter().filter(for_enums).filter(|rule| rule.path.matches(module, ty, None)) {
            let text = match &rule.derives {
                None => rule.attributes.clone(),
                Some(traits) => {
                    let kept: Vec<&str> = traits
                        .iter()
                        .filter(|(_, last)| !derived.contains(&last.as_str()))
                        .map(|(path, _)| path.as_str())
                        .collect();
                    if kept.is_empty() {
                        continue;
                    }
                    format!("#[derive({})]", kept.join(", "))
                }
            };
            // Checked to parse when added.
            if let Ok(parsed) = text.parse::<TokenStream>() {
                tokens.extend(parsed);
            }
        }
        tokens
    }

    /// The attributes of the field `field` of `ty` of `module`.
    pub(crate) fn on_field(&self, module: &str, ty: &str, field: &str) -> TokenStream {
        self.collect(module, ty, Some(field))
    }

    fn collect(&self, module: &str, ty: &str, field: Option<&str>) -> TokenStream {
        let mut tokens = TokenStream::new();
        let for_structs = |rule: &&Rule| rule.only != Some(TypeKind::Enum);
        for rule in self.rules.iter().filter(for_structs).filter(|rule| rule.path.matches(module, ty, field)) {
            // Checked to parse when added.
            if let Ok(parsed) = rule.attributes.parse::<TokenStream>() {
                tokens.extend(parsed);
            }
        }
        tokens
    }
}

impl Path {
    /// Type rules (no field part) match types (`field` is `None`), field rules fields; an empty
    /// field part matches every field.
    fn matches(&self, module: &str, ty: &str, field: Option<&str>) -> bool {
        self.module.as_deref().is_none_or(|rule| rule == module)
            && self.ty.as_deref().is_none_or(|rule| rule == ty)
            && match (self.field.as_deref(), field) {
                (None, None) => true,
                (Some(rule), Some(field)) => rule.is_empty() || rule == field,
                _ => false,
            }
    }
}

/// `"."`, `"module"`, `"module::Type"` or (`field` only) `"module::Type.field"`. A field rule
/// always gets a field part (`*` when the path names none), so that it never applies to a type.
fn parse_path(text: &str, field: bool) -> Result<Path, AttributeError> {
    let error =
        |message: &str| AttributeError { what: "path", path: text.into(), text: text.into(), message: message.into() };
    let any_field = field.then(String::new);
    if text == "." {
        return Ok(Path { module: None, ty: None, field: any_field });
    }
    let (types, field_name) = match text.split_once('.') {
        Some((_, _)) if !field => return Err(error("a type path has no `.field` part")),
        Some((types, name)) => (types, Some(name)),
        None => (text, None),
    };
    let is_ident = |name: &str| syn::parse_str::<syn::Ident>(name).is_ok();
    let mut parts = types.split("::");
    let module = parts.next().filter(|name| is_ident(name)).ok_or_else(|| error(SYNTAX))?;
    let ty = parts.next();
    if parts.next().is_some() || ty.is_some_and(|ty| !is_ident(ty)) {
        return Err(error(SYNTAX));
    }
    if field_name.is_some_and(|name| !is_ident(name)) || (field_name.is_some() && ty.is_none()) {
        return Err(error(SYNTAX));
    }
    let field = match field_name {
        Some(name) => Some(name.to_owned()),
        None => any_field,
    };
    Ok(Path { module: Some(module.to_owned()), ty: ty.map(str::to_owned), field })
}

const SYNTAX: &str = "expected `.`, `module`, `module::Type` or `module::Type.field`";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_select_types_and_fields() {
        let mut attributes = Attributes::default();
        attributes.derive(".", "PartialEq").unwrap();
        attributes.type_attribute("svix", "#[serde(deny_unknown_fields)]").unwrap();
        attributes.type_attribute("svix::Outputs", "#[doc(alias = \"out\")]").unwrap();
        attributes.field_attribute("svix::Outputs.key", "#[serde(skip)]").unwrap();
        attributes.field_attribute("svix::Inputs", "#[allow(unused)]").unwrap();
        let on_type = |module, ty| attributes.on_type(module, ty).to_string();
        let on_field = |module, ty, field| attributes.on_field(module, ty, field).to_string();
        assert_eq!(on_type("other", "Outputs"), "# [derive (PartialEq)]");
        assert_eq!(
            on_type("svix", "Outputs"),
            "# [derive (PartialEq)] # [serde (deny_unknown_fields)] # [doc (alias = \"out\")]"
        );
        assert_eq!(on_field("svix", "Outputs", "key"), "# [serde (skip)]");
        assert_eq!(on_field("svix", "Outputs", "id"), "");
        assert_eq!(on_field("svix", "Inputs", "id"), "# [allow (unused)]");
    }

    #[test]
    fn enums_take_type_attributes_and_the_derives_they_lack() {
        let mut attributes = Attributes::default();
        attributes.derive(".", "PartialEq, PartialOrd").unwrap();
        attributes.derive("svix", "::serde::Serialize, core::hash::Hash").unwrap();
        attributes.type_attribute("svix::Status", "#[non_exhaustive]").unwrap();
        attributes.type_attribute("svix::Outputs", "#[doc(alias = \"out\")]").unwrap();
        attributes.field_attribute("svix", "#[serde(skip)]").unwrap();
        let derived = ["Clone", "Debug", "PartialEq", "Eq", "Hash", "Serialize", "Deserialize"];
        assert_eq!(
            attributes.on_enum("svix", "Status", &derived).to_string(),
            "# [derive (PartialOrd)] # [non_exhaustive]"
        );
        assert_eq!(attributes.on_enum("other", "Status", &derived).to_string(), "# [derive (PartialOrd)]");
        assert_eq!(attributes.on_enum("other", "Status", &[]).to_string(), "# [derive (PartialEq , PartialOrd)]");
    }

    #[test]
    fn struct_and_enum_attributes_reach_one_kind_of_type() {
        let mut attributes = Attributes::default();
        attributes.struct_attribute(".", "#[derive(Default)]").unwrap();
        attributes.enum_attribute("svix", "#[non_exhaustive]").unwrap();
        attributes.type_attribute(".", "#[doc(alias = \"any\")]").unwrap();
        assert_eq!(attributes.on_type("svix", "Outputs").to_string(), "# [derive (Default)] # [doc (alias = \"any\")]");
        assert_eq!(
            attributes.on_enum("svix", "Status", &[]).to_string(),
            "# [non_exhaustive] # [doc (alias = \"any\")]"
        );
        assert_eq!(attributes.on_enum("other", "Status", &[]).to_string(), "# [doc (alias = \"any\")]");
        assert!(attributes.enum_attribute("svix::Status.field", "#[non_exhaustive]").is_err());
    }

    #[test]
    fn invalid_text_is_an_error_naming_it() {
        let mut attributes = Attributes::default();
        let error = attributes.type_attribute("svix", "#[serde(").unwrap_err();
        assert_eq!((error.what, error.path.as_str(), error.text.as_str()), ("attribute", "svix", "#[serde("));
        assert!(attributes.type_attribute("svix", "serde(default)").is_err());
        assert!(attributes.type_attribute("svix", "").is_err());
        assert!(attributes.type_attribute("svix", "#![allow(unused)]").is_err());
        assert!(attributes.derive(".", "Partial Eq").is_err());
        assert!(attributes.derive(".", "").is_err());
        for path in ["", "a::b::c", "a.b", "1a", "a::B.", "::a"] {
            assert!(attributes.field_attribute(path, "#[serde(skip)]").is_err(), "{path}");
        }
        assert!(attributes.type_attribute("a::B.c", "#[serde(skip)]").is_err());
        assert!(attributes.is_empty());
    }
}
