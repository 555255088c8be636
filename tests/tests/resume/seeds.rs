//! The five seed workflows against their fakes, each behind the same [`Seed`] trait so that one
//! test body covers them all.

use std::fmt::Debug;

use arazzo_generated::{
    apigee_rotate_app_key as apigee_gen, backblaze_rotate_application_key as backblaze_gen,
    deepgram_rotate_project_key as deepgram_gen, propelauth_rotate_user_api_key as propelauth_gen,
    svix_rotate_integration_key as svix_gen,
};
use arazzo_runtime::{BasicCredentials, Checkpoint, Client, SecretString, WorkflowError};
use arazzo_tests::apigee::{self, ApigeeApp, ApigeeKey, ApigeeSeed, FakeApigee};
use arazzo_tests::backblaze::{self, B2Key, BackblazeSeed, FakeBackblaze};
use arazzo_tests::deepgram::{self, DeepgramKey, DeepgramProject, DeepgramSeed, FakeDeepgram};
use arazzo_tests::propelauth::{self, FakePropelAuth, Presence, PropelKey, PropelSeed};
use arazzo_tests::svix::{self, FakeSvix, SvixApp, SvixIntegration, SvixSeed};
use arazzo_tests::{Failure, RecordedRequest, Recorder};

/// One seed workflow against its fake, seen the same way by every test below.
pub trait Seed {
    type Fake;
    type Outputs;
    type Partial: Debug;
    /// The `workflowId`.
    const WORKFLOW: &'static str;
    /// The step ids, in the order a successful run takes them.
    const STEPS: &'static [&'static str];
    /// The 1-based step that mints the new key.
    const MINTS_AT: usize;

    async fn start() -> Self::Fake;
    fn requests(fake: &Self::Fake) -> Vec<RecordedRequest>;
    fn fail_request(fake: &Self::Fake, n: usize, failure: Failure) {
        Self::recorder(fake).fail_request(n, failure);
    }
    /// The fake's recorder (requests received, failures and holds injected).
    fn recorder(fake: &Self::Fake) -> &Recorder;
    async fn run(fake: &Self::Fake) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        Self::run_on(&Client::new(), &Self::base_url(fake)).await
    }
    /// The base URL the workflow's configuration points at (for Backblaze, the auth server's).
    fn base_url(fake: &Self::Fake) -> String;
    /// Runs the workflow with `client` against the fake at `base_url` (in another process, say).
    async fn run_on(client: &Client, base_url: &str) -> Result<Self::Outputs, WorkflowError<Self::Partial>>;
    async fn resume(fake: &Self::Fake, checkpoint: Checkpoint) -> Result<Self::Outputs, WorkflowError<Self::Partial>>;
    /// `(server, method, path)` of each step's request, written out by hand from the seed data.
    fn step_requests() -> Vec<(&'static str, &'static str, String)>;
    /// The secret the rotation minted (the new key), once the fake holds one.
    fn new_secret(fake: &Self::Fake) -> Option<String>;
    /// Exactly one new key exists, the old one is gone, and `outputs` name the key the fake holds.
    fn assert_rotated(fake: &Self::Fake, outputs: &Self::Outputs);
}

// ---- Svix: getIntegration, rotateKey, getKey ----

pub struct Svix;

pub const SVIX_TOKEN: &str = "testsk_resume_bearer_token";
pub const SVIX_APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
pub const SVIX_INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";
pub const SVIX_ORIGINAL_KEY: &str = "integsk_kV3ts5tKPNJN4Dl25cMTfUNdmabxbX0O";

pub fn svix_config(base_url: &str) -> svix_gen::Config {
    svix_gen::Config { svix_api: svix_gen::SvixApi::new(SVIX_TOKEN).with_base_url(base_url) }
}

pub fn svix_inputs() -> svix_gen::RotateIntegrationKeyInputs {
    svix_gen::RotateIntegrationKeyInputs { app_id: SVIX_APP.into(), integration_id: SVIX_INTEG.into() }
}

impl Seed for Svix {
    type Fake = FakeSvix;
    type Outputs = svix_gen::RotateIntegrationKeyOutputs;
    type Partial = svix_gen::RotateIntegrationKeyPartial;
    const WORKFLOW: &'static str = "rotate-integration-key";
    const STEPS: &'static [&'static str] = &["getIntegration", "rotateKey", "getKey"];
    const MINTS_AT: usize = 2;

    async fn start() -> FakeSvix {
        let integration = SvixIntegration {
            id: SVIX_INTEG.into(),
            name: "Payments".into(),
            key: SVIX_ORIGINAL_KEY.into(),
            feature_flags: vec![],
            created_at: "2024-03-01T10:00:00Z".into(),
            updated_at: "2024-03-02T10:00:00Z".into(),
        };
        let app = SvixApp { id: SVIX_APP.into(), uid: None, integrations: vec![integration] };
        svix::start(SvixSeed { tokens: vec![SVIX_TOKEN.into()], apps: vec![app] }).await.unwrap()
    }

    fn requests(fake: &FakeSvix) -> Vec<RecordedRequest> {
        fake.requests()
    }

    fn recorder(fake: &FakeSvix) -> &Recorder {
        fake.recorder()
    }

    fn base_url(fake: &FakeSvix) -> String {
        fake.base_url.clone()
    }

    async fn run_on(client: &Client, base_url: &str) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        svix_gen::rotate_integration_key(client, &svix_config(base_url), &svix_inputs()).await
    }

    async fn resume(fake: &FakeSvix, checkpoint: Checkpoint) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        svix_gen::resume_rotate_integration_key(
            &Client::new(),
            &svix_config(&fake.base_url),
            &svix_inputs(),
            checkpoint,
        )
        .await
    }

    fn step_requests() -> Vec<(&'static str, &'static str, String)> {
        let integration = format!("/api/v1/app/{SVIX_APP}/integration/{SVIX_INTEG}");
        vec![
            ("svix", "GET", integration.clone()),
            ("svix", "POST", format!("{integration}/key/rotate")),
            ("svix", "GET", format!("{integration}/key")),
        ]
    }

    fn new_secret(fake: &FakeSvix) -> Option<String> {
        fake.current_key(SVIX_APP, SVIX_INTEG).filter(|key| key != SVIX_ORIGINAL_KEY)
    }

    fn assert_rotated(fake: &FakeSvix, outputs: &Self::Outputs) {
        assert_eq!(fake.rotations(), 1, "exactly one rotation");
        let current = fake.current_key(SVIX_APP, SVIX_INTEG).unwrap();
        assert_ne!(current, SVIX_ORIGINAL_KEY);
        assert_eq!(outputs.integration_key.expose_secret(), current);
        assert_eq!(outputs.integration_id, SVIX_INTEG);
    }
}

// ---- Apigee: getApp, createKey, grantProduct, revokeOldKey ----

pub struct Apigee;

const APIGEE_TOKEN: &str = "ya29.resume-oauth-access-token";
const APIGEE_ORG: &str = "acme-prod";
const APIGEE_DEVELOPER: &str = "dev@example.com";
const APIGEE_APP: &str = "billing-app";
const APIGEE_PRODUCT: &str = "payments-gold";
const APIGEE_OLD_KEY: &str = "oldKey+/=A1";
pub const APIGEE_NEW_KEY: &str = "NewKey+/=B2";
const APIGEE_NEW_SECRET: &str = "new-consumer-secret-resume";
const APIGEE_APP_PATH: &str = "/v1/organizations/acme-prod/developers/dev%40example.com/apps/billing-app";

pub fn apigee_config(base_url: &str) -> apigee_gen::Config {
    apigee_gen::Config {
        apigee_api_management: apigee_gen::ApigeeApiManagement::new(APIGEE_TOKEN).with_base_url(base_url),
    }
}

pub fn apigee_inputs() -> apigee_gen::RotateAppKeyInputs {
    apigee_gen::RotateAppKeyInputs {
        organization_id: APIGEE_ORG.into(),
        developer_id: APIGEE_DEVELOPER.into(),
        app_id: APIGEE_APP.into(),
        new_consumer_key: APIGEE_NEW_KEY.into(),
        new_consumer_secret: APIGEE_NEW_SECRET.into(),
        api_product: APIGEE_PRODUCT.into(),
        old_key_id: APIGEE_OLD_KEY.into(),
    }
}

impl Seed for Apigee {
    type Fake = FakeApigee;
    type Outputs = apigee_gen::RotateAppKeyOutputs;
    type Partial = apigee_gen::RotateAppKeyPartial;
    const WORKFLOW: &'static str = "rotate-app-key";
    const STEPS: &'static [&'static str] = &["getApp", "createKey", "grantProduct", "revokeOldKey"];
    const MINTS_AT: usize = 2;

    async fn start() -> FakeApigee {
        let app = ApigeeApp {
            organization: APIGEE_ORG.into(),
            developer_email: APIGEE_DEVELOPER.into(),
            developer_id: "5f1e2d3c-developer".into(),
            name: APIGEE_APP.into(),
            app_id: "8d7c6b5a-app".into(),
            api_products: vec![APIGEE_PRODUCT.into()],
            credentials: vec![ApigeeKey::new(APIGEE_OLD_KEY, "old-consumer-secret-resume")],
        };
        let seed =
            ApigeeSeed { tokens: vec![APIGEE_TOKEN.into()], products: vec![APIGEE_PRODUCT.into()], apps: vec![app] };
        apigee::start(seed).await.unwrap()
    }

    fn requests(fake: &FakeApigee) -> Vec<RecordedRequest> {
        fake.requests()
    }

    fn recorder(fake: &FakeApigee) -> &Recorder {
        fake.recorder()
    }

    fn base_url(fake: &FakeApigee) -> String {
        fake.base_url.clone()
    }

    async fn run_on(client: &Client, base_url: &str) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        apigee_gen::rotate_app_key(client, &apigee_config(base_url), &apigee_inputs()).await
    }

    async fn resume(fake: &FakeApigee, checkpoint: Checkpoint) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        apigee_gen::resume_rotate_app_key(&Client::new(), &apigee_config(&fake.base_url), &apigee_inputs(), checkpoint)
            .await
    }

    fn step_requests() -> Vec<(&'static str, &'static str, String)> {
        let keys = format!("{APIGEE_APP_PATH}/keys");
        vec![
            ("apigee", "GET", APIGEE_APP_PATH.to_owned()),
            ("apigee", "POST", keys.clone()),
            // The consumer keys percent-encoded by hand: `+` %2B, `/` %2F, `=` %3D.
            ("apigee", "PUT", format!("{keys}/NewKey%2B%2F%3DB2")),
            ("apigee", "DELETE", format!("{keys}/oldKey%2B%2F%3DA1")),
        ]
    }

    fn new_secret(fake: &FakeApigee) -> Option<String> {
        let created = fake.key(APIGEE_ORG, APIGEE_DEVELOPER, APIGEE_APP, APIGEE_NEW_KEY);
        created.map(|key| key.consumer_secret)
    }

    fn assert_rotated(fake: &FakeApigee, outputs: &Self::Outputs) {
        let app = fake.app(APIGEE_ORG, APIGEE_DEVELOPER, APIGEE_APP).unwrap();
        let keys: Vec<&str> = app.credentials.iter().map(|key| key.consumer_key.as_str()).collect();
        assert_eq!(keys, [APIGEE_NEW_KEY], "exactly the new key, the old one revoked");
        assert_eq!(app.credentials[0].consumer_secret, APIGEE_NEW_SECRET);
        assert_eq!(app.credentials[0].api_products, [(APIGEE_PRODUCT.to_owned(), "approved".to_owned())]);
        assert_eq!(outputs.created_key.expose_secret(), APIGEE_NEW_KEY);
        assert_eq!(outputs.key_status, "approved");
        assert_eq!(outputs.revoked_key.expose_secret(), APIGEE_OLD_KEY);
    }
}

// ---- Backblaze: authorize (auth server), createReplacementKey, deleteOldKey (API server) ----

pub struct Backblaze;

const B2_ACCOUNT: &str = "acct-resume-7f6e5d";
const B2_MASTER_ID: &str = "0014a98f9d9e8d0000000000";
const B2_MASTER_KEY: &str = "K001masterAppKeyResume";
const B2_OLD_ID: &str = "0014a98f9d9e8d0000000007";

fn b2_key(id: &str, key: &str, name: &str, capabilities: &[&str]) -> B2Key {
    B2Key {
        application_key_id: id.into(),
        application_key: key.into(),
        key_name: name.into(),
        capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
    }
}

pub fn backblaze_config(base_url: &str) -> backblaze_gen::Config {
    let credentials = BasicCredentials::new(B2_MASTER_ID, SecretString::from(B2_MASTER_KEY));
    backblaze_gen::Config { backblaze_b2: backblaze_gen::BackblazeB2::new(credentials).with_base_url(base_url) }
}

pub fn backblaze_inputs() -> backblaze_gen::RotateApplicationKeyInputs {
    backblaze_gen::RotateApplicationKeyInputs {
        key_name: "backup-2024".into(),
        capabilities: vec!["readFiles".into(), "writeFiles".into()],
        old_application_key_id: B2_OLD_ID.into(),
    }
}

impl Seed for Backblaze {
    type Fake = FakeBackblaze;
    type Outputs = backblaze_gen::RotateApplicationKeyOutputs;
    type Partial = backblaze_gen::RotateApplicationKeyPartial;
    const WORKFLOW: &'static str = "rotate-application-key";
    const STEPS: &'static [&'static str] = &["authorize", "createReplacementKey", "deleteOldKey"];
    const MINTS_AT: usize = 2;

    async fn start() -> FakeBackblaze {
        let keys = vec![
            b2_key(B2_MASTER_ID, B2_MASTER_KEY, "master", &["listKeys", "writeKeys", "deleteKeys"]),
            b2_key(B2_OLD_ID, "K001oldAppKeyResume", "backup-2023", &["readFiles", "writeFiles"]),
        ];
        backblaze::start(BackblazeSeed { account_id: B2_ACCOUNT.into(), keys }).await.unwrap()
    }

    fn requests(fake: &FakeBackblaze) -> Vec<RecordedRequest> {
        fake.requests()
    }

    fn recorder(fake: &FakeBackblaze) -> &Recorder {
        fake.recorder()
    }

    fn base_url(fake: &FakeBackblaze) -> String {
        fake.base_url.clone()
    }

    async fn run_on(client: &Client, base_url: &str) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        backblaze_gen::rotate_application_key(client, &backblaze_config(base_url), &backblaze_inputs()).await
    }

    async fn resume(
        fake: &FakeBackblaze,
        checkpoint: Checkpoint,
    ) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        let (config, inputs) = (backblaze_config(&fake.base_url), backblaze_inputs());
        backblaze_gen::resume_rotate_application_key(&Client::new(), &config, &inputs, checkpoint).await
    }

    fn step_requests() -> Vec<(&'static str, &'static str, String)> {
        vec![
            ("auth", "GET", "/b2api/v4/b2_authorize_account".to_owned()),
            ("api", "POST", "/b2api/v4/b2_create_key".to_owned()),
            ("api", "POST", "/b2api/v4/b2_delete_key".to_owned()),
        ]
    }

    fn new_secret(fake: &FakeBackblaze) -> Option<String> {
        let created = fake.keys().into_iter().find(|key| key.key_name == "backup-2024");
        created.map(|key| key.application_key)
    }

    fn assert_rotated(fake: &FakeBackblaze, outputs: &Self::Outputs) {
        let keys = fake.keys();
        let names: Vec<&str> = keys.iter().map(|key| key.key_name.as_str()).collect();
        assert_eq!(names, ["master", "backup-2024"], "exactly one new key, the old one deleted");
        let created = &keys[1];
        assert_eq!(outputs.new_application_key_id, created.application_key_id);
        assert_eq!(outputs.new_application_key.expose_secret(), created.application_key);
        assert_eq!(outputs.deleted_key_id, B2_OLD_ID);
        // One token: the resumed run used the one the replayed `authorize` returned (when
        // `authorize` itself failed, the injected 500 issued none and the resumed run got it).
        assert_eq!(fake.issued_tokens().len(), 1);
    }
}

// ---- Deepgram: createReplacementKey, verifyReplacement, deleteOldKey ----

pub struct Deepgram;

pub const DG_PROJECT: &str = "3f2d1c0b-5a49-4e3d-8c7b-6a5f4e3d2c1b";
pub const DG_ADMIN_ID: &str = "admin-key-id";
pub const DG_ADMIN_SECRET: &str = "dg_admin_resume_secret_0123456789";
pub const DG_OLD_ID: &str = "old key/1";

fn dg_key(id: &str, secret: &str, comment: &str) -> DeepgramKey {
    DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: comment.into(),
        scopes: vec!["member".into()],
        created: "2024-01-01T00:00:00Z".into(),
    }
}

fn deepgram_config(base_url: &str) -> deepgram_gen::Config {
    deepgram_gen::Config { management_api: deepgram_gen::ManagementApi::new().with_base_url(base_url) }
}

pub fn deepgram_inputs() -> deepgram_gen::RotateProjectKeyInputs {
    deepgram_gen::RotateProjectKeyInputs {
        api_key: DG_ADMIN_SECRET.into(),
        project_id: DG_PROJECT.into(),
        old_key_id: DG_OLD_ID.into(),
        comment: "rotated 2024-06".into(),
        scopes: vec!["usage:write".into()],
    }
}

impl Seed for Deepgram {
    type Fake = FakeDeepgram;
    type Outputs = deepgram_gen::RotateProjectKeyOutputs;
    type Partial = deepgram_gen::RotateProjectKeyPartial;
    const WORKFLOW: &'static str = "rotate-project-key";
    const STEPS: &'static [&'static str] = &["createReplacementKey", "verifyReplacement", "deleteOldKey"];
    const MINTS_AT: usize = 1;

    async fn start() -> FakeDeepgram {
        let keys =
            vec![dg_key(DG_ADMIN_ID, DG_ADMIN_SECRET, "admin"), dg_key(DG_OLD_ID, "dg_old_resume_secret", "old")];
        deepgram::start(DeepgramSeed { projects: vec![DeepgramProject { project_id: DG_PROJECT.into(), keys }] })
            .await
            .unwrap()
    }

    fn requests(fake: &FakeDeepgram) -> Vec<RecordedRequest> {
        fake.requests()
    }

    fn recorder(fake: &FakeDeepgram) -> &Recorder {
        fake.recorder()
    }

    fn base_url(fake: &FakeDeepgram) -> String {
        fake.base_url.clone()
    }

    async fn run_on(client: &Client, base_url: &str) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        deepgram_gen::rotate_project_key(client, &deepgram_config(base_url), &deepgram_inputs()).await
    }

    async fn resume(
        fake: &FakeDeepgram,
        checkpoint: Checkpoint,
    ) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        let (config, inputs) = (deepgram_config(&fake.base_url), deepgram_inputs());
        deepgram_gen::resume_rotate_project_key(&Client::new(), &config, &inputs, checkpoint).await
    }

    fn step_requests() -> Vec<(&'static str, &'static str, String)> {
        let keys = format!("/v1/projects/{DG_PROJECT}/keys");
        vec![
            ("deepgram", "POST", keys.clone()),
            ("deepgram", "GET", keys.clone()),
            // "old key/1" as one path segment.
            ("deepgram", "DELETE", format!("{keys}/old%20key%2F1")),
        ]
    }

    fn new_secret(fake: &FakeDeepgram) -> Option<String> {
        let created = fake.keys(DG_PROJECT).into_iter().find(|key| key.comment == "rotated 2024-06");
        created.map(|key| key.secret)
    }

    fn assert_rotated(fake: &FakeDeepgram, outputs: &Self::Outputs) {
        let keys = fake.keys(DG_PROJECT);
        let comments: Vec<&str> = keys.iter().map(|key| key.comment.as_str()).collect();
        assert_eq!(comments, ["admin", "rotated 2024-06"], "exactly one new key, the old one deleted");
        assert_eq!(outputs.new_key_id, keys[1].api_key_id);
        assert_eq!(outputs.new_key_secret.expose_secret(), keys[1].secret);
        assert_eq!(outputs.deleted_key_id, DG_OLD_ID);
    }
}

// ---- PropelAuth: findActiveKey, revokeKey, issueNewKey ----

pub struct PropelAuth;

const PA_BACKEND_KEY: &str = "bk_resume_4f6c1d0a9b8e7f6a";
const PA_USER: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";
const PA_OLDER: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const PA_LATEST: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn propel_key(id: &str, created_at: i64) -> PropelKey {
    PropelKey {
        api_key_id: id.into(),
        token: format!("tok_{id}"),
        user_id: Some(PA_USER.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    }
}

fn propelauth_config(base_url: &str) -> propelauth_gen::Config {
    propelauth_gen::Config { api_keys_api: propelauth_gen::ApiKeysApi::new().with_base_url(base_url) }
}

pub fn propelauth_inputs() -> propelauth_gen::RotateUserApiKeyInputs {
    propelauth_gen::RotateUserApiKeyInputs {
        backend_api_key: PA_BACKEND_KEY.into(),
        user_id: PA_USER.into(),
        expires_at_seconds: None,
    }
}

impl Seed for PropelAuth {
    type Fake = FakePropelAuth;
    type Outputs = propelauth_gen::RotateUserApiKeyOutputs;
    type Partial = propelauth_gen::RotateUserApiKeyPartial;
    const WORKFLOW: &'static str = "rotate-user-api-key";
    const STEPS: &'static [&'static str] = &["findActiveKey", "revokeKey", "issueNewKey"];
    const MINTS_AT: usize = 3;

    async fn start() -> FakePropelAuth {
        let seed = PropelSeed {
            backend_api_keys: vec![PA_BACKEND_KEY.into()],
            keys: vec![propel_key(PA_OLDER, 1_700_000_100), propel_key(PA_LATEST, 1_700_000_200)],
            now: 1_700_000_500,
        };
        propelauth::start(seed).await.unwrap()
    }

    fn requests(fake: &FakePropelAuth) -> Vec<RecordedRequest> {
        fake.requests()
    }

    fn recorder(fake: &FakePropelAuth) -> &Recorder {
        fake.recorder()
    }

    fn base_url(fake: &FakePropelAuth) -> String {
        fake.base_url.clone()
    }

    async fn run_on(client: &Client, base_url: &str) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        propelauth_gen::rotate_user_api_key(client, &propelauth_config(base_url), &propelauth_inputs()).await
    }

    async fn resume(
        fake: &FakePropelAuth,
        checkpoint: Checkpoint,
    ) -> Result<Self::Outputs, WorkflowError<Self::Partial>> {
        let (config, inputs) = (propelauth_config(&fake.base_url), propelauth_inputs());
        propelauth_gen::resume_rotate_user_api_key(&Client::new(), &config, &inputs, checkpoint).await
    }

    fn step_requests() -> Vec<(&'static str, &'static str, String)> {
        let keys = "/api/backend/v1/end_user_api_keys";
        vec![
            ("propelauth", "GET", keys.to_owned()),
            ("propelauth", "DELETE", format!("{keys}/{PA_LATEST}")),
            ("propelauth", "POST", keys.to_owned()),
        ]
    }

    fn new_secret(fake: &FakePropelAuth) -> Option<String> {
        let created = fake.keys().into_iter().find(|key| key.api_key_id != PA_OLDER && key.api_key_id != PA_LATEST);
        created.map(|key| key.token)
    }

    fn assert_rotated(fake: &FakePropelAuth, outputs: &Self::Outputs) {
        // Had `findActiveKey` been sent again after the revocation, it would have found OLDER and
        // revoked that too: resuming is what keeps OLDER.
        let keys = fake.keys();
        let ids: Vec<&str> = keys.iter().map(|key| key.api_key_id.as_str()).collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        assert_eq!(ids[0], PA_OLDER, "the latest key revoked, the older one kept");
        assert_eq!(outputs.revoked_key_id, PA_LATEST);
        assert_eq!(outputs.new_key_id, keys[1].api_key_id);
        assert_eq!(outputs.new_key_token.expose_secret(), keys[1].token);
    }
}
