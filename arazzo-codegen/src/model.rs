//! The Arazzo 1.0.x document model: every object of the specification, in document order.
//!
//! Fields keep the specification's names through `serde(rename)`. Specification extensions (`x-...`) and
//! any unknown field land in `extra`, so the checker can keep the former and report the latter
//! (a misspelt `sucessCriteria` must not be silently ignored).

pub mod shape;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

/// Fields of an object that the specification does not name: `x-` extensions and unknown fields.
pub type Extra = IndexMap<String, Value>;

/// The root object of an Arazzo description.
#[derive(Clone, Debug, Deserialize)]
pub struct Document {
    pub arazzo: String,
    pub info: Info,
    #[serde(rename = "sourceDescriptions")]
    pub source_descriptions: Vec<SourceDescription>,
    pub workflows: Vec<Workflow>,
    #[serde(default)]
    pub components: Option<Components>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Info {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub version: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SourceDescription {
    pub name: String,
    pub url: String,
    #[serde(rename = "type", default)]
    pub kind: Option<SourceKind>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Openapi,
    Arazzo,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Workflow {
    #[serde(rename = "workflowId")]
    pub workflow_id: String,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// A JSON Schema object describing the workflow's inputs.
    #[serde(default)]
    pub inputs: Option<Value>,
    #[serde(rename = "dependsOn", default)]
    pub depends_on: Vec<String>,
    pub steps: Vec<Step>,
    #[serde(rename = "successActions", default)]
    pub success_actions: Vec<Reusable<SuccessAction>>,
    #[serde(rename = "failureActions", default)]
    pub failure_actions: Vec<Reusable<FailureAction>>,
    /// Output name -> runtime expression.
    #[serde(default)]
    pub outputs: IndexMap<String, String>,
    #[serde(default)]
    pub parameters: Vec<Reusable<Parameter>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "stepId")]
    pub step_id: String,
    #[serde(rename = "operationId", default)]
    pub operation_id: Option<String>,
    #[serde(rename = "operationPath", default)]
    pub operation_path: Option<String>,
    #[serde(rename = "workflowId", default)]
    pub workflow_id: Option<String>,
    #[serde(default)]
    pub parameters: Vec<Reusable<Parameter>>,
    #[serde(rename = "requestBody", default)]
    pub request_body: Option<RequestBody>,
    #[serde(rename = "successCriteria", default)]
    pub success_criteria: Vec<Criterion>,
    #[serde(rename = "onSuccess", default)]
    pub on_success: Vec<Reusable<SuccessAction>>,
    #[serde(rename = "onFailure", default)]
    pub on_failure: Vec<Reusable<FailureAction>>,
    /// Output name -> runtime expression.
    #[serde(default)]
    pub outputs: IndexMap<String, String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in", default)]
    pub location: Option<ParameterLocation>,
    pub value: Value,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParameterLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct SuccessAction {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: SuccessActionKind,
    #[serde(rename = "workflowId", default)]
    pub workflow_id: Option<String>,
    #[serde(rename = "stepId", default)]
    pub step_id: Option<String>,
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SuccessActionKind {
    End,
    Goto,
}

#[derive(Clone, Debug, Deserialize)]
pub struct FailureAction {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FailureActionKind,
    #[serde(rename = "workflowId", default)]
    pub workflow_id: Option<String>,
    #[serde(rename = "stepId", default)]
    pub step_id: Option<String>,
    /// Seconds to wait before retrying; fractions allowed.
    #[serde(rename = "retryAfter", default)]
    pub retry_after: Option<f64>,
    #[serde(rename = "retryLimit", default)]
    pub retry_limit: Option<u64>,
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FailureActionKind {
    End,
    Retry,
    Goto,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Components {
    #[serde(default)]
    pub inputs: IndexMap<String, Value>,
    #[serde(default)]
    pub parameters: IndexMap<String, Parameter>,
    #[serde(rename = "successActions", default)]
    pub success_actions: IndexMap<String, SuccessAction>,
    #[serde(rename = "failureActions", default)]
    pub failure_actions: IndexMap<String, FailureAction>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Either an inline object or a Reusable Object pointing at one in `components`.
#[derive(Clone, Debug)]
pub enum Reusable<T> {
    Reference(ReusableObject),
    Inline(T),
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Reusable<T> {
    /// A mapping with `reference` is a Reusable Object, anything else the inline object. Deciding by
    /// that field, rather than trying both as an untagged enum does, reports a mistake inside an inline
    /// object as itself (`unknown variant `body``) instead of "data did not match any variant".
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let result = if value.get("reference").is_some() {
            serde_path_to_error::deserialize(value).map(Self::Reference)
        } else {
            serde_path_to_error::deserialize(value).map(Self::Inline)
        };
        result.map_err(|error| {
            let path = error.path().to_string();
            let inner = error.into_inner();
            // The caller's path ends at this object; name the field inside it that is wrong.
            let message = if path == "." { inner.to_string() } else { format!("`{path}`: {inner}") };
            serde::de::Error::custom(message)
        })
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct ReusableObject {
    /// A runtime expression such as `$components.parameters.page`.
    pub reference: String,
    /// Overrides the referenced parameter's value.
    #[serde(default)]
    pub value: Option<Value>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Criterion {
    #[serde(default)]
    pub context: Option<String>,
    pub condition: String,
    #[serde(rename = "type", default)]
    pub kind: Option<CriterionType>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `type` of a Criterion: a plain name, or a Criterion Expression Type Object.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum CriterionType {
    Name(String),
    Expression(CriterionExpressionType),
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CriterionExpressionType {
    #[serde(rename = "type")]
    pub kind: String,
    pub version: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RequestBody {
    #[serde(rename = "contentType", default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub payload: Option<Value>,
    #[serde(default)]
    pub replacements: Vec<PayloadReplacement>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PayloadReplacement {
    /// A JSON pointer (or XPath) into the payload.
    pub target: String,
    pub value: Value,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A document as far as it could be read, and every field of the wrong type in it.
#[derive(Debug)]
pub struct Read {
    /// `None` when the document is not a mapping (or serde refused a shape [`shape`] does not know).
    pub document: Option<Document>,
    pub problems: Vec<shape::Problem>,
    /// See [`shape::Conformed::repaired`].
    pub repaired: Vec<String>,
}

/// Reads a document, reporting each field of the wrong type at its value and reading the rest (see
/// [`shape`]).
pub fn read(value: &Value) -> Read {
    let mut value = value.clone();
    let shape::Conformed { mut problems, repaired, unreadable } = shape::conform(&mut value);
    let document = if unreadable {
        None
    } else {
        from_value(&value)
            .map_err(|(pointer, message)| {
                problems.push(shape::Problem { pointer, message: format!("not a valid Arazzo document: {message}") });
            })
            .ok()
    };
    Read { document, problems, repaired }
}

/// Deserializes a document, returning the JSON pointer of the offending node on failure.
pub fn from_value(value: &Value) -> Result<Document, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let pointer = pointer_of_path(error.path());
        (pointer, error.inner().to_string())
    })
}

fn pointer_of_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => crate::load::push_token(&mut pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
