//! The XPath 3.1 text [`super::v1`] writes: literals, parentheses, and XPath 1.0's conversions
//! between strings and numbers, which 3.1's `number()` and `string()` do differently.

/// `value` as a string literal: in single quotes, or double ones when it holds a single quote, or
/// single ones with each doubled when it holds both.
pub(super) fn literal(value: &str) -> String {
    if !value.contains('\'') {
        format!("'{value}'")
    } else if !value.contains('"') {
        format!("\"{value}\"")
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

/// `text` as an operand: as it is when it is one already (a name, a number, a variable, a call, or
/// something in parentheses), else in parentheses.
pub(super) fn wrapped(text: &str) -> String {
    let simple = text.chars().all(|c| c.is_alphanumeric() || matches!(c, '$' | '_' | '.'));
    let name_end = text.find('(').unwrap_or(0);
    let named = text[..name_end].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':'));
    if !text.is_empty() && (simple || (named && closes_at_end(text, name_end))) {
        text.to_string()
    } else {
        format!("({text})")
    }
}

/// Whether the `(` at byte `open` of `text` is closed by its last byte (string literals skipped).
fn closes_at_end(text: &str, open: usize) -> bool {
    let mut depth = 0usize;
    let mut quote = None;
    for (at, character) in text.char_indices().skip_while(|(at, _)| *at < open) {
        match (quote, character) {
            (Some(open), _) if character == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(character),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1 == text.len();
                }
            }
            (None, _) => {}
        }
    }
    false
}

/// The byte offset of the first comment `(:` of `source` outside string literals, if any (1.0 has
/// no comments; a doubled quote leaves a literal and enters it again, the same state).
pub(super) fn comment(source: &str) -> Option<usize> {
    let mut quote = None;
    let bytes = source.as_bytes();
    for (at, &byte) in bytes.iter().enumerate() {
        match (quote, byte) {
            (Some(open), _) if byte == open => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(byte),
            (None, b'(') if bytes.get(at + 1) == Some(&b':') => return Some(at),
            (None, _) => {}
        }
    }
    None
}

/// The regular expression of XPath 1.0's number syntax (§3.7 `Number`, with the white space and
/// minus `number()` allows, §4.4).
pub(super) const NUMBER: &str = "'^\\s*-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$'";

/// XPath 1.0's `number()` of the string `string` (§4.4): optional white space, an optional minus,
/// digits with an optional point (or a point and digits), optional white space; anything else is
/// NaN (`number(())`). 3.1's `number()` would also read `1e3`, `+1`, `INF`.
pub(super) fn parse_number(string: &str) -> String {
    format!("number({}[matches(., {NUMBER})])", wrapped(string))
}

/// XPath 1.0's `number()` of the context node's string value, as a step after a node-set
/// (`//n/number(...)`: a number for each node).
pub(super) const NODE_NUMBER: &str = "number(string(.)[matches(., '^\\s*-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)\\s*$')])";

/// XPath 1.0's `string()` of the number `number` (§4.2): `NaN`, `Infinity`, `-Infinity`, `0` for
/// both zeros, an integer without a point, anything else in decimal form, never with an exponent.
/// Outside [1e-6, 1e6) xee-xpath writes the fewest digits that read back as the same double, as 1.0
/// does, with an exponent: they are moved around the point (a large integer's digits beyond them are
/// zeros). Inside it, xee-xpath writes a decimal of at most about 16 digits, not always the fewest
/// (`0.30000000000000004` is `0.3`): its text is kept when it reads back as the same double with at
/// most 15 significant digits (then no shorter text does, so it is 1.0's), and otherwise evaluation
/// fails (`FOER0000`) rather than write other digits than 1.0.
pub(super) fn format_number(variables: &[String; 8], number: &str) -> String {
    // One `let`, then one flat chain of `if`s: each level of brackets doubles the parser's time.
    let [value, written, exponent, mantissa, digits, point, sign, index] = variables;
    format!(
        "(let {value} := {number}, {written} := string(abs({value})), \
         {exponent} := substring-after({written}, 'E'), \
         {mantissa} := if ({exponent}) then substring-before({written}, 'E') else {written}, \
         {digits} := replace(translate({mantissa}, '.', ''), '0+$', ''), \
         {point} := string-length(substring-before(concat({mantissa}, '.'), '.')) \
         + (if ({exponent}) then xs:integer({exponent}) else 0), \
         {sign} := if ({value} < 0e0) then '-' else '' \
         return if ({value} != {value}) then 'NaN' else if ({value} = 0e0) then '0' \
         else if ({value} = xs:double('INF')) then 'Infinity' else if ({value} = xs:double('-INF')) then '-Infinity' \
         else if (not({exponent})) then (if (xs:double({written}) = abs({value}) \
         and string-length(replace({written}, '^[0.]+|\\.', '')) <= 15) then concat({sign}, {written}) \
         else error(xs:QName('err:FOER0000'), 'xpath-10: this number needs more than 15 digits, which this \
         XPath engine does not write')) \
         else if ({point} <= 0) then concat({sign}, '0.', string-join(for {index} in 1 to -{point} return '0'), {digits}) \
         else if ({point} >= string-length({digits})) \
         then concat({sign}, {digits}, string-join(for {index} in 1 to {point} - string-length({digits}) return '0')) \
         else concat({sign}, substring({digits}, 1, {point}), '.', substring({digits}, {point} + 1)))"
    )
}

/// Whether the translated number `text` can never be NaN: a number literal (`2e0`, `-0.5e0`), or a
/// count (`count()`, `last()`, `position()`, `string-length()`).
pub(super) fn never_nan(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let literal = unsigned.strip_suffix("e0").is_some_and(|digits| {
        digits.chars().any(|c| c.is_ascii_digit()) && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
    });
    let count = ["number(count(", "number(last())", "number(position())", "number(string-length("]
        .iter()
        .any(|start| text.starts_with(start))
        && closes_at_end(text, "number".len());
    literal || count
}

/// The number the string literal `text` (`'9'`) reads as by 1.0's rule (§4.4), as a number literal
/// (`9e0`) or `xs:double('NaN')`; `None` when `text` is not one string literal.
pub(super) fn literal_number(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|quote| matches!(quote, '\'' | '"'))?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    if inner.contains(quote) {
        return None;
    }
    // 1.0's white space is #x20, #x9, #xD and #xA.
    let trimmed = inner.trim_matches([' ', '\t', '\r', '\n']);
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let number = (!whole.is_empty() || !fraction.is_empty())
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit());
    Some(if !number {
        "xs:double('NaN')".to_string()
    } else if trimmed.starts_with('-') {
        // `-0` is negative zero, as 1.0 reads it.
        format!("-{digits}e0")
    } else {
        format!("{digits}e0")
    })
}
