//! "Did you mean" for unknown fields: a misspelt `sucessCriteria` is an error (it would otherwise
//! be silently ignored), and the error names the field it most likely means.

/// Every fixed field name of Arazzo 1.0.1's objects, for "did you mean" on an unknown field.
const ARAZZO_FIELDS: &[&str] = &[
    "arazzo",
    "info",
    "sourceDescriptions",
    "workflows",
    "components",
    "title",
    "summary",
    "description",
    "version",
    "name",
    "url",
    "type",
    "workflowId",
    "inputs",
    "dependsOn",
    "steps",
    "successActions",
    "failureActions",
    "outputs",
    "parameters",
    "stepId",
    "operationId",
    "operationPath",
    "requestBody",
    "successCriteria",
    "onSuccess",
    "onFailure",
    "in",
    "value",
    "criteria",
    "retryAfter",
    "retryLimit",
    "reference",
    "context",
    "condition",
    "contentType",
    "payload",
    "replacements",
    "target",
];

/// The field name `key` is most likely a misspelling of: at most two edits away (one for names
/// of up to four characters; case counts as an edit), and closer than to any other; `None` when
/// nothing is that close.
pub(crate) fn closest(key: &str) -> Option<&'static str> {
    closest_in(key, ARAZZO_FIELDS)
}

/// [`closest`] among `candidates` (JSON Schema keywords, property names).
pub(crate) fn closest_in<'c>(key: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let limit = if key.chars().count() <= 4 { 1 } else { 2 };
    let mut scored: Vec<(usize, &str)> = candidates
        .iter()
        .map(|field| (strsim::levenshtein(key, field), *field))
        .filter(|(distance, _)| *distance <= limit)
        .collect();
    scored.sort();
    match scored.as_slice() {
        [(best, field), rest @ ..] if rest.first().is_none_or(|(next, _)| next > best) => Some(field),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_the_one_close_field() {
        assert_eq!(closest("sucessCriteria"), Some("successCriteria"));
        assert_eq!(closest("opertionId"), Some("operationId"));
        assert_eq!(closest("stepid"), Some("stepId"));
        assert_eq!(closest("In"), Some("in"));
    }

    #[test]
    fn stays_silent_when_nothing_or_several_are_close() {
        assert_eq!(closest("frobnicate"), None);
        // Two edits from `in`, but names of up to four characters allow one.
        assert_eq!(closest("x"), None);
        // One edit from both `in` and `info`: no guess.
        assert_eq!(closest("inf"), None);
        // Distances computed by hand: `tipe` is one from `type`, two from `title`.
        assert_eq!(closest("tipe"), Some("type"));
        assert_eq!(closest("retry"), None);
    }
}
