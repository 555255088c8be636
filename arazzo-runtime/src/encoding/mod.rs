//! Building requests: [`Request`] records a step's method, path, parameters, credentials and body;
//! [`Request::prepare`] checks and encodes them (URL, headers, cookies, query strings, JSON, form,
//! XML and multipart bodies) into what the transport sends, and keeps what criteria read of the
//! request ([`SentRequest`](sent::SentRequest)). Depends on `error`, `secrets` and `journal` (the
//! hash multipart boundaries are derived with).

pub(crate) mod encode;
pub mod json;
mod method;
mod multipart;
mod param;
mod query_string;
mod request;
pub(crate) mod sent;
mod style;
mod xml;

pub use method::Method;
pub use param::{Concat, concat};
pub use query_string::form_encoded;
pub(crate) use request::Prepared;
pub use request::{ParamValue, Request};
pub use style::Style;
pub use xml::xml_escaped;
