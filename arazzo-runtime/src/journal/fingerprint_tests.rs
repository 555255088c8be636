//! Fingerprints: the published FNV-1a values, and what a fingerprint follows and ignores.

use super::*;

/// The published FNV-1a 64-bit test vectors (draft-eastlake-fnv): the empty input is the offset
/// basis; `a` and `foobar`.
#[test]
fn fnv1a_gives_the_published_values() {
    let hash = |bytes: &[u8]| {
        let mut hash = Fnv1a::new();
        hash.write(bytes);
        hash.finish()
    };
    assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(hash(b"foobar"), 0x8594_4171_f739_67e8);
}

#[test]
fn the_fingerprint_follows_what_is_sent_but_not_secret_query_values() {
    let url = |text: &str| reqwest::Url::parse(text).unwrap();
    let key = SecretString::from("sk_query");
    let base =
        fingerprint("POST", &url("http://a.test/users/u1?x=1&key=sk_query"), Some(b"{}"), std::slice::from_ref(&key));
    // FNV-1a of `GET`, 0xff, `/k`, 0xff, and the empty body's 0xff, computed by hand (checkpoints
    // store fingerprints, so the function must never change).
    assert_eq!(fingerprint("GET", &url("http://a.test/k"), None, &[]), 0xde38_74cf_d52c_b2a0);
    // With a query: `GET`, `/k`, `x`, `1` (each followed by 0xff), then the empty body's 0xff.
    assert_eq!(fingerprint("GET", &url("http://a.test/k?x=1"), None, &[]), 0x9c15_266d_850e_58cb);
    // Queries are read as `Url::query_pairs` reads them (the definition checkpoints were written
    // with): the same hash as feeding its pairs.
    let by_query_pairs = |url: &reqwest::Url| {
        let mut hash = 0xcbf2_9ce4_8422_2325_u64;
        let mut feed = |bytes: &[u8]| {
            for byte in bytes.iter().chain([&0xff]) {
                hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        feed(b"GET");
        feed(url.path().as_bytes());
        for (name, value) in url.query_pairs() {
            if value != "sk_query" {
                feed(name.as_bytes());
                feed(value.as_bytes());
            }
        }
        feed(b"");
        hash
    };
    for query in [
        "a=1&&b",
        "x=%41+b",
        "k",
        "=v",
        "a=b=c",
        "%FF%FE=1",
        "+=+",
        "a%2Bb=c%26d&e=%",
        "q=%zz&r=%4",
        "key=sk_query&x=1",
        "key=sk%5Fquery",
        "",
        "&",
        "ü=é",
    ] {
        let url = url(&format!("http://a.test/k?{query}"));
        assert_eq!(fingerprint("GET", &url, None, std::slice::from_ref(&key)), by_query_pairs(&url), "{query}");
    }
    // The host is not part of it: a resumed run may go to another address of the same API.
    assert_eq!(fingerprint("", &url("http://a.test"), None, &[]), fingerprint("", &url("http://b.test"), None, &[]));
    let renewed = SecretString::from("sk_renewed");
    assert_eq!(base, fingerprint("POST", &url("http://b.test/users/u1?x=1&key=sk_renewed"), Some(b"{}"), &[renewed]));
    for other in [
        fingerprint("PUT", &url("http://a.test/users/u1?x=1&key=sk_query"), Some(b"{}"), std::slice::from_ref(&key)),
        fingerprint("POST", &url("http://a.test/users/u2?x=1&key=sk_query"), Some(b"{}"), std::slice::from_ref(&key)),
        fingerprint("POST", &url("http://a.test/users/u1?x=2&key=sk_query"), Some(b"{}"), std::slice::from_ref(&key)),
        fingerprint(
            "POST",
            &url("http://a.test/users/u1?x=1&key=sk_query"),
            Some(b"{\"a\":1}"),
            std::slice::from_ref(&key),
        ),
    ] {
        assert_ne!(base, other);
    }
}

/// A secret anywhere in a request (the path, a JSON query string, a form, JSON or XML body) does
/// not feed the fingerprint, in any spelling the runtime writes it in: two requests that differ
/// only in their secret's value have the same one (so no hash of a secret is stored, and a renewed
/// key resumes), while what is not secret still changes it.
#[test]
fn no_secret_feeds_the_fingerprint_wherever_the_request_holds_it() {
    let url = |text: &str| reqwest::Url::parse(text).unwrap();
    // Each secret with characters that JSON, forms, XML and paths spell otherwise.
    let (old, new) = (SecretString::from("sk_\"a&b c/1"), SecretString::from("sk_\"x&y z/2"));
    let spell = |secret: &SecretString| {
        let raw = secret.expose_secret().to_owned();
        let json = serde_json::Value::from(raw.as_str()).to_string();
        let json_content = json[1..json.len() - 1].to_owned();
        let form = crate::encoding::encode::form_component(&raw);
        let path = percent_encoding::utf8_percent_encode(&raw, percent_encoding::NON_ALPHANUMERIC).to_string();
        let xml = quick_xml::escape::escape(raw.as_str()).into_owned();
        (json_content, form, path, xml)
    };
    let request = |secret: &SecretString, note: &str| {
        let (json, form, path, xml) = spell(secret);
        [
            fingerprint("GET", &url(&format!("http://a.test/keys/{path}/{note}")), None, std::slice::from_ref(secret)),
            // A JSON query string (`query_string_escaped`): the secret inside a value.
            fingerprint(
                "GET",
                &url(&format!(
                    "http://a.test/k?filter={}",
                    crate::encoding::encode::form_component(&format!(r#"{{"key":"{json}","note":"{note}"}}"#))
                )),
                None,
                std::slice::from_ref(secret),
            ),
            fingerprint(
                "POST",
                &url("http://a.test/k"),
                Some(format!(r#"{{"key":"{json}","note":"{note}"}}"#).as_bytes()),
                std::slice::from_ref(secret),
            ),
            fingerprint(
                "POST",
                &url("http://a.test/k"),
                Some(format!("key={form}&note={note}").as_bytes()),
                std::slice::from_ref(secret),
            ),
            fingerprint(
                "POST",
                &url("http://a.test/k"),
                Some(format!("<k a=\"{xml}\">{xml}</k><n>{note}</n>").as_bytes()),
                std::slice::from_ref(secret),
            ),
        ]
    };
    let before = request(&old, "n1");
    assert_eq!(before, request(&new, "n1"), "a secret fed the fingerprint");
    for (index, (one, other)) in before.iter().zip(request(&old, "n2")).enumerate() {
        assert_ne!(*one, other, "request {index}: what is not secret must still count");
    }
    // What holds no secret hashes as before (the values stored checkpoints hold).
    let plain = fingerprint("GET", &url("http://a.test/k%20l?x=1"), Some(b"{}"), std::slice::from_ref(&old));
    assert_eq!(plain, fingerprint("GET", &url("http://a.test/k%20l?x=1"), Some(b"{}"), &[]));
}

/// A secret with a tab or a line break (a PEM key) in an XML attribute value, where quick-xml writes
/// them as character references, does not feed the fingerprint either.
#[test]
fn a_secret_in_an_xml_attribute_does_not_feed_the_fingerprint() {
    let url = reqwest::Url::parse("https://api.example/keys").unwrap();
    let fingerprint_of = |secret: &str, attribute: &str| {
        let body = format!("<key value=\"{attribute}\"/>");
        fingerprint("POST", &url, Some(body.as_bytes()), &[SecretString::from(secret)])
    };
    let old = fingerprint_of("-----BEGIN\nold\tkey", "-----BEGIN&#10;old&#9;key");
    let new = fingerprint_of("-----BEGIN\nnew\tkey", "-----BEGIN&#10;new&#9;key");
    assert_eq!(old, new);
    assert_ne!(old, fingerprint_of("-----BEGIN\nnew\tkey", "other"));
}
