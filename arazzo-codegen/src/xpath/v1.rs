//! `xpath-10`: an XPath 1.0 expression translated, at build time, into the XPath 3.1 expression
//! that means exactly what it means in 1.0, which the runtime's 3.1 engine then evaluates.
//!
//! XPath 1.0 is typed by construct (§3): a path or a `|` is a node-set; a comparison, `and`, `or`
//! and `not()` are booleans; arithmetic and number literals are numbers; each core function (§4)
//! has its result type. So the type of every subexpression is known here, and each operation is
//! written out with 1.0's conversions made explicit: comparisons by §3.4, arithmetic on doubles
//! (§3.5: `1 div 0` is Infinity), `number()` reading only 1.0's number syntax (`'1e3'` and `'+1'`
//! are NaN), `string()` of a number without an exponent, functions taking the first node of a
//! node-set. The values embedded as variables (`$arazzo_v1`, ...) are a string, a number (bound as
//! a double) or a boolean, known only at run time: an operation on one chooses by its type there.
//! What 1.0 does not have is refused, naming the version that has it ([`super::since`]).

use std::ops::Range;

use xee_xpath_ast::ast;
use xot::xmlname::NameStrInfo;

use super::Problem;
use super::since::{self, Since};
use super::v1_text as text;

/// The type of an XPath 1.0 value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Type {
    Nodes,
    Boolean,
    Number,
    String,
    /// An embedded value: a string, a number or a boolean, which only the run time knows.
    Value,
}

/// A subexpression translated: the 3.1 text, and the 1.0 type it has.
#[derive(Clone, Debug)]
struct Typed {
    text: String,
    ty: Type,
}

impl Typed {
    fn new(text: impl Into<String>, ty: Type) -> Self {
        Self { text: text.into(), ty }
    }
}

/// The XPath 3.1 text of the 1.0 expression `xpath` parsed from `source`. `text_variables[n]` says
/// whether `$arazzo_v<n+1>` stands for an expression written inside a string literal (bound as
/// text); `synthesized` are the bytes of `source` the generator wrote (those literals' concatenations).
pub(crate) fn translate(
    xpath: &ast::XPath,
    source: &str,
    text_variables: &[bool],
    synthesized: &[Range<usize>],
) -> Result<String, Problem> {
    if let Some(at) = text::comment(source) {
        return Err(since::newer("a comment `(: ... :)`", Since::V2_0, Since::V1_0, at..at + 2));
    }
    let mut translator = Translator { source, text_variables, synthesized, fresh: 0 };
    translator.expr(&xpath.0).map(|typed| typed.text)
}

struct Translator<'a> {
    source: &'a str,
    text_variables: &'a [bool],
    synthesized: &'a [Range<usize>],
    fresh: usize,
}

fn range(span: ast::Span) -> Range<usize> {
    span.start..span.end
}

/// Refuses `what`, which came with `since`.
fn newer<T>(what: &str, since: Since, span: ast::Span) -> Result<T, Problem> {
    Err(since::newer(what, since, Since::V1_0, range(span)))
}

/// A 1.0 type error: `what` is not what the place needs.
fn mistyped<T>(message: String, span: ast::Span) -> Result<T, Problem> {
    Err(Problem { message, range: Some(range(span)) })
}

/// The bytes a path's steps cover (steps the parser made up have no bytes).
fn path_span(path: &ast::PathExpr) -> ast::Span {
    let written: Vec<&ast::StepExprS> = path.steps.iter().filter(|step| step.span.start < step.span.end).collect();
    match (written.first(), written.last()) {
        (Some(first), Some(last)) => (first.span.start..last.span.end).into(),
        _ => path.steps.first().map_or((0..0).into(), |step| step.span),
    }
}

impl Translator<'_> {
    /// A fresh variable name for a `let` or `some` the translation writes.
    fn fresh(&mut self) -> String {
        self.fresh += 1;
        format!("$arazzo_t{}", self.fresh)
    }

    fn expr(&mut self, expr: &ast::ExprS) -> Result<Typed, Problem> {
        match expr.value.0.as_slice() {
            [single] => self.single(single),
            _ => newer("a sequence `(a, b)`", Since::V2_0, expr.span),
        }
    }

    fn single(&mut self, single: &ast::ExprSingleS) -> Result<Typed, Problem> {
        match &single.value {
            ast::ExprSingle::Path(path) => self.path(path),
            ast::ExprSingle::Apply(apply) => match &apply.operator {
                ast::ApplyOperator::Unary(operators) => {
                    if operators.contains(&ast::UnaryOperator::Plus) {
                        return newer("the unary `+`", Since::V2_0, single.span);
                    }
                    let operand = self.path(&apply.path_expr)?;
                    let mut text = self.number(operand);
                    for _ in operators {
                        text = format!("-{}", text::wrapped(&text));
                    }
                    Ok(Typed::new(text, Type::Number))
                }
                ast::ApplyOperator::SimpleMap(_) => newer("the simple map operator `!`", Since::V3_0, single.span),
                ast::ApplyOperator::Cast(_) => newer("`cast as`", Since::V2_0, single.span),
                ast::ApplyOperator::Castable(_) => newer("`castable as`", Since::V2_0, single.span),
                ast::ApplyOperator::Treat(_) => newer("`treat as`", Since::V2_0, single.span),
                ast::ApplyOperator::InstanceOf(_) => newer("`instance of`", Since::V2_0, single.span),
            },
            ast::ExprSingle::Let(_) => newer("`let`", Since::V3_0, single.span),
            ast::ExprSingle::If(_) => newer("`if`", Since::V2_0, single.span),
            ast::ExprSingle::For(_) => newer("`for`", Since::V2_0, single.span),
            ast::ExprSingle::Quantified(_) => newer("`some`/`every`", Since::V2_0, single.span),
            ast::ExprSingle::Binary(binary) => self.binary(binary, single.span),
        }
    }

    fn binary(&mut self, binary: &ast::BinaryExpr, span: ast::Span) -> Result<Typed, Problem> {
        use ast::BinaryOperator as Op;
        let operator = match binary.operator {
            Op::Or => "or",
            Op::And => "and",
            Op::GenEq => "=",
            Op::GenNe => "!=",
            Op::GenLt => "<",
            Op::GenLe => "<=",
            Op::GenGt => ">",
            Op::GenGe => ">=",
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "div",
            Op::Mod => "mod",
            Op::Union => {
                let (left, right) = (path_span(&binary.left), path_span(&binary.right));
                if self.source.get(left.end..right.start).is_some_and(|between| between.contains("union")) {
                    return newer("the `union` operator (1.0 writes `|`)", Since::V2_0, span);
                }
                "|"
            }
            Op::Concat
                if self.synthesized.iter().any(|within| within.start <= span.start && span.end <= within.end) =>
            {
                "||"
            }
            Op::Concat => return newer("the string concatenation operator `||`", Since::V3_0, span),
            Op::ValueEq | Op::ValueNe | Op::ValueLt | Op::ValueLe | Op::ValueGt | Op::ValueGe => {
                return newer("a value comparison (`eq`, `ne`, `lt`, `le`, `gt`, `ge`)", Since::V2_0, span);
            }
            Op::Is | Op::Precedes | Op::Follows => {
                return newer("a node comparison (`is`, `<<`, `>>`)", Since::V2_0, span);
            }
            Op::IntDiv => return newer("`idiv`", Since::V2_0, span),
            Op::Range => return newer("the range operator `to`", Since::V2_0, span),
            Op::Intersect | Op::Except => return newer("`intersect` and `except`", Since::V2_0, span),
            Op::Comma => return newer("a sequence `(a, b)`", Since::V2_0, span),
        };
        let left = self.path(&binary.left)?;
        let right = self.path(&binary.right)?;
        Ok(match operator {
            // No brackets of their own: the translation of an operand keeps its precedence, and the
            // brackets written around one are kept (`primary`). Each level of brackets doubles the
            // time the 3.1 parser takes.
            "or" | "and" => Typed::new(format!("{} {operator} {}", left.text, right.text), Type::Boolean),
            "=" | "!=" | "<" | "<=" | ">" | ">=" => Typed::new(self.compare(operator, left, right), Type::Boolean),
            "|" => {
                for (side, typed) in [(&binary.left, &left), (&binary.right, &right)] {
                    if typed.ty != Type::Nodes {
                        // 1.0 reads `-a | b` as `-(a | b)`, 3.1 as `(-a) | b`: such a side is 1.0's
                        // number, written without the brackets 3.1 needs.
                        let negated = self.source.get(range(path_span(side))).is_some_and(|text| text.starts_with('-'));
                        let message = if negated {
                            "`|` joins node-sets, and this is not one: XPath 1.0 reads `-a | b` as `-(a | b)`, \
                             XPath 3.1 as `(-a) | b`; write the brackets"
                        } else {
                            "`|` joins node-sets, and this is not one (in XPath 1.0 too)"
                        };
                        return mistyped(message.to_string(), path_span(side));
                    }
                }
                Typed::new(format!("({} | {})", left.text, right.text), Type::Nodes)
            }
            // Only the generator's own concatenation of a literal's text and embedded values.
            "||" => {
                let (left, right) = (self.string(left), self.string(right));
                Typed::new(format!("concat({left}, {right})"), Type::String)
            }
            _ => {
                let (left, right) = (self.number(left), self.number(right));
                Typed::new(format!("{left} {operator} {right}"), Type::Number)
            }
        })
    }

    /// A 1.0 comparison (§3.4) of `left` and `right`, as a 3.1 boolean expression.
    fn compare(&mut self, operator: &str, left: Typed, right: Typed) -> String {
        let equality = matches!(operator, "=" | "!=");
        // A value whose type only the run time knows: one branch per type it can have.
        for (side, typed) in [(0, &left), (1, &right)] {
            if typed.ty == Type::Value {
                let variable = typed.text.clone();
                let branch = |this: &mut Self, ty: Type| {
                    let typed = Typed::new(variable.clone(), ty);
                    match side {
                        0 => this.compare(operator, typed, right.clone()),
                        _ => this.compare(operator, left.clone(), typed),
                    }
                };
                let (boolean, number, string) =
                    (branch(self, Type::Boolean), branch(self, Type::Number), branch(self, Type::String));
                return format!(
                    "(if ({variable} instance of xs:boolean) then {boolean} else if ({variable} instance of \
                     xs:double) then {number} else {string})"
                );
            }
        }
        match (left.ty, right.ty) {
            (Type::Nodes, Type::Nodes) if equality => format!("({} {operator} {})", left.text, right.text),
            // A node-set and a boolean: the node-set's `boolean()`.
            (Type::Nodes, Type::Boolean) | (Type::Boolean, Type::Nodes) => {
                let (left, right) = (self.as_boolean(left), self.as_boolean(right));
                self.compare(operator, left, right)
            }
            // String values compared as strings: 3.1 compares a node's untyped value with a string
            // (or another node's) as a string, and a general comparison is existential, as in 1.0.
            (Type::Nodes, Type::Nodes | Type::String) | (Type::String, Type::Nodes) if equality => {
                format!("{} {operator} {}", left.text, right.text)
            }
            // Otherwise each node's `number()` (a sequence: the comparison holds for some node). A
            // node whose text is not a number is NaN, which only `!=` holds for: for the others it
            // is left out, which also leaves no NaN to compare.
            (Type::Nodes, _) | (_, Type::Nodes) => {
                let mut numbers = |typed: Typed| match typed.ty {
                    Type::Nodes if operator == "!=" => {
                        (format!("{}/{}", text::wrapped(&typed.text), text::NODE_NUMBER), true)
                    }
                    Type::Nodes => (format!("{}[matches(., {})]/number(.)", typed.text, text::NUMBER), false),
                    _ => {
                        let number = self.number(typed);
                        let nan = !text::never_nan(&number);
                        (number, nan)
                    }
                };
                let (left, right) = (numbers(left), numbers(right));
                if equality { format!("{} {operator} {}", left.0, right.0) } else { relational(operator, left, right) }
            }
            (Type::Boolean, _) | (_, Type::Boolean) if equality => {
                let (left, right) = (self.boolean(left), self.boolean(right));
                format!("{left} {operator} {right}")
            }
            (Type::String, Type::String) if equality => format!("{} {operator} {}", left.text, right.text),
            _ => {
                let (left, right) = (self.number(left), self.number(right));
                if equality {
                    format!("{left} {operator} {right}")
                } else {
                    let (left_nan, right_nan) = (!text::never_nan(&left), !text::never_nan(&right));
                    relational(operator, (left, left_nan), (right, right_nan))
                }
            }
        }
    }

    /// A node-set as the boolean it converts to (others are left as they are).
    fn as_boolean(&mut self, typed: Typed) -> Typed {
        if typed.ty == Type::Nodes { Typed::new(self.boolean(typed), Type::Boolean) } else { typed }
    }

    /// 1.0's `boolean()` of a value: 3.1's effective boolean value is the same for every value a
    /// 1.0 expression has (a node-set, a boolean, a number, a string).
    fn boolean(&mut self, typed: Typed) -> String {
        match typed.ty {
            Type::Boolean => typed.text,
            _ => format!("boolean({})", typed.text),
        }
    }

    /// 1.0's `number()` of a value.
    fn number(&mut self, typed: Typed) -> String {
        match typed.ty {
            Type::Number => typed.text,
            Type::Boolean => format!("number({})", typed.text),
            Type::String => self.parse_number(&typed.text),
            // The first node, kept when its text is a 1.0 number (its typed value is then read as 1.0
            // reads it), else nothing: `number(())` is NaN.
            Type::Nodes => format!("number({}[1][matches(., {})])", text::wrapped(&typed.text), text::NUMBER),
            Type::Value => {
                let parsed = self.parse_number(&typed.text);
                format!("(if ({0} instance of xs:string) then {parsed} else number({0}))", typed.text)
            }
        }
    }

    /// 1.0's `string()` of a value.
    fn string(&mut self, typed: Typed) -> String {
        match typed.ty {
            Type::String => typed.text,
            Type::Boolean => format!("string({})", typed.text),
            Type::Number => self.format_number(&typed.text),
            Type::Nodes => format!("string(({})[1])", typed.text),
            Type::Value => {
                let formatted = self.format_number(&typed.text);
                format!("(if ({0} instance of xs:double) then {formatted} else string({0}))", typed.text)
            }
        }
    }

    /// A string read as a number by 1.0's rule (§4.4); a literal is read here.
    fn parse_number(&mut self, string: &str) -> String {
        text::literal_number(string).unwrap_or_else(|| text::parse_number(string))
    }

    /// A number written as text by 1.0's rule (§4.2).
    fn format_number(&mut self, number: &str) -> String {
        let variables = [
            self.fresh(),
            self.fresh(),
            self.fresh(),
            self.fresh(),
            self.fresh(),
            self.fresh(),
            self.fresh(),
            self.fresh(),
        ];
        text::format_number(&variables, number)
    }

    fn path(&mut self, path: &ast::PathExpr) -> Result<Typed, Problem> {
        let steps = path.steps.as_slice();
        if let [only] = steps
            && !matches!(only.value, ast::StepExpr::AxisStep(_))
            && !is_root(only)
        {
            return self.filter(only);
        }
        let mut parts = Vec::new();
        let mut at = 0;
        let mut absolute = false;
        if let Some(first) = steps.first()
            && is_root(first)
        {
            absolute = true;
            at = 1;
        }
        while let Some(step) = steps.get(at) {
            match &step.value {
                ast::StepExpr::AxisStep(axis) => parts.push(self.axis_step(axis, step.span)?),
                // `.` is an abbreviated step in 1.0 (`a/./b`); 3.1 reads it as the context item.
                ast::StepExpr::PrimaryExpr(primary) if primary.value == ast::PrimaryExpr::ContextItem => {
                    parts.push(".".to_string());
                }
                _ if at == 0 => {
                    let first = self.filter(step)?;
                    if first.ty != Type::Nodes {
                        return mistyped(
                            "a path starts from a node-set, and this is not one (in XPath 1.0 too)".to_string(),
                            step.span,
                        );
                    }
                    parts.push(if first.text == "." { first.text } else { text::wrapped(&first.text) });
                }
                _ => return newer("a step that is not an axis step (`a/(b)`, `a/f()`)", Since::V2_0, step.span),
            }
            at += 1;
        }
        let joined = parts.join("/");
        let text = match (absolute, joined.is_empty()) {
            (true, true) => "(/)".to_string(),
            (true, false) => format!("/{joined}"),
            (false, _) => joined,
        };
        Ok(Typed::new(text, Type::Nodes))
    }

    /// An axis step, written out (`//` where the parser made up the step it abbreviates).
    fn axis_step(&mut self, step: &ast::AxisStep, span: ast::Span) -> Result<String, Problem> {
        if step.axis == ast::Axis::DescendantOrSelf
            && step.node_test == ast::NodeTest::KindTest(ast::KindTest::Any)
            && step.predicates.is_empty()
            && (span.start == span.end || self.source.get(range(span)) == Some("//"))
        {
            return Ok(String::new());
        }
        let axis = match step.axis {
            ast::Axis::Child => "",
            ast::Axis::Attribute => "@",
            ast::Axis::Ancestor => "ancestor::",
            ast::Axis::AncestorOrSelf => "ancestor-or-self::",
            ast::Axis::Descendant => "descendant::",
            ast::Axis::DescendantOrSelf => "descendant-or-self::",
            ast::Axis::Following => "following::",
            ast::Axis::FollowingSibling => "following-sibling::",
            ast::Axis::Namespace => "namespace::",
            ast::Axis::Parent => "parent::",
            ast::Axis::Preceding => "preceding::",
            ast::Axis::PrecedingSibling => "preceding-sibling::",
            ast::Axis::Self_ => "self::",
        };
        let test = match &step.node_test {
            ast::NodeTest::NameTest(ast::NameTest::Star) => "*".to_string(),
            ast::NodeTest::NameTest(ast::NameTest::Name(name)) => {
                if self.source.get(range(name.span)).is_some_and(|text| text.starts_with("Q{")) {
                    return newer("a `Q{uri}name` name", Since::V3_0, name.span);
                }
                self.prefix(name.value.prefix(), name.span)?;
                name.value.full_name().into_owned()
            }
            ast::NodeTest::NameTest(ast::NameTest::Namespace(_)) => {
                // The parser gives the namespace, resolved: the test is read as written (`xml:*`,
                // `p:*`, or 3.0's `Q{uri}*`), so that its prefix is named and no test is dropped.
                let written = self.source.get(range(span)).unwrap_or_default();
                if written.contains("Q{") {
                    return newer("a `Q{uri}*` name test", Since::V3_0, span);
                }
                let test = written.split('[').next().unwrap_or_default();
                let test = test.rsplit("::").next().unwrap_or_default().trim().trim_start_matches('@').trim();
                let prefix = test.split(':').next().unwrap_or_default().trim();
                if prefix != "xml" {
                    self.prefix(prefix, span)?;
                    return mistyped(format!("`{written}` is not a name test XPath 1.0 reads"), span);
                }
                "xml:*".to_string()
            }
            ast::NodeTest::NameTest(ast::NameTest::LocalName(_)) => {
                return newer("the name test `*:name` (1.0 writes `*[local-name() = 'name']`)", Since::V2_0, span);
            }
            ast::NodeTest::KindTest(kind) => match kind {
                ast::KindTest::Any => "node()".to_string(),
                ast::KindTest::Text => "text()".to_string(),
                ast::KindTest::Comment => "comment()".to_string(),
                ast::KindTest::PI(None) => "processing-instruction()".to_string(),
                ast::KindTest::PI(Some(ast::PITest::StringLiteral(target))) => {
                    format!("processing-instruction({})", text::literal(target))
                }
                ast::KindTest::PI(Some(ast::PITest::Name(_))) => {
                    return newer("`processing-instruction(name)` without quotes", Since::V2_0, span);
                }
                ast::KindTest::NamespaceNode => return newer("the `namespace-node()` test", Since::V3_0, span),
                _ => {
                    return newer(
                        "this kind test (`element()`, `attribute()`, `document-node()`, ...)",
                        Since::V2_0,
                        span,
                    );
                }
            },
        };
        let mut text = format!("{axis}{test}");
        for predicate in &step.predicates {
            text.push_str(&self.predicate(predicate)?);
        }
        Ok(text)
    }

    /// A name's prefix: 1.0 declares only `xml` (the 3.1 engine also knows `xs`, `fn`, ...).
    fn prefix(&self, prefix: &str, span: ast::Span) -> Result<(), Problem> {
        if prefix.is_empty() || prefix == "xml" {
            return Ok(());
        }
        mistyped(format!("the namespace prefix `{prefix}` is not declared (XPath 1.0 knows only `xml` here)"), span)
    }

    /// `[expression]`: 1.0's rule (a number is a position, anything else its `boolean()`) is 3.1's,
    /// for every value a 1.0 expression has.
    fn predicate(&mut self, predicate: &ast::ExprS) -> Result<String, Problem> {
        let inside = self.expr(predicate)?;
        Ok(format!("[{}]", inside.text))
    }

    /// A primary expression, with its predicates when it has some (a filter expression).
    fn filter(&mut self, step: &ast::StepExprS) -> Result<Typed, Problem> {
        match &step.value {
            ast::StepExpr::PrimaryExpr(primary) => self.primary(primary),
            ast::StepExpr::PostfixExpr { primary, postfixes } => {
                let base = self.primary(primary)?;
                let mut predicates = String::new();
                for postfix in postfixes {
                    match postfix {
                        ast::Postfix::Predicate(predicate) => {
                            if base.ty != Type::Nodes {
                                return mistyped(
                                    "a predicate filters a node-set, and this is not one (in XPath 1.0 too)"
                                        .to_string(),
                                    primary.span,
                                );
                            }
                            predicates.push_str(&self.predicate(predicate)?);
                        }
                        ast::Postfix::ArgumentList(_) => {
                            return newer("a dynamic function call", Since::V3_0, step.span);
                        }
                        ast::Postfix::Lookup(_) => return newer("the lookup operator `?`", Since::V3_1, step.span),
                    }
                }
                // A filter's predicates count in document order, as `(...)[n]` does in 3.1.
                Ok(Typed::new(format!("{}{predicates}", text::wrapped(&base.text)), Type::Nodes))
            }
            ast::StepExpr::AxisStep(axis) => Ok(Typed::new(self.axis_step(axis, step.span)?, Type::Nodes)),
        }
    }

    fn primary(&mut self, primary: &ast::PrimaryExprS) -> Result<Typed, Problem> {
        let written = self.source.get(range(primary.span)).unwrap_or_default();
        match &primary.value {
            ast::PrimaryExpr::Literal(ast::Literal::String(value)) => {
                let inner = written.get(1..written.len().saturating_sub(1)).unwrap_or_default();
                if written.starts_with(['\'', '"']) && inner.contains(&written[..1]) {
                    return newer("a doubled quote inside a string literal", Since::V2_0, primary.span);
                }
                Ok(Typed::new(text::literal(value), Type::String))
            }
            // 1.0 numbers are doubles: `1 div 0` is Infinity, `0.1 + 0.2` is not 0.3.
            ast::PrimaryExpr::Literal(ast::Literal::Integer(_) | ast::Literal::Decimal(_)) => {
                Ok(Typed::new(format!("{written}e0"), Type::Number))
            }
            ast::PrimaryExpr::Literal(ast::Literal::Double(_)) => {
                newer("a number with an exponent (`1e3`)", Since::V2_0, primary.span)
            }
            ast::PrimaryExpr::VarRef(_) => {
                let text = written
                    .strip_prefix("$arazzo_v")
                    .and_then(|number| number.parse::<usize>().ok())
                    .and_then(|number| self.text_variables.get(number.checked_sub(1)?))
                    .copied()
                    .unwrap_or(false);
                Ok(Typed::new(written, if text { Type::String } else { Type::Value }))
            }
            ast::PrimaryExpr::Expr(inner) => match &inner.value {
                None => newer("the empty sequence `()`", Since::V2_0, primary.span),
                Some(expr) => match expr.0.as_slice() {
                    // The parser wraps an operand that is itself an operation in an expression of the
                    // same bytes: brackets only where the document writes them.
                    [single] if single.span == primary.span => self.single(single),
                    [single] => {
                        let typed = self.single(single)?;
                        Ok(Typed::new(text::wrapped(&typed.text), typed.ty))
                    }
                    _ => newer("a sequence `(a, b)`", Since::V2_0, primary.span),
                },
            },
            ast::PrimaryExpr::ContextItem => Ok(Typed::new(".", Type::Nodes)),
            ast::PrimaryExpr::FunctionCall(call) => {
                if call.arguments.first().is_some_and(|first| first.span.start < call.name.span.start) {
                    return newer("the arrow operator `=>`", Since::V3_1, primary.span);
                }
                self.call(call)
            }
            ast::PrimaryExpr::NamedFunctionRef(_) => {
                newer("a named function reference (`name#arity`)", Since::V3_0, primary.span)
            }
            ast::PrimaryExpr::InlineFunction(function) if function.wrapper => {
                newer("a partial function application (an argument `?`)", Since::V3_0, primary.span)
            }
            ast::PrimaryExpr::InlineFunction(_) => newer("an inline function", Since::V3_0, primary.span),
            ast::PrimaryExpr::MapConstructor(_) => newer("a map constructor", Since::V3_1, primary.span),
            ast::PrimaryExpr::ArrayConstructor(_) => newer("an array constructor", Since::V3_1, primary.span),
            ast::PrimaryExpr::UnaryLookup(_) => newer("the lookup operator `?`", Since::V3_1, primary.span),
        }
    }
}

/// `left operator right` for numbers (or sequences of them) and `<`, `<=`, `>` or `>=`, false for a
/// NaN, as in 1.0 (IEEE 754): xee-xpath 0.1 orders NaN above every number (`NaN > 1` is true there),
/// so NaN is filtered out (`[. = .]`) of a side that may hold one, leaving nothing to compare.
fn relational(operator: &str, (left, left_nan): (String, bool), (right, right_nan): (String, bool)) -> String {
    let guarded = |side: String, nan: bool| if nan { format!("{}[. = .]", text::wrapped(&side)) } else { side };
    format!("{} {operator} {}", guarded(left, left_nan), guarded(right, right_nan))
}

/// Whether `step` is the document root that a leading `/` stands for (the parser writes it as a
/// call of `fn:root` it made up, whose name has no bytes).
fn is_root(step: &ast::StepExprS) -> bool {
    matches!(&step.value, ast::StepExpr::PrimaryExpr(primary)
        if matches!(&primary.value, ast::PrimaryExpr::FunctionCall(call)
            if call.name.span.start == call.name.span.end && call.name.value.local_name() == "root"))
}

#[path = "v1_call.rs"]
mod call;

#[cfg(test)]
#[path = "v1_tests.rs"]
mod tests;
