//! `Builder`, as `build.rs` uses it.

use std::path::PathBuf;

use arazzo_codegen::{BuildError, Builder, Diagnostic};

#[test]
fn writes_modules_once_and_reports_every_file_read() {
    let out = tempfile::tempdir().unwrap();
    let mut builder = Builder::new();
    builder.file("tests/fixtures/features.arazzo.yaml").out_dir(out.path()).emit_rerun_if_changed(false);

    let first = builder.compile_with_report().unwrap();
    assert_eq!(first.modules, [("features".to_string(), PathBuf::from("tests/fixtures/features.arazzo.yaml"))]);
    let index =
        [arazzo_codegen::builder::INDEX_FILE, arazzo_codegen::builder::NAMES_FILE].map(|file| out.path().join(file));
    assert_eq!(first.written, [&[out.path().join("features.rs")], &index[..]].concat());
    assert_eq!(
        first.files_read,
        [
            PathBuf::from("tests/fixtures/features.arazzo.yaml"),
            PathBuf::from("tests/fixtures/pets.openapi.yaml"),
            PathBuf::from("tests/fixtures/store.openapi.json"),
        ]
    );
    let written = std::fs::read_to_string(out.path().join("features.rs")).unwrap();
    assert!(written == std::fs::read_to_string("tests/golden/features.rs").unwrap(), "differs from the golden file");

    // Unchanged output is not rewritten, so cargo does not rebuild the crate that includes it.
    let modified = std::fs::metadata(out.path().join("features.rs")).unwrap().modified().unwrap();
    let second = builder.compile_with_report().unwrap();
    assert!(second.written.is_empty());
    assert_eq!(std::fs::metadata(out.path().join("features.rs")).unwrap().modified().unwrap(), modified);
}

#[test]
fn a_remote_source_can_be_mapped_to_a_local_file() {
    let out = tempfile::tempdir().unwrap();
    let unmapped = Builder::new()
        .file("tests/fixtures/remote-source.arazzo.yaml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile_with_report();
    let Err(BuildError::Invalid(diagnostics)) = unmapped else { panic!("a remote URL was accepted") };
    assert!(diagnostics[0].message.contains("is not a local file"), "{}", diagnostics[0]);

    let report = Builder::new()
        .file("tests/fixtures/remote-source.arazzo.yaml")
        .source("pets", "tests/fixtures/pets.openapi.yaml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile_with_report()
        .unwrap();
    assert_eq!(report.modules[0].0, "remote_source");
    assert!(report.files_read.contains(&PathBuf::from("tests/fixtures/pets.openapi.yaml")));
    let source = std::fs::read_to_string(out.path().join("remote_source.rs")).unwrap();
    assert!(source.contains("pub async fn read_pet("), "{source}");
}

#[test]
fn errors_print_every_located_problem() {
    let out = tempfile::tempdir().unwrap();
    let error = Builder::new()
        .file("tests/fixtures/bad/undeclared-input.arazzo.yaml")
        .file("tests/fixtures/bad/unknown-operation.arazzo.yaml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap_err();
    // Rendered as rustc renders its errors (no colors: cargo captures build scripts' output).
    expectorate::assert_contents("tests/diagnostics/build-error.txt", &format!("{error}\n"));
    // `build.rs` returning the error prints its Debug form: it must read the same.
    assert_eq!(format!("{error:?}"), error.to_string());
    // Nothing is written when anything failed.
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

/// Warnings go to `cargo:warning=` rendered as the CLI renders them, one directive per line.
#[test]
fn warnings_are_rendered_for_cargo_as_for_the_terminal() {
    let out = tempfile::tempdir().unwrap();
    let report = Builder::new()
        .file("../workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile_with_report()
        .unwrap();
    let lines = report.cargo_warnings();
    let first: Vec<&str> = lines.iter().take_while(|line| !line.is_empty()).map(String::as_str).collect();
    // Checked by hand against the document: line 59 is `      value: Token $inputs.apiKey`, the
    // expression (14 characters) starting at column 20.
    assert_eq!(
        first,
        [
            "warning: embedded expression `$inputs.apiKey` is written without braces; Arazzo 1.0.1 embeds \
             expressions as `{$inputs.apiKey}`. Accepted as an embedded expression",
            "  --> ../workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml:59:20",
            "   |",
            "59 |       value: Token $inputs.apiKey",
            "   |                    ^^^^^^^^^^^^^^",
            "   |",
            "   = note: at workflows[0].steps[0].parameters[0].value",
        ]
    );
    // Three warnings, separated by one blank directive each.
    assert_eq!(lines.iter().filter(|line| line.is_empty()).count(), 2);
    assert_eq!(lines.iter().filter(|line| line.starts_with("warning: ")).count(), 3);
}

/// Each warning also has a compiler-style one-line form.
#[test]
fn warnings_have_a_one_line_form_for_cargo() {
    let out = tempfile::tempdir().unwrap();
    let report = Builder::new()
        .file("../workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile_with_report()
        .unwrap();
    assert_eq!(report.warnings.len(), 3);
    assert_eq!(
        report.warnings[0].short(),
        "../workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml:59:20: warning: embedded expression \
         `$inputs.apiKey` is written without braces; Arazzo 1.0.1 embeds expressions as `{$inputs.apiKey}`. Accepted \
         as an embedded expression (at workflows[0].steps[0].parameters[0].value)"
    );
}

/// `deny_warnings(true)`: the document whose warnings pass by default fails, each warning an error
/// with the same text and location, and nothing is written.
#[test]
fn deny_warnings_fails_the_build_on_a_warning() {
    let build = |deny: bool| {
        let out = tempfile::tempdir().unwrap();
        let result = Builder::new()
            .file("../workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml")
            .out_dir(out.path())
            .emit_rerun_if_changed(false)
            .deny_warnings(deny)
            .compile_with_report();
        (result, std::fs::read_dir(out.path()).unwrap().count())
    };
    let (allowed, written) = build(false);
    let warnings = allowed.unwrap().warnings;
    // The module and the index of modules (its two files).
    assert_eq!((warnings.len(), written), (3, 3));
    let (denied, written) = build(true);
    let error = denied.unwrap_err();
    let BuildError::Invalid(errors) = &error else { panic!("{error}") };
    assert_eq!(written, 0);
    assert!(errors.iter().all(Diagnostic::is_error), "{error}");
    let same =
        |diagnostic: &Diagnostic| (diagnostic.message.clone(), diagnostic.location, diagnostic.json_path.clone());
    assert_eq!(errors.iter().map(same).collect::<Vec<_>>(), warnings.iter().map(same).collect::<Vec<_>>());
    assert!(error.to_string().ends_with("error: aborting due to 3 previous errors"), "{error}");
}

/// A failing build shows the warnings of the documents that compiled too.
#[test]
fn a_failing_build_keeps_every_warning() {
    let out = tempfile::tempdir().unwrap();
    let error = Builder::new()
        .file("../workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml")
        .file("tests/fixtures/bad/undeclared-input.arazzo.yaml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile_with_report()
        .unwrap_err();
    let BuildError::Invalid(diagnostics) = &error else { panic!("{error}") };
    let warnings = diagnostics.iter().filter(|diagnostic| !diagnostic.is_error()).count();
    assert_eq!((warnings, diagnostics.len()), (3, 4), "{error}");
    assert!(error.to_string().ends_with("error: aborting due to 1 previous error; 3 warnings emitted"), "{error}");
}

#[test]
fn without_out_dir_or_files_the_error_says_what_is_missing() {
    assert!(std::env::var_os("OUT_DIR").is_none(), "integration tests run without OUT_DIR");
    let error = Builder::new().file("tests/fixtures/features.arazzo.yaml").compile().unwrap_err();
    assert!(matches!(error, BuildError::NoOutDir), "{error}");
    assert!(matches!(Builder::new().out_dir("x").compile().unwrap_err(), BuildError::NoFiles));
}

#[test]
fn two_documents_with_the_same_module_name_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        let text = std::fs::read_to_string("tests/fixtures/remote-source.arazzo.yaml").unwrap();
        std::fs::write(dir.path().join(sub).join("same.arazzo.yaml"), text).unwrap();
    }
    let error = Builder::new()
        .file(dir.path().join("a/same.arazzo.yaml"))
        .file(dir.path().join("b/same.arazzo.yaml"))
        .source("pets", "tests/fixtures/pets.openapi.yaml")
        .out_dir(dir.path())
        .emit_rerun_if_changed(false)
        .compile()
        .unwrap_err();
    assert!(matches!(&error, BuildError::DuplicateModule { module, .. } if module == "same"), "{error}");
}

#[test]
fn a_folder_gives_every_arazzo_document_under_it_and_nothing_else() {
    let out = tempfile::tempdir().unwrap();
    let mut builder = Builder::new();
    builder
        .dir("../workflows")
        .overlay("../workflows/backblaze/overlays/backblaze-credentials.overlay.yml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false);
    let report = builder.compile_with_report().unwrap();
    // The five seeds in path order; their OpenAPI descriptions and the overlay beside them are not
    // taken for documents.
    let modules: Vec<&str> = report.modules.iter().map(|(module, _)| module.as_str()).collect();
    assert_eq!(
        modules,
        [
            "apigee_rotate_app_key",
            "backblaze_rotate_application_key",
            "deepgram_rotate_project_key",
            "propelauth_rotate_user_api_key",
            "svix_rotate_integration_key"
        ]
    );
    // The folder itself is reported, so that cargo reruns the build when a document is added.
    assert!(report.files_read.contains(&PathBuf::from("../workflows")));
}

#[test]
fn a_missing_folder_is_an_error_naming_it() {
    let error = Builder::new().dir("no/such/folder").out_dir("unused").compile_with_report().unwrap_err();
    assert!(matches!(&error, BuildError::ReadDir { path, .. } if path == &PathBuf::from("no/such/folder")), "{error}");
    assert!(error.to_string().starts_with("cannot read the folder no/such/folder: "), "{error}");
}

/// `include_workflow!` reads the index: it lists every module in the folder, those of an earlier
/// `Builder` of the same build script too, and no other file.
#[test]
fn the_index_lists_every_module_in_the_folder() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("handwritten.rs"), "pub mod handwritten {}\n").unwrap();
    let compile = |file: &str| {
        Builder::new().file(file).out_dir(out.path()).emit_rerun_if_changed(false).compile_with_report().unwrap()
    };
    compile("tests/fixtures/features.arazzo.yaml");
    let index = || std::fs::read_to_string(out.path().join(arazzo_codegen::builder::INDEX_FILE)).unwrap();
    assert!(index().contains(r#"("features") => { include!("features.rs"); };"#), "{}", index());

    let second = compile("tests/fixtures/reuse.arazzo.yaml");
    let index = index();
    assert!(second.written.contains(&out.path().join(arazzo_codegen::builder::INDEX_FILE)));
    assert!(index.contains(r#"("features") => { include!("features.rs"); };"#), "{index}");
    assert!(index.contains(r#"("reuse") => { include!("reuse.rs"); };"#), "{index}");
    assert!(!index.contains("handwritten"), "{index}");
    let names = std::fs::read_to_string(out.path().join(arazzo_codegen::builder::NAMES_FILE)).unwrap();
    assert!(second.written.contains(&out.path().join(arazzo_codegen::builder::NAMES_FILE)));
    assert!(names.contains(r#"("features", $($unknown:tt)*) => {};"#), "{names}");
    assert!(names.contains(r#"("reuse", $($unknown:tt)*) => {};"#), "{names}");
    assert!(names.contains("OUT_DIR are: `features`, `reuse`"), "{names}");
    // Neither the index files nor a hand-written file are modules.
    assert!(!names.contains("handwritten") && !names.contains("(\"arazzo_"), "{names}");

    // Without the index, nothing but the module is written.
    let bare = tempfile::tempdir().unwrap();
    let report = Builder::new()
        .file("tests/fixtures/features.arazzo.yaml")
        .out_dir(bare.path())
        .emit_rerun_if_changed(false)
        .module_index(false)
        .compile_with_report()
        .unwrap();
    assert_eq!(report.written, [bare.path().join("features.rs")]);
}

/// A description named `../openapi/x.json` from `workflows/svix/arazzo/` is read, reported and
/// watched (`cargo:rerun-if-changed`) as `workflows/svix/openapi/x.json`.
#[test]
fn files_read_through_dot_dot_are_named_without_it() {
    let out = tempfile::tempdir().unwrap();
    let report = Builder::new()
        .file("../workflows/svix/arazzo/./svix-rotate-integration-key-workflow.yml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile_with_report()
        .unwrap();
    assert_eq!(
        report.files_read,
        [
            PathBuf::from("../workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml"),
            PathBuf::from("../workflows/svix/openapi/svix-openapi.json"),
        ]
    );
}

#[test]
fn attribute_hooks_reach_the_generated_module_and_invalid_text_is_a_build_error() {
    let out = tempfile::tempdir().unwrap();
    let mut builder = Builder::new();
    builder
        .file("tests/fixtures/evolving-v1.arazzo.yaml")
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .derive("evolving_v1::GetPetNameOutputs", "PartialEq, Eq")
        .field_attribute("evolving_v1::GetPetNameInputs.pet_id", "#[serde(alias = \"id\")]");
    builder.compile_with_report().unwrap();
    let written = std::fs::read_to_string(out.path().join("evolving_v1.rs")).unwrap();
    assert!(written.contains("#[derive(PartialEq, Eq)]\n    pub struct GetPetNameOutputs"), "{written}");
    assert!(written.contains("#[serde(alias = \"id\")]\n        pub pet_id:"), "{written}");

    // Nothing is written when an attribute does not parse; the error names the path and the text.
    let other = tempfile::tempdir().unwrap();
    let error = Builder::new()
        .file("tests/fixtures/evolving-v1.arazzo.yaml")
        .out_dir(other.path())
        .emit_rerun_if_changed(false)
        .type_attribute("evolving_v1::GetPetNameOutputs", "#[serde(rename_all = ")
        .compile_with_report()
        .unwrap_err();
    assert!(matches!(error, BuildError::InvalidAttribute(_)));
    let message = error.to_string();
    assert!(
        message.starts_with("invalid attribute for `evolving_v1::GetPetNameOutputs`: `#[serde(rename_all = `: "),
        "{message}"
    );
    assert!(std::fs::read_dir(other.path()).unwrap().next().is_none());
    let error = Builder::new().file("x.yaml").derive("a::B.c", "Eq").compile_with_report().unwrap_err();
    assert!(error.to_string().starts_with("invalid path for `a::B.c`"), "{error}");
}
