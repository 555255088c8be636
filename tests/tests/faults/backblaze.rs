//! Backblaze: authorize on the auth server, then createReplacementKey and deleteOldKey on the API server
//! its answer names, each server behind its own proxy (one plan, so requests are numbered across both).

use super::*;
use arazzo_generated::backblaze_rotate_application_key::{
    BackblazeB2, Config, RotateApplicationKeyInputs, RotateApplicationKeyPartial, rotate_application_key,
};
use arazzo_runtime::{BasicCredentials, SecretString};
use arazzo_tests::backblaze::{self, B2Key, BackblazeSeed};

const ACCOUNT: &str = "acct-faults-7f6e5d";
const MASTER_ID: &str = "0014a98f9d9e8d0000000000";
const MASTER_KEY: &str = "K001masterAppKeyE2E";
/// base64("0014a98f9d9e8d0000000000:K001masterAppKeyE2E"), as in e2e_backblaze.rs.
const MASTER_BASIC: &str = "MDAxNGE5OGY5ZDllOGQwMDAwMDAwMDAwOkswMDFtYXN0ZXJBcHBLZXlFMkU=";
const OLD_ID: &str = "0014a98f9d9e8d0000000007";
const OLD_KEY: &str = "K001oldAppKeyFaults";

pub const SEED: Seed = Seed {
    name: "backblaze",
    workflow_id: "rotate-application-key",
    steps: &[
        step("authorize", "GET", "$statusCode == 200", Some("/accountId"), &["authorize_authorization_token"]),
        step(
            "createReplacementKey",
            "POST",
            "$statusCode == 200",
            Some("/applicationKeyId"),
            &["new_application_key_id", "new_application_key"],
        ),
        step("deleteOldKey", "POST", "$statusCode == 200", Some("/applicationKeyId"), &["deleted_key_id"]),
    ],
};

fn b2_key(id: &str, key: &str, name: &str) -> B2Key {
    B2Key {
        application_key_id: id.into(),
        application_key: key.into(),
        key_name: name.into(),
        capabilities: vec!["listKeys".into(), "writeKeys".into(), "deleteKeys".into()],
    }
}

fn partial(p: &RotateApplicationKeyPartial) -> Fields {
    let RotateApplicationKeyPartial {
        new_application_key_id,
        new_application_key,
        deleted_key_id,
        authorize_authorization_token,
    } = p;
    vec![
        ("new_application_key_id", new_application_key_id.clone()),
        ("new_application_key", new_application_key.as_ref().map(|s| s.expose_secret().to_owned())),
        ("deleted_key_id", deleted_key_id.clone()),
        ("authorize_authorization_token", authorize_authorization_token.as_ref().map(|s| s.expose_secret().to_owned())),
    ]
}

pub async fn run(case: Case) -> Report {
    let seed = BackblazeSeed {
        account_id: ACCOUNT.into(),
        keys: vec![b2_key(MASTER_ID, MASTER_KEY, "master"), b2_key(OLD_ID, OLD_KEY, "backup-2023")],
    };
    let fake = backblaze::start(seed).await.unwrap();
    let plan = case.arrange(&SEED, |n, failure| fake.fail_request(n, failure));
    let auth_proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let api_proxy = FaultProxy::start(fake.api_handle.addr, &plan).await.unwrap();
    // The auth server names the API server: send the client to its proxy instead.
    plan.rewrite(&fake.api_url, &api_proxy.url());
    let credentials = BasicCredentials::new(MASTER_ID, SecretString::from(MASTER_KEY));
    let base_url = through(&auth_proxy, &fake.base_url, fake.handle.addr);
    let config = Config { backblaze_b2: BackblazeB2::new(credentials).with_base_url(base_url) };
    let inputs = RotateApplicationKeyInputs {
        key_name: "backup-2024".into(),
        capabilities: vec!["readFiles".into()],
        old_application_key_id: OLD_ID.into(),
    };
    let result = rotate_application_key(&case.client(), &config, &inputs).await;

    let created = fake.keys().into_iter().find(|k| k.application_key_id != MASTER_ID && k.application_key_id != OLD_ID);
    let tokens = fake.issued_tokens();
    let mut secrets = vec![MASTER_KEY.to_owned(), MASTER_BASIC.to_owned(), OLD_KEY.to_owned()];
    secrets.extend(tokens.iter().cloned());
    secrets.extend(created.iter().map(|k| k.application_key.clone()));
    Report {
        outcome: outcome(
            result,
            |o| {
                vec![
                    ("new_application_key_id", some(&o.new_application_key_id)),
                    ("new_application_key", some(o.new_application_key.expose_secret())),
                    ("deleted_key_id", some(&o.deleted_key_id)),
                ]
            },
            partial,
        ),
        truth: vec![
            ("new_application_key_id", created.as_ref().map(|k| k.application_key_id.clone())),
            ("new_application_key", created.as_ref().map(|k| k.application_key.clone())),
            ("deleted_key_id", fake.key(OLD_ID).is_none().then(|| OLD_ID.to_owned())),
            ("authorize_authorization_token", tokens.first().cloned()),
        ],
        secrets,
        proxied: plan.requests(),
        proxy_errors: plan.errors(),
        upstream: fake.requests().len(),
    }
}
