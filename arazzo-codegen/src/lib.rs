//! Compiles [Arazzo](https://spec.openapis.org/arazzo/latest.html) workflow documents into typed async
//! Rust clients.
//!
//! Each Arazzo document becomes one Rust module with one `pub async fn` per workflow, typed input and
//! output structs, and docs taken from the document. Every step is resolved to an operation of the
//! OpenAPI descriptions the document names and every runtime expression is checked while building, so
//! a dangling `$steps.x.outputs.y` or an unknown `operationId` is a build error with file, line and
//! column, not a runtime surprise. The generated code calls the small `arazzo-runtime` crate.
//!
//! # From `build.rs`
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), arazzo_codegen::BuildError> {
//!     arazzo_codegen::Builder::new()
//!         // One document; the relative `url`s of its source descriptions resolve against its folder.
//!         .file("workflows/svix-rotate-integration-key-workflow.yml")
//!         // Every Arazzo document under a folder; the OpenAPI files beside them are skipped.
//!         .dir("workflows/more")
//!         // A source description whose `url` is remote (never fetched): use a vendored copy.
//!         .source("apigeeApiManagement", "vendor/apigee-api-management-openapi.yml")
//!         // An OpenAPI Overlay 1.0 document, applied to the document it `extends`.
//!         .overlay("overlays/backblaze-credentials.overlay.yml")
//!         // Writes OUT_DIR/<module>.rs per document (only when it changed), prints
//!         // `cargo:rerun-if-changed` and the warnings; returns every error, located.
//!         .compile()
//! }
//! ```
//!
//! and in the crate, one line per document, named after its file:
//! `arazzo_runtime::include_workflow!("svix_rotate_integration_key");`. The repository's
//! `examples/` folder has a complete crate for each of these setups.
//!
//! # Without build.rs
//!
//! [`generate_file`] checks and generates one document from disk, [`check_file`] only checks it, and
//! [`generate_in_memory`] takes the files as a map of paths to contents and never reads the disk:
//!
//! ```
//! use std::collections::BTreeMap;
//! use std::path::{Path, PathBuf};
//!
//! let arazzo = r#"
//! arazzo: 1.0.1
//! info: { title: Pets, version: 1.0.0 }
//! sourceDescriptions:
//!   - { name: petsApi, url: pets-openapi.yaml, type: openapi }
//! workflows:
//!   - workflowId: get-pet-name
//!     inputs: { type: object, required: [petId], properties: { petId: { type: string } } }
//!     steps:
//!       - stepId: getPet
//!         operationId: getPet
//!         parameters: [{ name: petId, in: path, value: $inputs.petId }]
//!         outputs: { name: $response.body#/name }
//!     outputs: { name: $steps.getPet.outputs.name }
//! "#;
//! let openapi = r#"
//! openapi: 3.1.0
//! info: { title: Pets, version: 1.0.0 }
//! servers: [{ url: "https://pets.example.com" }]
//! paths:
//!   /pets/{petId}:
//!     get:
//!       operationId: getPet
//!       parameters: [{ name: petId, in: path, required: true, schema: { type: string } }]
//!       responses:
//!         "200":
//!           description: The pet.
//!           content:
//!             application/json:
//!               schema: { type: object, properties: { name: { type: string } } }
//! "#;
//! let mut files = BTreeMap::from([
//!     (PathBuf::from("pets.arazzo.yaml"), arazzo.to_owned()),
//!     (PathBuf::from("pets-openapi.yaml"), openapi.to_owned()),
//! ]);
//! let options = arazzo_codegen::Options::default();
//!
//! let generated = arazzo_codegen::generate_in_memory(&files, Path::new("pets.arazzo.yaml"), &options)?;
//! assert_eq!(generated.module, "pets");
//! assert!(generated.source.contains("pub async fn get_pet_name("));
//!
//! // A mistake is an error at its file, line and column, with a hint.
//! files.insert(PathBuf::from("pets.arazzo.yaml"), arazzo.replace("operationId: getPet", "operationId: getPets"));
//! let error = arazzo_codegen::generate_in_memory(&files, Path::new("pets.arazzo.yaml"), &options).unwrap_err();
//! let diagnostic = &error.diagnostics()[0];
//! assert_eq!(diagnostic.message, "no source description has an operation `getPets`");
//! let location = diagnostic.location.unwrap();
//! assert_eq!((location.line, location.column), (11, 22));
//! assert_eq!(diagnostic.help(), ["closest: `getPet`"]);
//! eprintln!("{error}"); // rendered as rustc renders its own errors
//! # Ok::<(), arazzo_codegen::GenerateError>(())
//! ```
//!
//! # Stages
//!
//! Each stage ends with a plain data type: [`load`] (YAML/JSON with line and column),
//! [`overlay`], [`model`] (the Arazzo document), [`openapi`] (operation index), [`expr`] and
//! [`condition`] (parsers), [`check`] (references, types and names: a [`plan::ModulePlan`]), and
//! [`emit`] (Rust source).

pub mod attributes;
pub mod builder;
pub mod check;
pub mod condition;
pub mod diagnostic;
pub mod diagram;
pub mod emit;
pub mod expr;
pub mod load;
pub mod model;
pub mod naming;
pub mod openapi;
pub mod overlay;
pub mod paths;
pub mod plan;
pub mod types;
pub mod upgrade;
pub mod xpath;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use builder::{BuildError, Builder};
pub use check::Options;
pub use diagnostic::{Diagnostic, Severity};
pub use overlay::Overlay;

/// The generated source of one Arazzo document.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The module's name, also the output file's stem.
    pub module: String,
    /// Formatted Rust source, starting with the `@generated` header.
    pub source: String,
    pub warnings: Vec<Diagnostic>,
    /// Every file read on the way.
    pub files_read: Vec<PathBuf>,
}

/// Why a document did not generate.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{}", render(diagnostics))]
    Invalid { diagnostics: Vec<Diagnostic>, files_read: Vec<PathBuf> },
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
}

impl GenerateError {
    /// Every diagnostic, warnings included.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Self::Invalid { diagnostics, .. } => diagnostics,
            Self::Emit(_) => &[],
        }
    }
}

/// One diagnostic per line.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// Checks one Arazzo document (after applying the overlays meant for it) and plans its module.
pub fn check_file(path: &Path, options: &Options, overlays: &[Overlay]) -> Result<check::Checked, GenerateError> {
    check_from(load::Files::Disk, path, options, overlays)
}

fn check_from(
    files: load::Files<'_>,
    path: &Path,
    options: &Options,
    overlays: &[Overlay],
) -> Result<check::Checked, GenerateError> {
    let mut loaded = files.load(path).map_err(|diagnostic| GenerateError::Invalid {
        diagnostics: vec![diagnostic],
        files_read: vec![path.to_path_buf()],
    })?;
    let mut overlay_problems = Vec::new();
    let mut overlay_files = Vec::new();
    for overlay in overlays.iter().filter(|overlay| overlay.applies_to(path)) {
        overlay_problems.extend(overlay.apply(&mut loaded));
        overlay_files.push(overlay.path().to_path_buf());
    }
    let result = check::check_with(&loaded, options, files);
    match result {
        Ok(mut checked) if overlay_problems.is_empty() => {
            checked.files_read.extend(overlay_files);
            Ok(checked)
        }
        Ok(checked) => {
            let mut files_read = checked.files_read;
            files_read.extend(overlay_files);
            overlay_problems.extend(checked.warnings);
            Err(GenerateError::Invalid { diagnostics: overlay_problems, files_read })
        }
        Err(failed) => {
            let mut files_read = failed.files_read;
            files_read.extend(overlay_files);
            overlay_problems.extend(failed.diagnostics);
            Err(GenerateError::Invalid { diagnostics: overlay_problems, files_read })
        }
    }
}

/// Checks and generates one Arazzo document.
pub fn generate_file(path: &Path, options: &Options, overlays: &[Overlay]) -> Result<Generated, GenerateError> {
    generate_from(load::Files::Disk, path, options, overlays)
}

/// Checks and generates the document at `path` of an in-memory set of files (path -> content), which
/// must also hold the descriptions its sources name, at the paths they resolve to (relative URLs
/// against `path`'s folder, or `options.sources`). The disk is never read.
pub fn generate_in_memory(
    files: &BTreeMap<PathBuf, String>,
    path: &Path,
    options: &Options,
) -> Result<Generated, GenerateError> {
    generate_from(load::Files::Memory(files), path, options, &[])
}

fn generate_from(
    files: load::Files<'_>,
    path: &Path,
    options: &Options,
    overlays: &[Overlay],
) -> Result<Generated, GenerateError> {
    let checked = check_from(files, path, options, overlays)?;
    let source = emit::emit_with(&checked.plan, &options.emit)?;
    Ok(Generated { module: checked.plan.module, source, warnings: checked.warnings, files_read: checked.files_read })
}
