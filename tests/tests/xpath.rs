//! The golden module of `xpath.arazzo.yaml` (issue 15) against an XML service on 127.0.0.1: `xpath`
//! criteria pass and fail on real XML response bodies (a failed one named as written, a body that is
//! not XML a typed error, never a pass), an `xpath` action criterion retries, and the XML payload
//! whose replacement targets are XPath expressions arrives on the wire byte for byte. The golden
//! module of `xpath-1-1.arazzo.yaml` reads XPath Selector Objects from a real XML response body
//! (step outputs), from an input holding XML text (a query parameter, a workflow output). The golden
//! module of `xpath-10.arazzo.yaml` evaluates `xpath-10` criteria with their XPath 1.0 meaning,
//! where XPath 3.1 would answer otherwise or raise an error.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

include!("../../arazzo-codegen/tests/golden/xpath.rs");
include!("../../arazzo-codegen/tests/golden/xpath-1-1.rs");
include!("../../arazzo-codegen/tests/golden/xpath-10.rs");

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, StepError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, put};
use xpath::{Config, Orders, PlaceOrderInputs, place_order};

const OK: &str = "<Envelope><Status>OK</Status><Queue><Item/><Item/></Queue></Envelope>";
const BUSY: &str = "<Envelope><Status>BUSY</Status><Queue/></Envelope>";
const ACCEPTED: &str = "<order id='42' state='accepted'><quantity>3</quantity></order>";

/// What the service answers, and what it received.
#[derive(Default)]
struct Service {
    /// The bodies of the next `GET /status` answers; the last one repeats.
    status: VecDeque<&'static str>,
    /// The body of every `PUT /orders/{id}` answer.
    order: &'static str,
    /// `(path, content type, body)` of every request.
    received: Vec<(String, Option<String>, Vec<u8>)>,
}

type Shared = Arc<Mutex<Service>>;

fn xml(body: &'static str) -> (StatusCode, [(header::HeaderName, &'static str); 1], &'static str) {
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/xml")], body)
}

async fn status(State(service): State<Shared>) -> impl axum::response::IntoResponse {
    let mut service = service.lock().unwrap();
    service.received.push(("/status".to_string(), None, Vec::new()));
    let body = if service.status.len() > 1 { service.status.pop_front() } else { service.status.front().copied() };
    xml(body.unwrap_or(OK))
}

async fn order(
    State(service): State<Shared>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> impl axum::response::IntoResponse {
    let mut service = service.lock().unwrap();
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_string);
    let query = query.map(|query| format!("?{query}")).unwrap_or_default();
    service.received.push((format!("/orders/{id}{query}"), content_type, body.to_vec()));
    xml(service.order)
}

/// Starts the service with these answers; returns its state and base URL.
async fn serve(status_bodies: &[&'static str], order_body: &'static str) -> (Shared, String) {
    let service: Shared = Arc::new(Mutex::new(Service {
        status: status_bodies.iter().copied().collect(),
        order: order_body,
        received: Vec::new(),
    }));
    let app =
        Router::new().route("/status", get(status)).route("/orders/{id}", put(order)).with_state(Arc::clone(&service));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (service, format!("http://{address}"))
}

fn inputs() -> PlaceOrderInputs {
    PlaceOrderInputs {
        order_id: "42".into(),
        customer: "Ann <&> \"B\" O'Neil".into(),
        quantity: 3,
        note: "fragile & urgent".into(),
    }
}

fn config(base_url: &str) -> Config {
    Config { orders: Orders::new().with_base_url(base_url) }
}

#[tokio::test]
async fn xpath_criteria_pass_and_the_replaced_xml_payload_arrives_as_expected() {
    let (service, base_url) = serve(&[OK], ACCEPTED).await;
    place_order(&Client::new(), &config(&base_url), &inputs()).await.unwrap();

    let received = &service.lock().unwrap().received;
    assert_eq!(received.len(), 2);
    let (path, content_type, body) = &received[1];
    assert_eq!(path, "/orders/42");
    assert_eq!(content_type.as_deref(), Some("application/xml"));
    // The template's `id`, `customer`, `quantity` and `channel` replaced at build time by XPath
    // targets; every value filled in at run time escaped as XML.
    assert_eq!(
        std::str::from_utf8(body).unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <order id=\"42\">\n  \
         <customer>customer Ann &lt;&amp;&gt; &quot;B&quot; O&apos;Neil</customer>\n  \
         <quantity>3</quantity>\n  \
         <note>fragile &amp; urgent</note>\n  \
         <channel>api &amp; batch</channel>\n\
         </order>\n"
    );
}

#[tokio::test]
async fn an_xpath_action_criterion_retries_while_the_service_is_busy() {
    let (service, base_url) = serve(&[BUSY, OK], ACCEPTED).await;
    place_order(&Client::new(), &config(&base_url), &inputs()).await.unwrap();
    let paths: Vec<String> = service.lock().unwrap().received.iter().map(|(path, ..)| path.clone()).collect();
    assert_eq!(paths, ["/status", "/status", "/orders/42"]);
}

#[tokio::test]
async fn a_failed_xpath_criterion_is_named_as_written() {
    let (_, base_url) = serve(&[OK], "<order id='42' state='rejected'><quantity>3</quantity></order>").await;
    let error = place_order(&Client::new(), &config(&base_url), &inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "place");
    let criterion = "/order/@state = 'accepted' and /order/quantity > 0 (xpath on $response.body)";
    assert!(
        matches!(error.error(), StepError::CriterionFailed { criterion: failed, status: 200, .. } if *failed == criterion),
        "{:?}",
        error.error()
    );
    assert!(error.to_string().contains(criterion), "{error}");
}

#[tokio::test]
async fn a_body_that_is_not_xml_fails_the_criterion_with_a_typed_error() {
    let (service, base_url) = serve(&["{\"Envelope\": {\"Status\": \"OK\"}}"], ACCEPTED).await;
    let error = place_order(&Client::new(), &config(&base_url), &inputs()).await.unwrap_err();
    assert_eq!(error.step_id(), "status");
    assert_eq!(
        error.error(),
        &StepError::CriterionNotEvaluated {
            criterion: "/Envelope/Status[text()='OK']",
            message: "the context is not well-formed XML: Parse error: Parser error: unknown token at 1:1".to_string(),
        }
    );
    // Nothing after the failed step was sent.
    assert_eq!(service.lock().unwrap().received.len(), 1);
}

#[tokio::test]
async fn an_xpath_error_fails_the_criterion_naming_its_code() {
    // `/order/quantity > 0` compares the text `many` with a number: XPath's FORG0001.
    let (_, base_url) = serve(&[OK], "<order state='accepted'><quantity>many</quantity></order>").await;
    let error = place_order(&Client::new(), &config(&base_url), &inputs()).await.unwrap_err();
    let StepError::CriterionNotEvaluated { criterion, message } = error.error() else { panic!("{:?}", error.error()) };
    assert_eq!(*criterion, "/order/@state = 'accepted' and /order/quantity > 0");
    assert!(message.starts_with("evaluating it raised the XPath error FORG0001"), "{message}");
}

fn amend_inputs(receipt: &str) -> xpath_1_1::AmendOrderInputs {
    xpath_1_1::AmendOrderInputs { order_id: "42".into(), receipt: receipt.into(), state: "paid".into() }
}

fn amend_config(base_url: &str) -> xpath_1_1::Config {
    xpath_1_1::Config { orders: xpath_1_1::Orders::new().with_base_url(base_url) }
}

const RECEIPT: &str = "<receipt number='R-7'><paid>true</paid><total>12.5</total></receipt>";

#[tokio::test]
async fn xpath_selectors_read_the_xml_response_body_and_an_input_holding_xml() {
    let order = "<order id='42' state='accepted'><line sku='tea'/><line sku='milk'/></order>";
    let (service, base_url) = serve(&[OK], order).await;
    let outputs =
        xpath_1_1::amend_order(&Client::new(), &amend_config(&base_url), &amend_inputs(RECEIPT)).await.unwrap();
    // One attribute is its value; two are a list of them (XPath::select's mapping).
    assert_eq!(outputs.state, serde_json::json!("accepted"));
    assert_eq!(outputs.skus, serde_json::json!(["tea", "milk"]));
    // A number computed from the input's XML is a JSON number.
    assert_eq!(outputs.total, Some(serde_json::json!(12.5)));
    // The query parameter is what `string(/receipt/@number)` selects in the input.
    let paths: Vec<String> = service.lock().unwrap().received.iter().map(|(path, ..)| path.clone()).collect();
    assert_eq!(paths, ["/orders/42", "/orders/42?receipt=R-7"]);
}

#[tokio::test]
async fn an_xpath_selector_that_selects_nothing_is_null() {
    // No `state` attribute and no `line`: both outputs are `null`, as a JSONPath selector's node that
    // is not there; the receipt without a `number` leaves the query parameter out.
    let (service, base_url) = serve(&[OK], "<order id='42'/>").await;
    let receipt = "<receipt><paid>true</paid><total>1</total></receipt>";
    let outputs =
        xpath_1_1::amend_order(&Client::new(), &amend_config(&base_url), &amend_inputs(receipt)).await.unwrap();
    assert_eq!(outputs.state, serde_json::Value::Null);
    assert_eq!(outputs.skus, serde_json::Value::Null);
    let paths: Vec<String> = service.lock().unwrap().received.iter().map(|(path, ..)| path.clone()).collect();
    assert_eq!(paths[1], "/orders/42?receipt=");
}

#[tokio::test]
async fn an_input_that_is_not_xml_fails_the_selector_with_the_typed_xpath_error() {
    let (_, base_url) = serve(&[OK], "<order id='42'/>").await;
    let error =
        xpath_1_1::amend_order(&Client::new(), &amend_config(&base_url), &amend_inputs("not <xml")).await.unwrap_err();
    // The workflow output `total` reads the input before any step runs.
    let StepError::CriterionNotEvaluated { criterion, message } = error.error() else { panic!("{:?}", error.error()) };
    assert_eq!(*criterion, "number(/receipt/total)");
    assert!(message.starts_with("the context is not well-formed XML"), "{message}");
}

async fn check_queue(status: &'static str) -> Result<(), arazzo_runtime::WorkflowError<xpath_10::CheckQueuePartial>> {
    let (_, base_url) = serve(&[status], ACCEPTED).await;
    let config = xpath_10::Config { orders: xpath_10::Orders::new().with_base_url(&base_url) };
    xpath_10::check_queue(&Client::new(), &config, &xpath_10::CheckQueueInputs {}).await.map(|_| ())
}

/// XPath 1.0 compares `@size` with '9' as numbers (3.1: as strings, '10' < '9'), takes the first
/// `Item` for `starts-with` (3.1: an error for two), and sums a weight that is not a number to NaN,
/// which is not greater than 100 (3.1: a cast error).
#[tokio::test]
async fn xpath_10_criteria_pass_with_their_1_0_meaning() {
    let status = "<Envelope><Queue size='10'><Item weight='n/a'>first in line</Item><Item weight='5'>second</Item>\
                  </Queue></Envelope>";
    check_queue(status).await.unwrap();
}

#[tokio::test]
async fn an_xpath_10_criterion_fails_with_its_1_0_meaning_and_is_named_as_written() {
    // 8 > 9 is false as numbers (as strings, '8' > '9' is false too, but '80' > '9' would be true).
    for status in [
        "<Envelope><Queue size='8'><Item>first</Item></Queue></Envelope>",
        "<Envelope><Queue size='80'><Item>second</Item><Item>first</Item></Queue></Envelope>",
        "<Envelope><Queue size='10'><Item weight='60'>first</Item><Item weight='41'/></Queue></Envelope>",
    ] {
        let error = check_queue(status).await.unwrap_err();
        let StepError::CriterionFailed { criterion, status: 200, .. } = error.error() else {
            panic!("{status}: {:?}", error.error())
        };
        assert!(criterion.ends_with(" (xpath on $response.body)"), "{criterion}");
        assert!(!criterion.contains("arazzo_t"), "named as written: {criterion}");
    }
    // A body that is not XML: the error names the expression as written, not its translation.
    let error = check_queue("{}").await.unwrap_err();
    let StepError::CriterionNotEvaluated { criterion, .. } = error.error() else { panic!("{:?}", error.error()) };
    assert_eq!(*criterion, "/Envelope/Queue/@size > '9' and starts-with(/Envelope/Queue/Item, 'first')");
}
