//! A secret output cannot be read as a plain string by accident: it must be exposed explicitly.
use arazzo_generated::svix_rotate_integration_key::RotateIntegrationKeyOutputs;

fn print_key(outputs: &RotateIntegrationKeyOutputs) {
    let key: &str = &outputs.integration_key;
    println!("{key}");
}

fn main() {
    let _ = print_key;
}
