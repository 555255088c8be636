//! Hostile inputs at run time: values with `/`, `..`, `?`, `#`, `%`, spaces, unicode, CR/LF, NUL,
//! 10 kB of mixed text, and the empty string, in each parameter position of generated clients,
//! checked on the raw request the loopback fake received.
//!
//! - Path (Svix's `app_id`, an input, and `integ_id`, an input and then a response value): the
//!   value is exactly one percent-encoded segment that decodes back to it, so the path keeps the
//!   template's segments; `""`, `.` and `..` are refused with `InvalidRequest` and nothing is sent.
//! - Query (`tags` of the `features` fixture): form-urlencoded, decodes back exactly, no extra
//!   parameter.
//! - Header (`X-Request-Id: adopt-{$inputs.name}-1`): sent as is; CR, LF and NUL are refused
//!   with `InvalidRequest`, nothing is sent, and the error does not quote the value.
//! - Cookie (`session`): percent-encoded like a path segment (so CR/LF/NUL are encoded, never
//!   refused and never raw), decodes back exactly, one cookie.

// Test helpers unwrap and panic: a failure there is a failed test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

include!("../../arazzo-codegen/tests/golden/features.rs");

use arazzo_generated::svix_rotate_integration_key::{
    Config as SvixConfig, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key,
};
use arazzo_runtime::{Client, SecretString, StepError, WorkflowError};
use arazzo_tests::RecordedRequest;
use arazzo_tests::pets::{self, Pet, PetsSeed, StoreSeed};
use arazzo_tests::svix::{self, SvixApp, SvixIntegration, SvixSeed};
use features::{AdoptPetInputs, Config, Pets, Store, adopt_pet};

/// 10 kB of text full of delimiters and a two-byte letter, but no CR, LF or NUL.
fn long_value() -> String {
    let mut value = String::new();
    while value.len() < 10 * 1024 {
        value.push_str("long/?#%&=;+ ü-");
    }
    value
}

fn hostile_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "a/b",
        "..",
        ".",
        "../admin",
        "a?x=1",
        "a#frag",
        "100%",
        "%2F",
        "a b",
        "ünïcødé",
        "日本",
        "emoji 🔑",
        "a\r\nX-Injected: 1",
        "a\nb",
        "a\rb",
        "\0",
        "",
    ]
    .map(str::to_owned)
    .into();
    values.push(long_value());
    values
}

/// A value for messages: escaped, and cut when long.
fn shown(value: &str) -> String {
    let escaped = format!("{value:?}");
    if escaped.len() > 40 { format!("{}...({} bytes)", &escaped[..30], value.len()) } else { escaped }
}

/// Strict percent-decoding: every `%` starts two hex digits; `plus` decodes `+` as a space.
fn decode(text: &str, plus: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3).expect("`%` with two digits")).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("hex digits after `%`"));
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 once decoded")
}

/// Whether `text` is made only of `allowed` ASCII bytes, alphanumerics and `%XX` escapes.
fn only(text: &str, allowed: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if !bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else if bytes[i].is_ascii_alphanumeric() || allowed.contains(&bytes[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// RFC 3986 `unreserved` besides alphanumerics.
const UNRESERVED: &[u8] = b"-._~";

/// Asserts a refused run: `InvalidRequest`, at the first step, nothing sent, and an error that
/// does not quote the value.
#[track_caller]
fn assert_refused<P: std::fmt::Debug>(
    error: &WorkflowError<P>,
    step: &str,
    requests: &[RecordedRequest],
    value: &str,
    at: &str,
) {
    assert_eq!(error.step_id(), step, "{at}");
    assert!(matches!(error.error(), StepError::InvalidRequest { .. }), "{at}: {:?}", error.error());
    assert!(requests.is_empty(), "{at}: the server received {} requests", requests.len());
    let display = error.to_string();
    let debug = format!("{error:?}");
    // `""`, `.` and `..` are in any sentence; the others must not be quoted, raw or escaped.
    if !value.chars().all(|c| c == '.') {
        let escaped = value.escape_debug().to_string();
        for text in [&display, &debug] {
            assert!(!text.contains(value) && !text.contains(&escaped), "{at}: the error quotes the value: {text}");
        }
    }
    for text in [&display, &debug] {
        assert!(!text.contains(['\r', '\n', '\0']) && !text.contains("Injected"), "{at}: {text:?}");
    }
}

// ---- Path parameters: the Svix seed ----

const TOKEN: &str = "testsk_hostile_bearer";
const APP: &str = "app_hostile";
const INTEG: &str = "integ_hostile";

/// `app_id` matches the app's uid and `integ_id` the integration's id, so both can be any text.
fn svix_seed(app_uid: &str, integ_id: &str) -> SvixSeed {
    let integration = SvixIntegration {
        id: integ_id.into(),
        name: "Payments".into(),
        key: "integsk_hostile_original".into(),
        feature_flags: vec![],
        created_at: "2024-03-01T10:00:00Z".into(),
        updated_at: "2024-03-02T10:00:00Z".into(),
    };
    SvixSeed {
        tokens: vec![TOKEN.into()],
        apps: vec![SvixApp { id: APP.into(), uid: Some(app_uid.into()), integrations: vec![integration] }],
    }
}

/// Rotates with `value` as `app_id` (`segment` 4 of the path, counting the empty one before the
/// first `/`) or `integ_id` (segment 6).
async fn path_runs(segment: usize) -> (usize, usize) {
    let templates = [
        "/api/v1/app/{}/integration/{}",
        "/api/v1/app/{}/integration/{}/key/rotate",
        "/api/v1/app/{}/integration/{}/key",
    ];
    let (mut sent, mut refused) = (0, 0);
    for value in hostile_values() {
        let (app, integ) = if segment == 4 { (value.as_str(), INTEG) } else { (APP, value.as_str()) };
        let at = format!("path segment {segment}, {}", shown(&value));
        let fake = svix::start(svix_seed(app, integ)).await.unwrap();
        let config = SvixConfig { svix_api: SvixApi::new(SecretString::from(TOKEN)).with_base_url(&fake.base_url) };
        let inputs = RotateIntegrationKeyInputs { app_id: app.into(), integration_id: integ.into() };
        let result = rotate_integration_key(&Client::new(), &config, &inputs).await;
        let requests = fake.requests();

        if value.is_empty() || value == "." || value == ".." {
            assert_refused(&result.unwrap_err(), "getIntegration", &requests, &value, &at);
            refused += 1;
            continue;
        }
        // The fake matched the routes and found the app and integration by the decoded values.
        let outputs = result.unwrap_or_else(|error| panic!("{at}: {error}"));
        assert_eq!(outputs.integration_id, integ, "{at}");
        assert_eq!(requests.len(), 3, "{at}");
        for (request, template) in requests.iter().zip(templates) {
            let segments: Vec<&str> = request.path.split('/').collect();
            assert_eq!(segments.len(), template.split('/').count(), "{at}: {}", request.path);
            for (index, expected) in template.split('/').enumerate() {
                let actual = segments[index];
                if index == 4 || index == 6 {
                    assert!(only(actual, UNRESERVED), "{at}: segment {actual:?} is not percent-encoded");
                    let original = if index == 4 { app } else { integ };
                    assert_eq!(decode(actual, false), original, "{at}: segment {index}");
                } else {
                    assert_eq!(actual, expected, "{at}: {}", request.path);
                }
            }
            assert_eq!(request.query, None, "{at}: a query appeared");
        }
        sent += 1;
    }
    (sent, refused)
}

#[tokio::test]
async fn path_values_stay_one_segment_and_dot_segments_are_refused() {
    let mut total = 0;
    for (segment, name) in [(4, "app_id"), (6, "integ_id")] {
        let (sent, refused) = path_runs(segment).await;
        println!(
            "hostile inputs: path `{name}`: {} values, {sent} sent as one segment that decodes back exactly, \
             {refused} refused before sending",
            sent + refused
        );
        assert_eq!(refused, 3, "`` ``, `.` and `..`");
        total += sent + refused;
    }
    assert_eq!(total, 2 * hostile_values().len());
}

// ---- Query, header and cookie parameters: the `features` fixture ----

const BEARER: &str = "pets_hostile_bearer";
const API_KEY: &str = "pets_hostile_api_key";
const STORE_KEY: &str = "store_hostile_key";

struct Fakes {
    pets: pets::FakePets,
    _store: pets::FakeStore,
    config: Config,
}

async fn start() -> Fakes {
    // One pet listed, so that `list` finds `X-Next` and `/pets/0/id`.
    let seed = PetsSeed {
        pets: vec![Pet { id: "pet_rex".into(), name: "Rex".into(), age: 7, owner_token: None }],
        bearer: BEARER.into(),
        api_key: API_KEY.into(),
        ..PetsSeed::default()
    };
    let pets = pets::start(seed).await.unwrap();
    let store = pets::start_store(&pets, StoreSeed { api_key: STORE_KEY.into(), count: 1 }).await.unwrap();
    let config = Config {
        pets: Pets::new(BEARER, API_KEY).with_base_url(&pets.base_url),
        store: Store::new(STORE_KEY).with_base_url(&store.base_url),
    };
    Fakes { pets, _store: store, config }
}

fn inputs() -> AdoptPetInputs {
    AdoptPetInputs {
        name: "Biscuit".into(),
        age: None,
        weight: None,
        vaccinated: None,
        tags: None,
        limit: 1,
        session: "sess_1".into(),
        owner_password: None,
        extra: None,
        type_: None,
    }
}

#[tokio::test]
async fn query_values_decode_back_exactly() {
    let values = hostile_values();
    for value in &values {
        let at = format!("query `tags`, {}", shown(value));
        let fakes = start().await;
        let inputs = AdoptPetInputs { tags: Some(vec![value.clone()]), ..inputs() };
        adopt_pet(&Client::new(), &fakes.config, &inputs).await.unwrap_or_else(|error| panic!("{at}: {error}"));
        let requests = fakes.pets.requests();
        assert_eq!(requests.len(), 5, "{at}");
        assert_eq!(requests[0].path, "/v2/pets", "{at}");
        let query = requests[0].query.as_deref().unwrap();
        // Form-urlencoded: nothing but alphanumerics, `*-._`, `+`, escapes and the `=`/`&` delimiters.
        assert!(only(query, b"*-._+=&"), "{at}: {query}");
        let pairs: Vec<(&str, &str)> = query.split('&').map(|pair| pair.split_once('=').unwrap()).collect();
        let names: Vec<&str> = pairs.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["limit", "tags", "fields"], "{at}: {query}");
        assert_eq!(decode(pairs[1].1, true), *value, "{at}");
        // And as a URL parser reads it.
        let url = reqwest::Url::parse(&format!("http://h/?{query}")).unwrap();
        let tags: Vec<String> = url.query_pairs().filter(|(name, _)| name == "tags").map(|(_, v)| v.into()).collect();
        assert_eq!(tags, std::slice::from_ref(value), "{at}");
    }
    println!(
        "hostile inputs: query `tags`: {} values, all sent form-urlencoded and decoded back exactly",
        values.len()
    );
}

#[tokio::test]
async fn header_values_are_sent_as_is_or_refused_before_sending() {
    let values = hostile_values();
    let (mut sent, mut refused) = (0, 0);
    for value in &values {
        let at = format!("header `X-Request-Id`, {}", shown(value));
        let fakes = start().await;
        let inputs = AdoptPetInputs { name: value.clone(), ..inputs() };
        let result = adopt_pet(&Client::new(), &fakes.config, &inputs).await;
        let requests = fakes.pets.requests();
        if value.contains(['\r', '\n', '\0']) {
            assert_refused(&result.unwrap_err(), "list", &requests, value, &at);
            refused += 1;
            continue;
        }
        let outputs = result.unwrap_or_else(|error| panic!("{at}: {error}"));
        assert_eq!(outputs.name, *value, "{at}");
        assert_eq!(requests.len(), 5, "{at}");
        let expected = format!("adopt-{value}-1");
        assert_eq!(requests[0].header("x-request-id"), Some(expected.as_str()), "{at}");
        assert_eq!(requests[0].header_count("x-request-id"), 1, "{at}");
        assert!(requests[0].header("x-injected").is_none(), "{at}");
        sent += 1;
    }
    println!(
        "hostile inputs: header `X-Request-Id`: {} values, {sent} sent exactly as given, {refused} with CR, LF or \
         NUL refused before sending",
        values.len()
    );
    assert_eq!(refused, 4, "the values with CR, LF or NUL");
}

#[tokio::test]
async fn cookie_values_are_percent_encoded_and_decode_back_exactly() {
    let values = hostile_values();
    for value in &values {
        let at = format!("cookie `session`, {}", shown(value));
        let fakes = start().await;
        let inputs = AdoptPetInputs { session: value.clone(), ..inputs() };
        adopt_pet(&Client::new(), &fakes.config, &inputs).await.unwrap_or_else(|error| panic!("{at}: {error}"));
        let requests = fakes.pets.requests();
        assert_eq!(requests.len(), 5, "{at}");
        // Only `read` carries the cookie, as one pair in one header.
        let read = &requests[2];
        assert_eq!(read.header_count("cookie"), 1, "{at}");
        let cookie = read.header("cookie").unwrap();
        let encoded = cookie.strip_prefix("session=").unwrap_or_else(|| panic!("{at}: {cookie}"));
        assert!(only(encoded, UNRESERVED), "{at}: {cookie}");
        assert_eq!(decode(encoded, false), *value, "{at}");
        assert!(requests.iter().enumerate().all(|(i, r)| i == 2 || r.header("cookie").is_none()), "{at}");
    }
    println!(
        "hostile inputs: cookie `session`: {} values, all sent percent-encoded (CR, LF and NUL included) and \
         decoded back exactly",
        values.len()
    );
}
