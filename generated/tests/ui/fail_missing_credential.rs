//! A credential the operations need cannot be forgotten: the settings constructor requires it.
use arazzo_generated::svix_rotate_integration_key::SvixApi;

fn main() {
    let _settings = SvixApi::new();
}
