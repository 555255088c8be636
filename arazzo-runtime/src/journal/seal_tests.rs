//! Sealing: what opens, what does not, keys in every accepted form and none printed.

use super::*;

fn key(byte: u8) -> JournalKey {
    JournalKey::from_bytes([byte; 32])
}

#[test]
fn a_sealed_record_opens_only_with_its_key_and_context() {
    let sealed = key(1).seal(b"{\"key\":\"sk_created\"}", b"run-1/0").unwrap();
    assert_eq!(sealed.len(), 20 + SEAL_OVERHEAD);
    assert!(!sealed.windows(10).any(|window| window == b"sk_created"), "sealed, not in clear");
    assert_eq!(&key(1).open(&sealed, b"run-1/0").unwrap()[..], b"{\"key\":\"sk_created\"}");
    assert_eq!(key(2).open(&sealed, b"run-1/0"), Err(Unopened), "another key");
    assert_eq!(key(1).open(&sealed, b"run-1/1"), Err(Unopened), "another place");
    let mut altered = sealed.clone();
    altered[30] ^= 1;
    assert_eq!(key(1).open(&altered, b"run-1/0"), Err(Unopened), "altered");
    assert_eq!(key(1).open(&sealed[..sealed.len() - 1], b"run-1/0"), Err(Unopened), "cut short");
    assert_eq!(key(1).open(&sealed[..10], b"run-1/0"), Err(Unopened), "shorter than a nonce and a tag");
    // A fresh nonce each time: the same plaintext never seals to the same bytes.
    assert_ne!(key(1).seal(b"x", b"").unwrap(), key(1).seal(b"x", b"").unwrap());
}

#[test]
fn the_key_check_tells_the_right_key_from_another() {
    let check = key(1).key_check(b"run-1").unwrap();
    assert!(key(1).verify(&check, b"run-1"));
    assert!(!key(2).verify(&check, b"run-1"));
    assert!(!key(1).verify(&check, b"run-2"));
    // A record sealed with the key is not a key check.
    assert!(!key(1).verify(&key(1).seal(b"other", b"run-1").unwrap(), b"run-1"));
}

#[test]
fn keys_are_read_from_hex_and_base64_and_never_printed() {
    let bytes: Vec<u8> = (0..32).collect();
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    let reference = JournalKey::from_slice(&bytes).unwrap();
    let sealed = reference.seal(b"x", b"").unwrap();
    // RFC 4648: the 32 bytes 0x00..=0x1f.
    for text in [
        hex.clone(),
        hex.to_uppercase(),
        format!("  {hex}\n"),
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".to_owned(),
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".to_owned(),
    ] {
        let parsed = JournalKey::parse(&text).unwrap();
        assert_eq!(&parsed.open(&sealed, b"").unwrap()[..], b"x", "{text}");
    }
    for (text, reason) in [
        ("", "a journal key is 32 bytes, this one is 0"),
        ("AAECAwQF", "a journal key is 32 bytes, this one is 6"),
        ("not a key at all!", "it is neither 64 hexadecimal digits nor base64 of 32 bytes"),
    ] {
        let error = JournalKey::parse(text).unwrap_err();
        assert_eq!(error.to_string(), format!("the journal key is not valid: {reason}"), "{text:?}");
    }
    let error = JournalKey::from_env("ARAZZO_TEST_NO_SUCH_VARIABLE").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the journal key is not valid: the environment variable `ARAZZO_TEST_NO_SUCH_VARIABLE` is not set"
    );
    assert_eq!(format!("{reference:?}"), "JournalKey([REDACTED])");
    let generated = JournalKey::generate().unwrap();
    assert_eq!(key(0).open(&generated.seal(b"x", b"").unwrap(), b""), Err(Unopened));
}
