//! The Apigee, Backblaze, Deepgram and PropelAuth seeds through Restate, as the Svix one: each served
//! by a service of its own (`support/seed_services.rs`), against the fakes and seed data of the
//! file-journal crash test (`arazzo-tests`' `tests/resume/seeds.rs`). For every seed and every step K,
//! one rotation whose first instance is SIGKILLed once step K is journaled: after a step but the last,
//! when the next step's request reaches the fake (which holds it unhandled); after the last, by
//! itself once the workflow has returned, before its handler answers. A second instance on the same
//! address finishes it. The fake must have seen every request once (but the one it held), the answer
//! must open to the outputs naming the key the provider holds, the old key handled as the workflow
//! says; then Restate's data must hold none of the secrets.
//!
//! The four seeds run at once on one Restate server; a seed's rotations run one after another, since
//! registering a service's next deployment (the next rotation's instance, with its own fake) sends
//! the invocations that start afterwards there.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use arazzo_generated::{
    apigee_rotate_app_key as apigee_gen, backblaze_rotate_application_key as backblaze_gen,
    deepgram_rotate_project_key as deepgram_gen, propelauth_rotate_user_api_key as propelauth_gen,
};
use arazzo_runtime::serde_support::ExposeSecrets;
use arazzo_runtime::{BasicCredentials, SecretString};
use arazzo_tests::RecordedRequest;
use arazzo_tests::secret_search::{self, json_strings};
use base64::Engine as _;
use serde_json::Value;

use crate::seed_services::{self, ApigeeRequest, BackblazeRequest, DeepgramRequest, PropelAuthRequest};
use crate::seeds::{self, Apigee, Backblaze, Deepgram, PropelAuth, Seed};
use crate::support::{self, svix_service};

/// How long a step may take to reach the provider, or an instance to die.
const PATIENCE: Duration = Duration::from_secs(60);

/// A seed as its Restate service serves it.
trait Served: Seed<Outputs: serde::Serialize> {
    /// The seed, as [`seed_services::SEED`] names it.
    const NAME: &'static str;
    /// The Restate service serving it.
    const SERVICE: &'static str;
    /// The invocation's input: the workflow's inputs that are not secret.
    fn request() -> Value;
    /// What the instance is given in its environment: the credentials and secret inputs.
    fn instance_secrets() -> Vec<(&'static str, String)>;
    /// The outputs the caller opened, typed (the generated outputs serialize only).
    fn outputs(opened: &Value) -> Self::Outputs;
    /// The secrets of the keys the provider holds (before the rotation: the old ones).
    fn held_secrets(fake: &Self::Fake) -> Vec<String>;
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn text(opened: &Value, name: &str) -> String {
    opened[name].as_str().unwrap_or_else(|| panic!("the outputs have no text {name}")).to_owned()
}

fn secret(opened: &Value, name: &str) -> SecretString {
    SecretString::from(text(opened, name))
}

impl Served for Apigee {
    const NAME: &'static str = "apigee";
    const SERVICE: &'static str = "ApigeeRotation";

    fn request() -> Value {
        let inputs = seeds::apigee_inputs();
        to_json(&ApigeeRequest {
            organization_id: inputs.organization_id,
            developer_id: inputs.developer_id,
            app_id: inputs.app_id,
            api_product: inputs.api_product,
            old_key_id: inputs.old_key_id,
        })
    }

    fn instance_secrets() -> Vec<(&'static str, String)> {
        let (config, inputs) = (seeds::apigee_config(""), seeds::apigee_inputs());
        vec![
            (seed_services::APIGEE_TOKEN, config.apigee_api_management.oauth2.expose_secret().to_owned()),
            (seed_services::APIGEE_NEW_CONSUMER_KEY, inputs.new_consumer_key.expose_secret().to_owned()),
            (seed_services::APIGEE_NEW_CONSUMER_SECRET, inputs.new_consumer_secret.expose_secret().to_owned()),
        ]
    }

    fn outputs(opened: &Value) -> Self::Outputs {
        apigee_gen::RotateAppKeyOutputs {
            created_key: secret(opened, "createdKey"),
            key_status: text(opened, "keyStatus"),
            revoked_key: secret(opened, "revokedKey"),
        }
    }

    fn held_secrets(fake: &Self::Fake) -> Vec<String> {
        let inputs = seeds::apigee_inputs();
        let app = fake.app(&inputs.organization_id, &inputs.developer_id, &inputs.app_id).unwrap();
        app.credentials.into_iter().map(|key| key.consumer_secret).collect()
    }
}

impl Served for Backblaze {
    const NAME: &'static str = "backblaze";
    const SERVICE: &'static str = "BackblazeRotation";

    fn request() -> Value {
        let inputs = seeds::backblaze_inputs();
        to_json(&BackblazeRequest {
            key_name: inputs.key_name,
            capabilities: inputs.capabilities,
            old_application_key_id: inputs.old_application_key_id,
        })
    }

    fn instance_secrets() -> Vec<(&'static str, String)> {
        let BasicCredentials { username, password } = seeds::backblaze_config("").backblaze_b2.basic_auth;
        vec![(seed_services::B2_KEY_ID, username), (seed_services::B2_KEY, password.expose_secret().to_owned())]
    }

    fn outputs(opened: &Value) -> Self::Outputs {
        backblaze_gen::RotateApplicationKeyOutputs {
            new_application_key_id: text(opened, "newApplicationKeyId"),
            new_application_key: secret(opened, "newApplicationKey"),
            deleted_key_id: text(opened, "deletedKeyId"),
        }
    }

    fn held_secrets(fake: &Self::Fake) -> Vec<String> {
        fake.keys().into_iter().map(|key| key.application_key).collect()
    }
}

impl Served for Deepgram {
    const NAME: &'static str = "deepgram";
    const SERVICE: &'static str = "DeepgramRotation";

    fn request() -> Value {
        let inputs = seeds::deepgram_inputs();
        to_json(&DeepgramRequest {
            project_id: inputs.project_id,
            old_key_id: inputs.old_key_id,
            comment: inputs.comment,
            scopes: inputs.scopes,
        })
    }

    fn instance_secrets() -> Vec<(&'static str, String)> {
        vec![(seed_services::DEEPGRAM_API_KEY, seeds::deepgram_inputs().api_key.expose_secret().to_owned())]
    }

    fn outputs(opened: &Value) -> Self::Outputs {
        deepgram_gen::RotateProjectKeyOutputs {
            new_key_id: text(opened, "newKeyId"),
            new_key_secret: secret(opened, "newKeySecret"),
            deleted_key_id: text(opened, "deletedKeyId"),
        }
    }

    fn held_secrets(fake: &Self::Fake) -> Vec<String> {
        fake.keys(&seeds::deepgram_inputs().project_id).into_iter().map(|key| key.secret).collect()
    }
}

impl Served for PropelAuth {
    const NAME: &'static str = "propelauth";
    const SERVICE: &'static str = "PropelAuthRotation";

    fn request() -> Value {
        let inputs = seeds::propelauth_inputs();
        to_json(&PropelAuthRequest { user_id: inputs.user_id, expires_at_seconds: inputs.expires_at_seconds })
    }

    fn instance_secrets() -> Vec<(&'static str, String)> {
        let key = seeds::propelauth_inputs().backend_api_key;
        vec![(seed_services::PROPELAUTH_BACKEND_API_KEY, key.expose_secret().to_owned())]
    }

    fn outputs(opened: &Value) -> Self::Outputs {
        propelauth_gen::RotateUserApiKeyOutputs {
            revoked_key_id: text(opened, "revokedKeyId"),
            new_key_id: text(opened, "newKeyId"),
            new_key_token: secret(opened, "newKeyToken"),
        }
    }

    fn held_secrets(fake: &Self::Fake) -> Vec<String> {
        fake.keys().into_iter().map(|key| key.token).collect()
    }
}

/// This binary as an instance of `S`'s service on `addr`, sending to `provider`, its secrets in its
/// environment.
fn instance_command<S: Served>(addr: SocketAddr, provider: &str) -> std::process::Command {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command
        .args(["--ignored", "--exact", "seed_instance", "--nocapture"])
        .env(seed_services::SEED, S::NAME)
        .env(svix_service::ADDR, addr.to_string())
        .env(svix_service::PROVIDER_URL, provider)
        .env(svix_service::JOURNAL_KEY, svix_service::journal_key_text())
        .envs(S::instance_secrets());
    command
}

/// The 1-based step of each request, by its server, method and path.
fn steps_of<S: Seed>(requests: &[RecordedRequest]) -> Vec<usize> {
    let steps = S::step_requests();
    let step = |request: &RecordedRequest| {
        let key = (request.server, request.method.as_str(), request.path.as_str());
        let found = steps.iter().position(|(server, method, path)| (*server, *method, path.as_str()) == key);
        found.unwrap_or_else(|| panic!("a request of no step: {} {} on {}", key.1, key.2, key.0)) + 1
    };
    requests.iter().map(step).collect()
}

/// One rotation of `S` through Restate whose first instance dies once step `kill_after` is journaled.
/// Returns the secrets it used or created, and those of the keys the provider held before, for the
/// search of Restate's data.
async fn rotation_killed_after<S: Served>(
    server: &support::Server,
    work: &Path,
    registering: &tokio::sync::Mutex<()>,
    kill_after: usize,
) -> Vec<String> {
    let steps = S::STEPS.len();
    let at = format!("{}, killed after step {kill_after} ({})", S::NAME, S::STEPS[kill_after - 1]);
    let fake = S::start().await;
    let old_secrets = S::held_secrets(&fake);
    let arrived = (kill_after < steps).then(|| S::recorder(&fake).hold_request(kill_after + 1));
    let addr = support::free_port();
    let log = |n: usize| work.join(format!("{}-kill-{kill_after}-instance-{n}.log", S::NAME));
    let mut first = instance_command::<S>(addr, &S::base_url(&fake));
    if kill_after == steps {
        first.env(svix_service::KILL_AFTER_RUN, "1");
    }
    let mut first = support::start_instance(first, addr, &log(1)).await;
    {
        // Deployments are registered one at a time: each changes the server's schema.
        let _one_at_a_time = registering.lock().await;
        server.register(addr).await;
    }

    let invocation = tokio::spawn({
        let url = format!("{}/{}/rotate", server.ingress, S::SERVICE);
        let request = S::request();
        async move {
            let response = reqwest::Client::new().post(url).json(&request).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    });
    if let Some(arrived) = arrived {
        tokio::time::timeout(PATIENCE, arrived)
            .await
            .unwrap_or_else(|_| panic!("{at}: step {} never reached the provider", kill_after + 1))
            .unwrap();
        first.0.kill().unwrap();
    }
    let died = tokio::time::timeout(PATIENCE, async {
        loop {
            if let Some(status) = first.0.try_wait().unwrap() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{at}: the first instance did not die"));
    assert_eq!(died.signal(), Some(9), "{at}: the first instance ended otherwise than by SIGKILL: {died:?}");
    let before: Vec<usize> = (1..=kill_after).chain((kill_after < steps).then_some(kill_after + 1)).collect();
    assert_eq!(steps_of::<S>(&S::requests(&fake)), before, "{at}: before the kill");

    let _second = support::start_instance(instance_command::<S>(addr, &S::base_url(&fake)), addr, &log(2)).await;
    let (status, text) = tokio::time::timeout(Duration::from_secs(120), invocation)
        .await
        .unwrap_or_else(|_| panic!("{at}: the invocation did not complete within 120 s of the second instance"))
        .unwrap();
    assert_eq!(status, 200, "{at}: {text}");
    let reply: Value = serde_json::from_str(&text).unwrap();
    let opened = svix_service::open_outputs(&reply);
    let outputs = S::outputs(&opened);
    // `outputs` holds every output opened, and what crossed Restate readable is them redacted.
    assert_eq!(to_json(&ExposeSecrets::new(&outputs)), opened, "{at}");
    assert_eq!(reply["outputs"], to_json(&outputs), "{at}");
    // One new key, the one the outputs name; the old one revoked, deleted or kept as the workflow says.
    S::assert_rotated(&fake, &outputs);
    // Every request once, but the one held at the kill, which the fake never handled.
    let expected: Vec<usize> = before.iter().copied().chain(kill_after + 1..=steps).collect();
    assert_eq!(steps_of::<S>(&S::requests(&fake)), expected, "{at}: every request once");
    let mut secrets = secrets_of::<S>(&fake, &reply, &opened);
    secrets.extend(old_secrets.into_iter().filter(|secret| secret.len() >= 8));
    secrets
}

/// The secrets of a rotation: what the instance was given, the credentials its requests carried
/// (whole `Authorization` and `x-` header values, their token, a Basic pair decoded), the key the
/// provider created, and the outputs the answer redacted, but for a value the invocation's input
/// holds (Apigee's `revokedKey` output is its `oldKeyId` input, which the workflow does not take as
/// a secret).
fn secrets_of<S: Served>(fake: &S::Fake, reply: &Value, opened: &Value) -> Vec<String> {
    let mut secrets: Vec<String> = S::instance_secrets().into_iter().map(|(_, value)| value).collect();
    for request in S::requests(fake) {
        for (name, value) in &request.headers {
            if name == "authorization" || name.starts_with("x-") {
                secrets.push(value.clone());
                if let Some((scheme, credential)) = value.split_once(' ') {
                    secrets.push(credential.to_owned());
                    if scheme.eq_ignore_ascii_case("basic") {
                        let decoded = base64::engine::general_purpose::STANDARD.decode(credential).unwrap();
                        secrets.extend(String::from_utf8(decoded).unwrap().split(':').map(str::to_owned));
                    }
                }
            }
        }
    }
    secrets.extend(S::new_secret(fake));
    let mut inputs = Vec::new();
    json_strings(&S::request(), &mut inputs);
    for (name, value) in opened.as_object().unwrap() {
        if reply["outputs"][name] == "[REDACTED]"
            && let Some(value) = value.as_str()
            && !inputs.iter().any(|input| input == value)
        {
            secrets.push(value.to_owned());
        }
    }
    // Short values (a scheme name) say nothing; every secret of the seeds is longer.
    secrets.retain(|secret| secret.len() >= 8);
    secrets
}

/// Every rotation of `S`, killed after each step in turn, one after another; their secrets.
async fn killed_after_each_step<S: Served>(
    server: &support::Server,
    work: &Path,
    registering: &tokio::sync::Mutex<()>,
) -> Vec<String> {
    let mut secrets = Vec::new();
    for kill_after in 1..=S::STEPS.len() {
        secrets.extend(rotation_killed_after::<S>(server, work, registering, kill_after).await);
    }
    secrets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_other_seeds_survive_the_death_of_their_instance_after_each_step() {
    let Some(_) = support::restate_server("the_other_seeds_survive_the_death_of_their_instance_after_each_step") else {
        return;
    };
    support::install_crypto_provider();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("restate-seeds");
    let server = support::start_server(&work.join("data"), support::Storage::Uncompressed).await;
    let registering = tokio::sync::Mutex::new(());
    let (apigee, backblaze, deepgram, propelauth) = tokio::join!(
        killed_after_each_step::<Apigee>(&server, &work, &registering),
        killed_after_each_step::<Backblaze>(&server, &work, &registering),
        killed_after_each_step::<Deepgram>(&server, &work, &registering),
        killed_after_each_step::<PropelAuth>(&server, &work, &registering),
    );
    let mut secrets = [apigee, backblaze, deepgram, propelauth].concat();
    secrets.push(svix_service::journal_key_text());
    secrets.sort();
    secrets.dedup();
    assert_no_secret_in(&server.dir, &secrets);
    // The search sees what Restate stores: each seed's inputs, which are in the clear.
    for request in [Apigee::request(), Backblaze::request(), Deepgram::request(), PropelAuth::request()] {
        let mut inputs = Vec::new();
        json_strings(&request, &mut inputs);
        let visible = inputs.iter().find(|input| input.len() >= 8).unwrap();
        assert!(
            secret_search::occurrences(&server.dir, visible.as_bytes()) > 0,
            "the search does not see Restate's data"
        );
    }
    // RocksDB preallocates about 200 MB of files; kept only when the test fails, to look into.
    drop(server);
    let _ = std::fs::remove_dir_all(&work);
}

/// An invocation whose input carries a secret input anyway does not run: the request types refuse
/// fields they do not have (the SDK answers a terminal error, 400, and Restate does not retry).
#[test]
fn a_request_carrying_a_secret_input_is_refused() {
    fn refused<T: serde::de::DeserializeOwned>(mut request: Value, field: &str) {
        request[field] = Value::from("a secret the caller should not have sent");
        let error = serde_json::from_value::<T>(request).err().unwrap_or_else(|| panic!("{field} was accepted"));
        assert!(error.to_string().contains(&format!("unknown field `{field}`")), "{error}");
    }
    refused::<ApigeeRequest>(Apigee::request(), "newConsumerKey");
    refused::<ApigeeRequest>(Apigee::request(), "newConsumerSecret");
    refused::<DeepgramRequest>(Deepgram::request(), "apiKey");
    refused::<PropelAuthRequest>(PropelAuth::request(), "backendApiKey");
    // Without them, the requests the crash test sends are read whole.
    serde_json::from_value::<ApigeeRequest>(Apigee::request()).unwrap();
    serde_json::from_value::<BackblazeRequest>(Backblaze::request()).unwrap();
    serde_json::from_value::<DeepgramRequest>(Deepgram::request()).unwrap();
    serde_json::from_value::<PropelAuthRequest>(PropelAuth::request()).unwrap();
}

/// No file under `dir` holds any of `secrets`, in any of the forms [`secret_search::encodings`] gives
/// (as written, JSON-escaped, base64 in both alphabets at every alignment). One pass over the data
/// for the hundreds of forms: each is looked up by its first 8 bytes.
fn assert_no_secret_in(dir: &Path, secrets: &[String]) {
    let mut forms: HashMap<[u8; 8], Vec<(usize, Vec<u8>)>> = HashMap::new();
    for (index, secret) in secrets.iter().enumerate() {
        for form in secret_search::encodings(secret) {
            let head: [u8; 8] = form[..8].try_into().unwrap();
            forms.entry(head).or_default().push((index, form));
        }
    }
    let mut searched = 0;
    for file in files_under(dir) {
        let Ok(bytes) = std::fs::read(&file) else { continue };
        searched += bytes.len();
        for start in 0..bytes.len().saturating_sub(7) {
            let head: [u8; 8] = bytes[start..start + 8].try_into().unwrap();
            for (index, form) in forms.get(&head).into_iter().flatten() {
                assert!(
                    !bytes[start..].starts_with(form),
                    "a secret ({} characters) is in Restate's data, in {}, as {:?}",
                    secrets[*index].len(),
                    file.display(),
                    String::from_utf8_lossy(form)
                );
            }
        }
    }
    assert!(searched > 0, "Restate's data directory is empty");
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}
