//! Which XPath version brought each construct and function: `xpath-20` and `xpath-30` expressions
//! are evaluated by the XPath 3.1 engine, which reads every 2.0 and 3.0 expression alike (3.1 is a
//! superset of both; its incompatibilities appendix lists only the function names `map` and `array`
//! (3.0) and `function`, `namespace-node` and `switch` (2.0) becoming reserved, which no expression
//! here can define), so what is left is to refuse what the declared version does not have.

use std::ops::Range;

use xee_xpath_ast::ast;
use xot::xmlname::NameStrInfo;

use super::Problem;

/// An XPath version, in order: what a construct came with, and what an expression declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Since {
    V1_0,
    V2_0,
    V3_0,
    V3_1,
}

impl Since {
    /// `2.0`, as the specifications name themselves.
    pub(crate) fn number(self) -> &'static str {
        match self {
            Since::V1_0 => "1.0",
            Since::V2_0 => "2.0",
            Since::V3_0 => "3.0",
            Since::V3_1 => "3.1",
        }
    }

    /// `xpath-20`, as an Expression Type Object names it.
    pub(crate) fn arazzo(self) -> &'static str {
        match self {
            Since::V1_0 => "xpath-10",
            Since::V2_0 => "xpath-20",
            Since::V3_0 => "xpath-30",
            Since::V3_1 => "xpath-31",
        }
    }
}

/// The problem of a construct (`what`, at `span`) that came with `since`, in an expression that
/// declares `declared`.
pub(crate) fn newer(what: &str, since: Since, declared: Since, span: Range<usize>) -> Problem {
    Problem {
        message: format!(
            "{what} is not XPath {}: it came with XPath {}; declare `version: {}` (or later) to use it",
            declared.number(),
            since.number(),
            since.arazzo()
        ),
        range: Some(span),
    }
}

/// Functions of the `fn` namespace that XPath 3.0 added (Functions and Operators 3.0).
const FN_3_0: &[&str] = &[
    "analyze-string",
    "available-environment-variables",
    "environment-variable",
    "filter",
    "fold-left",
    "fold-right",
    "for-each",
    "for-each-pair",
    "format-date",
    "format-dateTime",
    "format-integer",
    "format-number",
    "format-time",
    "function-arity",
    "function-lookup",
    "function-name",
    "generate-id",
    "has-children",
    "head",
    "innermost",
    "outermost",
    "parse-xml",
    "parse-xml-fragment",
    "path",
    "serialize",
    "tail",
    "unparsed-text",
    "unparsed-text-available",
    "unparsed-text-lines",
    "uri-collection",
];

/// Functions of the `fn` namespace that XPath 3.1 added (Functions and Operators 3.1).
const FN_3_1: &[&str] = &[
    "apply",
    "collation-key",
    "contains-token",
    "default-language",
    "json-doc",
    "json-to-xml",
    "load-xquery-module",
    "parse-ietf-date",
    "parse-json",
    "random-number-generator",
    "sort",
    "transform",
    "xml-to-json",
];

/// Functions of the `fn` namespace that had fewer arguments before: (name, arity, the version
/// that added that arity).
const ARITIES: &[(&str, usize, Since)] = &[
    ("data", 0, Since::V3_0),
    ("document-uri", 0, Since::V3_0),
    ("nilled", 0, Since::V3_0),
    ("node-name", 0, Since::V3_0),
    ("round", 2, Since::V3_0),
    ("string-join", 1, Since::V3_0),
    ("tokenize", 1, Since::V3_1),
    ("trace", 1, Since::V3_1),
];

/// The 27 functions of XPath 1.0's core library (§4), all in the `fn` namespace since 2.0.
pub(crate) const FN_1_0: &[&str] = &[
    "last",
    "position",
    "count",
    "id",
    "local-name",
    "namespace-uri",
    "name",
    "string",
    "concat",
    "starts-with",
    "contains",
    "substring-before",
    "substring-after",
    "substring",
    "string-length",
    "normalize-space",
    "translate",
    "boolean",
    "not",
    "true",
    "false",
    "lang",
    "number",
    "sum",
    "floor",
    "ceiling",
    "round",
];

/// The version that brought the function `name` called with `arity` arguments: 1.0 for the core
/// library (only as 1.0 has it), else by its namespace and the lists above (2.0 for the rest of
/// `fn` and for `xs` constructors).
pub(crate) fn function(name: &ast::Name, arity: usize) -> Since {
    match name.namespace() {
        xee_xpath_ast::FN_NAMESPACE => {
            let local = name.local_name();
            if let Some((_, _, since)) = ARITIES.iter().find(|(known, at, _)| *known == local && *at == arity) {
                *since
            } else if FN_3_1.contains(&local) {
                Since::V3_1
            } else if FN_3_0.contains(&local) {
                Since::V3_0
            } else if FN_1_0.contains(&local) && !(local == "round" && arity == 2) {
                Since::V1_0
            } else {
                Since::V2_0
            }
        }
        "http://www.w3.org/2005/xpath-functions/math" => Since::V3_0,
        "http://www.w3.org/2005/xpath-functions/map" | "http://www.w3.org/2005/xpath-functions/array" => Since::V3_1,
        _ => Since::V2_0,
    }
}

/// Refuses, in an expression declaring `declared` (2.0 or 3.0), the first construct it does not
/// have. `source` is the text parsed; `synthesized` are the byte ranges the generator wrote itself
/// (the concatenations standing for embedded expressions in string literals), whose `||` is its own.
pub(crate) fn check(
    xpath: &ast::XPath,
    source: &str,
    declared: Since,
    synthesized: &[Range<usize>],
) -> Result<(), Problem> {
    Walk { source, declared, synthesized }.expr(&xpath.0)
}

struct Walk<'a> {
    source: &'a str,
    declared: Since,
    synthesized: &'a [Range<usize>],
}

impl Walk<'_> {
    fn refuse(&self, what: &str, since: Since, span: ast::Span) -> Result<(), Problem> {
        if since > self.declared { Err(newer(what, since, self.declared, span.start..span.end)) } else { Ok(()) }
    }

    fn expr(&self, expr: &ast::ExprS) -> Result<(), Problem> {
        expr.value.0.iter().try_for_each(|single| self.single(single))
    }

    fn single(&self, single: &ast::ExprSingleS) -> Result<(), Problem> {
        match &single.value {
            ast::ExprSingle::Path(path) => self.path(path),
            ast::ExprSingle::Apply(apply) => {
                match &apply.operator {
                    ast::ApplyOperator::SimpleMap(paths) => {
                        self.refuse("the simple map operator `!`", Since::V3_0, single.span)?;
                        paths.iter().try_for_each(|path| self.path(path))?;
                    }
                    ast::ApplyOperator::Unary(_)
                    | ast::ApplyOperator::Cast(_)
                    | ast::ApplyOperator::Castable(_)
                    | ast::ApplyOperator::Treat(_)
                    | ast::ApplyOperator::InstanceOf(_) => {}
                }
                self.path(&apply.path_expr)
            }
            ast::ExprSingle::Let(binding) => {
                self.refuse("`let`", Since::V3_0, single.span)?;
                self.single(&binding.var_expr)?;
                self.single(&binding.return_expr)
            }
            ast::ExprSingle::If(conditional) => {
                self.expr(&conditional.condition)?;
                self.single(&conditional.then)?;
                self.single(&conditional.else_)
            }
            ast::ExprSingle::Binary(binary) => {
                let inside = |range: &Range<usize>| range.start <= single.span.start && single.span.end <= range.end;
                if binary.operator == ast::BinaryOperator::Concat && !self.synthesized.iter().any(inside) {
                    self.refuse("the string concatenation operator `||`", Since::V3_0, single.span)?;
                }
                self.path(&binary.left)?;
                self.path(&binary.right)
            }
            ast::ExprSingle::For(each) => {
                self.single(&each.var_expr)?;
                self.single(&each.return_expr)
            }
            ast::ExprSingle::Quantified(quantified) => {
                self.single(&quantified.var_expr)?;
                self.single(&quantified.satisfies_expr)
            }
        }
    }

    fn path(&self, path: &ast::PathExpr) -> Result<(), Problem> {
        path.steps.iter().try_for_each(|step| self.step(step))
    }

    fn step(&self, step: &ast::StepExprS) -> Result<(), Problem> {
        match &step.value {
            ast::StepExpr::PrimaryExpr(primary) => self.primary(primary),
            ast::StepExpr::PostfixExpr { primary, postfixes } => {
                self.primary(primary)?;
                for postfix in postfixes {
                    match postfix {
                        ast::Postfix::Predicate(predicate) => self.expr(predicate)?,
                        ast::Postfix::ArgumentList(arguments) => {
                            self.refuse("a dynamic function call", Since::V3_0, step.span)?;
                            arguments.iter().try_for_each(|argument| self.single(argument))?;
                        }
                        ast::Postfix::Lookup(key) => {
                            self.refuse("the lookup operator `?`", Since::V3_1, step.span)?;
                            self.key(key)?;
                        }
                    }
                }
                Ok(())
            }
            ast::StepExpr::AxisStep(axis) => {
                if let ast::NodeTest::NameTest(ast::NameTest::Name(name)) = &axis.node_test {
                    self.braced(name)?;
                }
                // `Q{uri}*` reads as the namespace test a prefix's `p:*` is.
                if let ast::NodeTest::NameTest(ast::NameTest::Namespace(_)) = &axis.node_test
                    && self.source.get(step.span.start..step.span.end).is_some_and(|text| text.contains("Q{"))
                {
                    self.refuse("a `Q{uri}*` name test", Since::V3_0, step.span)?;
                }
                if let ast::NodeTest::KindTest(ast::KindTest::NamespaceNode) = &axis.node_test {
                    self.refuse("the `namespace-node()` test", Since::V3_0, step.span)?;
                }
                axis.predicates.iter().try_for_each(|predicate| self.expr(predicate))
            }
        }
    }

    /// A `Q{uri}local` name (3.0).
    fn braced(&self, name: &ast::NameS) -> Result<(), Problem> {
        if self.source.get(name.span.start..name.span.end).is_some_and(|text| text.starts_with("Q{")) {
            self.refuse("a `Q{uri}name` name", Since::V3_0, name.span)?;
        }
        Ok(())
    }

    fn primary(&self, primary: &ast::PrimaryExprS) -> Result<(), Problem> {
        match &primary.value {
            ast::PrimaryExpr::Literal(_) | ast::PrimaryExpr::VarRef(_) | ast::PrimaryExpr::ContextItem => Ok(()),
            ast::PrimaryExpr::Expr(inner) => {
                inner.value.iter().try_for_each(|expr| expr.0.iter().try_for_each(|single| self.single(single)))
            }
            ast::PrimaryExpr::FunctionCall(call) => {
                // `$a => f()` is read as `f($a)`: its first argument is written before its name.
                if call.arguments.first().is_some_and(|first| first.span.start < call.name.span.start) {
                    self.refuse("the arrow operator `=>`", Since::V3_1, primary.span)?;
                }
                self.braced(&call.name)?;
                let since = function(&call.name.value, call.arguments.len());
                let (name, arity) = (call.name.value.full_name(), call.arguments.len());
                let what = if ARITIES.iter().any(|(known, at, _)| *known == name && *at == arity) {
                    format!("the function `{name}()` with {arity} argument(s)")
                } else {
                    format!("the function `{name}()`")
                };
                self.refuse(&what, since, call.name.span)?;
                call.arguments.iter().try_for_each(|argument| self.single(argument))
            }
            ast::PrimaryExpr::NamedFunctionRef(_) => {
                self.refuse("a named function reference (`name#arity`)", Since::V3_0, primary.span)
            }
            ast::PrimaryExpr::InlineFunction(function) => {
                let what = if function.wrapper {
                    "a partial function application (an argument `?`)"
                } else {
                    "an inline function"
                };
                self.refuse(what, Since::V3_0, primary.span)?;
                function.body.value.iter().try_for_each(|expr| expr.0.iter().try_for_each(|single| self.single(single)))
            }
            ast::PrimaryExpr::MapConstructor(map) => {
                self.refuse("a map constructor", Since::V3_1, primary.span)?;
                map.entries.iter().try_for_each(|entry| {
                    self.single(&entry.key)?;
                    self.single(&entry.value)
                })
            }
            ast::PrimaryExpr::ArrayConstructor(array) => {
                self.refuse("an array constructor", Since::V3_1, primary.span)?;
                match array {
                    ast::ArrayConstructor::Square(expr) => self.expr(expr),
                    ast::ArrayConstructor::Curly(inner) => {
                        inner.value.iter().try_for_each(|expr| expr.0.iter().try_for_each(|single| self.single(single)))
                    }
                }
            }
            ast::PrimaryExpr::UnaryLookup(key) => {
                self.refuse("the lookup operator `?`", Since::V3_1, primary.span)?;
                self.key(key)
            }
        }
    }

    fn key(&self, key: &ast::KeySpecifier) -> Result<(), Problem> {
        match key {
            ast::KeySpecifier::Expr(inner) => {
                inner.value.iter().try_for_each(|expr| expr.0.iter().try_for_each(|single| self.single(single)))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::XPathVersion;
    use crate::xpath::for_version;

    /// What each version has is accepted as written; what a later one brought is refused (the
    /// refusals, located, are in `tests/diagnostics/xpath-versions.txt`).
    #[test]
    fn each_version_keeps_what_it_has_and_refuses_what_came_later() {
        let accepted = |expression: &str, version| {
            assert_eq!(for_version(expression, version, &[], &[]).as_deref(), Ok(expression), "{expression}");
        };
        let refused = |expression: &str, version| {
            let problem = for_version(expression, version, &[], &[]).expect_err(expression);
            problem.message
        };
        for expression in [
            "for $i in //a return string($i)",
            "if (//a) then 1 else 2",
            "some $i in //a satisfies $i = 'x'",
            "upper-case(string(/a)) eq 'A'",
            "(1 to 3)[. idiv 2 = 1]",
            "//a instance of element()*",
            "round-half-to-even(1.5)",
            "string-join(('a', 'b'), ',')",
            "xs:integer('1') (: a comment :)",
        ] {
            accepted(expression, XPathVersion::XPath20);
            accepted(expression, XPathVersion::XPath30);
        }
        for expression in [
            "'a' || 'b'",
            "//a ! string()",
            "let $x := 1 return $x",
            "head(//a)",
            "round(1.25, 1)",
            "//Q{urn:a}b",
            "//Q{urn:a}*",
        ] {
            accepted(expression, XPathVersion::XPath30);
            assert!(refused(expression, XPathVersion::XPath20).contains("came with XPath 3.0"), "{expression}");
        }
        assert!(refused("string-join(('a', 'b'))", XPathVersion::XPath20).contains("with 1 argument(s)"));
        for expression in ["//a => count()", "map { 'a': 1 }", "array { 1 }", "sort(//a)", "math:pi() > 3"] {
            let since = if expression.starts_with("math") { "3.0" } else { "3.1" };
            assert!(refused(expression, XPathVersion::XPath20).contains(&format!("came with XPath {since}")));
        }
        for expression in ["//a => count()", "map { 'a': 1 }", "array { 1 }", "sort(//a)", "parse-json('1')"] {
            assert!(refused(expression, XPathVersion::XPath30).contains("came with XPath 3.1"), "{expression}");
        }
        // XPath 3.1 has everything.
        accepted("map { 'a': 1 }?a => string()", XPathVersion::XPath31);
    }

    /// The generator's own `||` (a string literal holding embedded expressions) is not the document's.
    #[test]
    fn the_generators_concatenation_is_not_refused() {
        let rewritten = "//a[. = ('id-' || $arazzo_v1)]";
        assert_eq!(
            for_version(rewritten, XPathVersion::XPath20, &[true], std::slice::from_ref(&(8..29))).as_deref(),
            Ok(rewritten)
        );
        assert!(for_version(rewritten, XPathVersion::XPath20, &[true], &[]).is_err());
    }
}
