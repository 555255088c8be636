//! The module generated from the specification's `oauth.arazzo.yaml` example compiles under
//! `#![deny(warnings)]` (a binary crate sees unused `pub` items as dead code; a library would not).
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/oauth.rs");

fn main() {
    let _ = oauth::refresh_token_flow;
    let _ = oauth::client_credentials_flow;
}
