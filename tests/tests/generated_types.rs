//! What users do with the generated types: build inputs, serialize outputs (secrets only through
//! `expose_secrets()`), and run workflows of several documents behind one error type.

// Test code: a failed unwrap or panic is a failed assertion.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use arazzo_generated::{deepgram_rotate_project_key as deepgram, svix_rotate_integration_key as svix};
use arazzo_runtime::{AnyWorkflowError, DryRun, DryRunResponse, SecretString, StepError};
use serde_json::json;

fn svix_config() -> svix::Config {
    svix::Config { svix_api: svix::SvixApi::new("sk_admin_token") }
}

fn svix_inputs() -> svix::RotateIntegrationKeyInputs {
    svix::RotateIntegrationKeyInputs::builder().app_id("app_1").integration_id("integ_1").build()
}

#[test]
fn outputs_serialize_secrets_redacted_unless_exposed() {
    let outputs = svix::RotateIntegrationKeyOutputs {
        integration_id: "integ_1".into(),
        integration_key: SecretString::from("sk_live_new"),
    };
    // Under the document's names, the key redacted: safe to log.
    let plain = serde_json::to_value(&outputs).unwrap();
    assert_eq!(plain, json!({"integrationId": "integ_1", "integrationKey": "[REDACTED]"}));
    assert!(!serde_json::to_string(&outputs).unwrap().contains("sk_live_new"));
    // Only the explicit call writes it.
    let exposed = serde_json::to_value(outputs.expose_secrets()).unwrap();
    assert_eq!(exposed, json!({"integrationId": "integ_1", "integrationKey": "sk_live_new"}));
    // The partial outputs too, the kept secret of a step included.
    let partial =
        svix::RotateIntegrationKeyPartial { rotate_key_rotated_key: Some("sk_rotated".into()), ..Default::default() };
    let plain = serde_json::to_string(&partial).unwrap();
    assert!(!plain.contains("sk_rotated"), "{plain}");
    assert_eq!(serde_json::to_value(partial.expose_secrets()).unwrap()["rotate_key_rotated_key"], "sk_rotated");
}

#[test]
fn inputs_builder_gives_what_a_struct_literal_gives() {
    let inputs = svix_inputs();
    assert_eq!((inputs.app_id.as_str(), inputs.integration_id.as_str()), ("app_1", "integ_1"));
    // Secrets take anything that becomes a `SecretString`; inputs deserialize as before.
    let deepgram = deepgram_inputs();
    assert_eq!(deepgram.api_key.expose_secret(), "dg_key");
    let parsed: svix::RotateIntegrationKeyInputs =
        serde_json::from_value(json!({"appId": "app_1", "integrationId": "integ_1"})).unwrap();
    assert_eq!(parsed.integration_id, inputs.integration_id);
}

fn deepgram_inputs() -> deepgram::RotateProjectKeyInputs {
    deepgram::RotateProjectKeyInputs::builder()
        .api_key("dg_key")
        .project_id("p_1")
        .old_key_id("k_old")
        .comment("rotated")
        .scopes(vec!["member".into()])
        .build()
}

/// One function running workflows of two documents, `?` converting both errors.
async fn rotate_all(dry_run: &DryRun) -> Result<(), AnyWorkflowError> {
    let client = dry_run.client();
    svix::rotate_integration_key(&client, &svix_config(), &svix_inputs()).await?;
    let config = deepgram::Config { management_api: deepgram::ManagementApi::new() };
    let inputs = deepgram_inputs();
    deepgram::rotate_project_key(&client, &config, &inputs).await?;
    Ok(())
}

#[tokio::test]
async fn errors_of_different_workflows_erase_to_one_type() {
    let dry_run = DryRun::new();
    dry_run
        .respond(DryRunResponse::json(200, json!({"id": "integ_1"})))
        .respond(DryRunResponse::json(200, json!({"key": "sk_rotated_secret"})))
        .respond(DryRunResponse::json(503, json!({"detail": "try again"})));
    let error = rotate_all(&dry_run).await.unwrap_err();
    assert_eq!((error.workflow_id(), error.step_id()), ("rotate-integration-key", "getKey"));
    assert!(matches!(error.error(), StepError::CriterionFailed { status: 503, .. }));
    assert!(error.downcast_partial::<deepgram::RotateProjectKeyPartial>().is_none());
    let partial = error.downcast_partial::<svix::RotateIntegrationKeyPartial>().unwrap();
    assert_eq!(partial.rotate_key_rotated_key.as_ref().unwrap().expose_secret(), "sk_rotated_secret");
    assert!(!format!("{error:?}").contains("sk_rotated_secret"));
    assert_eq!(error.checkpoint().failed_step(), "getKey");
    // Back to the typed error, e.g. to resume.
    let typed = error.downcast::<svix::RotateIntegrationKeyPartial>().unwrap();
    dry_run.respond(DryRunResponse::json(200, json!({"key": "sk_rotated_secret"})));
    let (client, config, inputs) = (dry_run.client(), svix_config(), svix_inputs());
    let resumed = svix::resume_rotate_integration_key(&client, &config, &inputs, typed.into_checkpoint());
    assert_eq!(resumed.await.unwrap().integration_key.expose_secret(), "sk_rotated_secret");
}
