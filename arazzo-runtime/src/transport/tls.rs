//! The TLS backend of the clients [`ClientBuilder`](crate::ClientBuilder) builds.
//!
//! reqwest's own `rustls` feature brings aws-lc-sys, a C library whose build made a clean release
//! build of this crate 111 s instead of 78 s with ring (docs/BENCHMARKS.md). Its
//! `rustls-no-provider` feature leaves the crypto provider to us: ring by default, whose few C files
//! and pregenerated assembly build in seconds with the C compiler that already links Rust programs
//! on Linux, macOS and Windows (no cmake, nasm, perl or Go). The pure-Rust providers were not
//! chosen as the default: rustls-graviola builds only for x86_64 and aarch64 and asserts at run
//! time that the CPU has AVX2, ADX and the like (no older or low-end x86 CPU, no emulator without
//! them), and says of itself that it is very new; rustls-rustcrypto is an alpha whose README says
//! not to use it in production. Either can still be used through `rustls-no-provider`.
//!
//! The rustls configuration is handed to reqwest ready-made, so that choosing a provider never
//! changes the process-wide default other rustls users in the application rely on.

/// Gives `builder` the TLS backend the crate's features chose: with `rustls` or
/// `rustls-no-provider` (and not `native-tls`, which reqwest prefers when both are built), rustls
/// checking certificates with the operating system's verifier and roots.
#[cfg(all(feature = "rustls-no-provider", not(feature = "native-tls")))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = provider().ok_or_else(|| {
        "arazzo-runtime was built with its `rustls-no-provider` feature, but no rustls crypto provider is \
         installed: call `rustls::crypto::CryptoProvider::install_default` first, or enable the `rustls` feature"
            .to_owned()
    })?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(BuilderVerifierExt::with_platform_verifier)
        .map_err(|error| format!("TLS could not be set up: {error}"))?
        .with_no_client_auth();
    // What reqwest offers when it configures rustls itself, built for HTTP/1 only as here.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// With `native-tls`, or without TLS: reqwest's own defaults.
#[cfg(not(all(feature = "rustls-no-provider", not(feature = "native-tls"))))]
pub(crate) fn configure(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
    Ok(builder)
}

/// The provider the application installed for the whole process (a FIPS-certified one, say),
/// else ring when the `rustls` feature built it in.
#[cfg(all(feature = "rustls-no-provider", not(feature = "native-tls")))]
fn provider() -> Option<std::sync::Arc<rustls::crypto::CryptoProvider>> {
    if let Some(installed) = rustls::crypto::CryptoProvider::get_default() {
        return Some(std::sync::Arc::clone(installed));
    }
    #[cfg(feature = "rustls")]
    return Some(std::sync::Arc::new(rustls::crypto::ring::default_provider()));
    #[cfg(not(feature = "rustls"))]
    None
}

/// What went wrong in a handshake that native-tls reported as `error`, when it is native-tls's
/// error (hyper-tls passes it on as is, not inside an `io::Error` as rustls's is). Its reason
/// names the cause and never the URL.
#[cfg(feature = "native-tls")]
pub(crate) fn native_tls_failure(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    error.downcast_ref::<native_tls::Error>().map(native_tls_reason)
}

/// OpenSSL's reasons (`wrong version number`, `certificate verify failed`), then the certificate
/// check's result when it failed (`: self-signed certificate`). native-tls's own text gives each
/// OpenSSL error as `error:0A00010B:SSL routines:ssl3_get_record:wrong version number:` followed
/// by OpenSSL's source file, line and extra data: only the reason is kept.
#[cfg(all(feature = "native-tls", not(any(target_os = "windows", target_vendor = "apple"))))]
fn native_tls_reason(error: &native_tls::Error) -> String {
    use std::error::Error as _;

    let whole = error.to_string();
    let Some(stack) = error.source().and_then(|source| source.downcast_ref::<openssl::error::ErrorStack>()) else {
        // An error stack native-tls does not hand over (met before the handshake) is only text:
        // `error:<code>:<library>:<function>:<reason>:<file>:<line>:...`, the reason kept.
        let reasons: Vec<&str> = whole
            .split("error:")
            .skip(1)
            .filter_map(|entry| entry.split(':').nth(3))
            .filter(|r| !r.is_empty())
            .collect();
        if !reasons.is_empty() {
            return reasons.join(", ");
        }
        // An I/O error or an end of stream during the handshake: native-tls says which, plainly.
        return whole;
    };
    let mut reasons: Vec<&str> = Vec::new();
    for reason in stack.errors().iter().map(|error| error.reason().unwrap_or("an unknown OpenSSL error")) {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    let reasons = if reasons.is_empty() { "an OpenSSL error".to_owned() } else { reasons.join(", ") };
    // native-tls writes the stack, then ` (<result>)` when the certificate check failed.
    let verify_result = whole
        .strip_prefix(&stack.to_string())
        .and_then(|rest| rest.strip_prefix(" ("))
        .and_then(|rest| rest.strip_suffix(')'));
    match verify_result {
        Some(verify_result) => format!("{reasons}: {verify_result}"),
        None => reasons,
    }
}

/// The platform's TLS library's own text (Security.framework, SChannel), which names no URL.
#[cfg(all(feature = "native-tls", any(target_os = "windows", target_vendor = "apple")))]
fn native_tls_reason(error: &native_tls::Error) -> String {
    error.to_string()
}

/// native-tls against a real TLS server whose certificate no one trusts: the certificate check's
/// result is said, and nothing of OpenSSL's codes or source files. (A server that does not speak
/// TLS is tested in `tests/transport.rs`.)
#[cfg(test)]
#[cfg(all(feature = "native-tls", target_os = "linux"))]
mod native_tls_tests {
    use openssl::{asn1::Asn1Time, bn::BigNum, ec, hash::MessageDigest, nid::Nid, pkey::PKey, x509};

    /// A TLS server on 127.0.0.1 with a self-signed certificate, for one connection.
    fn self_signed_server() -> std::net::SocketAddr {
        let group = ec::EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = PKey::from_ec_key(ec::EcKey::generate(&group).unwrap()).unwrap();
        let mut name = x509::X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "localhost").unwrap();
        let name = name.build();
        let mut certificate = x509::X509::builder().unwrap();
        certificate.set_version(2).unwrap();
        certificate.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap()).unwrap();
        certificate.set_subject_name(&name).unwrap();
        certificate.set_issuer_name(&name).unwrap();
        certificate.set_pubkey(&key).unwrap();
        certificate.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
        certificate.set_not_after(&Asn1Time::days_from_now(1).unwrap()).unwrap();
        certificate.sign(&key, MessageDigest::sha256()).unwrap();
        let certificate = certificate.build();
        let identity =
            native_tls::Identity::from_pkcs8(&certificate.to_pem().unwrap(), &key.private_key_to_pem_pkcs8().unwrap())
                .unwrap();
        let acceptor = native_tls::TlsAcceptor::new(identity).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((stream, _)) = listener.accept() {
                // The client refuses the certificate: the handshake fails on this side too.
                let _ = acceptor.accept(stream);
            }
        });
        address
    }

    #[tokio::test]
    async fn an_untrusted_certificate_says_why() {
        let address = self_signed_server();
        let client = super::configure(reqwest::Client::builder()).unwrap().build().unwrap();
        let error = client.get(format!("https://{address}/")).send().await.unwrap_err();
        let message = crate::transport::send::describe_reqwest_error(&error);
        assert!(
            message.starts_with("the TLS handshake with the server failed (certificate verify failed: self"),
            "{message}"
        );
        assert!(message.ends_with("signed certificate)"), "{message}");
        assert!(!message.contains("error:") && !message.contains(".c:") && !message.contains("127.0.0.1"), "{message}");
    }
}
