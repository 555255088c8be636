//! Svix: getIntegration, rotateKey, getKey.

use super::*;
use arazzo_generated::svix_rotate_integration_key::{
    Config, RotateIntegrationKeyInputs, RotateIntegrationKeyPartial, SvixApi, rotate_integration_key,
};
use arazzo_runtime::SecretString;
use arazzo_tests::svix::{self, SvixApp, SvixIntegration, SvixSeed};

const TOKEN: &str = "testsk_faults_bearer_token";
const APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
const INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";
const ORIGINAL_KEY: &str = "integsk_faultsOriginalKey0123456789";

pub const SEED: Seed = Seed {
    name: "svix",
    workflow_id: "rotate-integration-key",
    steps: &[
        step("getIntegration", "GET", "$statusCode == 200", Some("/id"), &["integration_id"]),
        step("rotateKey", "POST", "$statusCode == 200", Some("/key"), &["rotate_key_rotated_key"]),
        step("getKey", "GET", "$statusCode == 200", Some("/key"), &["integration_key"]),
    ],
};

fn partial(p: &RotateIntegrationKeyPartial) -> Fields {
    let RotateIntegrationKeyPartial { integration_id, integration_key, rotate_key_rotated_key } = p;
    vec![
        ("integration_id", integration_id.clone()),
        ("integration_key", integration_key.as_ref().map(|s| s.expose_secret().to_owned())),
        ("rotate_key_rotated_key", rotate_key_rotated_key.as_ref().map(|s| s.expose_secret().to_owned())),
    ]
}

pub async fn run(case: Case) -> Report {
    let integration = SvixIntegration {
        id: INTEG.into(),
        name: "Payments".into(),
        key: ORIGINAL_KEY.into(),
        feature_flags: vec![],
        created_at: "2024-03-01T10:00:00Z".into(),
        updated_at: "2024-03-02T10:00:00Z".into(),
    };
    let app = SvixApp { id: APP.into(), uid: None, integrations: vec![integration] };
    let fake = svix::start(SvixSeed { tokens: vec![TOKEN.into()], apps: vec![app] }).await.unwrap();
    let plan = case.arrange(&SEED, |n, failure| fake.fail_request(n, failure));
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let base_url = through(&proxy, &fake.base_url, fake.handle.addr);
    let config = Config { svix_api: SvixApi::new(SecretString::from(TOKEN)).with_base_url(base_url) };
    let inputs = RotateIntegrationKeyInputs { app_id: APP.into(), integration_id: INTEG.into() };
    let result = rotate_integration_key(&case.client(), &config, &inputs).await;

    let current = fake.current_key(APP, INTEG).unwrap();
    let rotated = (fake.rotations() > 0).then(|| current.clone());
    Report {
        outcome: outcome(
            result,
            |o| {
                vec![
                    ("integration_id", some(&o.integration_id)),
                    ("integration_key", some(o.integration_key.expose_secret())),
                ]
            },
            partial,
        ),
        truth: vec![
            ("integration_id", some(INTEG)),
            ("integration_key", rotated.clone()),
            ("rotate_key_rotated_key", rotated),
        ],
        secrets: vec![TOKEN.into(), ORIGINAL_KEY.into(), current],
        proxied: plan.requests(),
        proxy_errors: plan.errors(),
        upstream: fake.requests().len(),
    }
}
