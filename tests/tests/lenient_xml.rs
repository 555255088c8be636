//! The golden module of `lenient-xml.arazzo.yaml` (XML payloads written as objects, a tolerant
//! reading of issue 14) run through `DryRun`, which prepares each request exactly as the network
//! transport does: the XML bytes on the wire, the escaping of filled-in values, the media types, and
//! the typed error a value without an XML form gives before anything is sent, without its value.

include!("../../arazzo-codegen/tests/golden/lenient-xml.rs");

use arazzo_runtime::{DryRun, DryRunResponse, SecretString, StepError};
use lenient_xml::{Buckets, Config, ConfigureBucketInputs, configure_bucket};
use serde_json::json;

const KEY: &str = "AKIA<&\"secret";

fn config() -> Config {
    Config { buckets: Buckets::new().with_base_url("http://127.0.0.1:9") }
}

fn inputs(status: &str, key: &str, policy: serde_json::Value) -> ConfigureBucketInputs {
    ConfigureBucketInputs {
        bucket: "b1".into(),
        status: status.into(),
        project: "R&D <north>".into(),
        owner: "a\"b".into(),
        access_key: SecretString::from(key),
        policy,
        labels: json!({"team": "a&b", "tier": "gold"}),
    }
}

fn policy() -> serde_json::Value {
    json!({"Policy": {"@version": "2", "Statement": [{"Effect": "Allow"}, {"Effect": "Deny"}]}})
}

fn answer_all(dry_run: &DryRun) {
    dry_run
        .respond(DryRunResponse::status(200))
        .respond(DryRunResponse::status(204))
        .respond(DryRunResponse::status(200))
        .respond(DryRunResponse::status(200))
        .respond(DryRunResponse::status(200));
}

#[tokio::test]
async fn object_payloads_are_sent_as_xml_with_the_operations_media_type() {
    let dry_run = DryRun::new();
    answer_all(&dry_run);
    configure_bucket(&dry_run.client(), &config(), &inputs("Enabled", KEY, policy())).await.unwrap();

    let sent = dry_run.requests();
    assert_eq!(sent.len(), 5);
    assert_eq!(sent[0].path(), "/b1/versioning");
    assert_eq!(sent[0].header("content-type"), Some("application/xml"));
    assert_eq!(
        std::str::from_utf8(sent[0].body()).unwrap(),
        "<VersioningConfiguration xmlns=\"http://buckets.example.com/doc/2006-03-01/\"><Status>Enabled</Status>\
         <MfaDelete>Disabled</MfaDelete></VersioningConfiguration>"
    );
    // `contentType: text/xml` on the step; filled-in values escaped, whether whole or inside a string.
    assert_eq!(sent[1].header("content-type"), Some("text/xml"));
    assert_eq!(
        std::str::from_utf8(sent[1].body()).unwrap(),
        "<Tagging><TagSet>\
         <Tag><Key>project</Key><Value>R&amp;D &lt;north&gt;</Value></Tag>\
         <Tag><Key>owner</Key><Value>team a&quot;b</Value></Tag>\
         <Tag><Key>key</Key><Value>AKIA&lt;&amp;&quot;secret</Value></Tag>\
         <Tag><Key>size</Key><Value>3</Value><Note lang=\"en\">small</Note><Empty/></Tag>\
         </TagSet></Tagging>"
    );
    // A whole expression holding an object, for the operation's first media type (`+xml`).
    assert_eq!(sent[2].header("content-type"), Some("application/vnd.buckets.policy+xml"));
    assert_eq!(
        std::str::from_utf8(sent[2].body()).unwrap(),
        "<Policy version=\"2\"><Statement><Effect>Allow</Effect></Statement><Statement><Effect>Deny</Effect></Statement></Policy>"
    );
    // A form body whose fields are an object input.
    assert_eq!(sent[3].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(sent[3].body(), b"team=a%26b&tier=gold");
    // XML written as text, Arazzo's spelling: each embedded value escaped, in text and attributes.
    assert_eq!(sent[4].header("content-type"), Some("application/xml"));
    assert_eq!(
        std::str::from_utf8(sent[4].body()).unwrap(),
        "<VersioningConfiguration><Status>Enabled</Status><Note by=\"a&quot;b\">R&amp;D &lt;north&gt;</Note>\
         </VersioningConfiguration>"
    );
    for request in &sent {
        assert!(!format!("{request:?}").contains("AKIA"), "{request:?}");
    }
}

#[tokio::test]
async fn a_secret_in_an_xml_body_is_scrubbed_from_the_error_excerpt() {
    let dry_run = DryRun::new();
    // The server echoes the body it was sent.
    dry_run
        .respond(DryRunResponse::status(200))
        .respond(DryRunResponse::status(400).body(format!("<Error>{KEY}</Error>")));
    let error = configure_bucket(&dry_run.client(), &config(), &inputs("Enabled", KEY, policy())).await.unwrap_err();
    assert_eq!(error.step_id(), "tagging");
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 400, .. }), "{:?}", error.error());
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains("AKIA"), "{shown}");
    }
}

#[tokio::test]
async fn a_filled_value_xml_cannot_carry_fails_the_step_before_sending_without_showing_it() {
    // A control character in a plain input, then in a secret one.
    for (status, key, step, at) in [
        ("En\u{1}abled", KEY, "versioning", "/VersioningConfiguration/Status"),
        ("Enabled", "AKIA\u{8}secret", "tagging", "/Tagging/TagSet/Tag/2/Value"),
    ] {
        let dry_run = DryRun::new();
        answer_all(&dry_run);
        let error = configure_bucket(&dry_run.client(), &config(), &inputs(status, key, policy())).await.unwrap_err();
        assert_eq!(error.step_id(), step);
        let StepError::InvalidRequest { message } = error.error() else { panic!("{:?}", error.error()) };
        assert!(message.contains(at) && message.contains("XML 1.0 cannot carry"), "{message}");
        assert!(!error.to_string().contains("AKIA") && !format!("{error:?}").contains("AKIA"), "{error}");
        assert_eq!(dry_run.requests().len(), usize::from(step == "tagging"), "the step's request is not sent");
    }
}

#[tokio::test]
async fn a_value_without_one_root_element_fails_the_step_before_sending() {
    for (policy, found) in [
        (json!({"A": 1, "B": 2}), "an object with 2 members"),
        (json!("<Policy/>"), "a string"),
        (json!({"Policy": {"1st": "x"}}), "`1st` (at `/Policy/1st`) is not a valid XML name"),
    ] {
        let dry_run = DryRun::new();
        answer_all(&dry_run);
        let error = configure_bucket(&dry_run.client(), &config(), &inputs("Enabled", KEY, policy)).await.unwrap_err();
        assert_eq!(error.step_id(), "policy");
        let StepError::InvalidRequest { message } = error.error() else { panic!("{:?}", error.error()) };
        assert!(message.contains(found), "{message}");
        assert_eq!(dry_run.requests().len(), 2, "the policy request is not sent");
    }
}

#[tokio::test]
async fn a_form_input_that_is_not_an_object_fails_the_step_before_sending() {
    let dry_run = DryRun::new();
    answer_all(&dry_run);
    let mut inputs = inputs("Enabled", KEY, policy());
    inputs.labels = json!(["team"]);
    let error = configure_bucket(&dry_run.client(), &config(), &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "labels");
    assert!(matches!(error.error(), StepError::InvalidRequest { message } if message.contains("JSON object")));
    assert_eq!(dry_run.requests().len(), 3, "the labels request is not sent");
}
