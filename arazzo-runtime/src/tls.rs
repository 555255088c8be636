//! The TLS backend of the clients [`ClientBuilder`](crate::ClientBuilder) builds.
//!
//! reqwest's own `rustls` feature brings aws-lc-sys, a C library whose build took 26 of the 60 s
//! of a clean build of this crate. Its `rustls-no-provider` feature leaves the crypto provider to
//! us: ring by default, whose C and pregenerated assembly build in seconds with the C compiler
//! that already links Rust programs. The rustls configuration is handed to reqwest ready-made, so
//! that choosing a provider never changes the process-wide default other rustls users rely on.

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
