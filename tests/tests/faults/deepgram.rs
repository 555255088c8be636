//! Deepgram: createReplacementKey, verifyReplacement, deleteOldKey (204, reads no body).

use super::*;
use arazzo_generated::deepgram_rotate_project_key::{
    Config, ManagementApi, RotateProjectKeyInputs, RotateProjectKeyPartial, rotate_project_key,
};
use arazzo_runtime::SecretString;
use arazzo_tests::deepgram::{self, DeepgramKey, DeepgramProject, DeepgramSeed};

const PROJECT: &str = "3f2d1c0b-5a49-4e3d-8c7b-6a5f4e3d2c1b";
const ADMIN_ID: &str = "admin-key-id";
const ADMIN_SECRET: &str = "dg_admin_faults_secret_0123456789";
const OLD_ID: &str = "old-key-1";
const OLD_SECRET: &str = "dg_old_faults_secret_9876543210";

pub const SEED: Seed = Seed {
    name: "deepgram",
    workflow_id: "rotate-project-key",
    steps: &[
        step(
            "createReplacementKey",
            "POST",
            "$statusCode == 200",
            Some("/api_key_id"),
            &["new_key_id", "new_key_secret"],
        ),
        step("verifyReplacement", "GET", "$statusCode == 200", Some("/api_keys"), &[]),
        step("deleteOldKey", "DELETE", "$statusCode == 204", None, &["deleted_key_id"]),
    ],
};

fn dg_key(id: &str, secret: &str) -> DeepgramKey {
    DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: id.into(),
        scopes: vec!["member".into()],
        created: "2024-01-01T00:00:00Z".into(),
    }
}

fn partial(p: &RotateProjectKeyPartial) -> Fields {
    let RotateProjectKeyPartial { new_key_id, new_key_secret, deleted_key_id } = p;
    vec![
        ("new_key_id", new_key_id.clone()),
        ("new_key_secret", new_key_secret.as_ref().map(|s| s.expose_secret().to_owned())),
        ("deleted_key_id", deleted_key_id.clone()),
    ]
}

pub async fn run(case: Case) -> Report {
    let project = DeepgramProject {
        project_id: PROJECT.into(),
        keys: vec![dg_key(ADMIN_ID, ADMIN_SECRET), dg_key(OLD_ID, OLD_SECRET)],
    };
    let fake = deepgram::start(DeepgramSeed { projects: vec![project] }).await.unwrap();
    let plan = case.arrange(&SEED, |n, failure| fake.fail_request(n, failure));
    let proxy = FaultProxy::start(fake.handle.addr, &plan).await.unwrap();
    let config = Config {
        management_api: ManagementApi::new().with_base_url(through(&proxy, &fake.base_url, fake.handle.addr)),
    };
    let inputs = RotateProjectKeyInputs {
        api_key: SecretString::from(ADMIN_SECRET),
        project_id: PROJECT.into(),
        old_key_id: OLD_ID.into(),
        comment: "rotated by the fault matrix".into(),
        scopes: vec!["usage:write".into()],
    };
    let result = rotate_project_key(&case.client(), &config, &inputs).await;

    let created = fake.keys(PROJECT).into_iter().find(|k| k.api_key_id != ADMIN_ID && k.api_key_id != OLD_ID);
    let mut secrets = vec![ADMIN_SECRET.to_owned(), OLD_SECRET.to_owned()];
    secrets.extend(created.iter().map(|k| k.secret.clone()));
    Report {
        outcome: outcome(
            result,
            |o| {
                vec![
                    ("new_key_id", some(&o.new_key_id)),
                    ("new_key_secret", some(o.new_key_secret.expose_secret())),
                    ("deleted_key_id", some(&o.deleted_key_id)),
                ]
            },
            partial,
        ),
        truth: vec![
            ("new_key_id", created.as_ref().map(|k| k.api_key_id.clone())),
            ("new_key_secret", created.as_ref().map(|k| k.secret.clone())),
            ("deleted_key_id", fake.key(PROJECT, OLD_ID).is_none().then(|| OLD_ID.to_owned())),
        ],
        secrets,
        proxied: plan.requests(),
        proxy_errors: plan.errors(),
        upstream: fake.requests().len(),
    }
}
