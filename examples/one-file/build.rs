//! Generates the Svix client from one Arazzo document into `OUT_DIR/svix_rotate_integration_key.rs`.

fn main() -> Result<(), arazzo_codegen::BuildError> {
    arazzo_codegen::Builder::new()
        // The document's source description `url` (`../openapi/svix-openapi.json`) is relative to the
        // document itself, so nothing else needs configuring. Paths here are relative to this crate.
        .file("../../workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml")
        .compile()
}
