//! The `arazzo-codegen` command line: `check` and `generate`, on the seeds and on bad input, and the
//! checked-in `generated/` crate being exactly what the CLI produces.

// Helpers outside `#[test]` functions fail the test by panicking, as tests do.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The workspace root: the seeds are named relative to it, as in `scripts/regenerate.sh`.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cli() -> Command {
    let mut command = Command::cargo_bin("arazzo-codegen").expect("the binary is built for integration tests");
    command.current_dir(root());
    command
}

/// The seed documents, sorted, as paths relative to the root (what the shell glob gives).
fn seeds() -> Vec<String> {
    let mut seeds = Vec::new();
    for provider in std::fs::read_dir(root().join("workflows")).unwrap() {
        let provider = provider.unwrap().path();
        let Ok(files) = std::fs::read_dir(provider.join("arazzo")) else { continue };
        for file in files {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|extension| extension == "yml") {
                seeds.push(file.strip_prefix(root()).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    seeds.sort();
    seeds
}

const OVERLAY: &str = "workflows/backblaze/overlays/backblaze-credentials.overlay.yml";

#[test]
fn there_are_five_seeds() {
    assert_eq!(seeds().len(), 5, "{:?}", seeds());
}

#[test]
fn check_accepts_every_seed_and_warns_about_braceless_expressions() {
    let output = cli().arg("check").args(seeds()).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stdout.lines().filter(|line| line.starts_with("ok: ")).count(), 5, "{stdout}");
    // PropelAuth and Deepgram write `Bearer $inputs.backendApiKey` / `Token $inputs.apiKey`: three steps each.
    assert_eq!(stderr.lines().filter(|line| line.contains("is written without braces")).count(), 6, "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(stderr.ends_with("\nwarning: 6 warnings emitted\n"), "{stderr}");
}

/// A warning, rendered: the brace-less expression is underlined inside `Token $inputs.apiKey`.
#[test]
fn warnings_are_rendered_with_the_expression_underlined() {
    let output =
        cli().args(["check", "workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml"]).output().unwrap();
    assert!(output.status.success());
    expectorate::assert_contents(
        "tests/diagnostics/cli-deepgram-warnings.txt",
        &String::from_utf8_lossy(&output.stderr),
    );
}

/// `--deny-warnings`: the same warnings, as errors (same text, same place), and exit status 1, for
/// `check` and `generate` alike; without it the same document passes.
#[test]
fn deny_warnings_turns_every_warning_into_an_error() {
    let deepgram = "workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml";
    let warned = cli().args(["check", deepgram]).output().unwrap();
    let denied = cli().args(["check", "--deny-warnings", deepgram]).output().unwrap();
    assert_eq!((warned.status.code(), denied.status.code()), (Some(0), Some(1)));
    let (warned, denied) = (String::from_utf8_lossy(&warned.stderr), String::from_utf8_lossy(&denied.stderr));
    assert_eq!(warned.matches("\nwarning: embedded expression").count() + 1, 3, "{warned}");
    assert!(!denied.contains("warning"), "{denied}");
    assert!(denied.ends_with("\nerror: aborting due to 3 previous errors\n"), "{denied}");
    // Only the level differs: same messages, locations and underlines.
    let as_errors = warned.replace("warning: embedded", "error: embedded");
    assert_eq!(
        denied.trim_end().rsplit_once('\n').map(|(body, _)| body),
        as_errors.trim_end().rsplit_once('\n').map(|(body, _)| body)
    );

    let out = tempfile::tempdir().unwrap();
    let generated = cli().args(["generate", deepgram, "--out"]).arg(out.path()).output().unwrap();
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let out = tempfile::tempdir().unwrap();
    let refused = cli().args(["generate", "--deny-warnings", deepgram, "--out"]).arg(out.path()).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&refused.stderr), denied);
    assert_eq!(std::fs::read_dir(out.path()).map(Iterator::count).unwrap_or(0), 0, "nothing is written");
}

#[test]
fn check_fails_with_located_diagnostics() {
    let output =
        cli().args(["check", "arazzo-codegen/tests/fixtures/bad/undeclared-input.arazzo.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    expectorate::assert_contents(
        "tests/diagnostics/cli-undeclared-input.txt",
        &String::from_utf8_lossy(&output.stderr),
    );
}

/// `generate` shows a document's problems exactly as `check` does.
#[test]
fn generate_renders_problems_as_check_does() {
    let file = "arazzo-codegen/tests/diagnostics/two-files.arazzo.yaml";
    let checked = cli().args(["check", file]).output().unwrap();
    let out = tempfile::tempdir().unwrap();
    let generated = cli().args(["generate", file, "--out"]).arg(out.path()).output().unwrap();
    assert_eq!(checked.status.code(), Some(1));
    assert_eq!(generated.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&generated.stderr), String::from_utf8_lossy(&checked.stderr));
    assert!(
        String::from_utf8_lossy(&checked.stderr)
            .contains("--> arazzo-codegen/tests/diagnostics/broken.openapi.json:8:24")
    );
}

/// `--message-format json`: one JSON object per line on stdout, diagnostics and progress alike,
/// nothing on stderr; two documents, problems in two files.
#[test]
fn json_messages_are_one_object_per_line() {
    let output = cli()
        .args(["--message-format", "json", "check"])
        .args([
            "arazzo-codegen/tests/diagnostics/two-files.arazzo.yaml",
            "arazzo-codegen/tests/fixtures/features.arazzo.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    expectorate::assert_contents("tests/diagnostics/cli-two-files.jsonl", &stdout);
    let reasons: Vec<String> = stdout
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reasons, ["diagnostic", "diagnostic", "diagnostic", "diagnostic", "checked"]);
    // No colors in JSON, even when asked for them.
    let colored = cli()
        .args([
            "--message-format",
            "json",
            "--color",
            "always",
            "check",
            "arazzo-codegen/tests/diagnostics/two-files.arazzo.yaml",
        ])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&colored.stdout).contains("\\u001b"));
}

/// Colors when asked (`auto` is off here: the test's stderr is a pipe), never in the text otherwise.
#[test]
fn colors_follow_the_color_option() {
    let file = "arazzo-codegen/tests/fixtures/bad/undeclared-input.arazzo.yaml";
    let stderr =
        |args: &[&str]| String::from_utf8_lossy(&cli().args(args).arg(file).output().unwrap().stderr).into_owned();
    assert!(stderr(&["--color", "always", "check"]).contains("\u{1b}["));
    assert!(!stderr(&["--color", "never", "check"]).contains('\u{1b}'));
    assert!(!stderr(&["check"]).contains('\u{1b}'));
    assert_eq!(stderr(&["check", "--color", "never"]), stderr(&["check"]));
}

#[test]
fn usage_errors_exit_with_two() {
    let output = cli().args(["generate", "x.yml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "--out is required");
    let output = cli().args(["check", "x.yml", "--source", "no-equals-sign"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected NAME=PATH"));
}

#[test]
fn checked_in_clients_are_identical_to_fresh_generation() {
    let out = tempfile::tempdir().unwrap();
    let output = cli()
        .arg("generate")
        .args(seeds())
        .args(["--overlay", OVERLAY, "--doctest-path", "arazzo_generated", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut generated: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    assert_eq!(
        generated,
        [
            "apigee_rotate_app_key.rs",
            "backblaze_rotate_application_key.rs",
            "deepgram_rotate_project_key.rs",
            "propelauth_rotate_user_api_key.rs",
            "svix_rotate_integration_key.rs"
        ]
    );
    for name in generated {
        let fresh = std::fs::read_to_string(out.path().join(&name)).unwrap();
        let checked_in = std::fs::read_to_string(root().join("generated/src").join(&name)).unwrap();
        assert!(fresh == checked_in, "generated/src/{name} is stale: run scripts/regenerate.sh");
    }
}

/// The seeds also compile against the providers' full, published descriptions, not only our trimmed ones.
#[test]
fn seeds_generate_against_the_full_published_descriptions() {
    let shared = root().join("../shared/openapi");
    if !shared.exists() {
        eprintln!("skipped: ../shared/openapi is not next to this checkout");
        return;
    }
    let cases = [
        ("svix", "svixApi", "svix/svix-openapi.json"),
        ("propelauth", "apiKeysApi", "propelauth/propelauth-api-keys-api-openapi.yml"),
        ("deepgram", "managementApi", "deepgram/deepgram-management-openapi.yml"),
        ("apigee", "apigeeApiManagement", "apigee/apigee-api-management-openapi.yml"),
        ("backblaze", "backblazeB2", "backblaze/backblaze-b2-native-api.yaml"),
    ];
    for (provider, source, description) in cases {
        let seed = seeds().into_iter().find(|seed| seed.starts_with(&format!("workflows/{provider}/"))).unwrap();
        let out = tempfile::tempdir().unwrap();
        let output = cli()
            .args(["generate", &seed, "--overlay", OVERLAY, "--doctest-path", "arazzo_generated", "--source"])
            .arg(format!("{source}={}", shared.join(description).display()))
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{provider}: {}", String::from_utf8_lossy(&output.stderr));
        // Our trimmed description is faithful: the generated module is the same apart from nothing.
        let module = std::fs::read_dir(out.path()).unwrap().next().unwrap().unwrap().path();
        let fresh = std::fs::read_to_string(&module).unwrap();
        let checked_in =
            std::fs::read_to_string(root().join("generated/src").join(module.file_name().unwrap())).unwrap();
        assert_eq!(fresh, checked_in, "{provider}: the full description generates a different client");
    }
}

#[test]
fn diagram_prints_the_golden_mermaid_flowchart() {
    let output =
        cli().args(["diagram", "workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    // The same chart as the library's golden file (tests/diagrams.rs), printed as is.
    let golden =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagrams/svix.mmd")).unwrap();
    assert_eq!(stdout.trim_end(), golden.trim_end());
    assert!(stdout.starts_with("%% rotate-integration-key\nflowchart TD\n"), "{stdout}");
}

#[test]
fn diagram_of_a_broken_document_reports_its_errors() {
    let output =
        cli().args(["diagram", "arazzo-codegen/tests/fixtures/bad/dangling-step.arazzo.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no chart for a broken document");
    assert!(String::from_utf8_lossy(&output.stderr).contains("dangling-step.arazzo.yaml:"));
}

#[test]
fn diagram_of_one_workflow_is_a_mermaid_input_of_its_own() {
    let document = "arazzo-codegen/tests/fixtures/actions.arazzo.yaml";
    let output = cli().args(["diagram", "--workflow", "retry-a-workflow", document]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    // That workflow's part of the golden file of every chart of the document.
    let golden =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagrams/actions.mmd")).unwrap();
    let start = golden.find("%% retry-a-workflow\n").unwrap();
    let end = golden[start + 1..].find("%% ").map_or(golden.len(), |next| start + 1 + next);
    assert_eq!(stdout.trim_end(), golden[start..end].trim_end());
    assert_eq!(stdout.matches("flowchart TD").count(), 1, "{stdout}");

    let missing = cli().args(["diagram", "--workflow", "nope", document]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(missing.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains(r#"no document has a workflow "nope"; its workflows are: ""#), "{stderr}");
    assert!(stderr.contains(r#""retry-a-workflow""#), "{stderr}");
}

/// Counts agree with their nouns: `(1 workflow)`, `(2 workflows)`.
#[test]
fn counts_are_singular_for_one() {
    let output = cli()
        .args(["check", "workflows/svix/arazzo/svix-rotate-integration-key-workflow.yml"])
        .arg("arazzo-codegen/tests/fixtures/features.arazzo.yaml")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("svix-rotate-integration-key-workflow.yml (1 workflow)\n"), "{stdout}");
    assert!(stdout.contains("features.arazzo.yaml (2 workflows)\n"), "{stdout}");
}

/// `--help` is read where the repository is not: it names no file of it, and says what the JSON
/// messages hold.
#[test]
fn help_stands_on_its_own() {
    let output = cli().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{help}");
    assert!(!help.contains(".md"), "{help}");
    assert!(help.contains("Each JSON object has a `reason`: `diagnostic`"), "{help}");
}

/// Diagnostics in a description the document names as `../x.yaml` show the path without `..`.
#[test]
fn diagnostics_name_files_without_dot_dot() {
    let output =
        cli().args(["check", "arazzo-codegen/tests/diagnostics/lenient-refused.arazzo.yaml"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--> arazzo-codegen/tests/fixtures/lenient.openapi.yaml:9:17"), "{stderr}");
    assert!(!stderr.contains("/../"), "{stderr}");
}

/// `upgrade` prints the upgraded document on stdout and lists each change, located, on stderr.
#[test]
fn upgrade_prints_the_document_and_lists_the_changes() {
    let seed = "workflows/deepgram/arazzo/deepgram-rotate-project-key-workflow.yml";
    let output = cli().args(["upgrade", seed]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let original = std::fs::read_to_string(root().join(seed)).unwrap();
    assert_eq!(
        stdout,
        original
            .replacen("arazzo: 1.0.1", "arazzo: 1.1.0", 1)
            .replace("Token $inputs.apiKey", "Token {$inputs.apiKey}")
    );
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            format!("upgraded {seed} from Arazzo 1.0.1 to 1.1.0 (4 changes)"),
            format!("  {seed}:1:9: `arazzo: 1.0.1` -> `1.1.0`"),
            format!(
                "  {seed}:59:14: embedded `{{$inputs.apiKey}}` in braces (Arazzo embeds expressions in strings as `{{$...}}`)"
            ),
            format!(
                "  {seed}:81:14: embedded `{{$inputs.apiKey}}` in braces (Arazzo embeds expressions in strings as `{{$...}}`)"
            ),
            format!(
                "  {seed}:97:14: embedded `{{$inputs.apiKey}}` in braces (Arazzo embeds expressions in strings as `{{$...}}`)"
            ),
        ]
    );
}

/// `--check` writes nothing and fails while a document is still 1.0; a 1.1 document passes.
#[test]
fn upgrade_check_fails_on_documents_still_1_0() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.arazzo.yaml");
    let new = dir.path().join("new.arazzo.yaml");
    std::fs::write(&old, "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\n").unwrap();
    std::fs::write(&new, "arazzo: 1.1.0\ninfo: {title: t, version: '1'}\n").unwrap();
    let output = cli().args(["upgrade", "--check"]).arg(&old).arg(&new).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(stderr.contains("old.arazzo.yaml would be upgraded from Arazzo 1.0.1 to 1.1.0 (1 change)"), "{stderr}");
    assert!(stderr.contains("new.arazzo.yaml: already Arazzo 1.1.0, nothing to do"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "arazzo: 1.0.1\ninfo: {title: t, version: '1'}\n");
    let output = cli().args(["upgrade", "--check"]).arg(&new).output().unwrap();
    assert!(output.status.success());
}

/// `--write` rewrites in place and keeps the original as FILE.orig, which it never overwrites; a second
/// run has nothing to do.
#[test]
fn upgrade_write_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.arazzo.yaml");
    let original = "# kept\narazzo: 1.0.1 # and this\ninfo: {title: t, version: '1'}\n";
    std::fs::write(&file, original).unwrap();
    let output = cli().args(["upgrade", "--write"]).arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(output.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "# kept\narazzo: 1.1.0 # and this\ninfo: {title: t, version: '1'}\n"
    );
    let backup = dir.path().join("doc.arazzo.yaml.orig");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), original);
    assert!(stderr.contains(&format!("the original is kept in {}", backup.display())), "{stderr}");

    let output = cli().args(["upgrade", "--write"]).arg(&file).output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("already Arazzo 1.1.0, nothing to do"));

    // Another 1.0 document under the same name: the backup is never overwritten.
    std::fs::write(&file, original).unwrap();
    let output = cli().args(["upgrade", "-w"]).arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("already exists and is not overwritten: move it away, or pass --no-backup"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    let output = cli().args(["upgrade", "--write", "--no-backup"]).arg(&file).output().unwrap();
    assert!(output.status.success());
    assert!(std::fs::read_to_string(&file).unwrap().contains("arazzo: 1.1.0"));
}

/// Errors (a file that is not an Arazzo 1.0 document) fail with a located diagnostic; what needs a
/// human is a warning and does not change the exit status; several files need --write or --check.
#[test]
fn upgrade_exit_status_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi.yaml");
    std::fs::write(&openapi, "openapi: 3.1.0\n").unwrap();
    let output = cli().args(["upgrade", "--color", "never"]).arg(&openapi).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: no `arazzo` field: this is not an Arazzo document"), "{stderr}");
    assert!(stderr.contains("openapi.yaml:1:1"), "{stderr}");

    let human = "arazzo-codegen/tests/fixtures/upgrade/needs-human.arazzo.yaml";
    let output = cli().args(["upgrade", "--color", "never", human]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("warning: `$steps.list.plan`: Arazzo 1.1 reads a step only as `$steps.list.outputs.<name>`, and `.plan` is not `.outputs.<name>`\n  --> {human}:36:13")), "{stderr}");
    assert!(stderr.contains("needs a human: 7 warnings above, which the upgrade cannot decide"), "{stderr}");

    let output = cli().args(["upgrade", human, human]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("several FILEs: pass --write or --check"));
}

#[test]
fn upgrade_reports_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.arazzo.json");
    std::fs::write(&file, "{\"arazzo\": \"1.0.1\", \"info\": {\"title\": \"t\", \"version\": \"1\"}}\n").unwrap();
    let out = dir.path().join("upgraded.json");
    let output =
        cli().args(["upgrade", "--message-format", "json"]).arg(&file).arg("--output").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let message: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(message["reason"], "upgraded");
    assert_eq!(message["from"], "1.0.1");
    assert_eq!(message["to"], "1.1.0");
    assert_eq!(message["changes"][0]["line"], 1);
    assert_eq!(message["changes"][0]["column"], 12);
    assert_eq!(message["written"], out.to_string_lossy().as_ref());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "{\"arazzo\": \"1.1.0\", \"info\": {\"title\": \"t\", \"version\": \"1\"}}\n"
    );
}
