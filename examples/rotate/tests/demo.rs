//! Runs the `arazzo-rotate-demo` binary: every rotation succeeds against the bundled fakes, its
//! report names each provider, and no secret (given to the demo or minted by a fake) is printed.

use arazzo_tests::server::fake_hex;
use assert_cmd::Command;

/// Every secret `src/main.rs` seeds or passes in: credentials, old keys and new key material.
const DEMO_SECRETS: &[&str] = &[
    // Svix: API token and the integration key before rotation.
    "testsk_Hq3vWx9TzR2mLp0bN8cY.eu",
    "integsk_q8Wm3Zt7Kp2Xv9Rn4Ly6Bj1Hc5Dg0Fs",
    // PropelAuth: backend integration key and the seeded end-user tokens.
    "8f2c6e9a0b4d7f1e3c5a7b9d2f4e6a8c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d1f",
    "f6cd11312aff5eb7ef950b02ca3e9bb6d1ac8d17559c04c3a517eb789a8079e5",
    "24d8737466094812ac913c199ceef459bbde7d3288eb13a16cad5607bf622973",
    // Deepgram: the admin key the workflow authenticates with and the old key's secret.
    "3d7f1a9c5e2b8d4f6a0c7e1b9d3f5a8c2e6b4d0f",
    "a2c4e6f8b1d3f5a7c9e0b2d4f6a8c1e3b5d7f9a0",
    // Apigee: OAuth token, old consumer key and secret, new consumer key and secret.
    "ya29.a0AfB_byC7kQ2mZ9xR4tV8wN1pL6sJ3hD0fG5eY",
    "Gx7kP2mQ9rT4vW1yZ3bN5cJ8dF0hL6sA",
    "vR3tY8uI1oP5aS9d",
    "Hq4nB8vC2xZ6mK1jL9pT3wR7yU5eI0oD",
    "aZ2xC4vB6nM8qW0e",
    // Backblaze: master application key and the old key being rotated out.
    "K005mAsTeRkEyDeMo3x9Qp2Lw7Zr4Tn",
    "K005oLdKeYdEmO8s1Vb6Hc3Jf9Gk2Mn",
];

/// Prefixes of secrets the fakes mint: Svix integration keys and Backblaze application keys.
const MINTED_PREFIXES: &[&str] = &["integsk_", "K005"];

/// The exact secrets the fakes mint in one demo run (each fake rotates once, so counter 1).
fn minted_secrets() -> Vec<String> {
    vec![
        format!("integsk_{}", fake_hex("svix-rotate", 1, 32)),
        fake_hex("propelauth-token", 1, 64),
        fake_hex("deepgram-secret", 1, 40),
        format!("K005{}", fake_hex("b2-key", 1, 27)),
        // The Backblaze authorization token used for steps 2 and 3.
        format!("4_{}", fake_hex("b2-token", 1, 60)),
    ]
}

#[test]
fn all_rotations_succeed_without_printing_secrets() {
    let output = Command::cargo_bin("arazzo-rotate-demo").unwrap().arg("all").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "status {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}", output.status);

    for (provider, workflow) in [
        ("svix", "rotate-integration-key"),
        ("propelauth", "rotate-user-api-key"),
        ("deepgram", "rotate-project-key"),
        ("apigee", "rotate-app-key"),
        ("backblaze", "rotate-application-key"),
    ] {
        let header = format!("== {provider}: {workflow} against the local fake at http://127.0.0.1:");
        assert!(stdout.contains(&header), "missing {header:?} in:\n{stdout}");
    }
    assert!(stdout.contains("rotation complete: 5 workflow(s) succeeded"), "{stdout}");
    assert!(stdout.contains("SecretString([REDACTED])"), "{stdout}");
    // A request line of each fake, e.g. the Backblaze calls on both of its servers.
    assert!(stdout.contains("  GET /b2api/v4/b2_authorize_account\n"), "{stdout}");
    assert!(stdout.contains("  POST /b2api/v4/b2_delete_key\n"), "{stdout}");

    // Apigee consumer keys are credentials the workflow puts in paths: the demo hides them there.
    assert!(
        stdout.contains(
            "  DELETE /v1/organizations/acme-prod/developers/ops%40acme.example/apps/billing-portal/keys/[REDACTED]\n"
        ),
        "{stdout}"
    );
    // The ids minted alongside the secrets are printed: proof that `minted_secrets` predicts this run.
    assert!(stdout.contains(&format!("new_key_id: \"{}\"", fake_hex("propelauth-id", 1, 32))), "{stdout}");
    assert!(stdout.contains(&format!("new_application_key_id: \"005{}\"", fake_hex("b2-key-id", 1, 21))), "{stdout}");

    let minted = minted_secrets();
    let secrets =
        DEMO_SECRETS.iter().copied().chain(MINTED_PREFIXES.iter().copied()).chain(minted.iter().map(String::as_str));
    for secret in secrets {
        assert!(!stdout.contains(secret), "stdout leaks {secret:?}:\n{stdout}");
        assert!(!stderr.contains(secret), "stderr leaks {secret:?}:\n{stderr}");
    }
}

#[test]
fn one_provider_runs_alone() {
    let output = Command::cargo_bin("arazzo-rotate-demo").unwrap().arg("backblaze").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("== backblaze: rotate-application-key"), "{stdout}");
    assert!(!stdout.contains("== svix:"), "{stdout}");
    assert!(stdout.contains("rotation complete: 1 workflow(s) succeeded"), "{stdout}");
}

#[test]
fn an_unknown_provider_prints_usage_and_exits_2() {
    let output = Command::cargo_bin("arazzo-rotate-demo").unwrap().arg("bogus").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: arazzo-rotate-demo"));
}
