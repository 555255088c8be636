//! One run of each seed workflow against a fresh fake, with an optional injected failure, and the
//! secrets involved: the ones held before (credentials, secret inputs, the fake's seeded keys)
//! and the ones the fake minted, read from its state after the run.

use arazzo_runtime::{BasicCredentials, Client, SecretString};
use arazzo_tests::{apigee, backblaze, deepgram, propelauth, svix};

use super::{Fault, Outcome, Step, exposed};

/// Installs `fault` on a fake.
macro_rules! inject {
    ($fake:expr, $fault:expr) => {
        if let Some(Fault { operation, failure }) = $fault {
            $fake.fail_operation(operation, failure);
        }
    };
}

const fn step(id: &'static str, operation: &'static str, empty_200_fails: bool) -> Step {
    Step { id, operation, empty_200_fails }
}

pub const SVIX_STEPS: &[Step] = &[
    step("getIntegration", "v1.integration.get", true),
    step("rotateKey", "v1.integration.rotate-key", true),
    step("getKey", "v1.integration.get-key", true),
];

pub async fn svix(fault: Option<Fault>) -> Outcome {
    use arazzo_generated::svix_rotate_integration_key::{
        Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key,
    };
    use svix::{SvixApp, SvixIntegration, SvixSeed};

    const TOKEN: &str = "testsk_leaks_bearer_7d41c0";
    const APP: &str = "app_leaks_2Xm5gXQj3mcv";
    const INTEG: &str = "integ_leaks_1srOrx2ZWZ";
    const ORIGINAL_KEY: &str = "integsk_leaks_original_kV3ts5tKPNJN";

    let integration = SvixIntegration {
        id: INTEG.into(),
        name: "Payments".into(),
        key: ORIGINAL_KEY.into(),
        feature_flags: vec![],
        created_at: "2024-03-01T10:00:00Z".into(),
        updated_at: "2024-03-02T10:00:00Z".into(),
    };
    let seed = SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: vec![SvixApp { id: APP.into(), uid: None, integrations: vec![integration] }],
    };
    let fake = svix::start(seed).await.unwrap();
    inject!(fake, fault);
    let config = Config { svix_api: SvixApi::new(SecretString::from(TOKEN)).with_base_url(&fake.base_url) };
    let inputs = RotateIntegrationKeyInputs { app_id: APP.into(), integration_id: INTEG.into() };
    let result = rotate_integration_key(&Client::new(), &config, &inputs).await;

    let mut outcome = Outcome::new(&result, &config);
    outcome.client_secrets = vec![TOKEN.into()];
    outcome.fake_secrets = vec![ORIGINAL_KEY.into()];
    let current = fake.current_key(APP, INTEG).unwrap();
    if current != ORIGINAL_KEY {
        outcome.minted.push(current);
    }
    outcome.must_keep = outcome.minted.clone();
    outcome.handed_back = match &result {
        Ok(outputs) => vec![outputs.integration_key.expose_secret().to_owned()],
        Err(error) => exposed([&error.partial().integration_key, &error.partial().rotate_key_rotated_key]),
    };
    outcome
}

pub const PROPELAUTH_STEPS: &[Step] = &[
    step("findActiveKey", "fetchActiveApiKeys", true),
    // Checks for 200 and reads nothing: `200 {}` passes.
    step("revokeKey", "deleteApiKey", false),
    step("issueNewKey", "createApiKey", true),
];

pub async fn propelauth(fault: Option<Fault>) -> Outcome {
    use arazzo_generated::propelauth_rotate_user_api_key::{
        ApiKeysApi, Config, RotateUserApiKeyInputs, rotate_user_api_key,
    };
    use propelauth::{Presence, PropelKey, PropelSeed};

    const BACKEND_KEY: &str = "bk_leaks_4f6c1d0a9b8e7f6a";
    const USER: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";

    let key = |id: &str, created_at| PropelKey {
        api_key_id: id.into(),
        token: format!("tok_leaks_{id}"),
        user_id: Some(USER.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    };
    let seeded = vec![
        key("a1b2c3d4e5f60718293a4b5c6d7e8f90", 1_700_000_100),
        key("0f1e2d3c4b5a69788796a5b4c3d2e1f0", 1_700_000_200),
    ];
    let seeded_tokens: Vec<String> = seeded.iter().map(|key| key.token.clone()).collect();
    let seed = PropelSeed { backend_api_keys: vec![BACKEND_KEY.into()], keys: seeded, now: 1_700_000_500 };
    let fake = propelauth::start(seed).await.unwrap();
    inject!(fake, fault);
    let config = Config { api_keys_api: ApiKeysApi::new().with_base_url(&fake.base_url) };
    let inputs = RotateUserApiKeyInputs {
        backend_api_key: SecretString::from(BACKEND_KEY),
        user_id: USER.into(),
        expires_at_seconds: Some(1_800_000_000),
    };
    let result = rotate_user_api_key(&Client::new(), &config, &inputs).await;

    let mut outcome = Outcome::new(&result, &config);
    outcome.client_secrets = vec![BACKEND_KEY.into()];
    outcome.fake_secrets = seeded_tokens.clone();
    outcome.minted =
        fake.keys().into_iter().map(|key| key.token).filter(|token| !seeded_tokens.contains(token)).collect();
    outcome.must_keep = outcome.minted.clone();
    outcome.handed_back = match &result {
        Ok(outputs) => vec![outputs.new_key_token.expose_secret().to_owned()],
        Err(error) => exposed([&error.partial().new_key_token]),
    };
    outcome
}

pub const DEEPGRAM_STEPS: &[Step] = &[
    step("createReplacementKey", "createProjectKey", true),
    step("verifyReplacement", "listProjectKeys", true),
    // Expects 204: `200 {}` fails the criterion.
    step("deleteOldKey", "deleteProjectKey", true),
];

pub async fn deepgram(fault: Option<Fault>) -> Outcome {
    use arazzo_generated::deepgram_rotate_project_key::{
        Config, ManagementApi, RotateProjectKeyInputs, rotate_project_key,
    };
    use deepgram::{DeepgramKey, DeepgramProject, DeepgramSeed};

    const PROJECT: &str = "3f2d1c0b-5a49-4e3d-8c7b-6a5f4e3d2c1b";
    const ADMIN_SECRET: &str = "dg_leaks_admin_secret_0123456789";
    const OLD_ID: &str = "old-key-leaks";
    const OLD_SECRET: &str = "dg_leaks_old_secret_9876543210";

    let key = |id: &str, secret: &str| DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: "seeded".into(),
        scopes: vec!["member".into()],
        created: "2024-01-01T00:00:00Z".into(),
    };
    let seed = DeepgramSeed {
        projects: vec![DeepgramProject {
            project_id: PROJECT.into(),
            keys: vec![key("admin-key-leaks", ADMIN_SECRET), key(OLD_ID, OLD_SECRET)],
        }],
    };
    let fake = deepgram::start(seed).await.unwrap();
    inject!(fake, fault);
    let config = Config { management_api: ManagementApi::new().with_base_url(&fake.base_url) };
    let inputs = RotateProjectKeyInputs {
        api_key: SecretString::from(ADMIN_SECRET),
        project_id: PROJECT.into(),
        old_key_id: OLD_ID.into(),
        comment: "rotated by the leak test".into(),
        scopes: vec!["usage:write".into()],
    };
    let result = rotate_project_key(&Client::new(), &config, &inputs).await;

    let mut outcome = Outcome::new(&result, &config);
    outcome.client_secrets = vec![ADMIN_SECRET.into()];
    outcome.fake_secrets = vec![OLD_SECRET.into()];
    outcome.minted = fake
        .keys(PROJECT)
        .into_iter()
        .map(|key| key.secret)
        .filter(|secret| secret != ADMIN_SECRET && secret != OLD_SECRET)
        .collect();
    outcome.must_keep = outcome.minted.clone();
    outcome.handed_back = match &result {
        Ok(outputs) => vec![outputs.new_key_secret.expose_secret().to_owned()],
        Err(error) => exposed([&error.partial().new_key_secret]),
    };
    outcome
}

pub const APIGEE_STEPS: &[Step] = &[
    step("getApp", "getDeveloperApp", true),
    step("createKey", "createDeveloperAppKey", true),
    step("grantProduct", "updateDeveloperAppKey", true),
    step("revokeOldKey", "deleteDeveloperAppKey", true),
];

pub async fn apigee(fault: Option<Fault>) -> Outcome {
    use apigee::{ApigeeApp, ApigeeKey, ApigeeSeed};
    use arazzo_generated::apigee_rotate_app_key::{ApigeeApiManagement, Config, RotateAppKeyInputs, rotate_app_key};

    const TOKEN: &str = "ya29.leaks-oauth-access-token";
    const ORG: &str = "acme-prod";
    const DEVELOPER: &str = "dev@example.com";
    const APP: &str = "billing-app";
    const PRODUCT: &str = "payments-gold";
    // Consumer keys with characters a path segment must encode, so the encoded forms are searched too.
    const OLD_KEY: &str = "leaksOldKey+/=A1";
    const OLD_SECRET: &str = "leaks-old-consumer-secret";
    const NEW_KEY: &str = "leaksNewKey+/=B2";
    const NEW_SECRET: &str = "leaks-new-consumer-secret";

    let seed = ApigeeSeed {
        tokens: vec![TOKEN.into()],
        products: vec![PRODUCT.into()],
        apps: vec![ApigeeApp {
            organization: ORG.into(),
            developer_email: DEVELOPER.into(),
            developer_id: "5f1e2d3c-developer".into(),
            name: APP.into(),
            app_id: "8d7c6b5a-app".into(),
            api_products: vec![PRODUCT.into()],
            credentials: vec![ApigeeKey::new(OLD_KEY, OLD_SECRET)],
        }],
    };
    let fake = apigee::start(seed).await.unwrap();
    inject!(fake, fault);
    let config = Config {
        apigee_api_management: ApigeeApiManagement::new(SecretString::from(TOKEN)).with_base_url(&fake.base_url),
    };
    let inputs = RotateAppKeyInputs {
        organization_id: ORG.into(),
        developer_id: DEVELOPER.into(),
        app_id: APP.into(),
        new_consumer_key: SecretString::from(NEW_KEY),
        new_consumer_secret: SecretString::from(NEW_SECRET),
        api_product: PRODUCT.into(),
        old_key_id: OLD_KEY.into(),
    };
    let result = rotate_app_key(&Client::new(), &config, &inputs).await;

    let mut outcome = Outcome::new(&result, &config);
    outcome.client_secrets = vec![TOKEN.into(), NEW_KEY.into(), NEW_SECRET.into()];
    // The old key is an input, but not a secret one (`oldKeyId`), so the client cannot know to
    // hide it; the workflow outputs it as the secret `revokedKey`, so it is searched for too.
    outcome.fake_secrets = vec![OLD_KEY.into(), OLD_SECRET.into()];
    // The fake stores the consumer key the workflow sent: once created, the caller must get it back.
    let created = fake.key(ORG, DEVELOPER, APP, NEW_KEY).map(|key| key.consumer_key);
    outcome.must_keep = created.into_iter().collect();
    outcome.handed_back = match &result {
        Ok(outputs) => vec![outputs.created_key.expose_secret().to_owned()],
        Err(error) => exposed([&error.partial().created_key, &error.partial().revoked_key]),
    };
    outcome
}

pub const BACKBLAZE_STEPS: &[Step] = &[
    step("authorize", "authorizeAccount", true),
    step("createReplacementKey", "createKey", true),
    step("deleteOldKey", "deleteKey", true),
];

pub async fn backblaze(fault: Option<Fault>) -> Outcome {
    use arazzo_generated::backblaze_rotate_application_key::{
        BackblazeB2, Config, RotateApplicationKeyInputs, rotate_application_key,
    };
    use backblaze::{B2Key, BackblazeSeed};

    const MASTER_ID: &str = "0014a98f9d9e8d0000000042";
    const MASTER_KEY: &str = "K001leaksMasterKey42";
    /// base64 of `MASTER_ID:MASTER_KEY`, from `printf %s '…:…' | base64`.
    const MASTER_BASIC: &str = "MDAxNGE5OGY5ZDllOGQwMDAwMDAwMDQyOkswMDFsZWFrc01hc3RlcktleTQy";
    const OLD_ID: &str = "0014a98f9d9e8d0000000007";
    const OLD_KEY: &str = "K001leaksOldAppKey07";

    let key = |id: &str, secret: &str, name: &str, capabilities: &[&str]| B2Key {
        application_key_id: id.into(),
        application_key: secret.into(),
        key_name: name.into(),
        capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
    };
    let seed = BackblazeSeed {
        account_id: "acct-leaks-7f6e5d".into(),
        keys: vec![
            key(MASTER_ID, MASTER_KEY, "master", &["listKeys", "writeKeys", "deleteKeys"]),
            key(OLD_ID, OLD_KEY, "backup-2023", &["readFiles"]),
        ],
    };
    let fake = backblaze::start(seed).await.unwrap();
    inject!(fake, fault);
    let credentials = BasicCredentials::new(MASTER_ID, SecretString::from(MASTER_KEY));
    let config = Config { backblaze_b2: BackblazeB2::new(credentials).with_base_url(&fake.base_url) };
    let inputs = RotateApplicationKeyInputs {
        key_name: "backup-2024".into(),
        capabilities: vec!["readFiles".into()],
        old_application_key_id: OLD_ID.into(),
    };
    let result = rotate_application_key(&Client::new(), &config, &inputs).await;

    let mut outcome = Outcome::new(&result, &config);
    outcome.client_secrets = vec![MASTER_KEY.into(), format!("{MASTER_ID}:{MASTER_KEY}"), MASTER_BASIC.into()];
    outcome.fake_secrets = vec![OLD_KEY.into()];
    let tokens = fake.issued_tokens();
    let keys: Vec<String> = fake
        .keys()
        .into_iter()
        .map(|key| key.application_key)
        .filter(|secret| secret != MASTER_KEY && secret != OLD_KEY)
        .collect();
    outcome.minted = [tokens.clone(), keys.clone()].concat();
    outcome.handed_back = match &result {
        Ok(outputs) => vec![outputs.new_application_key.expose_secret().to_owned()],
        Err(error) => exposed([&error.partial().new_application_key, &error.partial().authorize_authorization_token]),
    };
    // A successful run hands back the new key; the token it used is no workflow output and
    // is not kept then, but a failed run keeps it with the partial outputs.
    outcome.must_keep = if result.is_ok() { keys } else { outcome.minted.clone() };
    outcome
}
