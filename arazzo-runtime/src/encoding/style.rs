//! How a parameter value is serialized: OpenAPI's `style`.

/// How a parameter value is serialized: the OpenAPI `style` of a parameter (with its `explode`
/// flag passed alongside), following RFC 6570 where OpenAPI does.
///
/// Allowed per location, as in OpenAPI's Style Values table: path `Simple` (default), `Label`,
/// `Matrix`; query `Form` (default, exploded), `SpaceDelimited`, `PipeDelimited`, `DeepObject`;
/// header `Simple` (default); cookie `Form` (default, exploded). Any other combination, and
/// `SpaceDelimited`/`PipeDelimited` with a scalar or `DeepObject` with a non-object, fails the
/// step when the request is sent, naming the parameter; nothing is sent.
///
/// With the parameter `color` and the values `"blue"`, `["blue", "black", "brown"]` and
/// `{"R": 100, "G": 200, "B": 150}`:
///
/// | style | explode | string | array | object |
/// |---|---|---|---|---|
/// | `Simple` | false | `blue` | `blue,black,brown` | `R,100,G,200,B,150` |
/// | `Simple` | true | `blue` | `blue,black,brown` | `R=100,G=200,B=150` |
/// | `Label` | false | `.blue` | `.blue,black,brown` | `.R,100,G,200,B,150` |
/// | `Label` | true | `.blue` | `.blue.black.brown` | `.R=100.G=200.B=150` |
/// | `Matrix` | false | `;color=blue` | `;color=blue,black,brown` | `;color=R,100,G,200,B,150` |
/// | `Matrix` | true | `;color=blue` | `;color=blue;color=black;color=brown` | `;R=100;G=200;B=150` |
/// | `Form` | false | `color=blue` | `color=blue,black,brown` | `color=R,100,G,200,B,150` |
/// | `Form` | true | `color=blue` | `color=blue&color=black&color=brown` | `R=100&G=200&B=150` |
/// | `SpaceDelimited` | false | refused | `color=blue%20black%20brown` | `color=R%20100%20G%20200%20B%20150` |
/// | `PipeDelimited` | false | refused | `color=blue%7Cblack%7Cbrown` | `color=R%7C100%7CG%7C200%7CB%7C150` |
/// | `DeepObject` | either | refused | refused | `color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150` |
///
/// Data is always percent-encoded, so a delimiter inside a value is never taken for one: path
/// values as RFC 3986 `unreserved` (plus `.` for `Label`), query values
/// `application/x-www-form-urlencoded`, cookie values as path values; header values are sent as
/// is. The `|`, `[`, `]` and space delimiters are percent-encoded too, as OpenAPI 3.1.1 requires
/// (Appendix E). `SpaceDelimited` and `PipeDelimited` with `explode` (undefined in OpenAPI)
/// repeat the name like exploded `Form`; `DeepObject` ignores `explode`. Exploded cookies are
/// separate cookies (`color=blue; color=black`), never joined with `&`. Null items and properties
/// are left out, nested arrays and objects are sent as JSON text, and an empty array or object
/// counts as absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `simple`: `blue,black,brown` (path and header).
    Simple,
    /// `label`: `.blue` (path).
    Label,
    /// `matrix`: `;color=blue` (path).
    Matrix,
    /// `form`: `color=blue` (query and cookie).
    Form,
    /// `spaceDelimited`: `color=blue%20black%20brown` (query, arrays and objects).
    SpaceDelimited,
    /// `pipeDelimited`: `color=blue%7Cblack%7Cbrown` (query, arrays and objects).
    PipeDelimited,
    /// `deepObject`: `color%5BR%5D=100` (query, objects).
    DeepObject,
}

impl Style {
    /// The name used in OpenAPI documents, e.g. `"deepObject"`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
            Style::Form => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }
}
