//! A generated seed client served through a real Restate server survives the death of its service
//! process after each of its steps, and a failed run's partial outputs and checkpoint come back
//! through Restate, sealed.
//!
//! The tests install the server from the npm registry (`scripts/restate.sh`), start it with its data
//! under the target folder, and start service instances: this test binary again, serving the Svix
//! seed (`support/svix_service.rs`). Each rotation is invoked through the ingress; the instance is
//! SIGKILLed after step 1, 2 or 3 has been journaled, and a second instance on the same address
//! finishes it. The fake Svix must have seen every request exactly once, and the caller must get the
//! key the provider holds. Then Restate's data directory must hold no secret: neither the credential
//! nor any key, in any of the forms it could be written in. The other four seeds go through the same
//! (`restate_crash/other_seeds.rs`), each served with its secret inputs taken from the instance's
//! environment (`support/seed_services.rs`).
//!
//! Skipped, saying so, when npm is missing to install the server, unless `CI=true`: then they fail.

// A test: a failed unwrap is a failed check.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;
// The four other seeds and their fakes, as the file-journal crash test drives them (`arazzo-tests`).
#[path = "restate_crash/other_seeds.rs"]
mod other_seeds;
#[path = "support/seed_services.rs"]
mod seed_services;
#[allow(dead_code)]
#[path = "../../tests/tests/resume/seeds.rs"]
mod seeds;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::Duration;

use arazzo_generated::svix_rotate_integration_key::{Config, RotateIntegrationKeyInputs, SvixApi};
use arazzo_tests::Failure;
use arazzo_tests::secret_search;
use arazzo_tests::svix::{self, SvixApp, SvixIntegration, SvixSeed};
use serde_json::{Value, json};
use support::svix_service;

/// The credential the service sends; it comes from the instance's environment, never through Restate.
const TOKEN: &str = "testsk_restate_crash_4f1c9a7e2b";

fn seed(app: &str, integration: &str, key: &str) -> SvixSeed {
    SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: vec![SvixApp {
            id: app.into(),
            uid: None,
            integrations: vec![SvixIntegration {
                id: integration.into(),
                name: "Payments".into(),
                key: key.into(),
                feature_flags: vec![],
                created_at: "2024-03-01T10:00:00Z".into(),
                updated_at: "2024-03-02T10:00:00Z".into(),
            }],
        }],
    }
}

/// The service instances of these tests: this binary again, running [`service_instance`].
fn instance_command(addr: std::net::SocketAddr, provider: &str) -> std::process::Command {
    svix_service::instance_command(&["--ignored", "--exact", "service_instance", "--nocapture"], addr, provider, TOKEN)
}

/// A service instance, when this binary runs with [`svix_service::ADDR`] set (the tests start it
/// so); nothing otherwise.
#[test]
#[ignore = "a service instance: the tests run it as a process of their own"]
fn service_instance() {
    svix_service::serve_if_instance();
}

/// A service instance of another seed, when this binary runs with [`seed_services::SEED`] set (the
/// tests start it so); nothing otherwise.
#[test]
#[ignore = "a service instance: the tests run it as a process of their own"]
fn seed_instance() {
    seed_services::serve_if_instance();
}

/// The secrets of one rotation, for the search of Restate's data.
struct Secrets {
    original_key: String,
    new_key: String,
}

/// One rotation through Restate whose first instance dies once step `kill_after` (1 to 3) is
/// journaled: after steps 1 and 2, when the next step's request reaches the provider (the gate holds
/// it: the provider never sees it); after step 3, the instance kills itself once the workflow has
/// returned, before its handler answers.
async fn rotation_killed_after(server: &support::Server, work: &Path, kill_after: usize) -> Secrets {
    let (app, integration) = (format!("app_kill_{kill_after}"), format!("integ_kill_{kill_after}"));
    let original_key = format!("integsk_original_{kill_after}_9d2e7b41c0a3");
    let fake = svix::start(seed(&app, &integration, &original_key)).await.unwrap();
    let hold = if kill_after < 3 { kill_after + 1 } else { 0 };
    let gate = support::Gate::start(&fake.base_url, hold).await;
    let addr = support::free_port();
    let mut first = instance_command(addr, &gate.url);
    if kill_after == 3 {
        first.env(svix_service::KILL_AFTER_RUN, "1");
    }
    let mut first = support::start_instance(first, addr, &work.join(format!("kill-{kill_after}-instance-1.log"))).await;
    server.register(addr).await;

    let invocation = tokio::spawn({
        let url = format!("{}/SvixRotation/rotate", server.ingress);
        let inputs = json!({"appId": app, "integrationId": integration});
        async move {
            let response = reqwest::Client::new().post(url).json(&inputs).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    });
    if kill_after < 3 {
        tokio::time::timeout(Duration::from_secs(60), gate.arrived())
            .await
            .unwrap_or_else(|_| panic!("step {} never reached the provider", kill_after + 1));
        first.0.kill().unwrap();
    }
    let died = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Some(status) = first.0.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the first instance did not die");
    assert_eq!(died.signal(), Some(9), "the first instance ended otherwise than by SIGKILL: {died:?}");
    let _second = support::start_instance(
        instance_command(addr, &gate.url),
        addr,
        &work.join(format!("kill-{kill_after}-instance-2.log")),
    )
    .await;

    let (status, text) = tokio::time::timeout(Duration::from_secs(120), invocation)
        .await
        .expect("the invocation did not complete within 120 s of the second instance starting")
        .unwrap();
    assert_eq!(status, 200, "killed after step {kill_after}: {text}");
    let reply: Value = serde_json::from_str(&text).unwrap();
    let outputs = svix_service::open_outputs(&reply);
    let new_key = fake.current_key(&app, &integration).unwrap();
    assert_eq!(
        outputs,
        json!({"integrationId": integration, "integrationKey": new_key}),
        "killed after step {kill_after}"
    );
    // The workflow's rotation replaced the old key: the provider holds the new one only.
    assert_ne!(new_key, original_key);
    assert_eq!(fake.rotations(), 1, "killed after step {kill_after}: the provider rotated the key more than once");
    let sent: Vec<(String, String)> =
        fake.requests().into_iter().map(|request| (request.method, request.path)).collect();
    let path = format!("/api/v1/app/{app}/integration/{integration}");
    assert_eq!(
        sent,
        [
            ("GET".into(), path.clone()),
            ("POST".into(), format!("{path}/key/rotate")),
            ("GET".into(), format!("{path}/key"))
        ],
        "killed after step {kill_after}: every request exactly once"
    );
    Secrets { original_key, new_key }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_svix_seed_survives_the_death_of_its_instance_after_each_step() {
    let Some(_) = support::restate_server("the_svix_seed_survives_the_death_of_its_instance_after_each_step") else {
        return;
    };
    support::install_crypto_provider();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("restate-crash");
    let server = support::start_server(&work.join("data"), support::Storage::Uncompressed).await;
    let mut secrets = Vec::new();
    for kill_after in 1..=3 {
        secrets.push(rotation_killed_after(&server, &work, kill_after).await);
    }
    let mut values = vec![TOKEN.to_owned(), svix_service::journal_key_text()];
    for Secrets { original_key, new_key } in secrets {
        values.extend([original_key, new_key]);
    }
    assert_no_secret_in(&server.dir, &values, "integ_kill_2");
    // RocksDB preallocates about 200 MB of files; kept only when the test fails, to look into.
    drop(server);
    let _ = std::fs::remove_dir_all(&work);
}

/// A rotation whose last step fails: Restate ends the invocation with a terminal error carrying the
/// key the rotation created (sealed) and the checkpoint, from which the run finishes in process
/// without rotating again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_rotation_comes_back_with_its_partial_outputs_and_checkpoint_sealed() {
    let Some(_) =
        support::restate_server("a_failed_rotation_comes_back_with_its_partial_outputs_and_checkpoint_sealed")
    else {
        return;
    };
    support::install_crypto_provider();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("restate-failure");
    let server = support::start_server(&work.join("data"), support::Storage::Uncompressed).await;
    let (app, integration, original_key) = ("app_fails", "integ_fails", "integsk_original_fails_61b0e2");
    let fake = svix::start(seed(app, integration, original_key)).await.unwrap();
    fake.fail_operation("v1.integration.get-key", Failure::status(503));
    let addr = support::free_port();
    let _instance =
        support::start_instance(instance_command(addr, &fake.base_url), addr, &work.join("instance.log")).await;
    server.register(addr).await;

    let response = reqwest::Client::new()
        .post(format!("{}/SvixRotation/rotate", server.ingress))
        .json(&json!({"appId": app, "integrationId": integration}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 500, "{text}");
    let rotated_key = fake.current_key(app, integration).unwrap();
    assert!(!text.contains(&rotated_key), "the rotated key crossed Restate unsealed: {text}");
    let failure = svix_service::open_failure(&text);
    assert_eq!(failure.step, "getKey");
    assert!(failure.message.contains("503"), "{}", failure.message);
    assert_eq!(failure.partial["rotate_key_rotated_key"], rotated_key.as_str(), "{:?}", failure.partial);

    // The checkpoint finishes the run, the rotation answered from it: the provider rotates once.
    fake.recorder().clear_failures();
    let config = Config { svix_api: SvixApi::new(TOKEN).with_base_url(&fake.base_url) };
    let inputs = RotateIntegrationKeyInputs { app_id: app.into(), integration_id: integration.into() };
    let outputs = arazzo_generated::svix_rotate_integration_key::resume_rotate_integration_key(
        &arazzo_runtime::Client::new(),
        &config,
        &inputs,
        failure.checkpoint,
    )
    .await
    .unwrap();
    assert_eq!(outputs.integration_key.expose_secret(), rotated_key);
    assert_eq!(fake.rotations(), 1);

    assert_no_secret_in(&server.dir, &[TOKEN.to_owned(), original_key.to_owned(), rotated_key], integration);
    drop(server);
    let _ = std::fs::remove_dir_all(&work);
}

/// Every value of `secrets` is absent from the files under `dir`: as written, JSON-escaped and in
/// base64 (standard and URL-safe, at each of the three alignments a value can take in a longer
/// base64 text). `visible` is a value the invocations sent in the clear (an input), which the search
/// must find, or it would not see what Restate stores.
fn assert_no_secret_in(dir: &Path, secrets: &[String], visible: &str) {
    for secret in secrets {
        for form in secret_search::encodings(secret) {
            let found = secret_search::occurrences(dir, &form);
            assert_eq!(
                found,
                0,
                "a secret ({} characters) is in Restate's data, as {:?}",
                secret.len(),
                String::from_utf8_lossy(&form)
            );
        }
    }
    assert!(secret_search::occurrences(dir, visible.as_bytes()) > 0, "the search does not see Restate's data");
}
