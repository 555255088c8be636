//! From a loaded document to a [`ModulePlan`]: every reference resolved, every expression parsed and
//! typed, every problem collected with its location (not just the first one).

mod actions;
mod body;
mod call;
mod callee_outputs;
mod criteria;
mod dataflow;
mod embedded;
mod fields;
mod flow;
mod implicit_inputs;
mod inputs;
mod lenient;
mod meaning;
mod operation;
mod order;
mod parameters;
mod pointer;
mod query_string;
mod schema_vocabulary;
mod selector;
mod sent;
mod source_url;
mod step;
mod typed;
mod values;
mod version;
mod workflow;
mod xml_payload;
mod xpath;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Location, json_path_of_pointer};
use crate::load::{Files, Loaded};
use crate::model::{self, Document, Extra, Reusable};
use crate::naming::{self, Scope};
use crate::openapi::OpenApi;
use crate::plan::{ModulePlan, SourcePlan, WorkflowPlan};

/// What a successful check hands to `emit`, and what it learnt on the way.
#[derive(Debug)]
pub struct Checked {
    pub plan: ModulePlan,
    /// Warnings only: any error makes the check fail.
    pub warnings: Vec<Diagnostic>,
    /// Every file read (the document and its OpenAPI descriptions), for `cargo:rerun-if-changed`.
    pub files_read: Vec<PathBuf>,
}

/// A failed check: at least one error, plus everything else found on the way.
#[derive(Debug)]
pub struct Failed {
    pub diagnostics: Vec<Diagnostic>,
    pub files_read: Vec<PathBuf>,
}

/// Settings that come from the caller rather than the document.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Source description name -> local OpenAPI file, used instead of the document's `url`.
    pub sources: BTreeMap<String, PathBuf>,
    /// How the Arazzo file is named in the `@generated` header (defaults to its path as given).
    pub display_name: Option<String>,
    /// Every warning is an error (`--deny-warnings`, [`Builder::deny_warnings`](crate::Builder::deny_warnings)),
    /// for teams that want the letter of the specification.
    pub deny_warnings: bool,
    /// Attributes for generated types and the doctest path of the examples (see [`crate::emit::Settings`]).
    pub emit: crate::emit::Settings,
}

/// One source description and its loaded OpenAPI description.
pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) openapi: OpenApi,
}

/// Collects diagnostics for one file, locating JSON pointers through the file's spans.
pub(crate) struct Reporter<'a> {
    pub(crate) loaded: &'a Loaded,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Set while checking one expression inside a longer string (see [`Reporter::focus`]).
    pub(crate) focus: Option<Focus>,
    /// The version the document declares, whose rules apply (set by [`version::document`]).
    pub(crate) version: model::Version,
}

/// The bytes of the string at `pointer` that diagnostics reported there are about.
#[derive(Clone, Debug)]
pub(crate) struct Focus {
    pointer: String,
    text: String,
    range: std::ops::Range<usize>,
}

impl Reporter<'_> {
    pub(crate) fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let (location, end) = self.locate(pointer);
        let diagnostic = Diagnostic::error(&self.loaded.path, location, json_path_of_pointer(pointer), message);
        self.diagnostics.push(diagnostic.with_end(end));
    }

    /// An error with a hint (the names that exist, the closest ones), shown as `help:`.
    pub(crate) fn error_with_help(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        let (location, end) = self.locate(pointer);
        let diagnostic = Diagnostic::error(&self.loaded.path, location, json_path_of_pointer(pointer), message);
        self.diagnostics.push(diagnostic.with_end(end).with_help(help));
    }

    /// A warning with a hint, shown as `help:`.
    pub(crate) fn warning_with_help(&mut self, pointer: &str, message: impl Into<String>, help: impl Into<String>) {
        let (location, end) = self.locate(pointer);
        let diagnostic = Diagnostic::warning(&self.loaded.path, location, json_path_of_pointer(pointer), message);
        self.diagnostics.push(diagnostic.with_end(end).with_help(help));
    }

    pub(crate) fn warning(&mut self, pointer: &str, message: impl Into<String>) {
        let (location, end) = self.locate(pointer);
        let diagnostic = Diagnostic::warning(&self.loaded.path, location, json_path_of_pointer(pointer), message);
        self.diagnostics.push(diagnostic.with_end(end));
    }

    /// Until [`unfocus`](Self::unfocus), diagnostics at `pointer`, whose value is `text`, point at the
    /// bytes `range` of it (an expression inside a longer string) rather than at the whole value,
    /// when the string maps exactly onto the source. Returns the focus it replaces.
    pub(crate) fn focus(&mut self, pointer: &str, text: &str, range: std::ops::Range<usize>) -> Option<Focus> {
        self.focus.replace(Focus { pointer: pointer.to_string(), text: text.to_string(), range })
    }

    /// Puts back the focus [`focus`](Self::focus) replaced.
    pub(crate) fn unfocus(&mut self, previous: Option<Focus>) {
        self.focus = previous;
    }

    /// Start and end of what a diagnostic at `pointer` is about.
    fn locate(&self, pointer: &str) -> (Option<Location>, Option<Location>) {
        if let Some(focus) = self.focus.as_ref().filter(|focus| focus.pointer == pointer)
            && let Some((start, end)) = self.loaded.spans.text_range(pointer, &focus.text, focus.range.clone())
        {
            return (Some(start), Some(end));
        }
        self.loaded.spans.nearest_range(pointer).map_or((None, None), |(start, end)| (Some(start), end))
    }

    /// Parses a runtime expression, reporting it when it is not one.
    pub(crate) fn expression(&mut self, text: &str, pointer: &str) -> Option<crate::expr::Expr> {
        match crate::expr::parse(text) {
            Ok(parsed) => version::expression(self, &parsed, pointer).then_some(parsed),
            Err(error) => {
                let previous = self.focus(pointer, text, char_at(text, error.offset));
                self.error(pointer, format!("`{text}` is not a runtime expression: {error}"));
                self.unfocus(previous);
                None
            }
        }
    }

    /// A feature of the specification this version does not generate code for yet: refused, never ignored.
    pub(crate) fn unsupported(&mut self, pointer: &str, feature: &str) {
        self.error(
            pointer,
            format!("arazzo-rs does not generate code for {feature} yet, so this document cannot be compiled"),
        );
    }

    /// Unknown fields are errors (a misspelt `sucessCriteria` would otherwise be silently ignored);
    /// `x-` extensions are kept and ignored.
    pub(crate) fn extra(&mut self, extra: &Extra, pointer: &str, allowed_extensions: &[&str]) {
        for key in extra.keys() {
            if key.starts_with("x-") && !allowed_extensions.contains(&key.as_str()) {
                continue;
            }
            if !key.starts_with("x-") {
                // Point at the key itself: that is where the typo is.
                let key_pointer = format!("{pointer}/{}", escape(key));
                let (location, end) = match self.loaded.spans.key(&key_pointer) {
                    Some(start) => (Some(start), self.loaded.spans.key_end(&key_pointer)),
                    None => self.locate(&key_pointer),
                };
                let mut diagnostic = Diagnostic::error(
                    &self.loaded.path,
                    location,
                    json_path_of_pointer(&key_pointer),
                    format!("unknown field `{key}`; fields that are not in the specification must start with `x-`"),
                )
                .with_end(end);
                if let Some(field) = fields::closest(key) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{field}`?"));
                }
                self.diagnostics.push(diagnostic);
            }
        }
    }
}

/// The bytes of the character at byte `offset` of `text` (empty at the end), for a caret under the
/// place a syntax error names.
pub(crate) fn char_at(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    let width = text.get(offset..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
    offset..offset + width
}

/// Escapes a key for use in a JSON pointer.
pub(crate) fn escape(key: &str) -> String {
    crate::load::escape_token(key).into_owned()
}

/// Checks a loaded Arazzo document and plans its module, reading the descriptions its sources name
/// from disk.
pub fn check(loaded: &Loaded, options: &Options) -> Result<Checked, Failed> {
    check_with(loaded, options, Files::Disk)
}

/// [`check`], reading the descriptions its sources name from `files`.
pub fn check_with(loaded: &Loaded, options: &Options, files: Files<'_>) -> Result<Checked, Failed> {
    let mut reporter = Reporter { loaded, diagnostics: Vec::new(), focus: None, version: model::Version::V1_0 };
    let mut reading = Reading { files, read: vec![loaded.path.clone()], visiting: vec![files.identity(&loaded.path)] };
    let plan =
        typed::read(&mut reporter, |document, reporter| plan_document(document, options, reporter, &mut reading, ""));
    let files_read = reading.read;
    let mut diagnostics = reporter.diagnostics;
    diagnostics.sort_by(|a, b| (&a.file, a.location).cmp(&(&b.file, b.location)));
    // Workflow-level actions are checked once per step: report each of their problems once.
    diagnostics.dedup();
    if options.deny_warnings {
        // Here, where every check's diagnostics are collected, so that each warning, present or future, is denied.
        diagnostics.iter_mut().for_each(|diagnostic| diagnostic.severity = crate::Severity::Error);
    }
    match plan {
        Some(plan) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok(Checked { plan, warnings: diagnostics, files_read })
        }
        _ => Err(Failed { diagnostics, files_read }),
    }
}

/// Where the files of one check come from, and what has been read so far.
struct Reading<'a> {
    files: Files<'a>,
    /// Every file read, for `cargo:rerun-if-changed`.
    read: Vec<PathBuf>,
    /// The Arazzo documents being planned (see [`Files::identity`]), to refuse cycles of them.
    visiting: Vec<PathBuf>,
}

/// Plans one document. `prefix` is empty for the document being generated; the workflows of an
/// Arazzo source description are planned into the same module with the source's name before all
/// their names.
fn plan_document(
    document: &Document,
    options: &Options,
    reporter: &mut Reporter<'_>,
    reading: &mut Reading<'_>,
    prefix: &str,
) -> Option<ModulePlan> {
    version::document(document, reporter);
    reporter.extra(&document.extra, "", &[]);
    reporter.extra(&document.info.extra, "/info", &[]);
    if let Some(components) = &document.components {
        check_components(components, reporter);
    }

    let snake_prefix = if prefix.is_empty() { String::new() } else { format!("{}_", naming::snake(prefix)) };
    let type_prefix = if prefix.is_empty() { String::new() } else { naming::camel(prefix) };
    let mut types = Scope::with_reserved(&["Config"]).prefixed(&type_prefix);
    let mut sources = Vec::new();
    let mut foreign: Vec<(String, ModulePlan)> = Vec::new();
    let mut source_plans = Vec::new();
    // Once a source is missing, unresolved operations are its consequence, not new problems.
    let mut all_sources_loaded = true;
    for (index, description) in document.source_descriptions.iter().enumerate() {
        let pointer = format!("/sourceDescriptions/{index}");
        reporter.extra(&description.extra, &pointer, &[]);
        if document.source_descriptions[..index].iter().any(|earlier| earlier.name == description.name) {
            reporter
                .error(&format!("{pointer}/name"), format!("duplicate source description name `{}`", description.name));
            continue;
        }
        if description.kind == Some(model::SourceKind::Asyncapi) {
            // Refused by `version::document`; its operations are unknown, not missing.
            all_sources_loaded = false;
            continue;
        }
        if description.kind == Some(model::SourceKind::Arazzo) {
            let nested = load_arazzo_source(description, options, &pointer, reporter, reading, prefix);
            match nested {
                Some(nested) => foreign.push((description.name.clone(), nested)),
                None => all_sources_loaded = false,
            }
            continue;
        }
        let Some(openapi) = load_source(description, options, &pointer, reporter, reading) else {
            all_sources_loaded = false;
            continue;
        };
        let default_base_url = openapi.servers.first().map(|server| server.default_url()).unwrap_or_default();
        if !default_base_url.contains("://") {
            // OpenAPI resolves a relative server URL against where the description was published,
            // which the generated client cannot know.
            reporter.warning(
                &format!("{pointer}/url"),
                format!(
                    "the first server of source `{}` is `{default_base_url}`, a relative URL: set its base URL \
                     (`with_base_url`) before running the workflows",
                    description.name
                ),
            );
        }
        source_plans.push(SourcePlan {
            name: description.name.clone(),
            url: description.url.clone(),
            field: naming::snake(&description.name),
            type_name: types.camel(&description.name),
            default_base_url,
            api_title: openapi.title.clone(),
            credentials: Vec::new(),
        });
        sources.push(Source { name: description.name.clone(), openapi });
    }
    if document.source_descriptions.is_empty() {
        reporter.error("/sourceDescriptions", "at least one source description is required");
    }
    let mut fields = Scope::default().prefixed(&snake_prefix);
    for source in &mut source_plans {
        source.field = fields.claim(source.field.clone());
    }

    let mut functions = Scope::with_reserved(&["config", "client"]).prefixed(&snake_prefix);
    let mut enums = crate::types::enums::Enums::default();
    let mut planned: Vec<Option<WorkflowPlan>> = vec![None; document.workflows.len()];
    for index in call_order(document, reporter) {
        let workflow = &document.workflows[index];
        let pointer = format!("/workflows/{index}");
        if document.workflows[..index].iter().any(|earlier| earlier.workflow_id == workflow.workflow_id) {
            reporter
                .error(&format!("{pointer}/workflowId"), format!("duplicate workflowId `{}`", workflow.workflow_id));
            continue;
        }
        let context = workflow::Context {
            document,
            callees: &planned,
            foreign: &foreign,
            sources: &sources,
            all_sources_loaded,
            source_plans: &mut source_plans,
            reporter,
            types: &mut types,
            enums: &mut enums,
        };
        planned[index] = workflow::plan(context, workflow, &pointer, &mut functions);
    }
    let workflows: Vec<WorkflowPlan> = planned.into_iter().flatten().collect();
    // Constructor arguments follow the description's order of security schemes, not the order in
    // which workflows happened to be checked.
    for (plan, source) in source_plans.iter_mut().zip(&sources) {
        let order = |name: &str| source.openapi.security_schemes.get_index_of(name).unwrap_or(usize::MAX);
        plan.credentials.sort_by_key(|credential| order(&credential.scheme_name));
    }
    if document.workflows.is_empty() {
        reporter.error("/workflows", "at least one workflow is required");
    }
    // The workflows of Arazzo sources join this module, their sources after this document's own.
    let mut workflows = workflows;
    let mut enums = enums.into_plans();
    for (name, nested) in foreign {
        enums.extend(nested.enums);
        let offset = source_plans.len();
        source_plans.extend(
            nested.sources.into_iter().map(|source| SourcePlan { name: format!("{name}/{}", source.name), ..source }),
        );
        for mut workflow in nested.workflows {
            for step in workflow.steps.iter_mut().chain(workflow.dependencies.iter_mut()) {
                step.source += offset;
            }
            workflows.push(workflow);
        }
    }

    let source_file = options.display_name.clone().unwrap_or_else(|| reporter.loaded.path.display().to_string());
    let stem = reporter.loaded.path.file_stem().and_then(|stem| stem.to_str()).unwrap_or("workflows");
    Some(ModulePlan {
        module: naming::module_name(stem),
        source_file,
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        summary: document.info.summary.clone(),
        description: document.info.description.clone(),
        sources: source_plans,
        workflows,
        enums,
    })
}

fn check_components(components: &model::Components, reporter: &mut Reporter<'_>) {
    reporter.extra(&components.extra, "/components", &[]);
    schema_vocabulary::check_components(components, reporter);
    for (name, parameter) in &components.parameters {
        reporter.extra(&parameter.extra, &format!("/components/parameters/{}", escape(name)), &[]);
    }
}

/// Loads the OpenAPI description a source names (see [`source_url::source_path`]).
fn load_source(
    description: &model::SourceDescription,
    options: &Options,
    pointer: &str,
    reporter: &mut Reporter<'_>,
    reading: &mut Reading<'_>,
) -> Option<OpenApi> {
    let path = source_url::source_path(description, options, pointer, reporter, &mut reading.read)?;
    let loaded = match reading.files.load(&path) {
        Ok(loaded) => loaded,
        Err(diagnostic) => {
            reporter.error(
                &format!("{pointer}/url"),
                format!("cannot load the OpenAPI description of source `{}`: {diagnostic}", description.name),
            );
            return None;
        }
    };
    match OpenApi::from_loaded(&loaded) {
        Ok(openapi) => Some(openapi.with_spans(loaded.spans)),
        Err(diagnostics) => {
            let any_error = diagnostics.iter().any(Diagnostic::is_error);
            reporter.diagnostics.extend(diagnostics);
            if any_error {
                reporter.error(
                    &format!("{pointer}/url"),
                    format!("the OpenAPI description of source `{}` has errors", description.name),
                );
            }
            None
        }
    }
}

/// Loads and plans the Arazzo document a source description names, its names prefixed with the
/// source's name.
fn load_arazzo_source(
    description: &model::SourceDescription,
    options: &Options,
    pointer: &str,
    reporter: &mut Reporter<'_>,
    reading: &mut Reading<'_>,
    prefix: &str,
) -> Option<ModulePlan> {
    let url_pointer = format!("{pointer}/url");
    let path = source_url::source_path(description, options, pointer, reporter, &mut reading.read)?;
    let canonical = reading.files.identity(&path);
    if reading.visiting.contains(&canonical) {
        reporter.error(
            &url_pointer,
            format!(
                "`{}` is already being compiled: Arazzo documents that name each other form a cycle",
                description.url
            ),
        );
        return None;
    }
    let loaded = match reading.files.load(&path) {
        Ok(loaded) => loaded,
        Err(diagnostic) => {
            reporter.diagnostics.push(diagnostic);
            reporter.error(&url_pointer, format!("cannot load the Arazzo document of source `{}`", description.name));
            return None;
        }
    };
    let mut nested = Reporter { loaded: &loaded, diagnostics: Vec::new(), focus: None, version: model::Version::V1_0 };
    reading.visiting.push(canonical);
    let nested_prefix = format!("{prefix} {}", description.name);
    let plan = typed::read(&mut nested, |document, nested| {
        plan_document(document, options, nested, reading, nested_prefix.trim())
    });
    reading.visiting.pop();
    let failed = nested.diagnostics.iter().any(Diagnostic::is_error);
    reporter.diagnostics.extend(nested.diagnostics);
    if failed {
        reporter.error(&url_pointer, format!("the Arazzo document of source `{}` has errors", description.name));
        return None;
    }
    plan
}

/// Workflows in an order where every workflow comes after those its steps call (document order
/// otherwise). Workflows on a call cycle are reported and left out.
fn call_order(document: &Document, reporter: &mut Reporter<'_>) -> Vec<usize> {
    // Calls from steps and from `dependsOn`, each with the pointer of where it is written.
    let callees = |index: usize| -> Vec<(String, usize)> {
        let position = |id: &str| document.workflows.iter().position(|workflow| workflow.workflow_id == id);
        let workflow = &document.workflows[index];
        let from_steps = workflow.steps.iter().enumerate().filter_map(|(step, candidate)| {
            let callee = position(candidate.workflow_id.as_deref()?)?;
            Some((format!("/workflows/{index}/steps/{step}/workflowId"), callee))
        });
        let from_dependencies = workflow
            .depends_on
            .iter()
            .enumerate()
            .filter_map(|(entry, id)| Some((format!("/workflows/{index}/dependsOn/{entry}"), position(id)?)));
        // Actions that transfer to a workflow (or run one before a retry) call it too.
        let action_target = |action: &Reusable<model::SuccessAction>| -> Option<String> {
            match action {
                Reusable::Inline(action) => action.workflow_id.clone(),
                Reusable::Reference(reference) => {
                    let name = reference.reference.strip_prefix("$components.successActions.")?;
                    document.components.as_ref()?.success_actions.get(name)?.workflow_id.clone()
                }
            }
        };
        let failure_target = |action: &Reusable<model::FailureAction>| -> Option<String> {
            match action {
                Reusable::Inline(action) => action.workflow_id.clone(),
                Reusable::Reference(reference) => {
                    let name = reference.reference.strip_prefix("$components.failureActions.")?;
                    document.components.as_ref()?.failure_actions.get(name)?.workflow_id.clone()
                }
            }
        };
        let mut from_actions = Vec::new();
        let lists = workflow.steps.iter().enumerate().map(|(step, candidate)| {
            (format!("/workflows/{index}/steps/{step}"), &candidate.on_success, &candidate.on_failure)
        });
        let lists =
            lists.chain([(format!("/workflows/{index}"), &workflow.success_actions, &workflow.failure_actions)]);
        for (pointer, success, failure) in lists {
            let targets = success.iter().filter_map(action_target).chain(failure.iter().filter_map(failure_target));
            from_actions.extend(targets.filter_map(|id| Some((pointer.clone(), position(&id)?))));
        }
        from_dependencies.chain(from_steps).chain(from_actions).collect()
    };
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
        Cyclic,
    }
    /// A depth-first walk from `start`, its frames on the heap: a chain of thousands of workflow
    /// calls must not overflow the stack.
    fn visit(
        start: usize,
        marks: &mut [Mark],
        order: &mut Vec<usize>,
        callees: &dyn Fn(usize) -> Vec<(String, usize)>,
        document: &Document,
        reporter: &mut Reporter<'_>,
    ) {
        struct Frame {
            index: usize,
            callees: Vec<(String, usize)>,
            next: usize,
            fine: bool,
        }
        if marks[start] != Mark::New {
            return;
        }
        marks[start] = Mark::Open;
        let mut stack = vec![Frame { index: start, callees: callees(start), next: 0, fine: true }];
        while let Some(frame) = stack.last_mut() {
            if let Some((pointer, callee)) = frame.callees.get(frame.next).cloned() {
                frame.next += 1;
                match marks[callee] {
                    Mark::Open => {
                        reporter.error(
                            &pointer,
                            format!(
                                "workflow `{}` calls `{}`, which calls back into it; a cycle of workflow calls \
                                 cannot be compiled",
                                document.workflows[frame.index].workflow_id, document.workflows[callee].workflow_id
                            ),
                        );
                        frame.fine = false;
                    }
                    Mark::Cyclic => frame.fine = false,
                    Mark::Done => {}
                    Mark::New => {
                        marks[callee] = Mark::Open;
                        stack.push(Frame { index: callee, callees: callees(callee), next: 0, fine: true });
                    }
                }
                continue;
            }
            let Some(done) = stack.pop() else { break };
            marks[done.index] = if done.fine { Mark::Done } else { Mark::Cyclic };
            if done.fine {
                order.push(done.index);
            } else if let Some(caller) = stack.last_mut() {
                caller.fine = false;
            }
        }
    }
    let mut marks = vec![Mark::New; document.workflows.len()];
    let mut order = Vec::new();
    for index in 0..document.workflows.len() {
        visit(index, &mut marks, &mut order, &callees, document, reporter);
    }
    order
}
