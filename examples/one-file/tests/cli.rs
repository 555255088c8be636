//! Runs the example binary against the loopback fake Svix from `arazzo-tests`: a rotation, a run
//! that fails after the key was rotated and is then resumed, and incomplete settings.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;

use arazzo_tests::Failure;
use arazzo_tests::svix::{self, FakeSvix, SvixApp, SvixIntegration, SvixSeed};
use assert_cmd::Command;
use serde_json::json;

const TOKEN: &str = "testsk_example_one_file_token";
const APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
const INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";
const ORIGINAL_KEY: &str = "integsk_kV3ts5tKPNJN4Dl25cMTfUNdmabxbX0O";

async fn fake() -> FakeSvix {
    svix::start(SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: vec![SvixApp {
            id: APP.into(),
            uid: None,
            integrations: vec![SvixIntegration {
                id: INTEG.into(),
                name: "Payments".into(),
                key: ORIGINAL_KEY.into(),
                feature_flags: vec![],
                created_at: "2024-03-01T10:00:00Z".into(),
                updated_at: "2024-03-02T10:00:00Z".into(),
            }],
        }],
    })
    .await
    .unwrap()
}

/// Runs the binary in `dir` (where its key and checkpoint files go by default) with the settings
/// pointing at `base_url`. Blocking, so it runs beside the fake's tasks.
async fn run(dir: &Path, base_url: &str) -> (Output, String, String) {
    let (dir, base_url) = (dir.to_owned(), base_url.to_owned());
    let output = tokio::task::spawn_blocking(move || {
        Command::cargo_bin("arazzo-example-one-file")
            .unwrap()
            .current_dir(dir)
            .env("SVIX_TOKEN", TOKEN)
            .env("SVIX_APP_ID", APP)
            .env("SVIX_INTEGRATION_ID", INTEG)
            .env("SVIX_SERVER_URL", base_url)
            .env_remove("KEY_FILE")
            .env_remove("CHECKPOINT_FILE")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    (output, stdout, stderr)
}

#[track_caller]
fn assert_no_secret(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "leaks {secret:?}:\n{text}");
    }
}

fn paths(fake: &FakeSvix) -> Vec<String> {
    fake.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn rotates_the_key_and_writes_it_to_the_key_file() {
    let fake = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(dir.path(), &fake.base_url).await;
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");

    let new_key = fake.current_key(APP, INTEG).unwrap();
    assert_ne!(new_key, ORIGINAL_KEY);
    assert_eq!(fake.rotations(), 1);
    assert_eq!(std::fs::read_to_string(dir.path().join("integration-key.txt")).unwrap(), new_key);
    assert!(!dir.path().join("svix-rotation.checkpoint.json").exists());
    assert_eq!(
        stdout,
        format!("rotated the key of integration {INTEG}; the new key is in integration-key.txt\n"),
        "{stderr}"
    );
    let integration = format!("/api/v1/app/{APP}/integration/{INTEG}");
    assert_eq!(
        paths(&fake),
        [format!("GET {integration}"), format!("POST {integration}/key/rotate"), format!("GET {integration}/key")]
    );
    assert!(fake.requests().iter().all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    assert_no_secret(&format!("{stdout}{stderr}"), &[TOKEN, ORIGINAL_KEY, &new_key]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("integration-key.txt")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failure_after_the_rotation_keeps_the_key_and_the_next_run_resumes() {
    let fake = fake().await;
    // The key is rotated, then reading it back fails once; the error body quotes the token, as a
    // careless server might.
    fake.recorder().fail_operation_times(
        "v1.integration.get-key",
        1,
        Failure::status(503).json(json!({ "code": "unavailable", "detail": "try later" })).echo_authorization(),
    );
    let dir = tempfile::tempdir().unwrap();

    let (output, stdout, stderr) = run(dir.path(), &fake.base_url).await;
    assert_eq!(output.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let new_key = fake.current_key(APP, INTEG).unwrap();
    assert_ne!(new_key, ORIGINAL_KEY);
    assert!(stderr.contains("`rotate-integration-key`") && stderr.contains("`getKey`"), "{stderr}");
    assert!(stderr.contains("503"), "{stderr}");
    assert!(stderr.contains("the key was rotated before the failure"), "{stderr}");
    assert!(stderr.contains("run again to resume at step `getKey`"), "{stderr}");
    // The key from the partial outputs was saved although the workflow failed.
    assert_eq!(std::fs::read_to_string(dir.path().join("integration-key.txt")).unwrap(), new_key);
    assert!(dir.path().join("svix-rotation.checkpoint.json").exists());
    assert_no_secret(&format!("{stdout}{stderr}"), &[TOKEN, ORIGINAL_KEY, &new_key]);

    let (output, stdout, stderr) = run(dir.path(), &fake.base_url).await;
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.starts_with("resuming the failed run at step `getKey`\n"), "{stdout}");
    // Resumed, not repeated: one rotation in all, and the second run sent only the failed request.
    assert_eq!(fake.rotations(), 1);
    assert_eq!(fake.current_key(APP, INTEG).unwrap(), new_key);
    let integration = format!("/api/v1/app/{APP}/integration/{INTEG}");
    assert_eq!(
        paths(&fake),
        [
            format!("GET {integration}"),
            format!("POST {integration}/key/rotate"),
            format!("GET {integration}/key"),
            format!("GET {integration}/key"),
        ]
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("integration-key.txt")).unwrap(), new_key);
    assert!(!dir.path().join("svix-rotation.checkpoint.json").exists());
    assert_no_secret(&format!("{stdout}{stderr}"), &[TOKEN, ORIGINAL_KEY, &new_key]);
}

#[test]
fn a_missing_setting_is_named_and_nothing_runs() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("arazzo-example-one-file")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("SVIX_TOKEN")
        .env("SVIX_APP_ID", APP)
        .env("SVIX_INTEGRATION_ID", INTEG)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "error: the environment variable SVIX_TOKEN is not set\n");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "no file is written");
}
