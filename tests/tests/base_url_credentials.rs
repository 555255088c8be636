//! A base URL carrying a user name or password (`https://user:password@host`) is refused before
//! anything is sent, and the password shows nowhere: not in the error, not in `Debug` of the
//! generated settings, not in anything `tracing` (TRACE, every target) or `log` recorded.

// Test helpers unwrap and panic: a failure there is a failed test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "secrets/capture.rs"]
mod capture;

use std::time::Duration;

use arazzo_generated::backblaze_rotate_application_key::{BackblazeB2, Config as BackblazeConfig};
use arazzo_generated::svix_rotate_integration_key::{
    Config, RotateIntegrationKeyInputs, SvixApi, rotate_integration_key,
};
use arazzo_runtime::{BasicCredentials, Client, SecretString, StepError};

const PASSWORD: &str = "hunter2";
const TOKEN: &str = "testsk_base_url_token";

#[tokio::test]
async fn a_base_url_with_user_info_is_refused_sends_nothing_and_logs_no_password() {
    let _serial = capture::SERIAL.lock().await;
    capture::install();
    // Never accepted from: a connection the client made would wait in the backlog, where a
    // non-blocking `accept` finds it after the run.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    // Bounded, should a request go out after all (the server never answers).
    let client = Client::builder().request_timeout(Duration::from_secs(5)).build();
    let inputs = RotateIntegrationKeyInputs { app_id: "app_1".into(), integration_id: "integ_1".into() };
    for user_info in [format!("user:{PASSWORD}"), PASSWORD.to_owned(), format!(":{PASSWORD}")] {
        let base_url = format!("http://{user_info}@127.0.0.1:{port}/");
        let config = Config { svix_api: SvixApi::new(SecretString::from(TOKEN)).with_base_url(base_url) };
        let (result, log) = capture::capture(rotate_integration_key(&client, &config, &inputs)).await;
        let error = result.unwrap_err();
        let StepError::InvalidBaseUrl { reason } = error.error() else { panic!("{user_info}: {error:?}") };
        assert!(reason.contains("must not carry a user name or password"), "{reason}");
        assert!(reason.contains("credential fields"), "{reason}");
        assert_eq!(error.step_id(), "getIntegration");
        // An empty capture would prove nothing.
        assert!(log.contains("arazzo.workflow") && log.contains("arazzo.step"), "{log}");
        let texts = [
            ("capture", log),
            ("error", format!("{error} / {error:?} / {error:#?}")),
            ("config", format!("{config:?} / {config:#?}")),
            ("client", format!("{client:?}")),
        ];
        for (what, text) in texts {
            assert!(!text.contains(PASSWORD), "{user_info}: the {what} shows the password:\n{text}");
            assert!(!text.contains(TOKEN), "{user_info}: the {what} shows the token:\n{text}");
        }
        let accepted = listener.accept();
        assert!(
            matches!(&accepted, Err(error) if error.kind() == std::io::ErrorKind::WouldBlock),
            "{user_info}: the client connected to the server: {accepted:?}"
        );
    }
}

#[test]
fn debug_of_generated_settings_hides_user_info_query_and_credentials() {
    let config = Config {
        svix_api: SvixApi::new(SecretString::from(TOKEN))
            .with_base_url(format!("https://user:{PASSWORD}@api.example.com/v1?key={PASSWORD}")),
    };
    assert_eq!(
        format!("{config:?}"),
        r#"Config { svix_api: SvixApi { base_url: "https://[REDACTED]@api.example.com/v1?[REDACTED]", http_bearer: SecretString([REDACTED]) } }"#
    );
    let plain = Config { svix_api: SvixApi::new(SecretString::from(TOKEN)) };
    assert!(format!("{plain:?}").contains(&format!("{:?}", SvixApi::DEFAULT_BASE_URL)));
    let basic = BackblazeConfig {
        backblaze_b2: BackblazeB2::new(BasicCredentials::new("key_id", PASSWORD))
            .with_base_url(format!("https://key_id:{PASSWORD}@api.backblazeb2.com")),
    };
    let debug = format!("{basic:?} {basic:#?}");
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(debug.contains("https://[REDACTED]@api.backblazeb2.com"), "{debug}");
}
