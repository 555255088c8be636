//! The generated module compiles warning-free inside a user's crate, and is used as documented.
#![deny(warnings)]

include!("../../src/svix_rotate_integration_key.rs");

use svix_rotate_integration_key::{rotate_integration_key, Config, RotateIntegrationKeyInputs, SvixApi};

async fn rotate(client: &arazzo_runtime::Client) -> Result<String, String> {
    let config = Config { svix_api: SvixApi::new("token").with_base_url("http://127.0.0.1:1") };
    let inputs = RotateIntegrationKeyInputs { app_id: "app".into(), integration_id: "integ".into() };
    match rotate_integration_key(client, &config, &inputs).await {
        Ok(outputs) => Ok(outputs.integration_key.expose_secret().to_string()),
        Err(error) => Err(format!("{} {:?}", error, error.partial().integration_key)),
    }
}

fn main() {
    let _ = rotate;
}
