//! The golden module of `arazzo-codegen/tests/fixtures/types.arazzo.yaml` compiles under
//! `#![deny(warnings)]`, and its enums read and write their values on the wire: an unlisted value
//! of an open enum is kept in `Unknown`, a closed enum refuses it, and `null` is `None`.
#![deny(warnings)]
#![allow(dead_code)]

include!("../../../arazzo-codegen/tests/golden/types.rs");

use std::str::FromStr;

use types::{ReviewAccountCodesItem, ReviewAccountPlan, ReviewAccountStatus, ReviewAccountTier};

fn main() {
    let _ = types::review_account;
    let _ = types::review_pro;

    // An open enum: listed values by their variant, any other kept as it came.
    let status: ReviewAccountStatus = arazzo_runtime::serde_json::from_str("\"suspended\"").unwrap();
    assert_eq!(status, ReviewAccountStatus::Suspended);
    let status: ReviewAccountStatus = arazzo_runtime::serde_json::from_str("\"frozen\"").unwrap();
    assert_eq!(status, ReviewAccountStatus::Unknown("frozen".to_owned()));
    assert_eq!(status.as_str(), "frozen");
    assert_eq!(arazzo_runtime::serde_json::to_string(&status).unwrap(), "\"frozen\"");
    assert_eq!(ReviewAccountStatus::from_str("closed"), Ok(ReviewAccountStatus::Closed));
    assert_eq!(ReviewAccountStatus::Active.to_string(), "active");

    // `null` is `None`; a value that is no string is an error.
    let tier: Option<ReviewAccountTier> = arazzo_runtime::serde_json::from_str("null").unwrap();
    assert_eq!(tier, None);
    assert!(arazzo_runtime::serde_json::from_str::<ReviewAccountTier>("3").is_err());

    // Variants of values that are not identifiers serialize as the value.
    let codes: Vec<ReviewAccountCodesItem> = arazzo_runtime::serde_json::from_str(r#"["2fa", "a_b", "", "unknown", "new"]"#).unwrap();
    assert_eq!(
        codes,
        [
            ReviewAccountCodesItem::X2fa,
            ReviewAccountCodesItem::AB2,
            ReviewAccountCodesItem::Empty,
            ReviewAccountCodesItem::Unknown2,
            ReviewAccountCodesItem::Unknown("new".to_owned()),
        ]
    );
    assert_eq!(arazzo_runtime::serde_json::to_string(&codes).unwrap(), r#"["2fa","a_b","","unknown","new"]"#);

    // A closed enum (an input) refuses a value it does not list.
    assert!(arazzo_runtime::serde_json::from_str::<ReviewAccountPlan>("\"gold\"").is_err());
    let error = ReviewAccountPlan::from_str("gold").unwrap_err();
    assert_eq!(error.to_string(), "`gold` is not one of the values `free`, `pro`, `enterprise`");
    assert_eq!(arazzo_runtime::serde_json::to_string(&ReviewAccountPlan::Enterprise).unwrap(), "\"enterprise\"");

    // Inputs built with the builder: a required input that may be `null` takes an `Option`.
    let inputs = types::ReviewAccountInputs::builder().id("acc_1").plan(ReviewAccountPlan::Pro).note(None).build();
    assert_eq!(inputs.plan.as_str(), "pro");
}
