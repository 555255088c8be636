//! The plan: everything `emit` needs to write one module, already checked and named.
//!
//! `check` builds it from the document and its OpenAPI descriptions; `emit` only turns it into tokens.
//! Names here are final Rust identifiers; texts are the document's own (for docs and messages).

use crate::openapi::Method;

mod criteria;
mod request;
mod selector;
mod value;

pub use criteria::{
    ConditionPiece, ConditionPlan, CriterionCheck, CriterionPlan, Embedded, OperandPlan, Piece, StatusCheck,
    XPathVersion,
};
pub use request::{BodyEncoding, BodyPlan, ParameterPlan, ParameterStyle, QueryStringEncoding, QueryStringPlan};
pub use selector::{QueryPiece, SelectorKind};
pub use value::{PointerStep, TemplatePiece, ValuePlan, ValueRef};

/// One Arazzo document, one generated module.
#[derive(Clone, Debug)]
pub struct ModulePlan {
    pub module: String,
    /// The Arazzo file as the user named it, for the `@generated` header.
    pub source_file: String,
    pub title: String,
    pub version: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub sources: Vec<SourcePlan>,
    pub workflows: Vec<WorkflowPlan>,
    /// The string enums of the inputs and outputs, emitted once each before the workflows.
    pub enums: Vec<EnumPlan>,
}

/// A source description: one field of `Config` and one settings struct.
#[derive(Clone, Debug)]
pub struct SourcePlan {
    pub name: String,
    pub url: String,
    pub field: String,
    pub type_name: String,
    pub default_base_url: String,
    /// The OpenAPI description's title, for docs.
    pub api_title: Option<String>,
    pub credentials: Vec<CredentialPlan>,
}

/// A credential the caller must supply: one OpenAPI security scheme.
#[derive(Clone, Debug)]
pub struct CredentialPlan {
    pub scheme_name: String,
    pub field: String,
    pub kind: CredentialKind,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    /// `Authorization: Bearer <token>` (http bearer, OAuth 2.0, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <user:password>`.
    Basic,
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
}

/// The Rust type of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum RustType {
    String,
    Secret,
    I64,
    F64,
    Bool,
    Vec(Box<RustType>),
    Json,
    /// A struct generated for a nested object (see [`StructPlan`]).
    Struct(String),
    /// A generated enum of the values of a string `enum` (see [`EnumPlan`]).
    Enum(String),
    /// A value its schema allows to be `null`: `Option<T>`, `None` for `null`. Never of `Json`
    /// (which holds `null` itself) or of another `Nullable`: build it with [`RustType::nullable`].
    Nullable(Box<RustType>),
}

impl RustType {
    /// `ty` allowing `null`: `Option<ty>`, except that JSON already holds `null`.
    pub fn nullable(ty: RustType) -> RustType {
        match ty {
            Self::Json | Self::Nullable(_) => ty,
            other => Self::Nullable(Box::new(other)),
        }
    }

    /// Whether a value of this type is or can contain a secret (nested input structs can).
    pub fn may_hold_secrets(&self) -> bool {
        match self {
            Self::Secret | Self::Struct(_) => true,
            Self::Vec(item) | Self::Nullable(item) => item.may_hold_secrets(),
            _ => false,
        }
    }

    /// Whether this is a secret string, `null` allowed or not.
    pub fn is_secret(&self) -> bool {
        self.non_null() == &Self::Secret
    }

    /// The type without `null`: `T` for `Nullable(T)`, else itself.
    pub fn non_null(&self) -> &RustType {
        match self {
            Self::Nullable(inner) => inner,
            other => other,
        }
    }

    pub fn is_nullable(&self) -> bool {
        matches!(self, Self::Nullable(_))
    }

    /// Whether the Rust type is `Copy` (a copy is then taken without `.clone()`).
    pub fn is_copy(&self) -> bool {
        matches!(self.non_null(), Self::I64 | Self::F64 | Self::Bool)
    }
}

/// An enum generated for a string `enum`: one variant per value. Values read from responses (which
/// the API may add to) are `open`: an `Unknown(String)` variant holds any value not listed. Values
/// sent (inputs) are closed.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumPlan {
    pub name: String,
    /// The values, in the schema's order, each with its variant's name.
    pub variants: Vec<EnumVariant>,
    pub open: bool,
    /// Where the enum is used (`input `plan` of workflow `rotate-key``), for its docs.
    pub uses: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    /// The value on the wire.
    pub value: String,
}

/// A struct for a nested object of the inputs schema.
#[derive(Clone, Debug)]
pub struct StructPlan {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<FieldPlan>,
}

/// A typed field of an inputs or outputs struct.
#[derive(Clone, Debug)]
pub struct FieldPlan {
    pub name: String,
    pub field: String,
    pub ty: RustType,
    pub optional: bool,
    pub doc: Option<String>,
}

#[derive(Clone, Debug)]
pub struct WorkflowPlan {
    pub workflow_id: String,
    pub function: String,
    /// `resume_<function>`: runs the workflow again from a failed run's checkpoint.
    pub resume_function: String,
    pub inputs_type: String,
    pub outputs_type: String,
    pub partial_type: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub inputs: Vec<FieldPlan>,
    /// Structs for the nested objects of the inputs, emitted before the inputs struct.
    pub input_structs: Vec<StructPlan>,
    pub outputs: Vec<WorkflowOutputPlan>,
    /// Secrets that steps produce but no workflow output carries (Svix's `rotatedKey`): kept in the
    /// partial outputs so that a failure after the step never loses a key it created.
    pub kept_secrets: Vec<KeptSecretPlan>,
    /// The workflows of `dependsOn`, called (in order) before the first step.
    pub dependencies: Vec<StepPlan>,
    pub steps: Vec<StepPlan>,
    /// For a workflow whose steps run by their dependencies (Arazzo 1.1 step `dependsOn`): the
    /// steps level by level, as indexes into `steps` (which are in that order). A step runs once
    /// every step it waits for has succeeded; the steps of one level run concurrently. Empty for a
    /// workflow that runs its steps one at a time in the order written.
    pub levels: Vec<Vec<usize>>,
    /// Per step (with `levels`), the steps it waits for: those it lists in `dependsOn` and those
    /// whose outputs it reads.
    pub waits_for: Vec<Vec<usize>>,
}

impl WorkflowPlan {
    /// Whether any step has actions: the workflow is then generated as a state machine over its
    /// steps rather than as straight-line code.
    pub fn has_actions(&self) -> bool {
        self.steps.iter().any(|step| !step.on_success.is_empty() || !step.on_failure.is_empty())
    }
}

#[derive(Clone, Debug)]
pub struct KeptSecretPlan {
    /// Field of the partial-outputs struct.
    pub field: String,
    pub step_id: String,
    pub output: String,
    /// The local variable holding the value, and the step after which it exists.
    pub variable: String,
    pub step_index: usize,
    /// Whether its schema allows `null`: the variable is then an `Option` already, and `null` is
    /// `None` in the partial outputs too.
    pub nullable: bool,
}

#[derive(Clone, Debug)]
pub struct WorkflowOutputPlan {
    pub field: FieldPlan,
    /// The expression as written, for docs.
    pub expression: String,
    pub value: ValueRef,
    /// Index of the step after which the value exists; `None` when it exists from the start (an input).
    pub available_after: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct StepPlan {
    pub step_id: String,
    pub description: Option<String>,
    pub operation_id: Option<String>,
    pub operation_summary: Option<String>,
    pub deprecated: bool,
    pub method: Method,
    pub path: String,
    /// Index into `ModulePlan::sources`.
    pub source: usize,
    /// Where the request goes when not to the source's base URL (`x-serverUrl`).
    pub server_url: Option<ValueRef>,
    pub parameters: Vec<ParameterPlan>,
    /// The whole query string (Arazzo 1.1 `in: querystring`); the step then has no query parameters.
    pub query_string: Option<QueryStringPlan>,
    pub body: Option<BodyPlan>,
    pub credentials: Vec<CredentialUse>,
    pub criteria: Vec<CriterionPlan>,
    pub outputs: Vec<StepOutputPlan>,
    /// Set when the step calls a workflow of this document instead of an operation (the operation
    /// fields are then unused).
    pub call: Option<CallPlan>,
    /// What happens after success: step `onSuccess` first, then the workflow's `successActions`
    /// not overridden by name. The first whose criteria hold wins; none: the next step.
    pub on_success: Vec<ActionPlan>,
    /// What happens after failure, likewise; none: the workflow fails.
    pub on_failure: Vec<ActionPlan>,
    /// The step's `timeout` in milliseconds (Arazzo 1.1): the bound of each attempt (its request,
    /// or the run of the workflow it calls).
    pub timeout: Option<u64>,
}

/// A step that calls another workflow of the same document.
#[derive(Clone, Debug, PartialEq)]
pub struct CallPlan {
    pub workflow_id: String,
    pub function: String,
    pub inputs_type: String,
    pub partial_type: String,
    pub arguments: Vec<ArgumentPlan>,
    /// Field of the caller's partial outputs that keeps the callee's partial outputs on failure.
    pub partial_field: String,
    /// The callee's outputs that the step's criteria (or its actions') read, bound once it returned.
    pub reads: Vec<CalleeRead>,
}

/// An output of a called workflow that criteria read: `let <variable> = &called.<field>;`.
#[derive(Clone, Debug, PartialEq)]
pub struct CalleeRead {
    pub field: String,
    pub variable: String,
}

impl CallPlan {
    /// A call of `callee` with these arguments; its partial-outputs field is named later.
    pub fn of(callee: &WorkflowPlan, arguments: Vec<ArgumentPlan>) -> Self {
        Self {
            workflow_id: callee.workflow_id.clone(),
            function: callee.function.clone(),
            inputs_type: callee.inputs_type.clone(),
            partial_type: callee.partial_type.clone(),
            arguments,
            partial_field: String::new(),
            reads: Vec::new(),
        }
    }
}

/// One input of a called workflow.
#[derive(Clone, Debug, PartialEq)]
pub struct ArgumentPlan {
    pub field: String,
    pub ty: RustType,
    pub optional: bool,
    /// `None` leaves an optional input out.
    pub value: Option<ValuePlan>,
    /// The variant a string literal names, for an input of an enum type.
    pub variant: Option<String>,
}

/// A success or failure action.
#[derive(Clone, Debug)]
pub struct ActionPlan {
    pub name: String,
    pub kind: ActionKind,
    /// All must hold for the action to apply; they may read the step's response.
    pub criteria: Vec<CriterionPlan>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    /// Success: the workflow ends with its outputs. Failure: the workflow fails with the step's error.
    End,
    /// Continue at a step of this workflow (an index into `WorkflowPlan::steps`).
    Goto(usize),
    /// Run the step again (or `target`) after a delay, at most `limit` times; with `first`, that
    /// workflow runs before each retry (a login before retrying, say).
    Retry { after: Option<f64>, limit: u64, target: Option<usize>, first: Option<Box<CallPlan>> },
    /// Transfer to another workflow of the document: it runs, then this workflow ends (after a
    /// failure, still with the step's error).
    Transfer(Box<CallPlan>),
}

impl ActionPlan {
    /// The workflow the action runs: the one it hands over to, or runs before a retry.
    pub fn call(&self) -> Option<&CallPlan> {
        match &self.kind {
            ActionKind::Transfer(call) => Some(call),
            ActionKind::Retry { first: Some(call), .. } => Some(call),
            _ => None,
        }
    }

    /// Whether the action's criteria read the response (and so cannot hold without one).
    pub fn reads_response(&self) -> bool {
        self.criteria.iter().any(|criterion| criterion.check.reads_response())
    }
}

impl StepPlan {
    /// Every value the step reads: parameters, body, server URL, bound credentials and copied outputs.
    pub fn values_read(&self) -> Vec<&ValueRef> {
        let mut read: Vec<&ValueRef> = Vec::new();
        for parameter in &self.parameters {
            read.extend(parameter.value.refs());
        }
        if let Some(query_string) = &self.query_string {
            read.extend(query_string.value.refs());
        }
        if let Some(body) = &self.body {
            read.extend(body.value.refs());
        }
        read.extend(self.server_url.iter());
        for credential in &self.credentials {
            if let CredentialUse::Bound { value, .. } = credential {
                read.push(value);
            }
        }
        for criterion in &self.criteria {
            read.extend(criterion.check.refs());
        }
        for argument in self.call.iter().flat_map(|call| &call.arguments) {
            read.extend(argument.value.iter().flat_map(ValuePlan::refs));
        }
        for action in self.on_success.iter().chain(&self.on_failure) {
            for criterion in &action.criteria {
                read.extend(criterion.check.refs());
            }
            for argument in action.call().iter().flat_map(|call| &call.arguments) {
                read.extend(argument.value.iter().flat_map(ValuePlan::refs));
            }
        }
        for output in &self.outputs {
            match &output.source {
                OutputSource::Copy(value) => read.extend(value.reads()),
                OutputSource::BodySelector { selector, .. } => {
                    read.extend(selector.reads().into_iter().flat_map(ValueRef::reads))
                }
                _ => {}
            }
        }
        read
    }

    pub fn reads_inputs(&self) -> bool {
        self.values_read().iter().any(|value| matches!(value.base(), ValueRef::Input { .. }))
    }
}

/// How a step authenticates.
#[derive(Clone, Debug)]
pub enum CredentialUse {
    /// A credential from the source's configuration (the security scheme's name).
    Configured(String),
    /// A credential produced by the workflow itself (`x-security`).
    Bound { kind: CredentialKind, value: ValueRef },
}

#[derive(Clone, Debug)]
pub struct StepOutputPlan {
    pub name: String,
    pub variable: String,
    pub ty: RustType,
    pub source: OutputSource,
    /// Whether a later step or a workflow output reads it.
    pub used: bool,
}

#[derive(Clone, Debug)]
pub enum OutputSource {
    /// `$response.body` with a JSON pointer ("" for the whole body).
    BodyPointer(String),
    /// A selector (1.1) applied to `$response.body` at the JSON pointer `context` ("" for the whole
    /// body). A secret it reads lies inside the part of the body at `covers`, which error excerpts
    /// scrub.
    BodySelector {
        context: String,
        selector: SelectorKind,
        covers: String,
    },
    ResponseHeader(String),
    StatusCode,
    Copy(ValueRef),
    /// An output of the workflow the step called (its field in the callee's outputs struct).
    Callee(String),
    /// A part of an output of the workflow the step called (1.1: a pointer into it, or what a
    /// selector picks in it), read from [`ValueRef::Called`].
    CalleePart(ValueRef),
    /// What the step's request sent (`$url`, `$method`, `$request.*`), kept with its response.
    Sent(SentPart),
    /// A value fixed when the document was written (`$self`, `$sourceDescriptions.<name>.url`).
    Constant(String),
}

/// A part of the request a step sent, as a step output reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum SentPart {
    /// `$url`: the full URL, query included.
    Url,
    /// `$method`, upper case.
    Method,
    /// `$request.header.<name>`.
    Header(String),
    /// `$request.query.<name>`.
    Query(String),
    /// `$request.path.<name>`: the value given, before encoding.
    Path(String),
    /// `$request.body` at a JSON pointer (`""` for the whole body): JSON and form bodies.
    Body(String),
}
