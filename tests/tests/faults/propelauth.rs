//! PropelAuth: findActiveKey, revokeKey (reads no body), issueNewKey.

use super::*;
use arazzo_generated::propelauth_rotate_user_api_key::{
    ApiKeysApi, Config, RotateUserApiKeyInputs, RotateUserApiKeyPartial, rotate_user_api_key,
};
use arazzo_runtime::SecretString;
use arazzo_tests::propelauth::{self, Presence, PropelKey, PropelSeed};

const BACKEND_KEY: &str = "bk_faults_4f6c1d0a9b8e7f6a";
const USER: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";
const OLDER: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const LATEST: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

pub const SEED: Seed = Seed {
    name: "propelauth",
    workflow_id: "rotate-user-api-key",
    steps: &[
        step("findActiveKey", "GET", "$statusCode == 200", Some("/api_keys/0/api_key_id"), &["revoked_key_id"]),
        step("revokeKey", "DELETE", "$statusCode == 200", None, &[]),
        step("issueNewKey", "POST", "$statusCode == 201", Some("/api_key_id"), &["new_key_id", "new_key_token"]),
    ],
};

fn key(id: &str, created_at: i64) -> PropelKey {
    PropelKey {
        api_key_id: id.into(),
        token: format!("tok_{id}"),
        user_id: Some(USER.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    }
}

fn partial(p: &RotateUserApiKeyPartial) -> Fields {
    let RotateUserApiKeyPartial { revoked_key_id, new_key_id, new_key_token } = p;
    vec![
        ("revoked_key_id", revoked_key_id.clone()),
        ("new_key_id", new_key_id.clone()),
        ("new_key_token", new_key_token.as_ref().map(|s| s.expose_secret().to_owned())),
    ]
}

pub async fn run(case: Case) -> Report {
    let seed = PropelSeed {
        backend_api_keys: vec![BACKEND_KEY.into()],
        keys: vec![key(OLDER, 1_700_000_100), key(LATEST, 1_700_000_200)],
        now: 1_700_000_500,
    };
    let fake = propelauth::start(seed).await.unwrap();
    let plan = case.arrange(&SEED, |n, failure| fake.fail_request(n, failure));
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let config =
        Config { api_keys_api: ApiKeysApi::new().with_base_url(through(&proxy, &fake.base_url, fake.handle.addr)) };
    let inputs = RotateUserApiKeyInputs {
        backend_api_key: SecretString::from(BACKEND_KEY),
        user_id: USER.into(),
        expires_at_seconds: None,
    };
    let result = rotate_user_api_key(&case.client(), &config, &inputs).await;

    let created = fake.keys().into_iter().find(|k| k.api_key_id != OLDER && k.api_key_id != LATEST);
    let mut secrets = vec![BACKEND_KEY.to_owned(), format!("tok_{OLDER}"), format!("tok_{LATEST}")];
    secrets.extend(created.iter().map(|k| k.token.clone()));
    Report {
        outcome: outcome(
            result,
            |o| {
                vec![
                    ("revoked_key_id", some(&o.revoked_key_id)),
                    ("new_key_id", some(&o.new_key_id)),
                    ("new_key_token", some(o.new_key_token.expose_secret())),
                ]
            },
            partial,
        ),
        truth: vec![
            ("revoked_key_id", some(LATEST)),
            ("new_key_id", created.as_ref().map(|k| k.api_key_id.clone())),
            ("new_key_token", created.as_ref().map(|k| k.token.clone())),
        ],
        secrets,
        proxied: plan.requests(),
        proxy_errors: plan.errors(),
        upstream: fake.requests().len(),
    }
}
