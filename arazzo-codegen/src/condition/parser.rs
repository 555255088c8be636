//! Tokenizer and recursive-descent parser for simple conditions.

use super::{CompareOp, Condition, Literal, Nav};
use crate::expr::{ExprError, Mode, parse_prefix};

/// Real conditions have a handful of tokens. The limits keep recursion (while parsing, printing
/// and dropping the tree) far from the stack's end on adversarial input.
const MAX_TOKENS: usize = 1000;
const MAX_NESTING: usize = 64;

/// Parses a `simple` criterion condition.
pub fn parse_condition(text: &str) -> Result<Condition, ExprError> {
    let tokens = tokenize(text)?;
    if tokens.len() > MAX_TOKENS {
        return Err(ExprError::new(0, format!("condition has more than {MAX_TOKENS} tokens")));
    }
    let mut parser = Parser { tokens, next: 0, depth: 0, len: text.len() };
    if parser.tokens.is_empty() {
        return Err(ExprError::new(0, "empty condition"));
    }
    let condition = parser.or()?;
    match parser.peek() {
        None => Ok(condition),
        Some((token, offset)) => Err(ExprError::new(offset, format!("unexpected {}", token.describe()))),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Not,
    And,
    Or,
    Compare(CompareOp),
    Value(Condition),
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Open => "`(`".into(),
            Token::Close => "`)`".into(),
            Token::Not => "`!`".into(),
            Token::And => "`&&`".into(),
            Token::Or => "`||`".into(),
            Token::Compare(op) => format!("`{op}`"),
            Token::Value(value) => format!("`{value}`"),
        }
    }
}

/// Operators that end an expression operand. `!`, `&`, `|` and `=` alone are legal inside header
/// tokens and JSON pointers, so only the full operators count.
const OPERATORS: [&str; 6] = ["==", "!=", "<", ">", "&&", "||"];

fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, ExprError> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        let rest = &text[pos..];
        if c.is_whitespace() {
            pos += c.len_utf8();
            continue;
        }
        let (token, len) = match c {
            '(' => (Token::Open, 1),
            ')' => (Token::Close, 1),
            '=' | '!' | '<' | '>' | '&' | '|' => operator(rest).map_err(|e| e.shifted(pos))?,
            '\'' => string(rest).map_err(|e| e.shifted(pos))?,
            '-' | '0'..='9' => number(rest).map_err(|e| e.shifted(pos))?,
            '$' => operand(rest).map_err(|e| e.shifted(pos))?,
            c if c.is_alphabetic() => word(rest).map_err(|e| e.shifted(pos))?,
            c => return Err(ExprError::new(pos, format!("unexpected character `{c}`"))),
        };
        tokens.push((token, pos));
        pos += len;
    }
    Ok(tokens)
}

fn operator(rest: &str) -> Result<(Token, usize), ExprError> {
    for wrong in ["===", "!=="] {
        if rest.starts_with(wrong) {
            let right = &wrong[..2];
            return Err(ExprError::new(0, format!("`{wrong}` is not an operator; use `{right}`")));
        }
    }
    let table = [
        ("==", Token::Compare(CompareOp::Eq)),
        ("!=", Token::Compare(CompareOp::Ne)),
        ("<=", Token::Compare(CompareOp::Le)),
        (">=", Token::Compare(CompareOp::Ge)),
        ("&&", Token::And),
        ("||", Token::Or),
        ("<", Token::Compare(CompareOp::Lt)),
        (">", Token::Compare(CompareOp::Gt)),
        ("!", Token::Not),
    ];
    for (text, token) in table {
        if rest.starts_with(text) {
            return Ok((token, text.len()));
        }
    }
    let hint = match rest.as_bytes().first() {
        Some(b'=') => "`=` is not an operator; use `==`",
        Some(b'&') => "`&` is not an operator; use `&&`",
        _ => "`|` is not an operator; use `||`",
    };
    Err(ExprError::new(0, hint))
}

/// `'...'` with `''` for a quote.
fn string(rest: &str) -> Result<(Token, usize), ExprError> {
    let mut value = String::new();
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if c != '\'' {
            value.push(c);
        } else if rest[i + 1..].starts_with('\'') {
            value.push('\'');
            chars.next();
        } else {
            return Ok((Token::Value(Condition::Literal(Literal::String(value))), i + 1));
        }
    }
    Err(ExprError::new(0, "unterminated string: missing closing `'`"))
}

/// A JSON number: `-? digits [. digits] [(e|E) [+|-] digits]`.
fn number(rest: &str) -> Result<(Token, usize), ExprError> {
    let bytes = rest.as_bytes();
    let digits_from = |i: usize| i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut end = usize::from(bytes[0] == b'-');
    let int_end = digits_from(end);
    if int_end == end {
        return Err(ExprError::new(0, "expected digits after `-`"));
    }
    end = int_end;
    let mut is_integer = true;
    if bytes.get(end) == Some(&b'.') {
        let frac_end = digits_from(end + 1);
        if frac_end == end + 1 {
            return Err(ExprError::new(end + 1, "expected digits after the decimal point"));
        }
        end = frac_end;
        is_integer = false;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exp = end + 1;
        if matches!(bytes.get(exp), Some(b'+' | b'-')) {
            exp += 1;
        }
        let exp_end = digits_from(exp);
        if exp_end == exp {
            return Err(ExprError::new(exp, "expected digits in the exponent"));
        }
        end = exp_end;
        is_integer = false;
    }
    // `200abc` or `1.2.3` is not a number followed by something else.
    if let Some(c) = rest[end..].chars().next().filter(|c| c.is_alphanumeric() || "_.$'".contains(*c)) {
        return Err(ExprError::new(end, format!("unexpected `{c}` after a number")));
    }
    let text = &rest[..end];
    // f64 holds every integer below 2^53 exactly; larger ones would be rounded, and comparing
    // against a different value than the one written would be a silent bug: they stay integers.
    const EXACT_BELOW: f64 = 9_007_199_254_740_992.0;
    match text.parse::<f64>() {
        Ok(x) if is_integer && x.abs() >= EXACT_BELOW => {
            match text.parse::<i64>().map(i128::from).or_else(|_| text.parse::<u64>().map(i128::from)) {
                Ok(integer) => Ok((Token::Value(Condition::Literal(Literal::Integer(integer))), end)),
                Err(_) => Err(ExprError::new(
                    0,
                    format!(
                        "integer `{text}` is beyond 64 bits (from {} to {}): a JSON number that large cannot be \
                         compared exactly",
                        i64::MIN,
                        u64::MAX
                    ),
                )),
            }
        }
        Ok(x) if x.is_finite() => Ok((Token::Value(Condition::Literal(Literal::Number(x))), end)),
        _ => Err(ExprError::new(0, format!("number `{text}` is out of range"))),
    }
}

fn word(rest: &str) -> Result<(Token, usize), ExprError> {
    let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let literal = match &rest[..len] {
        "true" => Literal::Bool(true),
        "false" => Literal::Bool(false),
        "null" => Literal::Null,
        other => {
            return Err(ExprError::new(
                0,
                format!("unexpected word `{other}`: strings are written in single quotes, expressions start with `$`"),
            ));
        }
    };
    Ok((Token::Value(Condition::Literal(literal)), len))
}

/// A runtime expression and its navigation. The operand ends at whitespace, `)` or an operator.
fn operand(rest: &str) -> Result<(Token, usize), ExprError> {
    let end = rest
        .char_indices()
        .find(|&(i, c)| c.is_whitespace() || c == ')' || OPERATORS.iter().any(|op| rest[i..].starts_with(op)))
        .map_or(rest.len(), |(i, _)| i);
    let text = &rest[..end];
    let (expr, mut pos) = parse_prefix(text, Mode::Operand)?;
    let mut navs = Vec::new();
    while let Some(c) = text[pos..].chars().next() {
        let after = pos + 1;
        match c {
            '.' => {
                let len = text[after..].find(['.', '[', ']']).unwrap_or(text.len() - after);
                if len == 0 {
                    return Err(ExprError::new(after, "expected a property name after `.`"));
                }
                navs.push(Nav::Field(text[after..after + len].to_owned()));
                pos = after + len;
            }
            '[' => {
                let len = text[after..].bytes().take_while(u8::is_ascii_digit).count();
                let index = text[after..after + len].parse::<usize>();
                match (index, text[after + len..].starts_with(']')) {
                    (Ok(index), true) => navs.push(Nav::Index(index)),
                    _ => return Err(ExprError::new(after, "expected an index such as `[0]`")),
                }
                pos = after + len + 1;
            }
            '=' => return Err(ExprError::new(pos, "`=` is not an operator; use `==`")),
            c => return Err(ExprError::new(pos, format!("unexpected `{c}` after `{expr}`"))),
        }
    }
    Ok((Token::Value(Condition::Expr(expr, navs)), end))
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    next: usize,
    /// Current nesting of `(` and `!`.
    depth: usize,
    /// Length of the text, the offset reported for "unexpected end".
    len: usize,
}

impl Parser {
    fn peek(&self) -> Option<(&Token, usize)> {
        self.tokens.get(self.next).map(|(token, offset)| (token, *offset))
    }

    fn eat(&mut self, token: &Token) -> bool {
        let found = self.peek().is_some_and(|(t, _)| t == token);
        if found {
            self.next += 1;
        }
        found
    }

    fn or(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.and()?;
        while self.eat(&Token::Or) {
            left = Condition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.compare()?;
        while self.eat(&Token::And) {
            left = Condition::And(Box::new(left), Box::new(self.compare()?));
        }
        Ok(left)
    }

    fn compare(&mut self) -> Result<Condition, ExprError> {
        let left = self.unary()?;
        let Some((&Token::Compare(op), _)) = self.peek() else {
            return Ok(left);
        };
        self.next += 1;
        let right = self.unary()?;
        if let Some((Token::Compare(_), offset)) = self.peek() {
            return Err(ExprError::new(
                offset,
                "comparisons cannot be chained; combine them with `&&` (`a < b && b < c`)",
            ));
        }
        Ok(Condition::Compare(Box::new(left), op, Box::new(right)))
    }

    fn unary(&mut self) -> Result<Condition, ExprError> {
        if self.eat(&Token::Not) {
            let inner = self.nested(Self::unary)?;
            return Ok(Condition::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Condition, ExprError> {
        let Some((token, offset)) = self.peek() else {
            return Err(ExprError::new(self.len, "expected a value, an expression or `(` at the end"));
        };
        match token {
            Token::Value(value) => {
                let value = value.clone();
                self.next += 1;
                Ok(value)
            }
            Token::Open => {
                self.next += 1;
                let inner = self.nested(Self::or)?;
                if !self.eat(&Token::Close) {
                    return Err(ExprError::new(offset, "this `(` is never closed"));
                }
                Ok(inner)
            }
            other => Err(ExprError::new(
                offset,
                format!("expected a value, an expression or `(`, found {}", other.describe()),
            )),
        }
    }

    /// Runs `parse` one nesting level deeper, refusing pathological depths.
    fn nested(&mut self, parse: fn(&mut Self) -> Result<Condition, ExprError>) -> Result<Condition, ExprError> {
        if self.depth >= MAX_NESTING {
            let offset = self.peek().map_or(self.len, |(_, offset)| offset);
            return Err(ExprError::new(offset, format!("conditions nest at most {MAX_NESTING} levels deep")));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }
}
