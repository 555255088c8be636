//! How a step's request is written: its query string, body and parameters.

use super::ValuePlan;

/// The whole query string of a step (Arazzo 1.1 `in: querystring`, OpenAPI 3.2).
#[derive(Clone, Debug)]
pub struct QueryStringPlan {
    pub value: ValuePlan,
    pub encoding: QueryStringEncoding,
}

/// How a query string is written, from the media type the operation declares for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryStringEncoding {
    /// `application/x-www-form-urlencoded` (and the reading when the operation declares no
    /// query string): text as written, embedded values form-encoded; an object as form fields.
    Form,
    /// JSON text (`application/json`, `*+json`) with embedded values JSON-encoded (as string
    /// content where they stand inside a JSON string, see [`BodyEncoding::JsonText`]), or a JSON
    /// value; percent-encoded whole.
    Json { in_string: Vec<bool> },
    /// Any other media type: the text as written, percent-encoded whole.
    Text,
}

/// A request body: a payload template and how it is encoded.
#[derive(Clone, Debug)]
pub struct BodyPlan {
    pub value: ValuePlan,
    pub encoding: BodyEncoding,
    /// The media type to send when it is not the encoding's default (`application/vnd.api+json`).
    pub content_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    /// `application/x-www-form-urlencoded` from a JSON object.
    Form,
    /// `multipart/form-data` from a JSON object.
    Multipart,
    /// A payload written as JSON text with embedded expressions; for each embedded value, in order,
    /// whether it stands inside a JSON string (and is escaped as string content) or not (and is
    /// written as JSON).
    JsonText {
        in_string: Vec<bool>,
    },
    /// Text or bytes sent as they are, with `content_type`.
    Raw,
    /// An XML body written as its text with embedded expressions: each filled value is escaped as
    /// XML text, so a value can never change the document's structure.
    XmlText,
    /// An XML body (`application/xml`, `text/xml`, `*+xml`) whose payload is written as an object:
    /// serialized as XML from its JSON form at run time, with `content_type`.
    Xml,
}

#[derive(Clone, Debug)]
pub struct ParameterPlan {
    pub name: String,
    pub location: crate::model::ParameterLocation,
    pub value: ValuePlan,
    /// Whether the operation requires it (a path parameter always): a value that may be `null` then
    /// fails the step before sending when it is.
    pub required: bool,
    /// The operation's `style` and `explode` when they differ from the location's defaults.
    pub style: Option<(ParameterStyle, bool)>,
}

/// OpenAPI parameter styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterStyle {
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl ParameterStyle {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "simple" => Self::Simple,
            "label" => Self::Label,
            "matrix" => Self::Matrix,
            "form" => Self::Form,
            "spaceDelimited" => Self::SpaceDelimited,
            "pipeDelimited" => Self::PipeDelimited,
            "deepObject" => Self::DeepObject,
            _ => return None,
        })
    }

    /// The runtime's `Style` variant.
    pub fn variant(self) -> &'static str {
        match self {
            Self::Simple => "Simple",
            Self::Label => "Label",
            Self::Matrix => "Matrix",
            Self::Form => "Form",
            Self::SpaceDelimited => "SpaceDelimited",
            Self::PipeDelimited => "PipeDelimited",
            Self::DeepObject => "DeepObject",
        }
    }
}
