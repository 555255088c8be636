//! Building requests: [`Request`] records a step's method, path, parameters, credentials and body;
//! [`Request::prepare`] checks and encodes them (URL, headers, cookies, query strings, JSON, form,
//! XML and multipart bodies) into what the transport sends, and keeps what criteria read of the
//! request ([`SentRequest`](sent::SentRequest)). Depends on `error`, `secrets` and `journal` (the
//! hash multipart boundaries are derived with).

pub(crate) mod encode;
pub mod json;
mod multipart;
mod param;
mod query_string;
mod request;
pub(crate) mod sent;
mod xml;

pub use param::{Concat, concat};
pub use query_string::form_encoded;
pub(crate) use request::Prepared;
pub use request::{Method, ParamValue, Request, Style};
pub use xml::xml_escaped;
