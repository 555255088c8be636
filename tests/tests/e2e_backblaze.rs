//! The generated Backblaze client against the fake B2: authorize with Basic credentials on the
//! auth server, then create and delete keys on the API server it names, with the raw token.

mod common;

use arazzo_generated::backblaze_rotate_application_key::{
    BackblazeB2, Config, RotateApplicationKeyInputs, rotate_application_key,
};
use arazzo_runtime::{BasicCredentials, Client, SecretString, StepError};
use arazzo_tests::backblaze::{self, B2Key, BackblazeSeed, FakeBackblaze};
use common::{Expected, assert_hides, assert_request};
use serde_json::json;

const ACCOUNT: &str = "acct-e2e-7f6e5d";
const MASTER_ID: &str = "0014a98f9d9e8d0000000000";
const MASTER_KEY: &str = "K001masterAppKeyE2E";
/// "Basic " + base64("0014a98f9d9e8d0000000000:K001masterAppKeyE2E"), computed by hand.
const MASTER_BASIC: &str = "Basic MDAxNGE5OGY5ZDllOGQwMDAwMDAwMDAwOkswMDFtYXN0ZXJBcHBLZXlFMkU=";
const OLD_ID: &str = "0014a98f9d9e8d0000000007";
const OLD_KEY: &str = "K001oldAppKeyE2E";

fn seed() -> BackblazeSeed {
    BackblazeSeed {
        account_id: ACCOUNT.into(),
        keys: vec![
            B2Key {
                application_key_id: MASTER_ID.into(),
                application_key: MASTER_KEY.into(),
                key_name: "master".into(),
                capabilities: vec!["listKeys".into(), "writeKeys".into(), "deleteKeys".into()],
            },
            B2Key {
                application_key_id: OLD_ID.into(),
                application_key: OLD_KEY.into(),
                key_name: "backup-2023".into(),
                capabilities: vec!["readFiles".into(), "writeFiles".into()],
            },
        ],
    }
}

fn config(fake: &FakeBackblaze, key: &str) -> Config {
    Config {
        backblaze_b2: BackblazeB2::new(BasicCredentials::new(MASTER_ID, SecretString::from(key)))
            .with_base_url(&fake.base_url),
    }
}

fn inputs(old_id: &str) -> RotateApplicationKeyInputs {
    RotateApplicationKeyInputs {
        key_name: "backup-2024".into(),
        capabilities: vec!["readFiles".into(), "writeFiles".into()],
        old_application_key_id: old_id.into(),
    }
}

#[tokio::test]
async fn rotates_the_application_key_across_both_servers() {
    let fake = backblaze::start(seed()).await.unwrap();
    let outputs = rotate_application_key(&Client::new(), &config(&fake, MASTER_KEY), &inputs(OLD_ID)).await.unwrap();

    let created = fake.keys().pop().unwrap();
    assert_eq!(created.key_name, "backup-2024");
    assert_eq!(created.capabilities, ["readFiles", "writeFiles"]);
    assert_eq!(outputs.new_application_key_id, created.application_key_id);
    assert_eq!(outputs.new_application_key.expose_secret(), created.application_key);
    assert_eq!(outputs.deleted_key_id, OLD_ID);
    assert!(fake.key(OLD_ID).is_none());

    let tokens = fake.issued_tokens();
    assert_eq!(tokens.len(), 1);
    let token = tokens[0].as_str();
    let requests = fake.requests();
    let servers: Vec<_> = requests.iter().map(|r| r.server).collect();
    assert_eq!(servers, ["auth", "api", "api"], "steps 2 and 3 go to the returned apiUrl");
    assert_request(
        0,
        &requests[0],
        &Expected {
            method: "GET",
            path: "/b2api/v4/b2_authorize_account",
            query: None,
            authorization: Some(MASTER_BASIC),
            json: None,
        },
    );
    assert_request(
        1,
        &requests[1],
        &Expected {
            method: "POST",
            path: "/b2api/v4/b2_create_key",
            query: None,
            // The raw token, without `Bearer `.
            authorization: Some(token),
            json: Some(
                json!({"accountId": ACCOUNT, "capabilities": ["readFiles", "writeFiles"], "keyName": "backup-2024"}),
            ),
        },
    );
    assert_request(
        2,
        &requests[2],
        &Expected {
            method: "POST",
            path: "/b2api/v4/b2_delete_key",
            query: None,
            authorization: Some(token),
            json: Some(json!({"applicationKeyId": OLD_ID})),
        },
    );
    assert_eq!(requests.len(), 3);
}

#[tokio::test]
async fn wrong_credentials_fail_at_authorize_with_401() {
    let fake = backblaze::start(seed()).await.unwrap();
    let wrong = "K001wrongAppKey";
    let err = rotate_application_key(&Client::new(), &config(&fake, wrong), &inputs(OLD_ID)).await.unwrap_err();

    assert_eq!(err.workflow_id(), "rotate-application-key");
    assert_eq!(err.step_id(), "authorize");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 401, .. }), "{:?}", err.error());
    assert!(err.to_string().contains("401"), "{err}");
    // base64("0014a98f9d9e8d0000000000:K001wrongAppKey")
    assert_hides(&err, &[wrong, MASTER_KEY, "MDAxNGE5OGY5ZDllOGQwMDAwMDAwMDAwOkswMDF3cm9uZ0FwcEtleQ=="]);
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].server, "auth");
    assert_eq!(fake.keys().len(), 2);
}

#[tokio::test]
async fn failed_delete_still_hands_over_the_new_key() {
    let fake = backblaze::start(seed()).await.unwrap();
    let err = rotate_application_key(&Client::new(), &config(&fake, MASTER_KEY), &inputs("0014a98f9d9e8d0000000099"))
        .await
        .unwrap_err();

    assert_eq!(err.step_id(), "deleteOldKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 400, .. }), "{:?}", err.error());
    let created = fake.keys().pop().unwrap();
    assert_eq!(err.partial().new_application_key_id.as_deref(), Some(created.application_key_id.as_str()));
    assert_eq!(
        err.partial().new_application_key.as_ref().map(SecretString::expose_secret),
        Some(created.application_key.as_str())
    );
    assert!(err.partial().deleted_key_id.is_none());
    let token = fake.issued_tokens().pop().unwrap();
    assert_hides(&err, &[MASTER_KEY, &MASTER_BASIC[6..], &token, &created.application_key, OLD_KEY]);
    assert!(fake.key(OLD_ID).is_some());
}

#[tokio::test]
async fn a_failing_api_server_reports_create_replacement_key_without_the_token() {
    let fake = backblaze::start(seed()).await.unwrap();
    // The error body repeats the raw authorization token the API server received.
    fake.fail_operation(
        "createKey",
        arazzo_tests::Failure::status(503)
            .json(json!({"status": 503, "code": "service_unavailable", "message": "try later"}))
            .echo_authorization(),
    );
    let err = rotate_application_key(&Client::new(), &config(&fake, MASTER_KEY), &inputs(OLD_ID)).await.unwrap_err();
    assert_eq!(err.step_id(), "createReplacementKey");
    assert!(matches!(err.error(), StepError::CriterionFailed { status: 503, .. }), "{:?}", err.error());
    assert!(err.partial().new_application_key.is_none());
    let token = fake.issued_tokens().pop().unwrap();
    assert_eq!(fake.requests()[1].server, "api");
    assert_eq!(fake.requests()[1].header("authorization"), Some(token.as_str()));
    assert_hides(&err, &[&token, MASTER_KEY]);
    assert!(fake.key(OLD_ID).is_some());
}
