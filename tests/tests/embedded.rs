//! The golden module of `embedded-1-1.arazzo.yaml` (Arazzo 1.1: runtime expressions embedded in
//! regex, jsonpath and xpath conditions and in JSONPath and XPath selectors) against a fake order
//! service on 127.0.0.1: the values are filled in as values, so a value holding regex, JSONPath or
//! XPath syntax is matched or compared as itself and can never make a criterion pass or a selector
//! select more; an embedded secret is compared, and never appears in an error.

// Test helpers may unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

include!("../../arazzo-codegen/tests/golden/embedded-1-1.rs");

use std::sync::{Arc, Mutex};

use arazzo_runtime::{Client, SecretString, StepError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::routing::get;
use embedded_1_1::{CheckOrderInputs, Config, Orders, check_order};

/// What the service answers, and the paths it was asked for.
struct Service {
    batch: &'static str,
    orders: serde_json::Value,
    receipt: &'static str,
    received: Vec<String>,
}

type Shared = Arc<Mutex<Service>>;

async fn orders(State(service): State<Shared>) -> impl axum::response::IntoResponse {
    let mut service = service.lock().unwrap();
    service.received.push("/orders".to_string());
    ([("X-Batch", service.batch)], axum::Json(service.orders.clone()))
}

async fn receipt(State(service): State<Shared>, Path(id): Path<String>) -> impl axum::response::IntoResponse {
    let mut service = service.lock().unwrap();
    service.received.push(format!("/orders/{id}/receipt"));
    ([(header::CONTENT_TYPE, "application/xml")], service.receipt)
}

const ORDERS: &str = r#"{"orders": [{"id": "ord-7", "price": 12.5, "status": "open"},
                                    {"id": "ord-8", "price": 40, "status": "x\" || true"},
                                    {"id": "ord-9' || @.id != '", "price": 99, "status": "closed"}]}"#;
const RECEIPT: &str = "<receipt order='ord-7'><total>3</total><key>rk_live_1</key>\
                       <line sku='tea' qty='2'/><line sku='.*' qty='5'/></receipt>";

async fn serve(batch: &'static str, receipt: &'static str) -> (Shared, Config) {
    let service = Arc::new(Mutex::new(Service {
        batch,
        orders: serde_json::from_str(ORDERS).unwrap(),
        receipt,
        received: Vec::new(),
    }));
    let app = Router::new()
        .route("/orders", get(orders))
        .route("/orders/{id}/receipt", get(self::receipt))
        .with_state(Arc::clone(&service));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (service, Config { orders: Orders::new().with_base_url(format!("http://{address}")) })
}

fn inputs(batch: &str, max_price: f64, status: &str, sku: &str) -> CheckOrderInputs {
    CheckOrderInputs {
        batch: batch.into(),
        max_price,
        status: status.into(),
        sku: sku.into(),
        min_total: Some(3),
        wanted: None,
        receipt_key: Some(SecretString::from("rk_live_1")),
    }
}

/// The criterion that failed, as written.
fn failed_criterion(error: &StepError) -> &'static str {
    match error {
        StepError::CriterionFailed { criterion, .. } => criterion,
        other => panic!("not a failed criterion: {other:?}"),
    }
}

#[tokio::test]
async fn embedded_values_fill_in_the_regex_jsonpath_and_xpath_conditions() {
    let (service, config) = serve("b.1-42", RECEIPT).await;
    let outputs = check_order(&Client::new(), &config, &inputs("b.1", 20.0, "open", "tea")).await.unwrap();
    assert_eq!(outputs.first_id, "ord-7");
    // The selector's `[@sku = $arazzo_v1]`, bound to `tea`.
    assert_eq!(outputs.quantity, serde_json::json!("2"));
    assert_eq!(service.lock().unwrap().received, ["/orders", "/orders/ord-7/receipt"]);
}

#[tokio::test]
async fn a_regex_value_is_matched_literally() {
    // `^{$inputs.batch}-[0-9]+$` with `b.1`: the `.` is a dot, so `bx1-42` does not match.
    let (_, config) = serve("bx1-42", RECEIPT).await;
    let error = check_order(&Client::new(), &config, &inputs("b.1", 20.0, "open", "tea")).await.unwrap_err();
    assert_eq!(failed_criterion(error.error()), "^{$inputs.batch}-[0-9]+$ (regex on $response.header.X-Batch)");
    // Pasted into the pattern, `.*` and `)|(` would match any batch; as text they match none.
    for batch in [".*", ")|("] {
        let (_, config) = serve("b.1-42", RECEIPT).await;
        let error = check_order(&Client::new(), &config, &inputs(batch, 20.0, "open", "tea")).await.unwrap_err();
        assert_eq!(error.step_id(), "list", "{batch}");
        assert_eq!(failed_criterion(error.error()), "^{$inputs.batch}-[0-9]+$ (regex on $response.header.X-Batch)");
    }
}

#[tokio::test]
async fn a_jsonpath_value_is_a_literal_that_cannot_change_the_filter() {
    // `$.orders[?@.price < {$inputs.maxPrice}]`: no order is cheaper than 10.
    let (_, config) = serve("b-1", RECEIPT).await;
    let error = check_order(&Client::new(), &config, &inputs("b", 10.0, "open", "tea")).await.unwrap_err();
    assert_eq!(failed_criterion(error.error()), "$.orders[?@.price < {$inputs.maxPrice}] (jsonpath on $response.body)");
    // `$.orders[?(@.status == "{$inputs.status}")]`: pasted, `closed" || true` would end the string
    // and make the filter hold for every order; escaped, it is a status no order has.
    let (_, config) = serve("b-1", RECEIPT).await;
    let error = check_order(&Client::new(), &config, &inputs("b", 20.0, "closed\" || true", "tea")).await.unwrap_err();
    assert_eq!(
        failed_criterion(error.error()),
        "$.orders[?(@.status == \"{$inputs.status}\")] (jsonpath on $response.body)"
    );
    // And the order whose status is that very text is found.
    let (_, config) = serve("b-1", RECEIPT).await;
    check_order(&Client::new(), &config, &inputs("b", 20.0, "x\" || true", "tea")).await.unwrap();
}

#[tokio::test]
async fn an_xpath_value_is_a_variable_compared_as_a_string() {
    // `/receipt[@order = '{$steps.list.outputs.firstId}' ...]`: the receipt is for another order.
    let (_, config) = serve("b-1", "<receipt order='ord-9'><total>3</total><key>rk_live_1</key></receipt>").await;
    let error = check_order(&Client::new(), &config, &inputs("b", 20.0, "open", "tea")).await.unwrap_err();
    assert_eq!(error.step_id(), "receipt");
    assert_eq!(
        failed_criterion(error.error()),
        "/receipt[@order = '{$steps.list.outputs.firstId}' and total >= {$inputs.minTotal}] (xpath on $response.body)"
    );
    // The selector's `[@sku = {$inputs.sku}]`: pasted, `' or '1'='1` would select every line's
    // quantity; bound, it is compared as a string and selects none (`null`).
    let (_, config) = serve("b-1", RECEIPT).await;
    let outputs = check_order(&Client::new(), &config, &inputs("b", 20.0, "open", "' or '1'='1")).await.unwrap();
    assert_eq!(outputs.quantity, serde_json::Value::Null);
    let (_, config) = serve("b-1", RECEIPT).await;
    let outputs = check_order(&Client::new(), &config, &inputs("b", 20.0, "open", ".*")).await.unwrap();
    assert_eq!(outputs.quantity, serde_json::json!("5"));
}

/// The order wanted's prices (`$.orders[?@.id == {$inputs.wanted}].price`, on the body) and statuses
/// (`$[?@.id == '{$inputs.wanted}'].status`, over the `orders` output), for `wanted`.
async fn wanted(wanted: Option<&str>) -> (serde_json::Value, Option<serde_json::Value>) {
    let (_, config) = serve("b-1", RECEIPT).await;
    let inputs = CheckOrderInputs { wanted: wanted.map(str::to_string), ..inputs("b", 20.0, "open", "tea") };
    let outputs = check_order(&Client::new(), &config, &inputs).await.unwrap();
    (serde_json::Value::Array(outputs.wanted_prices), outputs.wanted_statuses)
}

#[tokio::test]
async fn a_jsonpath_selector_selects_by_the_embedded_value() {
    use serde_json::json;
    assert_eq!(wanted(Some("ord-8")).await, (json!([40]), Some(json!(["x\" || true"]))));
    // The order whose id is JSONPath syntax is found by that very text, in a literal and in a string.
    assert_eq!(wanted(Some("ord-9' || @.id != '")).await, (json!([99]), Some(json!(["closed"]))));
    // An id no order has selects nothing; so does an absent one (the optional input left out).
    assert_eq!(wanted(Some("ord-1")).await, (json!([]), Some(json!([]))));
    assert_eq!(wanted(None).await, (json!([]), Some(json!([]))));
}

#[tokio::test]
async fn a_jsonpath_selector_value_cannot_change_the_query() {
    use serde_json::json;
    // Pasted into `'{$inputs.wanted}'`, `ord-7' || @.id != '` would select every order's status
    // (`@.id == 'ord-7' || @.id != ''`); pasted as `{$inputs.wanted}`, `"ord-7" || @.id != ""` every
    // price, and `"]..*` every value below the orders. Filled in as values, each is an id no order has.
    for hostile in ["ord-7' || @.id != '", "\"ord-7\" || @.id != \"\"", "\"]..*", "' || true || '"] {
        assert_eq!(wanted(Some(hostile)).await, (json!([]), Some(json!([]))), "{hostile}");
    }
}

#[tokio::test]
async fn an_absent_optional_value_does_not_hold() {
    let (_, config) = serve("b-1", RECEIPT).await;
    let inputs = CheckOrderInputs { min_total: None, ..inputs("b", 20.0, "open", "tea") };
    let error = check_order(&Client::new(), &config, &inputs).await.unwrap_err();
    assert_eq!(error.step_id(), "receipt");
    assert!(failed_criterion(error.error()).starts_with("/receipt[@order = "), "{:?}", error.error());
}

#[tokio::test]
async fn an_embedded_secret_is_compared_and_never_shown() {
    // The key matches: the run passes. Another key fails the criterion named as written.
    let (_, config) = serve("b-1", RECEIPT).await;
    let wrong_key =
        CheckOrderInputs { receipt_key: Some(SecretString::from("rk_other")), ..inputs("b", 20.0, "open", "tea") };
    let error = check_order(&Client::new(), &config, &wrong_key).await.unwrap_err();
    assert_eq!(failed_criterion(error.error()), "/receipt/key = {$inputs.receiptKey} (xpath on $response.body)");
    assert!(!format!("{error} {error:?}").contains("rk_other"), "{error:?}");
    // A criterion that fails on a body holding the secret: the excerpt has it scrubbed.
    let (_, config) = serve("b-1", "<receipt order='ord-9'><total>3</total><key>rk_live_1</key></receipt>").await;
    let error = check_order(&Client::new(), &config, &inputs("b", 20.0, "open", "tea")).await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("rk_live_1"), "{shown}");
    assert!(shown.contains("[REDACTED]"), "{shown}");
}
