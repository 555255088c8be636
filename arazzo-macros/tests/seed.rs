//! A seed document through `workflow!`, its generated function run against a `DryRun`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use arazzo_runtime::{DryRun, DryRunResponse};
use serde_json::json;

// The source mapping is what the document says already: it shows the option at work.
arazzo_macros::workflow!(
    "../workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml",
    source(svixApi = "../workflows/svix/openapi/svix-openapi.json"),
);

use svix_rotate_integration_key::{Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key};

#[tokio::test]
async fn the_generated_function_runs_against_a_dry_run() {
    let server = DryRun::new();
    server
        .respond(DryRunResponse::json(200, json!({ "id": "integ_1", "name": "Payments" })))
        .respond(DryRunResponse::json(200, json!({ "key": "integsk_new" })))
        .respond(DryRunResponse::json(200, json!({ "key": "integsk_new" })));
    let config = Config { svix_api: SvixApi::new("sk_admin").with_base_url("https://api.example.com/") };
    let inputs = RotateIntegrationKeyInputs { app_id: "app_1".into(), integration_id: "integ_1".into() };

    let outputs = rotate_integration_key(&server.client(), &config, &inputs).await.unwrap();

    assert_eq!(outputs.integration_key.expose_secret(), "integsk_new");
    let sent: Vec<String> = server.requests().iter().map(|r| format!("{} {}", r.method(), r.path())).collect();
    assert_eq!(
        sent,
        [
            "GET /api/v1/app/app_1/integration/integ_1",
            "POST /api/v1/app/app_1/integration/integ_1/key/rotate",
            "GET /api/v1/app/app_1/integration/integ_1/key",
        ]
    );
}
