//! A required input cannot be forgotten: the inputs struct has no defaults.
use arazzo_generated::svix_rotate_integration_key::RotateIntegrationKeyInputs;

fn main() {
    let _inputs = RotateIntegrationKeyInputs { app_id: "app".into() };
}
