//! The inputs builder has no `build()` until every required input is set.
use arazzo_generated::svix_rotate_integration_key::RotateIntegrationKeyInputs;

fn main() {
    let _inputs = RotateIntegrationKeyInputs::builder().app_id("app").build();
}
