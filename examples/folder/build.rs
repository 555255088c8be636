//! Generates one module per Arazzo document under `workflows/` into `OUT_DIR`.

fn main() -> Result<(), arazzo_codegen::BuildError> {
    arazzo_codegen::Builder::new()
        // Every `.yaml`, `.yml` or `.json` file with a top-level `arazzo` field, in subfolders too; the
        // OpenAPI descriptions beside them are left out. Adding a document adds a module (named after
        // the file) on the next build.
        .dir("workflows")
        .compile()
}
