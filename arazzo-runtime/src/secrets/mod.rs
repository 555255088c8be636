//! Secret values and keeping them out of sight: [`SecretString`] and [`BasicCredentials`] (no
//! `Display`, a redacted `Debug`), serializing structs that hold them ([`serde_support`]), and
//! [`DebugUrl`], a URL shown without its credentials or query. Depends on no other part.

mod debug_url;
mod secret;
pub mod serde_support;

pub use debug_url::DebugUrl;
pub use secret::BasicCredentials;
// Defined at the crate root, so that rustc's notes name it by its public path (see lib.rs); its
// code is here, in `secret`, and the other parts name it as this part's.
pub use crate::SecretString;
