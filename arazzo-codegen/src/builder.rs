//! `Builder`: compile Arazzo documents from `build.rs`, in the manner of prost-build.

mod index;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{Diagnostic, GenerateError, Options, Overlay};

pub use index::{INDEX_FILE, NAMES_FILE};

/// Why [`Builder::compile`] failed. Its `Display` shows every located problem as rustc shows its own
/// (the source line underlined, hints below; plain text, since cargo captures it); so does its
/// `Debug`, because that is what Rust prints when `build.rs`'s `main` returns the error, and what
/// cargo then shows under `--- stderr`.
#[derive(thiserror::Error)]
pub enum BuildError {
    #[error("no output directory: OUT_DIR is not set (not running under cargo?) and Builder::out_dir was not called")]
    NoOutDir,
    #[error("no Arazzo files were added to the Builder")]
    NoFiles,
    #[error("arazzo-codegen found problems:\n\n{}", crate::diagnostic::Renderer::new().render_all(.0).trim_end())]
    Invalid(Vec<Diagnostic>),
    #[error("two Arazzo files generate the same module `{module}`: {first} and {second}")]
    DuplicateModule { module: String, first: PathBuf, second: PathBuf },
    #[error(transparent)]
    Emit(#[from] crate::emit::EmitError),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read the folder {path}: {source}")]
    ReadDir { path: PathBuf, source: std::io::Error },
    /// A [`Builder::type_attribute`], [`Builder::field_attribute`] or [`Builder::derive`] whose path or
    /// text does not parse.
    #[error(transparent)]
    InvalidAttribute(#[from] crate::attributes::AttributeError),
}

impl std::fmt::Debug for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// Compiles Arazzo documents into Rust modules in `OUT_DIR`, one `<module>.rs` per document.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), arazzo_codegen::BuildError> {
///     arazzo_codegen::Builder::new()
///         .file("workflows/backblaze-rotate-application-key-workflow.yml")
///         .overlay("workflows/backblaze-credentials.overlay.yml")
///         .source("backblazeB2", "vendor/backblaze-b2-native-api.yaml")
///         .compile()
/// }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    overlays: Vec<PathBuf>,
    sources: BTreeMap<String, PathBuf>,
    out_dir: Option<PathBuf>,
    emit_rerun_if_changed: bool,
    module_index: bool,
    deny_warnings: bool,
    /// `(kind, path, text)`, checked when compiling (the setters return `&mut Self` for chaining).
    attributes: Vec<(AttributeKind, String, String)>,
    doctest_path: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AttributeKind {
    Type,
    Struct,
    Enum,
    Field,
    Derive,
}

/// What [`Builder::compile_with_report`] did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// `(module, file)` for every module, in the order the files were added.
    pub modules: Vec<(String, PathBuf)>,
    /// Files whose content changed and were written.
    pub written: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    pub files_read: Vec<PathBuf>,
}

impl Report {
    /// The warnings as `build.rs` prints them: each warning rendered as the CLI renders it, one
    /// `cargo:warning=` directive per line (cargo shows each directive as one line), with a blank
    /// line between warnings. Control characters become spaces, so that no text from a document
    /// can end a directive early or start another.
    pub fn cargo_warnings(&self) -> Vec<String> {
        let mut renderer = crate::diagnostic::Renderer::new();
        let mut lines = Vec::new();
        for (index, warning) in self.warnings.iter().enumerate() {
            if index > 0 {
                lines.push(String::new());
            }
            for line in renderer.render(warning).lines() {
                lines.push(line.chars().map(|c| if c.is_control() { ' ' } else { c }).collect());
            }
        }
        lines
    }
}

impl Builder {
    pub fn new() -> Self {
        Self { emit_rerun_if_changed: true, module_index: true, ..Self::default() }
    }

    /// Adds an Arazzo document (YAML or JSON).
    pub fn file(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.files.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds several Arazzo documents.
    pub fn files<P: AsRef<Path>>(&mut self, paths: impl IntoIterator<Item = P>) -> &mut Self {
        for path in paths {
            self.file(path);
        }
        self
    }

    /// Adds every Arazzo document under a folder and its subfolders, in path order: the `.yaml`,
    /// `.yml` and `.json` files with a top-level `arazzo` field (`arazzo:` at the start of a line,
    /// or a JSON `"arazzo"` key). OpenAPI descriptions and overlays beside them are left out, and
    /// cargo reruns the build script when a file in the folder is added or changed.
    pub fn dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.dirs.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds an OpenAPI Overlay 1.0 document, applied to the document it `extends` (or to all).
    pub fn overlay(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.overlays.push(path.as_ref().to_path_buf());
        self
    }

    /// Uses a local file for a source description, whatever its `url` says (remote URLs are never fetched).
    pub fn source(&mut self, name: impl Into<String>, path: impl AsRef<Path>) -> &mut Self {
        self.sources.insert(name.into(), path.as_ref().to_path_buf());
        self
    }

    /// Where to write the modules; defaults to `OUT_DIR`.
    pub fn out_dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(path.as_ref().to_path_buf());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for every file read (default: yes).
    pub fn emit_rerun_if_changed(&mut self, enabled: bool) -> &mut Self {
        self.emit_rerun_if_changed = enabled;
        self
    }

    /// Whether to write the index of the modules in the output folder, [`INDEX_FILE`] and
    /// [`NAMES_FILE`] (default: yes). `arazzo_runtime::include_workflow!` reads it, so that a name with
    /// no module is a compile error at the macro call listing the modules there are; the index lists every module generated in the folder, those of
    /// other `Builder`s of the same build script included.
    pub fn module_index(&mut self, enabled: bool) -> &mut Self {
        self.module_index = enabled;
        self
    }

    /// Whether every warning is an error (default: no): the build fails on it, and it is shown as
    /// `error:` with the same text and location. For teams that want the letter of the specification,
    /// e.g. no brace-less embedded expression.
    pub fn deny_warnings(&mut self, deny: bool) -> &mut Self {
        self.deny_warnings = deny;
        self
    }

    /// Adds attributes (`"#[serde(rename_all = \"camelCase\")]"`, one or more) to the generated types
    /// `path` names: `"."` (all), `"module"` or `"module::Type"`; the types are each workflow's
    /// `…Inputs` (and its nested objects' structs), `…Outputs` and `…Partial`, and the module's
    /// string enums (a derive leaves out the traits an enum derives itself). Text that does not
    /// parse as attributes fails [`compile`](Self::compile) with [`BuildError::InvalidAttribute`].
    /// Paths and matching are described in [`crate::attributes`].
    ///
    /// ```no_run
    /// # fn main() -> Result<(), arazzo_codegen::BuildError> {
    /// arazzo_codegen::Builder::new()
    ///     .file("workflows/svix-rotate-integration-key-workflow.yml")
    ///     .derive(".", "PartialEq")
    ///     .type_attribute("svix_rotate_integration_key", "#[doc(alias = \"svix\")]")
    ///     .field_attribute("svix_rotate_integration_key::RotateIntegrationKeyInputs.app_id", "#[serde(alias = \"app\")]")
    ///     .compile()
    /// # }
    /// ```
    pub fn type_attribute(&mut self, path: impl Into<String>, attribute: impl Into<String>) -> &mut Self {
        self.attributes.push((AttributeKind::Type, path.into(), attribute.into()));
        self
    }

    /// Adds attributes to the structs `path` names (as [`type_attribute`](Self::type_attribute)),
    /// leaving the string enums alone: `struct_attribute(".", "#[derive(Default)]")`.
    pub fn struct_attribute(&mut self, path: impl Into<String>, attribute: impl Into<String>) -> &mut Self {
        self.attributes.push((AttributeKind::Struct, path.into(), attribute.into()));
        self
    }

    /// Adds attributes to the string enums `path` names (as [`type_attribute`](Self::type_attribute)),
    /// leaving the structs alone: `enum_attribute(".", "#[non_exhaustive]")`.
    pub fn enum_attribute(&mut self, path: impl Into<String>, attribute: impl Into<String>) -> &mut Self {
        self.attributes.push((AttributeKind::Enum, path.into(), attribute.into()));
        self
    }

    /// Adds attributes to the fields `path` names: `"."`, `"module"`, `"module::Type"` (all their
    /// fields) or `"module::Type.field"`, with the Rust names of the generated code.
    pub fn field_attribute(&mut self, path: impl Into<String>, attribute: impl Into<String>) -> &mut Self {
        self.attributes.push((AttributeKind::Field, path.into(), attribute.into()));
        self
    }

    /// Adds `#[derive(traits)]` to the types `path` names (as [`type_attribute`](Self::type_attribute)):
    /// `derive(".", "PartialEq")`, `derive("module::Type", "Eq, Hash")`.
    pub fn derive(&mut self, path: impl Into<String>, traits: impl Into<String>) -> &mut Self {
        self.attributes.push((AttributeKind::Derive, path.into(), traits.into()));
        self
    }

    /// The path, from outside the crate, of the module that includes the generated modules
    /// (`"my_crate"` when they are included at the root of the library `my_crate`): each workflow
    /// function's `# Example` then names its module through it and is compiled (`no_run`) by
    /// `cargo test` as a doctest. Without it (the default) the example is shown but not compiled
    /// (`ignore`), as a binary crate's doctests never are.
    pub fn doctest_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.doctest_path = Some(path.into());
        self
    }

    /// The emit settings, the attributes checked.
    fn emit_settings(&self) -> Result<crate::emit::Settings, BuildError> {
        let mut settings =
            crate::emit::Settings { doctest_path: self.doctest_path.clone(), ..crate::emit::Settings::default() };
        for (kind, path, text) in &self.attributes {
            let attributes = &mut settings.attributes;
            match kind {
                AttributeKind::Type => attributes.type_attribute(path, text)?,
                AttributeKind::Struct => attributes.struct_attribute(path, text)?,
                AttributeKind::Enum => attributes.enum_attribute(path, text)?,
                AttributeKind::Field => attributes.field_attribute(path, text)?,
                AttributeKind::Derive => attributes.derive(path, text)?,
            }
        }
        Ok(settings)
    }

    /// Generates every module and writes those whose content changed.
    ///
    /// Warnings are printed as `cargo:warning=` directives, rendered as the CLI renders them (the
    /// source line, the expression underlined, the hint): see [`Report::cargo_warnings`].
    /// Errors are returned (not printed as `cargo::error=`), so that `build.rs` decides what is fatal.
    pub fn compile(&self) -> Result<(), BuildError> {
        let report = self.compile_with_report()?;
        for line in report.cargo_warnings() {
            println!("cargo:warning={line}");
        }
        Ok(())
    }

    /// Like [`compile`](Self::compile), returning what was done instead of printing warnings.
    pub fn compile_with_report(&self) -> Result<Report, BuildError> {
        let emit = self.emit_settings()?;
        let mut files = self.files.clone();
        for dir in &self.dirs {
            arazzo_files_under(dir, &mut files)?;
        }
        if files.is_empty() {
            return Err(BuildError::NoFiles);
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(BuildError::NoOutDir)?,
        };
        let mut overlays = Vec::new();
        let mut problems = Vec::new();
        for path in &self.overlays {
            match Overlay::load(path) {
                Ok(overlay) => overlays.push(overlay),
                Err(diagnostics) => problems.extend(diagnostics),
            }
        }
        let options =
            Options { sources: self.sources.clone(), display_name: None, deny_warnings: self.deny_warnings, emit };
        let mut report = Report { files_read: self.overlays.clone(), ..Report::default() };
        report.files_read.extend(self.dirs.iter().cloned());
        let mut outputs: Vec<(PathBuf, String)> = Vec::new();
        for file in &files {
            let options = Options { display_name: Some(display_name(file)), ..options.clone() };
            match crate::generate_file(file, &options, &overlays) {
                Ok(generated) => {
                    if let Some((_, first)) = report.modules.iter().find(|(module, _)| *module == generated.module) {
                        return Err(BuildError::DuplicateModule {
                            module: generated.module,
                            first: first.clone(),
                            second: file.clone(),
                        });
                    }
                    report.files_read.extend(generated.files_read);
                    // Kept in `problems`, so that a failing build still shows every warning.
                    problems.extend(generated.warnings);
                    outputs.push((out_dir.join(format!("{}.rs", generated.module)), generated.source));
                    report.modules.push((generated.module, file.clone()));
                }
                Err(GenerateError::Invalid { diagnostics, files_read }) => {
                    report.files_read.extend(files_read);
                    problems.extend(diagnostics);
                }
                Err(GenerateError::Emit(error)) => return Err(error.into()),
            }
        }
        // Read through `..` (`arazzo/../openapi/x.json`): one spelling per file, for cargo and people.
        report.files_read = report.files_read.iter().map(|file| crate::paths::normalize(file)).collect();
        report.files_read.sort();
        report.files_read.dedup();
        if self.emit_rerun_if_changed {
            for file in &report.files_read {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
        if problems.iter().any(Diagnostic::is_error) {
            return Err(BuildError::Invalid(problems));
        }
        report.warnings = problems;
        for (path, source) in outputs {
            if write_if_changed(&path, &source)? {
                report.written.push(path);
            }
        }
        if self.module_index {
            report.written.extend(index::write(&out_dir)?);
        }
        Ok(report)
    }
}

/// Appends the Arazzo documents under `dir` (see [`Builder::dir`]) in path order.
fn arazzo_files_under(dir: &Path, into: &mut Vec<PathBuf>) -> Result<(), BuildError> {
    let read_error = |source| BuildError::ReadDir { path: dir.to_path_buf(), source };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()
        .map_err(read_error)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            arazzo_files_under(&path, into)?;
        } else if is_arazzo_document(&path) {
            into.push(path);
        }
    }
    Ok(())
}

/// Whether `path` is a YAML or JSON file with a top-level `arazzo` field. Files that cannot be
/// read are not documents here (an unreadable file named explicitly still gets its error).
fn is_arazzo_document(path: &Path) -> bool {
    let extension = path.extension().and_then(|extension| extension.to_str()).unwrap_or_default();
    if !matches!(extension, "yaml" | "yml" | "json") {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    if extension == "json" {
        text.trim_start().starts_with('{') && text.contains("\"arazzo\"")
    } else {
        text.lines()
            .any(|line| line.starts_with("arazzo:") || line.starts_with("\"arazzo\":") || line.starts_with("'arazzo':"))
    }
}

/// The file as the user named it, with `/` separators so output does not depend on the platform.
fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Writes only when the content differs, so unchanged modules do not trigger rebuilds.
pub fn write_if_changed(path: &Path, content: &str) -> Result<bool, BuildError> {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == content) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| BuildError::Write { path: parent.to_path_buf(), source })?;
    }
    std::fs::write(path, content).map_err(|source| BuildError::Write { path: path.to_path_buf(), source })?;
    Ok(true)
}
