//! Reading a received [`Response`]: its status, headers and body, values at JSON pointers read
//! straight from the body's bytes (`body_pointer`, [`Outputs`]), JSONPath selection ([`select`]),
//! and the excerpt of a body an error message shows, scrubbed of secrets. Depends on `error`,
//! `secrets`, `encoding` (the request a response answers) and `criteria` (the JSONPath cache).

pub(crate) mod body_pointer;
mod excerpt;
mod outputs;
mod response;
pub mod select;

pub use outputs::Outputs;
pub(crate) use response::{Answered, parse_json};
pub use response::{EXCERPT_CHARS, Response};
