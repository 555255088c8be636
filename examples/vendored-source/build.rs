//! Generates the Apigee client into `OUT_DIR/apigee_rotate_app_key.rs` from a document whose source
//! description is a remote URL, using the vendored copy of that description instead.

fn main() -> Result<(), arazzo_codegen::BuildError> {
    arazzo_codegen::Builder::new()
        .file("workflows/apigee-rotate-app-key-workflow.yml")
        // The document's `apigeeApiManagement` source is `https://raw.githubusercontent.com/…`. Builds
        // never fetch URLs (they must be reproducible and work offline): name the local copy instead.
        // Without this line the build fails, pointing at the `url` and suggesting this mapping.
        .source("apigeeApiManagement", "vendor/apigee-api-management-openapi.yml")
        .compile()
}
