//! Where embedded expressions may stand in each kind of condition, and what the XPath rewrite is.

use super::*;

/// The ranges of the expressions embedded in `text`.
fn ranges(text: &str) -> Vec<Range<usize>> {
    crate::expr::embedded_all_in_condition(text)
}

fn regex_of(pattern: &str) -> Result<(), Problem> {
    regex(pattern, &ranges(pattern))
}

#[test]
fn a_regex_expression_stands_where_a_group_can() {
    for pattern in [
        "^{$inputs.prefix}-[0-9]+$",
        "^({$inputs.statusPattern})$",
        "{$inputs.a}{$inputs.b}",
        "(?i)^{$inputs.word}+$",
        "(?x) ^ {$inputs.word} $ # a comment after it",
        "a|{$inputs.b}|c",
        "\\d{3}-{$inputs.suffix}",
    ] {
        assert_eq!(regex_of(pattern), Ok(()), "{pattern}");
    }
}

#[test]
fn a_regex_expression_cannot_stand_inside_other_syntax() {
    // In a class, in a counted repetition, after a backslash, in a verbose-mode comment: each is
    // reported at the expression.
    let class = "^[{$inputs.chars}]+$";
    let problem = regex_of(class).unwrap_err();
    assert_eq!(problem.range, 2..17);
    assert!(problem.message.starts_with("`{$inputs.chars}` stands for its value's text"), "{}", problem.message);
    let repetition = "^a{{$inputs.count}}$";
    assert_eq!(regex_of(repetition).map_err(|problem| problem.range), Err(3..18));
    let escaped = "^\\{$inputs.x}$";
    assert_eq!(regex_of(escaped).map_err(|problem| problem.range), Err(2..13));
    let comment = "(?x)^a # {$inputs.x}\n$";
    assert_eq!(regex_of(comment).map_err(|problem| problem.range), Err(9..20));
}

#[test]
fn regex_errors_elsewhere_are_located_in_the_pattern_as_written() {
    // The `(` left open is at byte 18 as written, after an expression whose placeholder is longer.
    let problem = regex_of("^{$inputs.prefix}-(a").unwrap_err();
    assert_eq!(problem.message, "invalid regular expression: unclosed group");
    assert_eq!(problem.range, 18..19);
    // Look-around is refused by the regex dialect (a translation error), located too.
    let problem = regex_of("{$inputs.x}\\b{").unwrap_err();
    assert!(problem.message.starts_with("invalid regular expression"), "{}", problem.message);
    assert_eq!(regex_of("{$inputs.x}(?=a)").map_err(|problem| problem.range), Err(11..14));
}

fn places(query: &str) -> Result<Vec<Option<char>>, Problem> {
    jsonpath(query, &ranges(query))
}

#[test]
fn a_jsonpath_expression_stands_for_a_value_in_a_filter() {
    assert_eq!(places("$.items[?@.price < {$inputs.max}]"), Ok(vec![None]));
    assert_eq!(places("$.items[?{$inputs.min} <= @.price && @.price <= {$inputs.max}]"), Ok(vec![None, None]));
    assert_eq!(places("$[?(@.status == \"{$inputs.expectedStatus}\")]"), Ok(vec![Some('"')]));
    assert_eq!(places("$[?@.name == 'id-{$inputs.id}-{$inputs.n}']"), Ok(vec![Some('\''), Some('\'')]));
    assert_eq!(places("$[?match(@.id, {$inputs.pattern})]"), Ok(vec![None]));
    assert_eq!(places("$[?length(@.tags) == {$inputs.count}]"), Ok(vec![None]));
    assert_eq!(places("$.a[0, ?@.b == {$inputs.b}]"), Ok(vec![None]));
    assert_eq!(places("$[?@['a b'] == {$inputs.b}]"), Ok(vec![None]));
}

#[test]
fn a_jsonpath_expression_cannot_name_index_or_slice() {
    for (query, range) in [
        ("$.{$inputs.name}", 2..16),
        ("$['{$inputs.name}']", 3..17),
        ("$[{$inputs.index}]", 2..17),
        ("$[0:{$inputs.end}]", 4..17),
        ("$[?@.a == 1, {$inputs.index}]", 13..28),
        ("$[?@[{$inputs.i}] == 1]", 5..16),
        ("$[?@.{$inputs.name} == 1]", 5..19),
        // A value standing alone is no test: a filter tests a query or a function.
        ("$[?{$inputs.flag}]", 3..17),
    ] {
        let problem = places(query).unwrap_err();
        assert_eq!(problem.range, range, "{query}");
        assert!(problem.message.contains("cannot stand here"), "{query}: {}", problem.message);
    }
}

#[test]
fn a_jsonpath_query_that_does_not_parse_is_located_as_written() {
    // The placeholders are as long as the expressions: the parser's position is the document's.
    let problem = places("$.items[?@.price < {$inputs.max}").unwrap_err();
    assert!(problem.message.starts_with("`$.items[?@.price < {$inputs.max}` is not a JSONPath query"), "{problem:?}");
    assert_eq!(problem.range, 32..32);
    // A value compared with nothing.
    assert!(places("$[?@.a == {$inputs.a} == 1]").is_err());
}

#[test]
fn xpath_expressions_become_variables() {
    let rewrite = |expression: &str| {
        let rewritten = xpath(expression, &ranges(expression));
        (rewritten.expression, rewritten.quotes)
    };
    assert_eq!(
        rewrite("/root/items[price > {$steps.getPricing.outputs.minPrice}]"),
        ("/root/items[price > $arazzo_v1]".to_string(), vec![None])
    );
    // In a string literal: a concatenation, bound as text.
    assert_eq!(
        rewrite("//item[@id = '{$steps.create.outputs.id}']"),
        ("//item[@id = ($arazzo_v1)]".to_string(), vec![Some('\'')])
    );
    assert_eq!(
        rewrite("//a[. = \"it's {$inputs.a}-{$inputs.b}\" and @n > {$inputs.n}]"),
        (
            "//a[. = (\"it's \" || $arazzo_v1 || \"-\" || $arazzo_v2) and @n > $arazzo_v3]".to_string(),
            vec![Some('"'), Some('"'), None]
        )
    );
    // Doubled quotes stay inside their piece; a name character after a variable is kept apart.
    assert_eq!(rewrite("'a''{$inputs.x}''b'"), ("('a''' || $arazzo_v1 || '''b')".to_string(), vec![Some('\'')]));
    assert_eq!(rewrite("{$inputs.n}-1"), ("$arazzo_v1 -1".to_string(), vec![None]));
    // Braces of XPath's own (a function body) are not expressions; comments are not literals.
    assert_eq!(
        rewrite("(: it's :) for-each(1, function($a) {$a}) = {$inputs.n}"),
        ("(: it's :) for-each(1, function($a) {$a}) = $arazzo_v1".to_string(), vec![None])
    );
}

#[test]
fn xpath_errors_are_located_in_the_expression_as_written() {
    let expression = "//a[@id = 'x{$inputs.id}'][";
    let rewritten = xpath(expression, &ranges(expression));
    assert_eq!(rewritten.expression, "//a[@id = ('x' || $arazzo_v1)][");
    // Inside the rewritten literal: the literal as written.
    assert_eq!(rewritten.original(12..22), 10..25);
    // After it: shifted back.
    let end = rewritten.expression.len();
    assert_eq!(rewritten.original(end..end), expression.len()..expression.len());
}
