//! `fake_server`: the five stateful fakes of the e2e tests in one long-running process, for tools that are not
//! Rust tests (the peer comparison in `benches/peers/`). Each fake starts on 127.0.0.1:0 with the seed data of
//! `tests/tests/e2e_<provider>.rs` plus enough copies of the rotated resource for `--runs` rotations in a row.
//! Run `i` (0-based) must use the inputs that `--describe` writes for index `i`; run 0's are the e2e test's.
//! The fakes are deterministic, so two tools making the same runs against fresh fakes get the same outputs.
//!
//! ```text
//! fake_server [--only svix|propelauth|deepgram|apigee|backblaze] [--runs N] [--ids e2e|plain]
//!             [--describe FILE] [--log FILE]
//! ```
//!
//! `--ids plain` replaces the e2e test's ids that need percent-encoding in a path segment (Deepgram's
//! `old key/1`, Apigee's `oldKey+/=A1`) with plain ones, so that tools which do not encode path parameters
//! can still be timed.
//!
//! Prints one `name=url` line per server (`backblaze` is the auth server, `backblaze_api` the API server that
//! `authorizeAccount` names), then `ready`, and serves until killed. `--describe` writes, per fake, its URLs,
//! workflow id, credentials and the inputs of every run as JSON (fixture values only). `--log` appends one JSON
//! line per request received: method, path, query, header names, the `Authorization` scheme (the credential
//! redacted unless it is an unevaluated `$` expression) and the body's shape (strings and numbers replaced by
//! their type names, so no secret is written).

use std::fs::File;
use std::hash::Hasher;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use arazzo_tests::RecordedRequest;
use arazzo_tests::apigee::{self, ApigeeApp, ApigeeKey, ApigeeSeed};
use arazzo_tests::backblaze::{self, B2Key, BackblazeSeed};
use arazzo_tests::deepgram::{self, DeepgramKey, DeepgramProject, DeepgramSeed};
use arazzo_tests::propelauth::{self, Presence, PropelKey, PropelSeed};
use arazzo_tests::svix::{self, SvixApp, SvixIntegration, SvixSeed};
use serde_json::{Map, Value, json};

const USAGE: &str = "usage: fake_server [--only svix|propelauth|deepgram|apigee|backblaze] [--runs N] \
                     [--ids e2e|plain] [--describe FILE] [--log FILE]";
const NAMES: [&str; 5] = ["svix", "propelauth", "deepgram", "apigee", "backblaze"];
/// How often `--log` looks for new requests; the recorders are only read, never cleared.
const LOG_POLL: Duration = Duration::from_millis(50);

struct Args {
    only: Option<String>,
    runs: usize,
    /// `--ids plain`: no id needs percent-encoding.
    plain: bool,
    describe: Option<String>,
    log: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args { only: None, runs: 100, plain: false, describe: None, log: None };
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--only" if NAMES.contains(&value.as_str()) => parsed.only = Some(value),
            "--runs" => {
                parsed.runs = value.parse().ok().filter(|n| *n > 0).ok_or("--runs: not a positive number")?;
            }
            "--ids" if value == "e2e" || value == "plain" => parsed.plain = value == "plain",
            "--describe" => parsed.describe = Some(value),
            "--log" => parsed.log = Some(value),
            _ => return Err(format!("bad argument {flag} {value:?}\n{USAGE}")),
        }
    }
    Ok(parsed)
}

/// A started fake: the servers live as long as `requests` (which owns the fake).
struct Running {
    name: &'static str,
    /// `(name, url)`, one printed line each.
    urls: Vec<(&'static str, String)>,
    requests: Box<dyn Fn() -> Vec<RecordedRequest>>,
    description: Value,
}

/// Seed values copied from tests/tests/`e2e_<provider>.rs`.
mod e2e {
    pub const SVIX_TOKEN: &str = "testsk_e2e_bearer_token";
    pub const SVIX_APP: &str = "app_2Xm5gXQj3mcvfvAPDdS0gVQGWgS";
    pub const SVIX_INTEG: &str = "integ_1srOrx2ZWZBpBUvZwXKQmoEYga2";
    pub const SVIX_KEY: &str = "integsk_kV3ts5tKPNJN4Dl25cMTfUNdmabxbX0O";

    pub const PROPEL_BACKEND_KEY: &str = "bk_e2e_4f6c1d0a9b8e7f6a";
    pub const PROPEL_USER: &str = "31c41c16-c281-44ae-9602-8a047e3bf33d";
    pub const PROPEL_OTHER_USER: &str = "8b0e6d5c-1111-4222-8333-944455556666";
    pub const PROPEL_OLDER: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    pub const PROPEL_LATEST: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    pub const PROPEL_OTHERS: &str = "ffffeeeeddddccccbbbbaaaa99998888";

    pub const DG_PROJECT: &str = "3f2d1c0b-5a49-4e3d-8c7b-6a5f4e3d2c1b";
    pub const DG_ADMIN_ID: &str = "admin-key-id";
    pub const DG_ADMIN_SECRET: &str = "dg_admin_e2e_secret_0123456789";
    pub const DG_OLD_ID: &str = "old key/1";
    pub const DG_OLD_SECRET: &str = "dg_old_e2e_secret_9876543210";

    pub const APIGEE_TOKEN: &str = "ya29.e2e-oauth-access-token";
    pub const APIGEE_ORG: &str = "acme-prod";
    pub const APIGEE_DEVELOPER: &str = "dev@example.com";
    pub const APIGEE_APP: &str = "billing-app";
    pub const APIGEE_PRODUCT: &str = "payments-gold";
    pub const APIGEE_OLD_KEY: &str = "oldKey+/=A1";
    pub const APIGEE_OLD_SECRET: &str = "old-consumer-secret-e2e";
    pub const APIGEE_NEW_KEY: &str = "NewKey+/=B2";
    pub const APIGEE_NEW_SECRET: &str = "new-consumer-secret-e2e";

    pub const B2_ACCOUNT: &str = "acct-e2e-7f6e5d";
    pub const B2_MASTER_ID: &str = "0014a98f9d9e8d0000000000";
    pub const B2_MASTER_KEY: &str = "K001masterAppKeyE2E";
    pub const B2_OLD_ID: &str = "0014a98f9d9e8d0000000007";
    pub const B2_OLD_KEY: &str = "K001oldAppKeyE2E";
}

use e2e::*;

/// The e2e value for run 0, a numbered variant for later runs.
fn nth(run: usize, first: &str, later: impl FnOnce() -> String) -> String {
    if run == 0 { first.to_owned() } else { later() }
}

async fn start_svix(runs: usize) -> std::io::Result<Running> {
    // Rotating the same integration again is a valid run: no copies needed.
    let seed = SvixSeed {
        tokens: vec![SVIX_TOKEN.into()],
        apps: vec![SvixApp {
            id: SVIX_APP.into(),
            uid: Some("billing app/eu".into()),
            integrations: vec![SvixIntegration {
                id: SVIX_INTEG.into(),
                name: "Payments".into(),
                key: SVIX_KEY.into(),
                feature_flags: vec![],
                created_at: "2024-03-01T10:00:00Z".into(),
                updated_at: "2024-03-02T10:00:00Z".into(),
            }],
        }],
    };
    let fake = svix::start(seed).await?;
    let inputs: Vec<Value> = (0..runs).map(|_| json!({ "appId": SVIX_APP, "integrationId": SVIX_INTEG })).collect();
    let description = json!({
        "workflow": "rotate-integration-key",
        "urls": { "svixApi": fake.base_url },
        "credentials": { "token": SVIX_TOKEN },
        "inputs": inputs,
    });
    let urls = vec![("svix", fake.base_url.clone())];
    Ok(Running { name: "svix", urls, requests: Box::new(move || fake.requests()), description })
}

async fn start_propelauth(runs: usize) -> std::io::Result<Running> {
    // Each run revokes the user's latest key and creates a newer one, so the user always has a latest key.
    let key = |id: &str, user: &str, created_at: i64| PropelKey {
        api_key_id: id.into(),
        token: format!("tok_{id}"),
        user_id: Some(user.into()),
        org_id: None,
        created_at,
        expires_at_seconds: Presence::Absent,
        metadata: None,
    };
    let seed = PropelSeed {
        backend_api_keys: vec![PROPEL_BACKEND_KEY.into()],
        keys: vec![
            key(PROPEL_OLDER, PROPEL_USER, 1_700_000_100),
            key(PROPEL_LATEST, PROPEL_USER, 1_700_000_200),
            key(PROPEL_OTHERS, PROPEL_OTHER_USER, 1_700_000_300),
        ],
        now: 1_700_000_500,
    };
    let fake = propelauth::start(seed).await?;
    // `expiresAtSeconds` is left out: how a tool sends an absent optional body field is one of the differences.
    let inputs: Vec<Value> =
        (0..runs).map(|_| json!({ "backendApiKey": PROPEL_BACKEND_KEY, "userId": PROPEL_USER })).collect();
    let description = json!({
        "workflow": "rotate-user-api-key",
        "urls": { "apiKeysApi": fake.base_url },
        "credentials": {},
        "inputs": inputs,
    });
    let urls = vec![("propelauth", fake.base_url.clone())];
    Ok(Running { name: "propelauth", urls, requests: Box::new(move || fake.requests()), description })
}

async fn start_deepgram(runs: usize, plain: bool) -> std::io::Result<Running> {
    // One project per run, each with the e2e admin and old keys, so every run deletes `old key/1` of its own
    // project and the key lists stay as short as in the e2e test.
    let key = |id: &str, secret: &str, comment: &str| DeepgramKey {
        api_key_id: id.into(),
        secret: secret.into(),
        comment: comment.into(),
        scopes: vec!["member".into()],
        created: "2024-01-01T00:00:00Z".into(),
    };
    let old_id = if plain { "old-key-1" } else { DG_OLD_ID };
    let project = |run: usize| nth(run, DG_PROJECT, || format!("3f2d1c0b-5a49-4e3d-8c7b-{run:012}"));
    let projects = (0..runs)
        .map(|run| DeepgramProject {
            project_id: project(run),
            keys: vec![key(DG_ADMIN_ID, DG_ADMIN_SECRET, "admin"), key(old_id, DG_OLD_SECRET, "old")],
        })
        .collect();
    let fake = deepgram::start(DeepgramSeed { projects }).await?;
    let inputs: Vec<Value> = (0..runs)
        .map(|run| {
            json!({
                "apiKey": DG_ADMIN_SECRET,
                "projectId": project(run),
                "oldKeyId": old_id,
                "comment": "rotated 2024-06",
                "scopes": ["usage:write", "keys:read"],
            })
        })
        .collect();
    let description = json!({
        "workflow": "rotate-project-key",
        "urls": { "managementApi": fake.base_url },
        "credentials": {},
        "inputs": inputs,
    });
    let urls = vec![("deepgram", fake.base_url.clone())];
    Ok(Running { name: "deepgram", urls, requests: Box::new(move || fake.requests()), description })
}

async fn start_apigee(runs: usize, plain: bool) -> std::io::Result<Running> {
    // One app per run with one old key each; consumer keys are unique in an organization.
    let app = |run: usize| nth(run, APIGEE_APP, || format!("{APIGEE_APP}-{}", run + 1));
    let old_key = |run: usize| match plain {
        true => format!("oldKeyA{}", run + 1),
        false => nth(run, APIGEE_OLD_KEY, || format!("oldKey+/=A{}", run + 1)),
    };
    let new_key = |run: usize| match plain {
        true => format!("NewKeyB{}", run + 2),
        false => nth(run, APIGEE_NEW_KEY, || format!("NewKey+/=B{}", run + 2)),
    };
    let apps = (0..runs)
        .map(|run| ApigeeApp {
            organization: APIGEE_ORG.into(),
            developer_email: APIGEE_DEVELOPER.into(),
            developer_id: "5f1e2d3c-developer".into(),
            name: app(run),
            app_id: nth(run, "8d7c6b5a-app", || format!("8d7c6b5a-app-{}", run + 1)),
            api_products: vec![APIGEE_PRODUCT.into()],
            credentials: vec![ApigeeKey::new(&old_key(run), APIGEE_OLD_SECRET)],
        })
        .collect();
    let seed = ApigeeSeed { tokens: vec![APIGEE_TOKEN.into()], products: vec![APIGEE_PRODUCT.into()], apps };
    let fake = apigee::start(seed).await?;
    let inputs: Vec<Value> = (0..runs)
        .map(|run| {
            json!({
                "organizationId": APIGEE_ORG,
                "developerId": APIGEE_DEVELOPER,
                "appId": app(run),
                "newConsumerKey": new_key(run),
                "newConsumerSecret": APIGEE_NEW_SECRET,
                "apiProduct": APIGEE_PRODUCT,
                "oldKeyId": old_key(run),
            })
        })
        .collect();
    let description = json!({
        "workflow": "rotate-app-key",
        "urls": { "apigeeApiManagement": fake.base_url },
        "credentials": { "token": APIGEE_TOKEN },
        "inputs": inputs,
    });
    let urls = vec![("apigee", fake.base_url.clone())];
    Ok(Running { name: "apigee", urls, requests: Box::new(move || fake.requests()), description })
}

async fn start_backblaze(runs: usize) -> std::io::Result<Running> {
    let key = |id: String, secret: String, name: &str, capabilities: &[&str]| B2Key {
        application_key_id: id,
        application_key: secret,
        key_name: name.into(),
        capabilities: capabilities.iter().map(|c| (*c).to_owned()).collect(),
    };
    let old_id = |run: usize| nth(run, B2_OLD_ID, || format!("0014a98f9d9e8d01{run:08}"));
    let master = key(B2_MASTER_ID.into(), B2_MASTER_KEY.into(), "master", &["listKeys", "writeKeys", "deleteKeys"]);
    let old = (0..runs).map(|run| {
        let secret = nth(run, B2_OLD_KEY, || format!("K001oldAppKeyPeer{run}"));
        key(old_id(run), secret, "backup-2023", &["readFiles", "writeFiles"])
    });
    let keys = std::iter::once(master).chain(old).collect();
    let fake = backblaze::start(BackblazeSeed { account_id: B2_ACCOUNT.into(), keys }).await?;
    let inputs: Vec<Value> = (0..runs)
        .map(|run| {
            json!({
                "keyName": "backup-2024",
                "capabilities": ["readFiles", "writeFiles"],
                "oldApplicationKeyId": old_id(run),
            })
        })
        .collect();
    let description = json!({
        "workflow": "rotate-application-key",
        "urls": { "backblazeB2": fake.base_url, "api": fake.api_url },
        "credentials": { "username": B2_MASTER_ID, "password": B2_MASTER_KEY },
        "inputs": inputs,
    });
    let urls = vec![("backblaze", fake.base_url.clone()), ("backblaze_api", fake.api_url.clone())];
    Ok(Running { name: "backblaze", urls, requests: Box::new(move || fake.requests()), description })
}

async fn start(name: &str, runs: usize, plain: bool) -> std::io::Result<Running> {
    match name {
        "svix" => start_svix(runs).await,
        "propelauth" => start_propelauth(runs).await,
        "deepgram" => start_deepgram(runs, plain).await,
        "apigee" => start_apigee(runs, plain).await,
        _ => start_backblaze(runs).await,
    }
}

/// Strings, numbers and booleans replaced by their type names; objects keep their keys in order.
fn shape(value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::Bool(_) => json!("<bool>"),
        Value::Number(_) => json!("<number>"),
        Value::String(_) => json!("<string>"),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
    }
}

/// A fingerprint of the body's values (object keys sorted) or of a header value, so two tools' requests can be
/// compared exactly without writing what they sent; `DefaultHasher::new()` is the same in every process of
/// one build.
fn digest(text: &str) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(text.as_bytes());
    format!("{:016x}", hasher.finish())
}

/// `value` with every object's keys in sorted order.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        Value::Object(fields) => {
            let mut sorted: Vec<(&String, &Value)> = fields.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
        }
        other => other.clone(),
    }
}

/// The `Authorization` header without its credential, unless the credential is an unevaluated
/// runtime expression (`$inputs.x`), which is no secret and is exactly what a reader needs to see.
fn redacted_authorization(value: &str) -> String {
    let (scheme, credential) = value.split_once(' ').unwrap_or(("", value));
    if credential.starts_with('$') {
        value.to_owned()
    } else if scheme.is_empty() {
        "<credential without scheme>".to_owned()
    } else {
        format!("{scheme} <redacted>")
    }
}

fn log_line(fake: &str, request: &RecordedRequest) -> Value {
    let mut line = Map::new();
    line.insert("fake".into(), json!(fake));
    line.insert("server".into(), json!(request.server));
    line.insert("method".into(), json!(request.method));
    line.insert("path".into(), json!(request.path));
    line.insert("query".into(), json!(request.query));
    let names: Vec<&str> = request.headers.iter().map(|(name, _)| name.as_str()).collect();
    line.insert("headers".into(), json!(names));
    line.insert("authorization".into(), json!(request.header("authorization").map(redacted_authorization)));
    line.insert("authorization_digest".into(), json!(request.header("authorization").map(digest)));
    line.insert("content_type".into(), json!(request.header("content-type")));
    let body = match (request.body.is_empty(), request.json()) {
        (true, _) => Value::Null,
        (false, Some(json)) => shape(&json),
        (false, None) => json!(format!("<{} bytes, not JSON>", request.body.len())),
    };
    line.insert("body".into(), body);
    let body_digest = match request.json() {
        Some(json) => digest(&canonical(&json).to_string()),
        None => digest(&String::from_utf8_lossy(&request.body)),
    };
    line.insert("body_digest".into(), json!(body_digest));
    Value::Object(line)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let names: Vec<&str> = NAMES.into_iter().filter(|n| args.only.as_deref().is_none_or(|only| only == *n)).collect();
    let mut running = Vec::new();
    for name in names {
        match start(name, args.runs, args.plain).await {
            Ok(fake) => running.push(fake),
            Err(error) => {
                eprintln!("error: cannot start the {name} fake on 127.0.0.1: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Some(path) = &args.describe {
        let description: Map<String, Value> =
            running.iter().map(|fake| (fake.name.to_owned(), fake.description.clone())).collect();
        let text = serde_json::to_string_pretty(&Value::Object(description)).unwrap_or_default();
        if let Err(error) = std::fs::write(path, text + "\n") {
            eprintln!("error: cannot write {path}: {error}");
            return ExitCode::FAILURE;
        }
    }
    for fake in &running {
        for (name, url) in &fake.urls {
            println!("{name}={url}");
        }
    }
    println!("ready");
    // The reader (a script) waits for `ready`; a line-buffered pipe would otherwise hold it back.
    let _ = std::io::stdout().flush();

    let Some(path) = &args.log else {
        std::future::pending::<()>().await;
        return ExitCode::SUCCESS;
    };
    let mut file = match File::options().create(true).append(true).open(path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("error: cannot open {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut seen = vec![0_usize; running.len()];
    loop {
        tokio::time::sleep(LOG_POLL).await;
        for (fake, seen) in running.iter().zip(seen.iter_mut()) {
            let requests = (fake.requests)();
            for request in requests.iter().skip(*seen) {
                if writeln!(file, "{}", log_line(fake.name, request)).is_err() {
                    eprintln!("error: cannot write to {path}");
                    return ExitCode::FAILURE;
                }
            }
            *seen = requests.len();
        }
    }
}

#[cfg(test)]
mod tests {
    // Unit tests of the log's redaction: failing loudly is their job.
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn authorization_keeps_the_scheme_and_unevaluated_expressions_only() {
        assert_eq!(redacted_authorization("Bearer bk_e2e_4f6c1d0a9b8e7f6a"), "Bearer <redacted>");
        assert_eq!(redacted_authorization("4_0123456789abcdef"), "<credential without scheme>");
        assert_eq!(redacted_authorization("Bearer $inputs.backendApiKey"), "Bearer $inputs.backendApiKey");
    }

    #[test]
    fn body_shape_hides_every_value_and_keeps_nulls_and_key_order() {
        let body = json!({ "user_id": "u-1", "expires_at_seconds": null, "n": 3, "ok": true, "scopes": ["a"] });
        let shaped = shape(&body).to_string();
        assert_eq!(
            shaped,
            r#"{"user_id":"<string>","expires_at_seconds":null,"n":"<number>","ok":"<bool>","scopes":["<string>"]}"#
        );
        assert!(!shaped.contains("u-1"));
    }

    #[test]
    fn digest_ignores_key_order_but_not_values() {
        let a = canonical(&json!({ "a": 1, "b": { "d": [1, 2], "c": "x" } })).to_string();
        let b = canonical(&json!({ "b": { "c": "x", "d": [1, 2] }, "a": 1 })).to_string();
        let c = canonical(&json!({ "b": { "c": "y", "d": [1, 2] }, "a": 1 })).to_string();
        assert_eq!(digest(&a), digest(&b));
        assert_ne!(digest(&a), digest(&c));
    }

    #[test]
    fn arguments_are_checked() {
        let args = |list: &[&str]| parse_args(list.iter().map(|s| (*s).to_owned()));
        let parsed = args(&["--only", "deepgram", "--runs", "7", "--ids", "plain"]).unwrap();
        assert_eq!((parsed.only.as_deref(), parsed.runs, parsed.plain), (Some("deepgram"), 7, true));
        assert!(args(&["--only", "stripe"]).is_err());
        assert!(args(&["--runs", "0"]).is_err());
        assert!(args(&["--ids", "weird"]).is_err());
        assert!(args(&["--log"]).is_err());
    }
}
