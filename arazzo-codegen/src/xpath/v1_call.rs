//! XPath 1.0's core function library (§4) translated: each argument converted as 1.0 converts it
//! (a node-set to its first node's string value, a number written or read by 1.0's rules), each
//! result of the type 1.0 gives it (counts are doubles).

use xee_xpath_ast::ast;
use xot::xmlname::NameStrInfo;

use super::super::Problem;
use super::super::since::{self, Since};
use super::{Translator, Type, Typed, mistyped, newer, text};

impl Translator<'_> {
    /// A call of a core library function (§4), its arguments converted as 1.0 converts them.
    pub(super) fn call(&mut self, call: &ast::FunctionCall) -> Result<Typed, Problem> {
        let name = &call.name.value;
        let arity = call.arguments.len();
        let local = name.local_name();
        let span = call.name.span;
        if !name.prefix().is_empty() {
            return newer("a function name with a prefix (`fn:count`)", Since::V2_0, span);
        }
        let since = since::function(name, arity);
        if since > Since::V1_0 || name.namespace() != xee_xpath_ast::FN_NAMESPACE {
            let what = if since::FN_1_0.contains(&local) {
                format!("`{local}()` with {arity} argument(s)")
            } else {
                format!("the function `{local}()`")
            };
            return newer(&what, since.max(Since::V2_0), span);
        }
        if local == "id" {
            return mistyped(
                "`id()` finds elements by the ID attributes a DTD declares; DTDs are refused here, so in XPath \
                 1.0 it would find nothing (and the 3.1 engine would find `xml:id` attributes): select them by \
                 attribute instead (`//*[@id = 'x']`)"
                    .to_string(),
                span,
            );
        }
        let mut arguments = Vec::new();
        for argument in &call.arguments {
            arguments.push((self.single(argument)?, argument.span));
        }
        let node_set = |index: usize| -> Result<String, Problem> {
            match arguments.get(index) {
                Some((typed, _)) if typed.ty == Type::Nodes => Ok(typed.text.clone()),
                Some((_, span)) => {
                    mistyped(format!("`{local}()` takes a node-set, and this is not one (in XPath 1.0 too)"), *span)
                }
                None => Ok(String::new()),
            }
        };
        let typed: Vec<Typed> = arguments.iter().map(|(typed, _)| typed.clone()).collect();
        Ok(match local {
            "last" | "position" => Typed::new(format!("number({local}())"), Type::Number),
            "count" => Typed::new(format!("number(count({}))", node_set(0)?), Type::Number),
            "local-name" | "namespace-uri" | "name" => {
                let argument = if arity == 0 { String::new() } else { format!("({})[1]", node_set(0)?) };
                Typed::new(format!("{local}({argument})"), Type::String)
            }
            "sum" => {
                let nodes = text::wrapped(&node_set(0)?);
                Typed::new(format!("sum({nodes}/{}, 0e0)", text::NODE_NUMBER), Type::Number)
            }
            "boolean" => {
                let value = typed.into_iter().next().map(|typed| self.boolean(typed)).unwrap_or_default();
                Typed::new(value, Type::Boolean)
            }
            "not" => Typed::new(
                format!("not({})", typed.first().map(|typed| typed.text.as_str()).unwrap_or_default()),
                Type::Boolean,
            ),
            "true" | "false" => Typed::new(format!("{local}()"), Type::Boolean),
            "number" => match typed.into_iter().next() {
                None => Typed::new(self.parse_number("string()"), Type::Number),
                Some(value) => Typed::new(self.number(value), Type::Number),
            },
            "string" => match typed.into_iter().next() {
                None => Typed::new("string()", Type::String),
                Some(value) => Typed::new(self.string(value), Type::String),
            },
            "floor" | "ceiling" | "round" => {
                let value = typed.into_iter().map(|typed| self.number(typed)).collect::<Vec<_>>().join(", ");
                Typed::new(format!("{local}({value})"), Type::Number)
            }
            // substring(string, number, number?)
            "substring" => {
                let mut values = Vec::new();
                for (index, value) in typed.into_iter().enumerate() {
                    values.push(if index == 0 { self.string(value) } else { self.number(value) });
                }
                Typed::new(format!("substring({})", values.join(", ")), Type::String)
            }
            // The rest take strings.
            _ => {
                let values = typed.into_iter().map(|typed| self.string(typed)).collect::<Vec<_>>().join(", ");
                let call = format!("{local}({values})");
                match local {
                    "string-length" => Typed::new(format!("number({call})"), Type::Number),
                    "starts-with" | "contains" | "lang" => Typed::new(call, Type::Boolean),
                    _ => Typed::new(call, Type::String),
                }
            }
        })
    }
}
