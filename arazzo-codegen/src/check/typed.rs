//! Reading the document into the model with its type errors reported, each at its own value, and
//! the checker run on what could be read (see [`crate::model::shape`]).

use super::Reporter;
use crate::diagnostic::json_path_of_pointer;
use crate::model::{self, Document, shape};

/// Reads the reporter's document, reports its fields of the wrong type, and runs `plan` on the rest:
/// a type error does not hide the document's other problems. What `plan` reports about the fields
/// that were repaired (now absent, or placeholders) is dropped: the type error already says it.
pub(super) fn read<'a, T>(
    reporter: &mut Reporter<'a>,
    plan: impl FnOnce(&Document, &mut Reporter<'a>) -> Option<T>,
) -> Option<T> {
    let read = model::read(&reporter.loaded.value);
    let before = reporter.diagnostics.len();
    let result = read.document.as_ref().and_then(|document| plan(document, reporter));
    let covered: Vec<String> = read.repaired.iter().map(|pointer| json_path_of_pointer(pointer)).collect();
    let file = reporter.loaded.path.clone();
    let mut index = 0;
    reporter.diagnostics.retain(|diagnostic| {
        index += 1;
        index <= before
            || diagnostic.file != file
            || !covered.iter().any(|repaired| shape::covers(repaired, &diagnostic.json_path))
    });
    for problem in read.problems {
        reporter.error(&problem.pointer, problem.message);
    }
    result
}
