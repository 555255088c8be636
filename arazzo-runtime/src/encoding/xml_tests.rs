#![allow(clippy::unwrap_used)]

use serde_json::json;

use super::{XmlError, is_xml_name, to_xml};

fn text(value: serde_json::Value) -> String {
    String::from_utf8(to_xml(&value).unwrap()).unwrap()
}

#[test]
fn the_single_member_is_the_root_and_members_are_children_in_order() {
    assert_eq!(
        text(json!({"VersioningConfiguration": {"Status": "Enabled", "MfaDelete": "Disabled"}})),
        "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>"
    );
}

#[test]
fn lists_repeat_the_element_and_scalars_are_their_json_text() {
    assert_eq!(
        text(json!({"Tagging": {"TagSet": {"Tag": [{"Key": "a", "Value": 1}, {"Key": "b", "Value": true}]}}})),
        "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>true</Value></Tag></TagSet></Tagging>"
    );
    assert_eq!(text(json!({"n": {"x": 1.5, "none": null, "empty": ""}})), "<n><x>1.5</x><none/><empty></empty></n>");
    assert_eq!(text(json!({"Ids": {"Id": []}})), "<Ids></Ids>");
}

#[test]
fn at_members_are_attributes_and_hash_text_is_the_elements_text() {
    assert_eq!(
        text(json!({"Delete": {"@xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Quiet": true}})),
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet></Delete>"
    );
    assert_eq!(
        text(json!({"Price": {"@currency": "EUR", "@note": null, "#text": 12}})),
        "<Price currency=\"EUR\">12</Price>"
    );
    assert_eq!(text(json!({"Flag": {"@on": true}})), "<Flag on=\"true\"/>");
}

#[test]
fn values_are_escaped_so_they_cannot_change_the_structure() {
    assert_eq!(
        text(json!({"Note": {"@title": "a\"b<c>&\t\n", "Body": "</Body><x a=\"1\">&amp;\r\n"}})),
        "<Note title=\"a&quot;b&lt;c&gt;&amp;&#9;&#10;\"><Body>&lt;/Body&gt;&lt;x a=&quot;1&quot;&gt;&amp;amp;&#13;\n</Body></Note>"
    );
}

#[test]
fn payloads_without_one_root_element_are_refused() {
    for (payload, found) in [
        (json!({"a": 1, "b": 2}), "an object with 2 members"),
        (json!({}), "an object with 0 members"),
        (json!("text"), "a string"),
        (json!([1]), "a list"),
        (json!({"@a": "x"}), "`@a`, which is not an element"),
        (json!({"Item": [1, 2]}), "a list at `/Item`, which would be several root elements"),
    ] {
        assert_eq!(to_xml(&payload), Err(XmlError::Root { found: found.to_owned() }), "{payload}");
    }
}

#[test]
fn names_attributes_and_lists_without_an_xml_form_are_refused_with_their_place() {
    assert_eq!(to_xml(&json!({"r": {"1st": "x"}})), Err(XmlError::Name { name: "1st".into(), at: "/r/1st".into() }));
    assert_eq!(
        to_xml(&json!({"r": {"a b/c": "x"}})),
        Err(XmlError::Name { name: "a b/c".into(), at: "/r/a b~1c".into() })
    );
    assert_eq!(to_xml(&json!({"r": {"@": "x"}})), Err(XmlError::Name { name: String::new(), at: "/r/@".into() }));
    assert_eq!(to_xml(&json!({"r": {"@a": {"b": 1}}})), Err(XmlError::Attribute { at: "/r/@a".into() }));
    assert_eq!(to_xml(&json!({"r": {"#text": [1]}})), Err(XmlError::Text { at: "/r/#text".into() }));
    assert_eq!(to_xml(&json!({"r": {"a": [[1]]}})), Err(XmlError::NestedList { at: "/r/a/0".into() }));
}

#[test]
fn control_characters_are_refused_without_showing_the_value() {
    let error = to_xml(&json!({"r": {"Key": "sk_live_\u{1}secret"}})).unwrap_err();
    assert_eq!(error, XmlError::Character { at: "/r/Key".into(), code: 1 });
    let message = error.to_string();
    assert!(message.contains("U+0001") && !message.contains("sk_live"), "{message}");
    assert!(matches!(to_xml(&json!({"r": {"@k": "\u{FFFF}"}})), Err(XmlError::Character { code: 0xFFFF, .. })));
}

#[test]
fn xml_names_follow_the_xml_1_0_production() {
    for name in ["a", "_a", "s3:Key", "xmlns:s3", "a-b.c_1", "Été", "名前"] {
        assert!(is_xml_name(name), "{name}");
    }
    for name in ["", "1a", "-a", ".a", "a b", "a<b", "a&b", "a\"b", "a/b", "@a", "#text"] {
        assert!(!is_xml_name(name), "{name}");
    }
}
