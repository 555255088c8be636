//! Rotates a Svix integration key with the client `build.rs` generated from one Arazzo document.
//!
//! Settings come from the environment, so that no secret is ever on a command line:
//!
//! | variable              | meaning                                                                    |
//! |-----------------------|----------------------------------------------------------------------------|
//! | `SVIX_TOKEN`          | API token (required)                                                       |
//! | `SVIX_APP_ID`         | id or uid of the application (required)                                    |
//! | `SVIX_INTEGRATION_ID` | id of the integration whose key is rotated (required)                      |
//! | `SVIX_SERVER_URL`     | your region, e.g. `https://api.us.svix.com/` (default: the description's first server) |
//! | `KEY_FILE`            | where the new key is written, owner-only (default `integration-key.txt`)   |
//! | `CHECKPOINT_FILE`     | where a failed run is saved (default `svix-rotation.checkpoint.json`)      |
//!
//! When a step fails, the error is printed (it names the step and never shows a secret), a key
//! that was already rotated is written to `KEY_FILE` anyway (the old key no longer works), and the
//! run's checkpoint is saved. Running again with the same settings resumes at the failed step:
//! the requests that took effect are answered from the checkpoint, so the key is not rotated
//! twice. Delete the checkpoint file to start over.
//!
//! Exit status: 0 when rotated, 1 when the workflow failed, 2 when the settings are incomplete.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use arazzo_runtime::{Checkpoint, Client, SecretString};

arazzo_runtime::include_workflow!("svix_rotate_integration_key");

use svix_rotate_integration_key::{
    Config, RotateIntegrationKeyInputs, SvixApi, resume_rotate_integration_key, rotate_integration_key,
};

/// Why the program stopped before or after running the workflow.
#[derive(Debug, thiserror::Error)]
enum SetupError {
    #[error("the environment variable {0} is not set")]
    MissingVar(&'static str),
    #[error("cannot read the checkpoint {path}: {message} (delete it to start over)")]
    ReadCheckpoint { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

struct Settings {
    config: Config,
    inputs: RotateIntegrationKeyInputs,
    key_file: PathBuf,
    checkpoint_file: PathBuf,
}

fn settings() -> Result<Settings, SetupError> {
    let required = |name: &'static str| std::env::var(name).map_err(|_| SetupError::MissingVar(name));
    let optional = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    // The token goes straight into a `SecretString`: redacted in `Debug`, never in an error message.
    let mut svix_api = SvixApi::new(SecretString::from(required("SVIX_TOKEN")?));
    if let Ok(url) = std::env::var("SVIX_SERVER_URL") {
        svix_api = svix_api.with_base_url(url);
    }
    Ok(Settings {
        config: Config { svix_api },
        inputs: RotateIntegrationKeyInputs {
            app_id: required("SVIX_APP_ID")?,
            integration_id: required("SVIX_INTEGRATION_ID")?,
        },
        key_file: optional("KEY_FILE", "integration-key.txt").into(),
        checkpoint_file: optional("CHECKPOINT_FILE", "svix-rotation.checkpoint.json").into(),
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<ExitCode, SetupError> {
    let settings = settings()?;
    // Bounded, so that a server that stops answering cannot hang a deployment job.
    let client =
        Client::builder().request_timeout(Duration::from_secs(20)).workflow_timeout(Duration::from_secs(120)).build();
    let (config, inputs) = (&settings.config, &settings.inputs);

    let result = match load_checkpoint(&settings.checkpoint_file)? {
        Some(checkpoint) => {
            println!("resuming the failed run at step `{}`", checkpoint.failed_step());
            resume_rotate_integration_key(&client, config, inputs, checkpoint).await
        }
        None => rotate_integration_key(&client, config, inputs).await,
    };

    match result {
        Ok(outputs) => {
            write_private(&settings.key_file, outputs.integration_key.expose_secret().as_bytes())?;
            remove_if_present(&settings.checkpoint_file)?;
            println!(
                "rotated the key of integration {}; the new key is in {}",
                outputs.integration_id,
                settings.key_file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            // Names the workflow, the step and what happened; secrets are scrubbed from it.
            eprintln!("error: {error}");
            // `rotateKey` may have succeeded before a later step failed: the old key is then dead,
            // and the partial outputs hold the new one.
            if let Some(key) = &error.partial().rotate_key_rotated_key {
                write_private(&settings.key_file, key.expose_secret().as_bytes())?;
                eprintln!("the key was rotated before the failure; the new key is in {}", settings.key_file.display());
            }
            // The checkpoint holds whole response bodies (the new key among them): owner-only too.
            let saved = serde_json::to_vec(&error.checkpoint().expose_secrets())
                .map_err(|error| SetupError::Write { path: settings.checkpoint_file.clone(), source: error.into() })?;
            write_private(&settings.checkpoint_file, &saved)?;
            eprintln!(
                "saved the run to {}: run again to resume at step `{}`",
                settings.checkpoint_file.display(),
                error.step_id()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

/// The checkpoint of an earlier failed run, if one was saved.
fn load_checkpoint(path: &Path) -> Result<Option<Checkpoint>, SetupError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(SetupError::ReadCheckpoint { path: path.into(), message: error.to_string() }),
    };
    // serde_json's message gives a line and column, never the content.
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|error| SetupError::ReadCheckpoint { path: path.into(), message: error.to_string() })
}

/// Writes a file only its owner can read (on Unix; the mode applies when the file is created).
fn write_private(path: &Path, contents: &[u8]) -> Result<(), SetupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| file.write_all(contents))
        .map_err(|source| SetupError::Write { path: path.into(), source })
}

fn remove_if_present(path: &Path) -> Result<(), SetupError> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(SetupError::Write { path: path.into(), source: error })
        }
        _ => Ok(()),
    }
}
