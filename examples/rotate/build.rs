//! Compiles the seed workflows into `OUT_DIR`, as a user's crate would.

fn main() -> Result<(), arazzo_codegen::BuildError> {
    let workflows = std::path::Path::new("../../workflows");
    arazzo_codegen::Builder::new()
        .file(workflows.join("svix/arazzo/svix-rotate-integration-key-workflow.yml"))
        .file(workflows.join("propelauth/arazzo/propelauth-rotate-user-api-key-workflow.yml"))
        .file(workflows.join("deepgram/arazzo/deepgram-rotate-project-key-workflow.yml"))
        .file(workflows.join("apigee/arazzo/apigee-rotate-app-key-workflow.yml"))
        .file(workflows.join("backblaze/arazzo/backblaze-rotate-application-key-workflow.yml"))
        .overlay(workflows.join("backblaze/overlays/backblaze-credentials.overlay.yml"))
        .compile()
}
