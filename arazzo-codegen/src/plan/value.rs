//! Values: what the generated code holds ([`ValueRef`]) and what it puts into a request ([`ValuePlan`]).

use super::{RustType, SelectorKind};

/// A value the generated code already holds in a variable or field.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueRef {
    /// `inputs.<field>`.
    Input { field: String, ty: RustType, optional: bool },
    /// A local variable holding a step output.
    StepOutput { variable: String, ty: RustType },
    /// An output of the workflow the step called (`called.<field>`), in that step's outputs.
    Called { field: String, ty: RustType },
    /// The value at a JSON pointer inside another value (`$inputs.customer#/firstName`), typed where
    /// the value's type or the inputs schema says (see `check::pointer`), JSON elsewhere; `optional`
    /// when it may be absent (an optional field or input, an item past the end, a JSON part).
    Pointer { base: Box<ValueRef>, pointer: String, path: Vec<PointerStep>, ty: RustType, optional: bool },
    /// A text fixed when the document was written (`$self`, `$sourceDescriptions.<name>.url`).
    Constant(String),
    /// What a selector (1.1) picks in another value, as JSON: the node of a singular query (absent
    /// when there is none), the node list of any other as an array (absent with the value).
    Selected { base: Box<ValueRef>, selector: SelectorKind },
}

/// How generated code reaches the value at a pointer inside the value it holds, one step at a time.
#[derive(Clone, Debug, PartialEq)]
pub enum PointerStep {
    /// A field of an input struct (an `Option` when `optional`).
    Field { field: String, optional: bool },
    /// An item of a `Vec`, absent past its end.
    Index(usize),
    /// The rest of the pointer, read inside a `serde_json::Value`. When the pointer's type is not
    /// `Json` (the inputs schema types what the input holds as JSON), the value found is decoded to
    /// it at run time, failing the step when it is of another type; `expression` names it then.
    Json { pointer: String, expression: String },
    /// The rest of the pointer (`""`: all of it), read inside the JSON form of a value whose type
    /// the generator cannot walk (a struct of another document's inputs), or that outputs take as
    /// JSON (a nested object of the inputs).
    Serialized(String),
}

/// The type of every [`ValueRef::Selected`].
static JSON: RustType = RustType::Json;
/// The type of every [`ValueRef::Constant`].
static STRING: RustType = RustType::String;

impl ValueRef {
    pub fn ty(&self) -> &RustType {
        match self {
            Self::Input { ty, .. }
            | Self::StepOutput { ty, .. }
            | Self::Called { ty, .. }
            | Self::Pointer { ty, .. } => ty,
            Self::Selected { .. } => &JSON,
            Self::Constant(_) => &STRING,
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(
            self,
            Self::Input { optional: true, .. } | Self::Pointer { optional: true, .. } | Self::Selected { .. }
        )
    }

    /// Whether this is a part of another value (at a pointer, or picked by a selector): typed where
    /// the schema says, JSON elsewhere, and possibly absent.
    pub fn is_part(&self) -> bool {
        matches!(self, Self::Pointer { .. } | Self::Selected { .. })
    }

    /// The input or step output this value is read from.
    pub fn base(&self) -> &ValueRef {
        match self {
            Self::Pointer { base, .. } | Self::Selected { base, .. } => base.base(),
            other => other,
        }
    }
}

/// A value put into a request.
#[derive(Clone, Debug, PartialEq)]
pub enum ValuePlan {
    Literal(serde_json::Value),
    Ref(ValueRef),
    /// A string with embedded expressions; secret when any embedded value is.
    Template(Vec<TemplatePiece>),
    /// A JSON object or array whose leaves may be expressions.
    Object(Vec<(String, ValuePlan)>),
    Array(Vec<ValuePlan>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePiece {
    Text(String),
    Value(ValueRef),
}

impl ValuePlan {
    pub fn is_secret(&self) -> bool {
        match self {
            Self::Literal(_) => false,
            Self::Ref(value) => value.ty().is_secret(),
            Self::Template(pieces) => {
                pieces.iter().any(|piece| matches!(piece, TemplatePiece::Value(value) if value.ty().is_secret()))
            }
            Self::Object(fields) => fields.iter().any(|(_, value)| value.is_secret()),
            Self::Array(items) => items.iter().any(ValuePlan::is_secret),
        }
    }

    /// Every value this one reads.
    pub fn refs(&self) -> Vec<&ValueRef> {
        match self {
            Self::Literal(_) => Vec::new(),
            Self::Ref(value) => value.reads(),
            Self::Template(pieces) => pieces
                .iter()
                .filter_map(|piece| match piece {
                    TemplatePiece::Value(value) => Some(value),
                    TemplatePiece::Text(_) => None,
                })
                .collect(),
            Self::Object(fields) => fields.iter().flat_map(|(_, value)| value.refs()).collect(),
            Self::Array(items) => items.iter().flat_map(ValuePlan::refs).collect(),
        }
    }

    /// The values embedded in strings (`"Bearer {$inputs.token}"`) anywhere in this value.
    pub fn template_refs(&self) -> Vec<&ValueRef> {
        match self {
            Self::Literal(_) | Self::Ref(_) => Vec::new(),
            Self::Template(_) => self.refs(),
            Self::Object(fields) => fields.iter().flat_map(|(_, value)| value.template_refs()).collect(),
            Self::Array(items) => items.iter().flat_map(ValuePlan::template_refs).collect(),
        }
    }

    /// Every value used anywhere in this value that is or may hold a secret, for redaction.
    pub fn secret_refs(&self) -> Vec<&ValueRef> {
        match self {
            Self::Literal(_) => Vec::new(),
            // A value at a pointer inside a struct may be one of its secrets: redact the whole struct.
            Self::Ref(value) => [value.base()].into_iter().filter(|v| v.ty().may_hold_secrets()).collect(),
            Self::Template(pieces) => pieces
                .iter()
                .filter_map(|piece| match piece {
                    TemplatePiece::Value(value) if value.ty().is_secret() => Some(value),
                    _ => None,
                })
                .collect(),
            Self::Object(fields) => fields.iter().flat_map(|(_, value)| value.secret_refs()).collect(),
            Self::Array(items) => items.iter().flat_map(ValuePlan::secret_refs).collect(),
        }
    }
}
