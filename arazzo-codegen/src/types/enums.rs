//! The string enums of one module: each declared once, named after the workflow and the value it
//! types (`RotateKeyStatus`), its variants after its values (`Active` for `"active"`).
//!
//! Values of the same name with the same values (and openness) share one enum, named where it is
//! first declared: two steps' `status` outputs, or an input `plan` a workflow passes on to the
//! workflow it calls, whose own input `plan` lists the same values. Any other enum gets a name of
//! its own from the module's type scope (`RotateKeyStatus2`). Variant names are
//! deterministic for any value: `"2fa"` is `X2fa` (as typify writes it), `""` is `Empty`, values
//! that give the same name (`"a-b"`, `"a_b"`) are `AB` and `AB2`, and an open enum's
//! `Unknown(String)` keeps its name (a value `"unknown"` is `Unknown2`).

use crate::naming::{self, Scope};
use crate::plan::{EnumPlan, EnumVariant};

/// The name of the fallback variant of an open enum, which holds a value the schema does not list.
pub const UNKNOWN: &str = "Unknown";

/// The enums declared so far, in order of declaration.
#[derive(Debug, Default)]
pub struct Enums {
    declared: Vec<Declared>,
}

#[derive(Debug)]
struct Declared {
    /// The name of the value it types (`status`): enums are shared by it.
    key: String,
    plan: EnumPlan,
}

impl Enums {
    /// The name of the enum of `values` for the value named `key` (`status`): an enum declared
    /// before for a value of that name with the same values and openness, or a new one, named
    /// `requested` (`rotate-key status`, in UpperCamelCase) or the next free name in `types`.
    /// `used` says where it is used, for its docs.
    pub fn declare(
        &mut self,
        types: &mut Scope,
        (key, requested): (&str, &str),
        values: Vec<String>,
        open: bool,
        used: &str,
    ) -> String {
        let same = |declared: &&mut Declared| {
            declared.key == key
                && declared.plan.open == open
                && declared.plan.variants.iter().map(|variant| &variant.value).eq(values.iter())
        };
        if let Some(declared) = self.declared.iter_mut().find(same) {
            if !declared.plan.uses.iter().any(|known| known == used) {
                declared.plan.uses.push(used.to_string());
            }
            return declared.plan.name.clone();
        }
        let name = types.claim(naming::camel(requested));
        let plan =
            EnumPlan { name: name.clone(), variants: variants(values, open), open, uses: vec![used.to_string()] };
        self.declared.push(Declared { key: key.to_string(), plan });
        name
    }

    /// The enum named `name`.
    pub fn get(&self, name: &str) -> Option<&EnumPlan> {
        self.declared.iter().map(|declared| &declared.plan).find(|plan| plan.name == name)
    }

    /// Every enum, in order of declaration.
    pub fn into_plans(self) -> Vec<EnumPlan> {
        self.declared.into_iter().map(|declared| declared.plan).collect()
    }
}

/// One variant per value, named after it, unique within the enum.
fn variants(values: Vec<String>, open: bool) -> Vec<EnumVariant> {
    let mut scope = if open { Scope::with_reserved(&[UNKNOWN]) } else { Scope::default() };
    values.into_iter().map(|value| EnumVariant { name: scope.claim(variant_name(&value)), value }).collect()
}

/// `UpperCamelCase` of the value: `X` before a leading digit, `Empty` for a value without a letter
/// or digit, a keyword (`Self`) escaped by [`Scope::claim`]'s tidying.
pub fn variant_name(value: &str) -> String {
    let words: String = value.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    if words.trim().is_empty() {
        return "Empty".to_string();
    }
    let camel = naming::camel(&words);
    match camel.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => format!("X{rest}"),
        _ => camel,
    }
}
