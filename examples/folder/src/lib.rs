//! Key rotation for two providers, from a folder of Arazzo documents.
//!
//! `build.rs` hands the folder `workflows/` to `arazzo_codegen::Builder::dir`, which finds the two
//! Arazzo documents in it (`svix/arazzo/…` and `deepgram/arazzo/…`; the OpenAPI descriptions
//! beside them are not Arazzo documents and are left out) and writes one module per document.
//! This crate includes both and puts one function, [`rotate`], in front of them.
//!
//! Settings come from environment variables, read through a lookup function so that tests (and
//! callers with another secret source) can supply them:
//!
//! | provider   | required                                                     | optional                                    |
//! |------------|--------------------------------------------------------------|---------------------------------------------|
//! | `svix`     | `SVIX_TOKEN`, `SVIX_APP_ID`, `SVIX_INTEGRATION_ID`           | `SVIX_SERVER_URL`                           |
//! | `deepgram` | `DEEPGRAM_API_KEY`, `DEEPGRAM_PROJECT_ID`, `DEEPGRAM_OLD_KEY_ID` | `DEEPGRAM_SCOPES` (comma-separated, default `member`), `DEEPGRAM_BASE_URL` |
//!
//! ```no_run
//! use arazzo_example_folder::{Provider, RotationError, rotate};
//!
//! # async fn example() {
//! let client = arazzo_runtime::Client::new();
//! match rotate(&client, Provider::Deepgram, |name| std::env::var(name).ok()).await {
//!     Ok(key) => println!("created key {}", key.id), // store `key.secret` in your secret manager
//!     Err(RotationError::Failed { message, new_key }) => {
//!         eprintln!("{message}"); // names the step; secrets are scrubbed
//!         if let Some(key) = new_key {
//!             // Created before a later step failed: store it too, or it is lost.
//!             println!("created key {} before the failure", key.id);
//!         }
//!     }
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```

use std::fmt;
use std::str::FromStr;

use arazzo_runtime::{Client, SecretString};

// One line per generated module: `pub mod svix_rotate_integration_key { … }` and so on.
arazzo_runtime::include_workflow!("svix_rotate_integration_key");
arazzo_runtime::include_workflow!("deepgram_rotate_project_key");

/// A provider whose rotation workflow is in `workflows/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Svix,
    Deepgram,
}

impl FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "svix" => Ok(Provider::Svix),
            "deepgram" => Ok(Provider::Deepgram),
            _ => Err(UnknownProvider(name.to_owned())),
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Svix => "svix",
            Provider::Deepgram => "deepgram",
        })
    }
}

/// A provider name other than `svix` and `deepgram`.
#[derive(Debug, thiserror::Error)]
#[error("unknown provider `{0}` (expected `svix` or `deepgram`)")]
pub struct UnknownProvider(pub String);

/// The key a rotation created. `Debug` shows the secret as `[REDACTED]`.
#[derive(Clone, Debug)]
pub struct NewKey {
    /// The provider's id for the key (Svix: the integration id; Deepgram: the new key's id).
    pub id: String,
    pub secret: SecretString,
}

/// Why [`rotate`] did not finish.
#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error("the environment variable {0} is not set")]
    MissingVar(&'static str),
    /// The workflow failed. `message` names the workflow and the step; `new_key` is the key it had
    /// already created, which the caller must store as if the rotation had succeeded.
    #[error("{message}")]
    Failed { message: String, new_key: Option<NewKey> },
}

/// Rotates `provider`'s key, reading settings through `env` (e.g. `|name| std::env::var(name).ok()`).
pub async fn rotate(
    client: &Client,
    provider: Provider,
    env: impl Fn(&str) -> Option<String>,
) -> Result<NewKey, RotationError> {
    let required = |name: &'static str| env(name).ok_or(RotationError::MissingVar(name));
    match provider {
        Provider::Svix => {
            use svix_rotate_integration_key::{Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key};

            let mut svix_api = SvixApi::new(SecretString::from(required("SVIX_TOKEN")?));
            if let Some(url) = env("SVIX_SERVER_URL") {
                svix_api = svix_api.with_base_url(url);
            }
            let inputs = RotateIntegrationKeyInputs {
                app_id: required("SVIX_APP_ID")?,
                integration_id: required("SVIX_INTEGRATION_ID")?,
            };
            match rotate_integration_key(client, &Config { svix_api }, &inputs).await {
                Ok(outputs) => Ok(NewKey { id: outputs.integration_id, secret: outputs.integration_key }),
                Err(error) => {
                    let message = error.to_string();
                    let partial = error.into_partial();
                    // The key is rotated once `rotateKey` succeeded, even if reading it back failed.
                    let new_key = partial
                        .rotate_key_rotated_key
                        .map(|secret| NewKey { id: partial.integration_id.unwrap_or(inputs.integration_id), secret });
                    Err(RotationError::Failed { message, new_key })
                }
            }
        }
        Provider::Deepgram => {
            use deepgram_rotate_project_key::{Config, ManagementApi, RotateProjectKeyInputs, rotate_project_key};

            let mut management_api = ManagementApi::new();
            if let Some(url) = env("DEEPGRAM_BASE_URL") {
                management_api = management_api.with_base_url(url);
            }
            let scopes = env("DEEPGRAM_SCOPES").unwrap_or_else(|| "member".to_owned());
            // The workflow sends `Authorization: Token <apiKey>` itself, so the key is an input,
            // not a credential of the config.
            let inputs = RotateProjectKeyInputs {
                api_key: SecretString::from(required("DEEPGRAM_API_KEY")?),
                project_id: required("DEEPGRAM_PROJECT_ID")?,
                old_key_id: required("DEEPGRAM_OLD_KEY_ID")?,
                comment: "rotated by arazzo-example-folder".to_owned(),
                scopes: scopes.split(',').map(|scope| scope.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
            };
            match rotate_project_key(client, &Config { management_api }, &inputs).await {
                Ok(outputs) => Ok(NewKey { id: outputs.new_key_id, secret: outputs.new_key_secret }),
                Err(error) => {
                    let message = error.to_string();
                    let partial = error.into_partial();
                    // Created by the first step: if deleting the old key failed, both keys work now.
                    let new_key =
                        partial.new_key_id.zip(partial.new_key_secret).map(|(id, secret)| NewKey { id, secret });
                    Err(RotationError::Failed { message, new_key })
                }
            }
        }
    }
}
