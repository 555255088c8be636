//! Apigee: getApp, createKey, grantProduct, revokeOldKey.

use super::*;
use arazzo_generated::apigee_rotate_app_key::{
    ApigeeApiManagement, Config, RotateAppKeyInputs, RotateAppKeyPartial, rotate_app_key,
};
use arazzo_runtime::SecretString;
use arazzo_tests::apigee::{self, ApigeeApp, ApigeeKey, ApigeeSeed};

const TOKEN: &str = "ya29.faults-oauth-access-token";
const ORG: &str = "acme-prod";
const DEVELOPER: &str = "dev@example.com";
const APP: &str = "billing-app";
const PRODUCT: &str = "payments-gold";
const OLD_KEY: &str = "oldKeyFaults+/=A1";
const OLD_SECRET: &str = "old-consumer-secret-faults";
const NEW_KEY: &str = "NewKeyFaults+/=B2";
const NEW_SECRET: &str = "new-consumer-secret-faults";

pub const SEED: Seed = Seed {
    name: "apigee",
    workflow_id: "rotate-app-key",
    steps: &[
        step("getApp", "GET", "$statusCode == 200", Some("/name"), &[]),
        step("createKey", "POST", "$statusCode == 200", Some("/consumerKey"), &["created_key"]),
        step("grantProduct", "PUT", "$statusCode == 200", Some("/status"), &["key_status"]),
        step("revokeOldKey", "DELETE", "$statusCode == 200", Some("/consumerKey"), &["revoked_key"]),
    ],
};

fn partial(p: &RotateAppKeyPartial) -> Fields {
    let RotateAppKeyPartial { created_key, key_status, revoked_key } = p;
    vec![
        ("created_key", created_key.as_ref().map(|s| s.expose_secret().to_owned())),
        ("key_status", key_status.clone()),
        ("revoked_key", revoked_key.as_ref().map(|s| s.expose_secret().to_owned())),
    ]
}

pub async fn run(case: Case) -> Report {
    let app = ApigeeApp {
        organization: ORG.into(),
        developer_email: DEVELOPER.into(),
        developer_id: "5f1e2d3c-developer".into(),
        name: APP.into(),
        app_id: "8d7c6b5a-app".into(),
        api_products: vec![PRODUCT.into()],
        credentials: vec![ApigeeKey::new(OLD_KEY, OLD_SECRET)],
    };
    let seed = ApigeeSeed { tokens: vec![TOKEN.into()], products: vec![PRODUCT.into()], apps: vec![app] };
    let fake = apigee::start(seed).await.unwrap();
    let plan = case.arrange(&SEED, |n, failure| fake.fail_request(n, failure));
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let management = ApigeeApiManagement::new(SecretString::from(TOKEN)).with_base_url(through(
        &proxy,
        &fake.base_url,
        fake.handle.addr,
    ));
    let config = Config { apigee_api_management: management };
    let inputs = RotateAppKeyInputs {
        organization_id: ORG.into(),
        developer_id: DEVELOPER.into(),
        app_id: APP.into(),
        new_consumer_key: SecretString::from(NEW_KEY),
        new_consumer_secret: SecretString::from(NEW_SECRET),
        api_product: PRODUCT.into(),
        old_key_id: OLD_KEY.into(),
    };
    let result = rotate_app_key(&case.client(), &config, &inputs).await;

    let new_key = fake.key(ORG, DEVELOPER, APP, NEW_KEY);
    let granted = new_key.as_ref().filter(|k| k.api_products.iter().any(|(p, _)| p == PRODUCT));
    Report {
        outcome: outcome(
            result,
            |o| {
                vec![
                    ("created_key", some(o.created_key.expose_secret())),
                    ("key_status", some(&o.key_status)),
                    ("revoked_key", some(o.revoked_key.expose_secret())),
                ]
            },
            partial,
        ),
        truth: vec![
            ("created_key", new_key.as_ref().map(|k| k.consumer_key.clone())),
            ("key_status", granted.map(|k| k.status.clone())),
            ("revoked_key", fake.key(ORG, DEVELOPER, APP, OLD_KEY).is_none().then(|| OLD_KEY.to_owned())),
        ],
        secrets: [TOKEN, OLD_KEY, OLD_SECRET, NEW_KEY, NEW_SECRET].map(str::to_owned).to_vec(),
        proxied: plan.requests(),
        proxy_errors: plan.errors(),
        upstream: fake.requests().len(),
    }
}
