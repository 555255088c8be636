//! Apigee developer-app key rotation, generated from an Arazzo document whose OpenAPI description
//! is published at a remote URL and vendored in `vendor/`.
//!
//! `workflows/apigee-rotate-app-key-workflow.yml` names its source description by URL.
//! arazzo-codegen never fetches one, so `build.rs` maps the source to the vendored file:
//! `Builder::new().file(…).source("apigeeApiManagement", "vendor/apigee-api-management-openapi.yml")`.
//! Update the vendored file deliberately (and review the diff) when the provider changes its API.
//!
//! Settings come from environment variables, read through a lookup function so that tests (and
//! callers with another secret source) can supply them: `APIGEE_TOKEN` (an OAuth 2.0 access token,
//! e.g. from `gcloud auth print-access-token`), `APIGEE_ORGANIZATION`, `APIGEE_DEVELOPER` (email or
//! id), `APIGEE_APP`, `APIGEE_API_PRODUCT`, `APIGEE_OLD_CONSUMER_KEY`, `APIGEE_NEW_CONSUMER_KEY`,
//! `APIGEE_NEW_CONSUMER_SECRET`, and optionally `APIGEE_BASE_URL`.
//!
//! ```no_run
//! use arazzo_example_vendored_source::{RotationError, client, rotate};
//!
//! # async fn example() {
//! match rotate(&client(), |name| std::env::var(name).ok()).await {
//!     Ok(outputs) => println!("rotated; the new key is {}", outputs.key_status),
//!     Err(RotationError::Failed { message, partial }) => {
//!         eprintln!("{message}"); // names the step; secrets are scrubbed
//!         if partial.created_key.is_some() {
//!             eprintln!("the new key exists; the old one was not revoked");
//!         }
//!     }
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```

use std::time::Duration;

use arazzo_runtime::{Client, SecretString};

arazzo_runtime::include_workflow!("apigee_rotate_app_key");

use apigee_rotate_app_key::{
    ApigeeApiManagement, Config, RotateAppKeyInputs, RotateAppKeyOutputs, RotateAppKeyPartial, rotate_app_key,
};

/// Why [`rotate`] did not finish.
#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error("the environment variable {0} is not set")]
    MissingVar(&'static str),
    /// The workflow failed. `message` names the workflow and the step; `partial` tells which steps
    /// took effect (`created_key`: the new key exists; `key_status`: the product was granted).
    #[error("{message}")]
    Failed { message: String, partial: RotateAppKeyPartial },
}

/// A client whose waits are bounded: 30 s per request, two minutes for the whole rotation.
pub fn client() -> Client {
    Client::builder().request_timeout(Duration::from_secs(30)).workflow_timeout(Duration::from_secs(120)).build()
}

/// Creates the new consumer key, grants it the API product, then revokes the old key.
pub async fn rotate(
    client: &Client,
    env: impl Fn(&str) -> Option<String>,
) -> Result<RotateAppKeyOutputs, RotationError> {
    let required = |name: &'static str| env(name).ok_or(RotationError::MissingVar(name));
    // Credentials go straight into `SecretString`s: redacted in `Debug`, scrubbed from errors.
    let mut apigee = ApigeeApiManagement::new(SecretString::from(required("APIGEE_TOKEN")?));
    if let Some(url) = env("APIGEE_BASE_URL") {
        apigee = apigee.with_base_url(url);
    }
    let inputs = RotateAppKeyInputs {
        organization_id: required("APIGEE_ORGANIZATION")?,
        developer_id: required("APIGEE_DEVELOPER")?,
        app_id: required("APIGEE_APP")?,
        new_consumer_key: SecretString::from(required("APIGEE_NEW_CONSUMER_KEY")?),
        new_consumer_secret: SecretString::from(required("APIGEE_NEW_CONSUMER_SECRET")?),
        api_product: required("APIGEE_API_PRODUCT")?,
        old_key_id: required("APIGEE_OLD_CONSUMER_KEY")?,
    };
    rotate_app_key(client, &Config { apigee_api_management: apigee }, &inputs)
        .await
        .map_err(|error| RotationError::Failed { message: error.to_string(), partial: error.into_partial() })
}
