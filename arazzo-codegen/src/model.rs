//! The Arazzo document model (1.0.x and 1.1.x): every object of the specification, in document order.
//!
//! One model serves both versions: the 1.1 fields are optional, and [`shape`] refuses them in a 1.0
//! document (with a hint to upgrade it), so the checker reads one structure.
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

/// The minor version of the specification a document declares (`arazzo: 1.0.1`, `arazzo: 1.1.0`): each
/// document is checked by the rules of its own version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    V1_0,
    V1_1,
}

impl Version {
    /// The version `arazzo` declares: `1.0.<patch>` or `1.1.<patch>` (the 1.1 schema also allows a
    /// pre-release suffix, `1.1.0-rc1`); `None` for anything else.
    pub fn of(arazzo: &str) -> Option<Version> {
        let (minor, rest) = if let Some(rest) = arazzo.strip_prefix("1.0.") {
            (Version::V1_0, rest)
        } else if let Some(rest) = arazzo.strip_prefix("1.1.") {
            (Version::V1_1, rest)
        } else {
            return None;
        };
        let patch = match (minor, rest.split_once('-')) {
            (Version::V1_1, Some((patch, suffix))) if !suffix.is_empty() => patch,
            _ => rest,
        };
        (!patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit())).then_some(minor)
    }

    /// How a document of this version declares it, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1_0 => "1.0.x",
            Version::V1_1 => "1.1.x",
        }
    }
}

/// The root object of an Arazzo description.
#[derive(Clone, Debug, Deserialize)]
pub struct Document {
    pub arazzo: String,
    /// 1.1: the document's own URI, the base for its relative references.
    #[serde(rename = "$self", default)]
    pub self_uri: Option<String>,
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
    /// 1.1.
    Asyncapi,
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
    /// Output name -> runtime expression (or 1.1 Selector Object).
    #[serde(default)]
    pub outputs: IndexMap<String, Output>,
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
    /// Output name -> runtime expression (or 1.1 Selector Object).
    #[serde(default)]
    pub outputs: IndexMap<String, Output>,
    /// 1.1: milliseconds to wait for the step before it fails.
    #[serde(default)]
    pub timeout: Option<u64>,
    /// 1.1: steps that must have completed first (`None` when absent, to tell it from an empty list).
    #[serde(rename = "dependsOn", default)]
    pub depends_on: Option<Vec<String>>,
    /// 1.1, AsyncAPI: `{$sourceDescriptions.<name>.url}#<pointer to a channel>`.
    #[serde(rename = "channelPath", default)]
    pub channel_path: Option<String>,
    /// 1.1, AsyncAPI: whether the step sends or receives a message.
    #[serde(default)]
    pub action: Option<StepAction>,
    /// 1.1, AsyncAPI: the identifier a received message must carry.
    #[serde(rename = "correlationId", default)]
    pub correlation_id: Option<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A step or workflow output: a runtime expression, or (1.1) a Selector Object.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Output {
    Expression(String),
    Selector(Box<Selector>),
}

impl Output {
    /// The text to show for the output: the expression, or the selector with its context.
    pub fn text(&self) -> String {
        match self {
            Self::Expression(text) => text.clone(),
            Self::Selector(selector) => selector.text(),
        }
    }
}

/// 1.1: a Selector Object, which applies a JSON pointer, JSONPath or XPath `selector` to the value
/// of the runtime expression `context`. It may stand for an output, a parameter's or replacement's
/// value, or a node of a payload (there it stays a JSON value in the model: see
/// [`Selector::in_value`]).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Selector {
    pub context: String,
    pub selector: String,
    /// `jsonpointer`, `jsonpath`, `xpath`, or an Expression Type Object naming one and its version.
    #[serde(rename = "type")]
    pub kind: CriterionType,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Selector {
    /// The Selector Object a JSON value of a 1.1 document stands for: a mapping with `context` and
    /// `selector`. [`shape`] has checked every such mapping where 1.1 allows one (and turned a
    /// malformed one into `null`), so this reads it as one.
    pub fn in_value(value: &Value) -> Option<Selector> {
        let map = value.as_object()?;
        if !(map.contains_key("context") && map.contains_key("selector")) {
            return None;
        }
        serde_json::from_value(value.clone()).ok()
    }

    /// The selector's type name (`jsonpath`), whether written as a name or an Expression Type Object.
    pub fn kind_name(&self) -> &str {
        match &self.kind {
            CriterionType::Name(name) => name,
            CriterionType::Expression(expression) => &expression.kind,
        }
    }

    /// `$.user.id (jsonpath on $response.body)` (an empty selector written `""`), for docs and messages.
    pub fn text(&self) -> String {
        let selector = if self.selector.is_empty() { "\"\"" } else { &self.selector };
        format!("{selector} ({} on {})", self.kind_name(), self.context)
    }
}

/// `action` of a 1.1 AsyncAPI step.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StepAction {
    Send,
    Receive,
}

impl StepAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Send => "send",
            Self::Receive => "receive",
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in", default)]
    pub location: Option<ParameterIn>,
    pub value: Value,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `in` of a Parameter Object as written: the 1.0 locations, and 1.1's `querystring` (the whole query
/// string, OpenAPI 3.2) and `channel` (AsyncAPI). The checker maps it to a [`ParameterLocation`] it
/// can generate, or refuses it.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParameterIn {
    Path,
    Query,
    Header,
    Cookie,
    Querystring,
    Channel,
}

impl ParameterIn {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
            Self::Querystring => "querystring",
            Self::Channel => "channel",
        }
    }
}

/// Where a generated request puts a parameter.
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
    /// 1.1: inputs of the workflow named by `workflowId`.
    #[serde(default)]
    pub parameters: Vec<Reusable<Parameter>>,
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
    /// 1.1: inputs of the workflow named by `workflowId`.
    #[serde(default)]
    pub parameters: Vec<Reusable<Parameter>>,
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
    /// 1.1: how `target` is written (`jsonpointer`, `jsonpath`, `xpath` or an Expression Type Object).
    #[serde(rename = "targetSelectorType", default)]
    pub target_selector_type: Option<CriterionType>,
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
/// [`shape`]), by the rules of the version it declares (1.1's, the most permissive, when it declares none
/// that arazzo-rs reads: the version itself is then the error).
pub fn read(value: &Value) -> Read {
    let mut value = value.clone();
    let version = value.get("arazzo").and_then(Value::as_str).and_then(Version::of).unwrap_or(Version::V1_1);
    let shape::Conformed { mut problems, repaired, unreadable } = shape::conform(&mut value, version);
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
