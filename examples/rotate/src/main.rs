//! `arazzo-rotate-demo`: rotate API keys with clients generated from Arazzo workflows.
//!
//! This crate is two things at once:
//!
//! * **An example of the build-script workflow.** `build.rs` hands the five seed workflow
//!   documents (and the Backblaze credentials overlay) to `arazzo_codegen::Builder`, which writes
//!   one module per document to `OUT_DIR`; this file pulls each in with
//!   [`arazzo_runtime::include_workflow!`]. Nothing here uses the prebuilt `arazzo-generated`
//!   crate: the typed `Config`, `…Inputs`, `…Outputs` and workflow functions below are exactly
//!   what a user's crate gets from its own `build.rs`.
//! * **The project's main job.** For each provider it starts the bundled stateful fake from
//!   `arazzo-tests` on 127.0.0.1 (seeded with realistic example data), runs the generated key
//!   rotation against it, and reports every request the fake received and the workflow's outputs.
//!
//! ```text
//! arazzo-rotate-demo [svix|propelauth|deepgram|apigee|backblaze|all]   (default: all)
//! ```
//!
//! Secrets stay secret: outputs are printed with `{:#?}`, where every [`SecretString`] shows as
//! `SecretString([REDACTED])`, and the demo never calls `expose_secret`. A failed workflow prints
//! its error and the outputs known when it failed (e.g. a key created before a later step failed)
//! to stderr and exits with 1; an unknown argument prints the usage and exits with 2.

use std::fmt::Debug;
use std::process::ExitCode;

use arazzo_runtime::{BasicCredentials, Client, SecretString, WorkflowError};
use arazzo_tests::RecordedRequest;

arazzo_runtime::include_workflow!("svix_rotate_integration_key");
arazzo_runtime::include_workflow!("propelauth_rotate_user_api_key");
arazzo_runtime::include_workflow!("deepgram_rotate_project_key");
arazzo_runtime::include_workflow!("apigee_rotate_app_key");
arazzo_runtime::include_workflow!("backblaze_rotate_application_key");

const USAGE: &str = "usage: arazzo-rotate-demo [svix|propelauth|deepgram|apigee|backblaze|all]   (default: all)";

/// Why the demo stopped.
#[derive(Debug)]
enum DemoError {
    /// A fake could not start listening on 127.0.0.1.
    StartFake(std::io::Error),
    /// A workflow failed: its message, and the outputs it had produced by then (`{:#?}`).
    Workflow { message: String, partial: String },
}

impl From<std::io::Error> for DemoError {
    fn from(error: std::io::Error) -> Self {
        DemoError::StartFake(error)
    }
}

/// The providers with a seed workflow, in the order `all` runs them.
#[derive(Clone, Copy, Debug)]
enum Provider {
    Svix,
    PropelAuth,
    Deepgram,
    Apigee,
    Backblaze,
}

impl Provider {
    const ALL: [Provider; 5] =
        [Provider::Svix, Provider::PropelAuth, Provider::Deepgram, Provider::Apigee, Provider::Backblaze];

    fn name(self) -> &'static str {
        match self {
            Provider::Svix => "svix",
            Provider::PropelAuth => "propelauth",
            Provider::Deepgram => "deepgram",
            Provider::Apigee => "apigee",
            Provider::Backblaze => "backblaze",
        }
    }

    async fn rotate(self, client: &Client) -> Result<(), DemoError> {
        match self {
            Provider::Svix => svix(client).await,
            Provider::PropelAuth => propelauth(client).await,
            Provider::Deepgram => deepgram(client).await,
            Provider::Apigee => apigee(client).await,
            Provider::Backblaze => backblaze(client).await,
        }
    }
}

/// The providers named by the command line, `None` when it is not a valid invocation.
fn selection(args: &[String]) -> Option<Vec<Provider>> {
    match args {
        [] => Some(Provider::ALL.to_vec()),
        [name] if name == "all" => Some(Provider::ALL.to_vec()),
        [name] => Provider::ALL.into_iter().find(|p| p.name() == name).map(|p| vec![p]),
        _ => None,
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(providers) = selection(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let client = Client::new();
    let mut succeeded = 0;
    for provider in providers {
        match provider.rotate(&client).await {
            Ok(()) => succeeded += 1,
            Err(DemoError::StartFake(error)) => {
                eprintln!("error: cannot start the local {} fake: {error}", provider.name());
                return ExitCode::FAILURE;
            }
            Err(DemoError::Workflow { message, partial }) => {
                eprintln!("error: {message}");
                eprintln!("outputs known when it failed: {partial}");
                return ExitCode::FAILURE;
            }
        }
        println!();
    }
    println!("rotation complete: {succeeded} workflow(s) succeeded");
    ExitCode::SUCCESS
}

/// Prints which workflow ran against which fake, what the fake received, then the workflow's
/// outputs or, on failure, a [`DemoError`]. Only the method and path of each request are shown
/// (headers and bodies carry credentials), with `secrets` that appear in a path replaced.
fn report<O: Debug, P: Debug>(
    provider: Provider,
    workflow_id: &str,
    base_url: &str,
    requests: &[RecordedRequest],
    secrets: &[&str],
    result: Result<O, WorkflowError<P>>,
) -> Result<(), DemoError> {
    println!("== {}: {workflow_id} against the local fake at {base_url}", provider.name());
    println!("requests received by the fake:");
    for request in requests {
        let path = secrets
            .iter()
            .filter(|s| !s.is_empty())
            .fold(request.path.clone(), |path, secret| path.replace(secret, "[REDACTED]"));
        println!("  {} {path}", request.method);
    }
    let outputs = result.map_err(|error| DemoError::Workflow {
        message: error.to_string(),
        partial: format!("{:#?}", error.partial()),
    })?;
    println!("outputs:\n{outputs:#?}");
    Ok(())
}

/// Svix: rotate an integration's key and read the new key back.
async fn svix(client: &Client) -> Result<(), DemoError> {
    use arazzo_tests::svix::{SvixApp, SvixIntegration, SvixSeed};
    use svix_rotate_integration_key::{Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key};

    let (token, app, integration) =
        ("testsk_Hq3vWx9TzR2mLp0bN8cY.eu", "app_2dZ7nPqR4sVwXyT1aB3cD5eF6gH", "integ_2eK9mLqN3pRsTuVw4xYz5A6bC7d");
    let seed = SvixSeed {
        tokens: vec![token.into()],
        apps: vec![SvixApp {
            id: app.into(),
            uid: Some("billing-portal".into()),
            integrations: vec![SvixIntegration {
                id: integration.into(),
                name: "Zapier".into(),
                key: "integsk_q8Wm3Zt7Kp2Xv9Rn4Ly6Bj1Hc5Dg0Fs".into(),
                feature_flags: vec![],
                created_at: "2024-09-12T08:30:00Z".into(),
                updated_at: "2025-01-06T16:45:00Z".into(),
            }],
        }],
    };
    let fake = arazzo_tests::svix::start(seed).await?;
    let config = Config { svix_api: SvixApi::new(SecretString::from(token)).with_base_url(&fake.base_url) };
    let inputs = RotateIntegrationKeyInputs { app_id: app.into(), integration_id: integration.into() };
    let result = rotate_integration_key(client, &config, &inputs).await;
    report(Provider::Svix, "rotate-integration-key", &fake.base_url, &fake.requests(), &[], result)
}

/// PropelAuth: revoke a user's most recent API key and issue a replacement.
async fn propelauth(client: &Client) -> Result<(), DemoError> {
    use arazzo_tests::propelauth::{Presence, PropelKey, PropelSeed};
    use propelauth_rotate_user_api_key::{ApiKeysApi, Config, RotateUserApiKeyInputs, rotate_user_api_key};

    let backend_key = "8f2c6e9a0b4d7f1e3c5a7b9d2f4e6a8c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d1f";
    let user = "5e3c9a7b-2d4f-4e8a-9b1c-6d0e2f4a8c7b";
    // End-user API key tokens, only ever shown once, when PropelAuth creates them.
    let tokens = [
        "f6cd11312aff5eb7ef950b02ca3e9bb6d1ac8d17559c04c3a517eb789a8079e5",
        "24d8737466094812ac913c199ceef459bbde7d3288eb13a16cad5607bf622973",
    ];
    let key = |id: &str, token: &str, created_at| PropelKey {
        api_key_id: id.into(),
        token: token.into(),
        user_id: Some(user.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    };
    let seed = PropelSeed {
        backend_api_keys: vec![backend_key.into()],
        keys: vec![
            key("1a3c5e7b9d2f4a6c8e0b1d3f5a7c9e2b", tokens[0], 1_717_200_000),
            // The user's most recent key: the one the workflow revokes.
            key("7d9f1b3e5a2c4e6a8b0d2f4c6e8a1b3d", tokens[1], 1_727_800_000),
        ],
        now: 1_736_160_000,
    };
    let fake = arazzo_tests::propelauth::start(seed).await?;
    let config = Config { api_keys_api: ApiKeysApi::new().with_base_url(&fake.base_url) };
    let inputs = RotateUserApiKeyInputs {
        backend_api_key: SecretString::from(backend_key),
        user_id: user.into(),
        expires_at_seconds: Some(1_767_225_600), // 2026-01-01T00:00:00Z
    };
    let result = rotate_user_api_key(client, &config, &inputs).await;
    report(Provider::PropelAuth, "rotate-user-api-key", &fake.base_url, &fake.requests(), &[], result)
}

/// Deepgram: create a replacement project key, check it is listed, delete the old key.
async fn deepgram(client: &Client) -> Result<(), DemoError> {
    use arazzo_tests::deepgram::{DeepgramKey, DeepgramProject, DeepgramSeed};
    use deepgram_rotate_project_key::{Config, ManagementApi, RotateProjectKeyInputs, rotate_project_key};

    let project = "6c2a8f4e-1b3d-4c5e-9a7f-0d2b4e6f8a1c";
    let admin_secret = "3d7f1a9c5e2b8d4f6a0c7e1b9d3f5a8c2e6b4d0f";
    let old_key_id = "4e6a8c0b-2d1f-4b3a-8e5c-7f9a1b3d5e7c";
    let key = |id: &str, secret: &str, comment: &str, scopes: &[&str]| DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: comment.into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        created: "2024-11-04T09:15:00Z".into(),
    };
    let seed = DeepgramSeed {
        projects: vec![DeepgramProject {
            project_id: project.into(),
            keys: vec![
                key("9b1d3f5a-7c2e-4a6b-8d0f-1e3a5c7b9d2f", admin_secret, "key-admin", &["admin", "keys:write"]),
                key(old_key_id, "a2c4e6f8b1d3f5a7c9e0b2d4f6a8c1e3b5d7f9a0", "speech-pipeline", &["usage:write"]),
            ],
        }],
    };
    let fake = arazzo_tests::deepgram::start(seed).await?;
    let config = Config { management_api: ManagementApi::new().with_base_url(&fake.base_url) };
    let inputs = RotateProjectKeyInputs {
        api_key: SecretString::from(admin_secret),
        project_id: project.into(),
        old_key_id: old_key_id.into(),
        comment: "speech-pipeline (rotated 2025-01)".into(),
        scopes: vec!["usage:write".into()],
    };
    let result = rotate_project_key(client, &config, &inputs).await;
    report(Provider::Deepgram, "rotate-project-key", &fake.base_url, &fake.requests(), &[], result)
}

/// Apigee: add a consumer key to a developer app, grant it an API product, revoke the old key.
async fn apigee(client: &Client) -> Result<(), DemoError> {
    use apigee_rotate_app_key::{ApigeeApiManagement, Config, RotateAppKeyInputs, rotate_app_key};
    use arazzo_tests::apigee::{ApigeeApp, ApigeeKey, ApigeeSeed};

    let token = "ya29.a0AfB_byC7kQ2mZ9xR4tV8wN1pL6sJ3hD0fG5eY";
    let (organization, developer, app, product) = ("acme-prod", "ops@acme.example", "billing-portal", "payments-gold");
    // Consumer keys are credentials, and the workflow puts them in request paths (both are
    // URL-safe, so they appear there verbatim and `report` can hide them).
    let (old_key, new_key) = ("Gx7kP2mQ9rT4vW1yZ3bN5cJ8dF0hL6sA", "Hq4nB8vC2xZ6mK1jL9pT3wR7yU5eI0oD");
    let seed = ApigeeSeed {
        tokens: vec![token.into()],
        products: vec![product.into(), "payments-silver".into()],
        apps: vec![ApigeeApp {
            organization: organization.into(),
            developer_email: developer.into(),
            developer_id: "b3e5d7f9-1a2c-4e6b-8d0f-2a4c6e8b0d1f".into(),
            name: app.into(),
            app_id: "f0e1d2c3-b4a5-4968-8776-a5b4c3d2e1f0".into(),
            api_products: vec![product.into()],
            credentials: vec![ApigeeKey::new(old_key, "vR3tY8uI1oP5aS9d")],
        }],
    };
    let fake = arazzo_tests::apigee::start(seed).await?;
    let config = Config {
        apigee_api_management: ApigeeApiManagement::new(SecretString::from(token)).with_base_url(&fake.base_url),
    };
    let inputs = RotateAppKeyInputs {
        organization_id: organization.into(),
        developer_id: developer.into(),
        app_id: app.into(),
        new_consumer_key: SecretString::from(new_key),
        new_consumer_secret: SecretString::from("aZ2xC4vB6nM8qW0e"),
        api_product: product.into(),
        old_key_id: old_key.into(),
    };
    let result = rotate_app_key(client, &config, &inputs).await;
    report(Provider::Apigee, "rotate-app-key", &fake.base_url, &fake.requests(), &[old_key, new_key], result)
}

/// Backblaze B2: authorize on the auth server, then create the new key and delete the old one on
/// the API server it names.
async fn backblaze(client: &Client) -> Result<(), DemoError> {
    use arazzo_tests::backblaze::{B2Key, BackblazeSeed};
    use backblaze_rotate_application_key::{BackblazeB2, Config, RotateApplicationKeyInputs, rotate_application_key};

    let (master_id, master_key) = ("0057e1c3a5f9b2d0000000001", "K005mAsTeRkEyDeMo3x9Qp2Lw7Zr4Tn");
    let (old_id, old_key) = ("0057e1c3a5f9b2d0000000004", "K005oLdKeYdEmO8s1Vb6Hc3Jf9Gk2Mn");
    let key = |id: &str, secret: &str, name: &str, capabilities: &[&str]| B2Key {
        application_key_id: id.into(),
        application_key: secret.into(),
        key_name: name.into(),
        capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
    };
    let seed = BackblazeSeed {
        account_id: "7e1c3a5f9b2d".into(),
        keys: vec![
            key(master_id, master_key, "key-admin", &["listKeys", "writeKeys", "deleteKeys"]),
            key(old_id, old_key, "nightly-backups-2024", &["listBuckets", "readFiles", "writeFiles"]),
        ],
    };
    let fake = arazzo_tests::backblaze::start(seed).await?;
    let credentials = BasicCredentials::new(master_id, SecretString::from(master_key));
    let config = Config { backblaze_b2: BackblazeB2::new(credentials).with_base_url(&fake.base_url) };
    let inputs = RotateApplicationKeyInputs {
        key_name: "nightly-backups-2025".into(),
        capabilities: vec!["listBuckets".into(), "readFiles".into(), "writeFiles".into()],
        old_application_key_id: old_id.into(),
    };
    let result = rotate_application_key(client, &config, &inputs).await;
    report(Provider::Backblaze, "rotate-application-key", &fake.base_url, &fake.requests(), &[], result)
}
