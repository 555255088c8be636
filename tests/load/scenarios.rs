//! The five seeds as load scenarios: a fake seeded with one resource per rotation (every name carries
//! `-load-<index>`, see `owner`), the workflow call for one rotation, and the check of its outputs.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use arazzo_generated::{
    apigee_rotate_app_key as apigee_wf, backblaze_rotate_application_key as b2_wf,
    deepgram_rotate_project_key as deepgram_wf, propelauth_rotate_user_api_key as propel_wf,
    svix_rotate_integration_key as svix_wf,
};
use arazzo_runtime::{BasicCredentials, Client, SecretString};
use arazzo_tests::apigee::{self, ApigeeApp, ApigeeKey, ApigeeSeed, FakeApigee};
use arazzo_tests::backblaze::{self, B2Key, BackblazeSeed, FakeBackblaze};
use arazzo_tests::deepgram::{self, DeepgramKey, DeepgramProject, DeepgramSeed, FakeDeepgram};
use arazzo_tests::propelauth::{self, FakePropelAuth, Presence, PropelKey, PropelSeed};
use arazzo_tests::svix::{self, FakeSvix, SvixApp, SvixIntegration, SvixSeed};
use arazzo_tests::{RecordedRequest, Recorder};

use super::Scenario;

/// `Err(message)` unless `actual == expected`; names only non-secret values.
fn same<T: PartialEq + std::fmt::Debug>(what: &str, actual: T, expected: T) -> Result<(), String> {
    if actual == expected { Ok(()) } else { Err(format!("{what}: {actual:?}, expected {expected:?}")) }
}

/// `Err(message)` unless a returned secret equals the stored one; never prints either.
fn same_secret(what: &str, returned: &SecretString, stored: &str) -> Result<(), String> {
    if returned.expose_secret() == stored {
        Ok(())
    } else {
        Err(format!("returned {what} differs from the stored one"))
    }
}

fn failed(error: impl std::fmt::Display) -> String {
    // Workflow errors name the workflow and step and never print a secret.
    error.to_string()
}

pub struct Svix {
    fake: FakeSvix,
    config: Arc<svix_wf::Config>,
}

impl Svix {
    fn app(index: usize) -> String {
        format!("app-load-{index}")
    }
    fn integration(index: usize) -> String {
        format!("integ-load-{index}")
    }
    fn original_key(index: usize) -> String {
        format!("integsk_original_load_{index}")
    }
}

impl Scenario for Svix {
    type Output = svix_wf::RotateIntegrationKeyOutputs;
    type Snapshot = ();
    // getIntegration, rotateKey, getKey.
    const STEPS: usize = 3;
    const SHARED_STEPS: usize = 0;

    async fn start(rotations: usize) -> std::io::Result<Self> {
        const TOKEN: &str = "testsk_load_bearer_token";
        let apps = (0..rotations)
            .map(|i| SvixApp {
                id: Svix::app(i),
                uid: None,
                integrations: vec![SvixIntegration {
                    id: Svix::integration(i),
                    name: format!("Integration {i}"),
                    key: Svix::original_key(i),
                    feature_flags: Vec::new(),
                    created_at: "2024-03-01T10:00:00Z".into(),
                    updated_at: "2024-03-02T10:00:00Z".into(),
                }],
            })
            .collect();
        let fake = svix::start(SvixSeed { tokens: vec![TOKEN.into()], apps }).await?;
        let config = svix_wf::Config {
            svix_api: svix_wf::SvixApi::new(SecretString::from(TOKEN)).with_base_url(&fake.base_url),
        };
        Ok(Svix { fake, config: Arc::new(config) })
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
    fn requests(&self) -> Vec<RecordedRequest> {
        self.fake.requests()
    }
    fn ports(&self) -> Vec<u16> {
        vec![self.fake.handle.addr.port()]
    }

    fn rotate(
        &self,
        client: Client,
        index: usize,
    ) -> impl Future<Output = Result<Self::Output, String>> + Send + 'static {
        let config = self.config.clone();
        let inputs =
            svix_wf::RotateIntegrationKeyInputs { app_id: Svix::app(index), integration_id: Svix::integration(index) };
        async move { svix_wf::rotate_integration_key(&client, &config, &inputs).await.map_err(failed) }
    }

    fn snapshot(&self) {}

    fn check(&self, _: &(), index: usize, output: &Self::Output) -> Result<String, String> {
        same("integration id", output.integration_id.as_str(), &Svix::integration(index))?;
        let stored =
            self.fake.current_key(&Svix::app(index), &Svix::integration(index)).ok_or("integration is gone")?;
        same_secret("key", &output.integration_key, &stored)?;
        if stored == Svix::original_key(index) {
            return Err("the key was not rotated".into());
        }
        Ok(stored)
    }

    fn check_totals(&self, succeeded: usize) -> Result<(), String> {
        same("rotations counted by the fake", self.fake.rotations(), succeeded as u64)
    }
}

pub struct PropelAuth {
    fake: FakePropelAuth,
    config: Arc<propel_wf::Config>,
}

const PROPEL_BACKEND_KEY: &str = "bk_load_backend_key";

impl PropelAuth {
    fn user(index: usize) -> String {
        format!("user-load-{index}")
    }
    fn old_key(index: usize) -> String {
        format!("old-load-{index}")
    }
}

impl Scenario for PropelAuth {
    type Output = propel_wf::RotateUserApiKeyOutputs;
    type Snapshot = ();
    // findActiveKey, revokeKey, issueNewKey.
    const STEPS: usize = 3;
    const SHARED_STEPS: usize = 0;

    async fn start(rotations: usize) -> std::io::Result<Self> {
        let keys = (0..rotations)
            .map(|i| PropelKey {
                api_key_id: PropelAuth::old_key(i),
                token: format!("tok_old_load_{i}"),
                user_id: Some(PropelAuth::user(i)),
                org_id: None,
                created_at: 1_700_000_000,
                expires_at_seconds: Presence::Absent,
                metadata: None,
            })
            .collect();
        let fake = propelauth::start(PropelSeed {
            backend_api_keys: vec![PROPEL_BACKEND_KEY.into()],
            keys,
            now: 1_800_000_000,
        })
        .await?;
        let config = propel_wf::Config { api_keys_api: propel_wf::ApiKeysApi::new().with_base_url(&fake.base_url) };
        Ok(PropelAuth { fake, config: Arc::new(config) })
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
    fn requests(&self) -> Vec<RecordedRequest> {
        self.fake.requests()
    }
    fn ports(&self) -> Vec<u16> {
        vec![self.fake.handle.addr.port()]
    }

    fn rotate(
        &self,
        client: Client,
        index: usize,
    ) -> impl Future<Output = Result<Self::Output, String>> + Send + 'static {
        let config = self.config.clone();
        let inputs = propel_wf::RotateUserApiKeyInputs {
            backend_api_key: SecretString::from(PROPEL_BACKEND_KEY),
            user_id: PropelAuth::user(index),
            expires_at_seconds: None,
        };
        async move { propel_wf::rotate_user_api_key(&client, &config, &inputs).await.map_err(failed) }
    }

    fn snapshot(&self) {}

    fn check(&self, _: &(), index: usize, output: &Self::Output) -> Result<String, String> {
        same("revoked key id", output.revoked_key_id.as_str(), &PropelAuth::old_key(index))?;
        if self.fake.key(&PropelAuth::old_key(index)).is_some() {
            return Err("the old key is still stored".into());
        }
        let stored = self.fake.key(&output.new_key_id).ok_or("the new key is not stored")?;
        same("new key's user", stored.user_id.as_deref(), Some(PropelAuth::user(index).as_str()))?;
        same_secret("token", &output.new_key_token, &stored.token)?;
        Ok(stored.token)
    }
}

pub struct Deepgram {
    fake: FakeDeepgram,
    config: Arc<deepgram_wf::Config>,
}

impl Deepgram {
    fn project(index: usize) -> String {
        format!("proj-load-{index}")
    }
    fn old_key(index: usize) -> String {
        format!("old-load-{index}")
    }
    fn admin_secret(index: usize) -> String {
        format!("dg_admin_secret_{index}")
    }
    fn key(id: String, secret: String) -> DeepgramKey {
        DeepgramKey {
            api_key_id: id,
            secret,
            comment: "seeded".into(),
            scopes: vec!["member".into()],
            created: "2024-01-01T00:00:00Z".into(),
        }
    }
}

impl Scenario for Deepgram {
    type Output = deepgram_wf::RotateProjectKeyOutputs;
    type Snapshot = ();
    // createReplacementKey, verifyReplacement, deleteOldKey.
    const STEPS: usize = 3;
    const SHARED_STEPS: usize = 0;

    async fn start(rotations: usize) -> std::io::Result<Self> {
        // Each project has its own admin key: a key only authenticates for its project.
        let projects = (0..rotations)
            .map(|i| DeepgramProject {
                project_id: Deepgram::project(i),
                keys: vec![
                    Deepgram::key(format!("admin-{i}"), Deepgram::admin_secret(i)),
                    Deepgram::key(Deepgram::old_key(i), format!("dg_old_secret_{i}")),
                ],
            })
            .collect();
        let fake = deepgram::start(DeepgramSeed { projects }).await?;
        let config =
            deepgram_wf::Config { management_api: deepgram_wf::ManagementApi::new().with_base_url(&fake.base_url) };
        Ok(Deepgram { fake, config: Arc::new(config) })
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
    fn requests(&self) -> Vec<RecordedRequest> {
        self.fake.requests()
    }
    fn ports(&self) -> Vec<u16> {
        vec![self.fake.handle.addr.port()]
    }

    fn rotate(
        &self,
        client: Client,
        index: usize,
    ) -> impl Future<Output = Result<Self::Output, String>> + Send + 'static {
        let config = self.config.clone();
        let inputs = deepgram_wf::RotateProjectKeyInputs {
            api_key: SecretString::from(Deepgram::admin_secret(index)),
            project_id: Deepgram::project(index),
            old_key_id: Deepgram::old_key(index),
            comment: format!("rotated {index}"),
            scopes: vec!["usage:write".into()],
        };
        async move { deepgram_wf::rotate_project_key(&client, &config, &inputs).await.map_err(failed) }
    }

    fn snapshot(&self) {}

    fn check(&self, _: &(), index: usize, output: &Self::Output) -> Result<String, String> {
        same("deleted key id", output.deleted_key_id.as_str(), &Deepgram::old_key(index))?;
        let keys = self.fake.keys(&Deepgram::project(index));
        let ids: Vec<&str> = keys.iter().map(|k| k.api_key_id.as_str()).collect();
        same("the project's keys", ids, vec![format!("admin-{index}").as_str(), &output.new_key_id])?;
        let new = keys.last().ok_or("the project has no keys")?;
        same("comment", new.comment.as_str(), &format!("rotated {index}"))?;
        same_secret("key secret", &output.new_key_secret, &new.secret)?;
        Ok(new.secret.clone())
    }
}

pub struct Apigee {
    fake: FakeApigee,
    config: Arc<apigee_wf::Config>,
}

const APIGEE_ORG: &str = "acme";
const APIGEE_DEVELOPER: &str = "dev@example.com";
const APIGEE_PRODUCT: &str = "gold";

impl Apigee {
    fn app(index: usize) -> String {
        format!("app-load-{index}")
    }
    fn old_key(index: usize) -> String {
        format!("old-load-{index}")
    }
    fn new_key(index: usize) -> String {
        format!("new-load-{index}")
    }
    fn new_secret(index: usize) -> String {
        format!("new-secret-load-{index}")
    }
}

impl Scenario for Apigee {
    type Output = apigee_wf::RotateAppKeyOutputs;
    type Snapshot = ();
    // getApp, createKey, grantProduct, revokeOldKey.
    const STEPS: usize = 4;
    const SHARED_STEPS: usize = 0;

    async fn start(rotations: usize) -> std::io::Result<Self> {
        const TOKEN: &str = "ya29.load-oauth-access-token";
        let apps = (0..rotations)
            .map(|i| ApigeeApp {
                organization: APIGEE_ORG.into(),
                developer_email: APIGEE_DEVELOPER.into(),
                developer_id: "developer-1".into(),
                name: Apigee::app(i),
                app_id: format!("app-id-{i}"),
                api_products: vec![APIGEE_PRODUCT.into()],
                credentials: vec![ApigeeKey::new(&Apigee::old_key(i), &format!("old-secret-{i}"))],
            })
            .collect();
        let seed = ApigeeSeed { tokens: vec![TOKEN.into()], products: vec![APIGEE_PRODUCT.into()], apps };
        let fake = apigee::start(seed).await?;
        let config = apigee_wf::Config {
            apigee_api_management: apigee_wf::ApigeeApiManagement::new(SecretString::from(TOKEN))
                .with_base_url(&fake.base_url),
        };
        Ok(Apigee { fake, config: Arc::new(config) })
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
    fn requests(&self) -> Vec<RecordedRequest> {
        self.fake.requests()
    }
    fn ports(&self) -> Vec<u16> {
        vec![self.fake.handle.addr.port()]
    }

    fn rotate(
        &self,
        client: Client,
        index: usize,
    ) -> impl Future<Output = Result<Self::Output, String>> + Send + 'static {
        let config = self.config.clone();
        let inputs = apigee_wf::RotateAppKeyInputs {
            organization_id: APIGEE_ORG.into(),
            developer_id: APIGEE_DEVELOPER.into(),
            app_id: Apigee::app(index),
            new_consumer_key: SecretString::from(Apigee::new_key(index)),
            new_consumer_secret: SecretString::from(Apigee::new_secret(index)),
            api_product: APIGEE_PRODUCT.into(),
            old_key_id: Apigee::old_key(index),
        };
        async move { apigee_wf::rotate_app_key(&client, &config, &inputs).await.map_err(failed) }
    }

    fn snapshot(&self) {}

    fn check(&self, _: &(), index: usize, output: &Self::Output) -> Result<String, String> {
        same_secret("revoked key", &output.revoked_key, &Apigee::old_key(index))?;
        same("key status", output.key_status.as_str(), "approved")?;
        let app = self.fake.app(APIGEE_ORG, APIGEE_DEVELOPER, &Apigee::app(index)).ok_or("the app is gone")?;
        let [key] = app.credentials.as_slice() else {
            return Err(format!("the app has {} keys, expected only the new one", app.credentials.len()));
        };
        same_secret("created key", &output.created_key, &key.consumer_key)?;
        // The new key and secret are inputs: the stored ones must be exactly those sent.
        if key.consumer_key != Apigee::new_key(index) || key.consumer_secret != Apigee::new_secret(index) {
            return Err("the stored key is not the one this rotation created".into());
        }
        same("products", key.api_products.as_slice(), &[(APIGEE_PRODUCT.to_owned(), "approved".to_owned())])?;
        Ok(key.consumer_key.clone())
    }
}

pub struct Backblaze {
    fake: FakeBackblaze,
    config: Arc<b2_wf::Config>,
}

impl Backblaze {
    fn old_key(index: usize) -> String {
        format!("old-load-{index}")
    }
    fn key_name(index: usize) -> String {
        format!("rotated-load-{index}")
    }
}

impl Scenario for Backblaze {
    type Output = b2_wf::RotateApplicationKeyOutputs;
    /// Every key by id: `FakeBackblaze::key` copies all keys, too slow 10,000 times over.
    type Snapshot = HashMap<String, B2Key>;
    // authorize (with the one master key, so it names no resource), createReplacementKey, deleteOldKey.
    const STEPS: usize = 3;
    const SHARED_STEPS: usize = 1;

    async fn start(rotations: usize) -> std::io::Result<Self> {
        const MASTER_ID: &str = "0014a98f9d9e8d0000000000";
        const MASTER_KEY: &str = "K001masterLoadKey";
        let master = B2Key {
            application_key_id: MASTER_ID.into(),
            application_key: MASTER_KEY.into(),
            key_name: "master".into(),
            capabilities: vec!["listKeys".into(), "writeKeys".into(), "deleteKeys".into()],
        };
        let old = (0..rotations).map(|i| B2Key {
            application_key_id: Backblaze::old_key(i),
            application_key: format!("K001old{i}"),
            key_name: format!("backup-{i}"),
            capabilities: vec!["readFiles".into()],
        });
        let keys = std::iter::once(master).chain(old).collect();
        let fake = backblaze::start(BackblazeSeed { account_id: "acct-load".into(), keys }).await?;
        let credentials = BasicCredentials::new(MASTER_ID, SecretString::from(MASTER_KEY));
        let config = b2_wf::Config { backblaze_b2: b2_wf::BackblazeB2::new(credentials).with_base_url(&fake.base_url) };
        Ok(Backblaze { fake, config: Arc::new(config) })
    }

    fn recorder(&self) -> &Recorder {
        self.fake.recorder()
    }
    fn requests(&self) -> Vec<RecordedRequest> {
        self.fake.requests()
    }
    fn ports(&self) -> Vec<u16> {
        vec![self.fake.handle.addr.port(), self.fake.api_handle.addr.port()]
    }

    fn rotate(
        &self,
        client: Client,
        index: usize,
    ) -> impl Future<Output = Result<Self::Output, String>> + Send + 'static {
        let config = self.config.clone();
        let inputs = b2_wf::RotateApplicationKeyInputs {
            key_name: Backblaze::key_name(index),
            capabilities: vec!["readFiles".into()],
            old_application_key_id: Backblaze::old_key(index),
        };
        async move { b2_wf::rotate_application_key(&client, &config, &inputs).await.map_err(failed) }
    }

    fn snapshot(&self) -> HashMap<String, B2Key> {
        self.fake.keys().into_iter().map(|key| (key.application_key_id.clone(), key)).collect()
    }

    fn check(&self, keys: &HashMap<String, B2Key>, index: usize, output: &Self::Output) -> Result<String, String> {
        same("deleted key id", output.deleted_key_id.as_str(), &Backblaze::old_key(index))?;
        if keys.contains_key(&Backblaze::old_key(index)) {
            return Err("the old key is still stored".into());
        }
        let stored = keys.get(&output.new_application_key_id).ok_or("the new key is not stored")?;
        same("key name", stored.key_name.as_str(), &Backblaze::key_name(index))?;
        same_secret("application key", &output.new_application_key, &stored.application_key)?;
        Ok(stored.application_key.clone())
    }
}
