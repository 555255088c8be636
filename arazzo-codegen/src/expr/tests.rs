use super::*;

fn ok(text: &str) -> Expr {
    match parse(text) {
        Ok(expr) => expr,
        Err(e) => panic!("`{text}` should parse: {e}"),
    }
}

fn err(text: &str) -> ExprError {
    match parse(text) {
        Ok(expr) => panic!("`{text}` should be refused, got {expr:?}"),
        Err(e) => e,
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

#[test]
fn fixed_expressions() {
    assert_eq!(ok("$url"), Expr::Url);
    assert_eq!(ok("$method"), Expr::Method);
    assert_eq!(ok("$statusCode"), Expr::StatusCode);
}

#[test]
fn fixed_expressions_refuse_trailing_text() {
    assert_eq!(err("$url string").offset, 4);
    assert_eq!(err("$statusCode.x").offset, 11);
    assert_eq!(err("$urls").offset, 1, "`$urls` is an unknown keyword");
}

#[test]
fn request_and_response_sources() {
    assert_eq!(ok("$request.header.X-Custom-Header"), Expr::Request(Source::Header(s("X-Custom-Header"))));
    assert_eq!(ok("$response.header.content-type"), Expr::Response(Source::Header(s("content-type"))));
    assert_eq!(ok("$request.query.page"), Expr::Request(Source::Query(s("page"))));
    assert_eq!(ok("$request.path.id"), Expr::Request(Source::Path(s("id"))));
    assert_eq!(ok("$request.query."), Expr::Request(Source::Query(String::new())));
    assert_eq!(ok("$response.body"), Expr::Response(Source::Body(None)));
    assert_eq!(ok("$response.body#/data/0"), Expr::Response(Source::Body(Some(s("/data/0")))));
    assert_eq!(ok("$response.body#"), Expr::Response(Source::Body(Some(String::new()))));
}

#[test]
fn header_names_are_rfc7230_tokens() {
    let e = err("$request.header.a b");
    assert_eq!(e.offset, 17);
    assert_eq!(err("$request.header.").offset, 16);
    assert_eq!(err("$request.header.(x)").offset, 16);
}

#[test]
fn bad_sources_are_refused() {
    assert_eq!(err("$request.cookie.a").offset, 9);
    assert_eq!(err("$response.body.active").offset, 14, "navigation is only for conditions");
    assert_eq!(err("$request").offset, 8);
    assert_eq!(err("$request.header").offset, 15);
}

#[test]
fn json_pointers_are_validated() {
    assert_eq!(ok("$response.body#/a~1b/~0c"), Expr::Response(Source::Body(Some(s("/a~1b/~0c")))));
    assert_eq!(err("$response.body#/a~2").offset, 17);
    assert_eq!(err("$response.body#/a~").offset, 17);
    assert_eq!(err("$response.body#a").offset, 15);
    // 1.0.1 `unescaped` admits braces, spaces and `=`.
    assert_eq!(ok("$request.body#/{foo}"), Expr::Request(Source::Body(Some(s("/{foo}")))));
    assert_eq!(ok("$request.body#/a b=c"), Expr::Request(Source::Body(Some(s("/a b=c")))));
}

#[test]
fn inputs_and_outputs_split_a_pointer() {
    assert_eq!(ok("$inputs.customer#/firstName"), Expr::Inputs { name: s("customer"), pointer: Some(s("/firstName")) });
    assert_eq!(ok("$inputs.my.nested.name"), Expr::Inputs { name: s("my.nested.name"), pointer: None });
    assert_eq!(
        ok("$outputs.result#/items/0/name"),
        Expr::Outputs { name: s("result"), pointer: Some(s("/items/0/name")) }
    );
    assert_eq!(err("$inputs.a#b").offset, 10);
}

#[test]
fn names_follow_the_permissive_1_0_1_grammar() {
    assert_eq!(ok("$inputs.{foo}"), Expr::Inputs { name: s("{foo}"), pointer: None });
    assert_eq!(ok("$inputs.foo bar"), Expr::Inputs { name: s("foo bar"), pointer: None });
    assert_eq!(ok("$inputs.名前"), Expr::Inputs { name: s("名前"), pointer: None });
    assert_eq!(ok("$inputs."), Expr::Inputs { name: String::new(), pointer: None });
}

#[test]
fn control_characters_are_refused() {
    assert_eq!(err("$inputs.a\tb").offset, 9);
    assert_eq!(err("$response.body#/a\nb").offset, 17);
    assert_eq!(err("$steps.a.outputs.b\u{7f}").offset, 18);
}

#[test]
fn step_outputs() {
    assert_eq!(
        ok("$steps.someStepId.outputs.pets#/0/id"),
        Expr::Steps { step: s("someStepId"), output: Some(s("pets")), pointer: Some(s("/0/id")), rest: String::new() }
    );
    assert_eq!(
        ok("$steps.browser-authorize.outputs.code"),
        Expr::Steps { step: s("browser-authorize"), output: Some(s("code")), pointer: None, rest: String::new() }
    );
    // Output names may contain dots (`^[a-zA-Z0-9\.\-_]+$`).
    assert_eq!(
        ok("$steps.a.outputs.b.c"),
        Expr::Steps { step: s("a"), output: Some(s("b.c")), pointer: None, rest: String::new() }
    );
}

#[test]
fn steps_without_outputs_keep_the_rest() {
    assert_eq!(
        ok("$steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan"),
        Expr::Steps {
            step: s("retrieveFinalizedPaymentPlan"),
            output: None,
            pointer: None,
            rest: s(".finalizedPaymentPlan"),
        }
    );
    assert_eq!(ok("$steps.a"), Expr::Steps { step: s("a"), output: None, pointer: None, rest: String::new() });
    assert_eq!(
        ok("$steps.a.outputs."),
        Expr::Steps { step: s("a"), output: None, pointer: None, rest: s(".outputs.") }
    );
    assert_eq!(err("$steps.").offset, 7);
    assert_eq!(err("$steps..outputs.x").offset, 7);
}

#[test]
fn workflow_inputs_and_outputs() {
    assert_eq!(
        ok("$workflows.authWorkflow.outputs.token#/accessToken"),
        Expr::Workflows {
            workflow: s("authWorkflow"),
            field: s("outputs"),
            name: s("token"),
            pointer: Some(s("/accessToken")),
            rest: String::new(),
        }
    );
    assert_eq!(
        ok("$workflows.foo.inputs.username"),
        Expr::Workflows {
            workflow: s("foo"),
            field: s("inputs"),
            name: s("username"),
            pointer: None,
            rest: String::new()
        }
    );
    assert_eq!(
        ok("$workflows.foo.steps.x"),
        Expr::Workflows {
            workflow: s("foo"),
            field: String::new(),
            name: String::new(),
            pointer: None,
            rest: s(".steps.x")
        }
    );
    assert_eq!(err("$workflows.").offset, 11);
}

#[test]
fn source_descriptions_keep_dotted_members() {
    assert_eq!(
        ok("$sourceDescriptions.svix-api.v1.integration.get"),
        Expr::SourceDescriptions { name: s("svix-api"), rest: s("v1.integration.get") }
    );
    assert_eq!(
        ok("$sourceDescriptions.petStoreDescription.url"),
        Expr::SourceDescriptions { name: s("petStoreDescription"), rest: s("url") }
    );
    assert_eq!(err("$sourceDescriptions.petStore").offset, 28);
    assert_eq!(err("$sourceDescriptions.petStore.").offset, 29);
    assert_eq!(err("$sourceDescriptions..x").offset, 20);
}

#[test]
fn components() {
    assert_eq!(
        ok("$components.parameters.petId"),
        Expr::Components { kind: s("parameters"), name: s("petId"), rest: String::new() }
    );
    assert_eq!(
        ok("$components.successActions.notify.user"),
        Expr::Components { kind: s("successActions"), name: s("notify.user"), rest: String::new() }
    );
    assert_eq!(
        ok("$components.parameters.a b"),
        Expr::Components { kind: s("parameters"), name: s("a"), rest: s(" b") }
    );
    assert_eq!(
        ok("$components.parameters."),
        Expr::Components { kind: s("parameters"), name: String::new(), rest: s(".") }
    );
    assert_eq!(err("$components.").offset, 12);
}

#[test]
fn one_point_one_expressions_parse_and_print_back() {
    // The parser reads both grammars; `check::version::expression` refuses these in 1.0 documents.
    assert_eq!(ok("$self"), Expr::SelfUri);
    assert_eq!(ok("$message.payload#/user/id"), Expr::Message { rest: "payload#/user/id".into() });
    for text in ["$self", "$message.header.content-type", "$message.body"] {
        assert_eq!(ok(text).to_string(), text);
    }
    assert!(err("$self.x").message.contains("unexpected `.`"));
    assert!(err("$message").message.contains("expected `.`"));
}

#[test]
fn a_pointer_into_all_inputs_names_the_form_to_write() {
    // Neither ABNF has `$inputs#/...` (or `$outputs#/...`): the message says what to write.
    let e = err("$inputs#/customer/name");
    assert_eq!(e.offset, 7);
    assert!(e.message.contains("`$inputs.<name>#/<pointer>`"), "{e}");
    assert!(err("$outputs#/a").message.contains("`$outputs.<name>#/<pointer>`"));
}

#[test]
fn non_expressions_are_refused() {
    assert_eq!(err("").offset, 0);
    assert_eq!(err("url").offset, 0);
    assert_eq!(err("$").offset, 1);
    assert_eq!(err("$unknown.type").offset, 1);
    assert_eq!(err(" $url").offset, 0);
}

#[test]
fn display_round_trips() {
    for text in [
        "$url",
        "$request.header.accept",
        "$request.path.",
        "$response.body",
        "$response.body#",
        "$response.body#/a~1b",
        "$inputs.customer#/firstName",
        "$outputs.x",
        "$steps.a.outputs.b#/c",
        "$steps.a.finalized",
        "$steps.a.outputs.",
        "$workflows.w.outputs.o#/p",
        "$workflows.w.other",
        "$sourceDescriptions.s.v1.get",
        "$components.parameters.p",
        "$components.parameters.",
        "$components.parameters",
        "$components.parameters.p q",
    ] {
        assert_eq!(ok(text).to_string(), text);
    }
}

#[test]
fn error_display_names_the_offset() {
    assert_eq!(err("$url!").to_string(), "unexpected `!` after `$url` (at byte 4)");
}

#[test]
fn unicode_never_splits_a_char() {
    // Keywords are ASCII, so `é` is trailing text; the message quotes it whole.
    let e = err("$urlé");
    assert_eq!(e.offset, 4);
    assert!(e.message.contains("`é`"), "{e}");
    assert_eq!(err("$inputs.a#/b~é").offset, 12);
}

// ---- templates ----

fn expr_part(expr: Expr, braced: bool, offset: usize) -> TemplatePart {
    TemplatePart::Expr { expr, braced, offset }
}

fn lit(text: &str) -> TemplatePart {
    TemplatePart::Literal(s(text))
}

fn input(name: &str) -> Expr {
    Expr::Inputs { name: s(name), pointer: None }
}

#[test]
fn template_braced_expressions() {
    assert_eq!(
        parse_template("Hello {$inputs.name}!").unwrap(),
        vec![lit("Hello "), expr_part(input("name"), true, 7), lit("!")]
    );
    assert_eq!(parse_template("{$url}").unwrap(), vec![expr_part(Expr::Url, true, 1)]);
}

#[test]
fn template_without_expressions_is_one_literal() {
    assert_eq!(parse_template("").unwrap(), vec![lit("")]);
    assert_eq!(parse_template("costs $5 {}").unwrap(), vec![lit("costs $5 {}")]);
    assert_eq!(parse_template("{$}").unwrap(), vec![lit("{$}")]);
}

#[test]
fn template_bare_expressions_are_marked() {
    assert_eq!(
        parse_template("Bearer $inputs.backendApiKey").unwrap(),
        vec![lit("Bearer "), expr_part(input("backendApiKey"), false, 7)]
    );
    assert_eq!(
        parse_template("$inputs.a and $inputs.b").unwrap(),
        vec![expr_part(input("a"), false, 0), lit(" and "), expr_part(input("b"), false, 14)]
    );
}

#[test]
fn template_bare_dollar_needs_whitespace_before_and_a_known_prefix() {
    assert_eq!(parse_template("scope=$inputs.scope").unwrap(), vec![lit("scope=$inputs.scope")]);
    assert_eq!(parse_template("echo $HOME").unwrap(), vec![lit("echo $HOME")]);
    // A known prefix that does not parse stays text.
    assert_eq!(parse_template("see $request.cookie.a").unwrap(), vec![lit("see $request.cookie.a")]);
    // Unicode whitespace counts.
    assert_eq!(parse_template("x\u{3000}$url").unwrap(), vec![lit("x\u{3000}"), expr_part(Expr::Url, false, 4)]);
}

#[test]
fn template_json_text_payload() {
    let text = r#"{"customer": "{$inputs.customer#/uri}", "n": {"m": 1}}"#;
    let parts = parse_template(text).unwrap();
    assert_eq!(
        parts,
        vec![
            lit(r#"{"customer": ""#),
            expr_part(Expr::Inputs { name: s("customer"), pointer: Some(s("/uri")) }, true, 15),
            lit(r#"", "n": {"m": 1}}"#),
        ]
    );
}

#[test]
fn template_braces_nest_inside_an_expression() {
    assert_eq!(
        parse_template("a{$request.body#/{id}}b").unwrap(),
        vec![lit("a"), expr_part(Expr::Request(Source::Body(Some(s("/{id}")))), true, 2), lit("b")]
    );
}

#[test]
fn template_braced_errors() {
    let e = parse_template("x {$inptus.token}").unwrap_err();
    assert_eq!(e.offset, 4, "offset of the bad keyword inside the whole text");
    let e = parse_template("x {$inputs.token").unwrap_err();
    assert_eq!(e.offset, 2);
    let e = parse_template("{$url }").unwrap_err();
    assert_eq!(e.offset, 5);
}

#[test]
fn template_offsets_with_multibyte_text() {
    assert_eq!(parse_template("é{$url}ü").unwrap(), vec![lit("é"), expr_part(Expr::Url, true, 3), lit("ü")]);
}

#[test]
fn embedded_runtime_expressions_are_found_but_xpath_braces_are_not() {
    let condition = "/root/items[price > {$steps.getPricing.outputs.minPrice}]";
    assert_eq!(
        embedded_in_condition(condition).map(|range| &condition[range]),
        Some("{$steps.getPricing.outputs.minPrice}")
    );
    assert_eq!(embedded_in_condition("/a[@s = '{$statusCode}']").map(|range| range.start), Some(9));
    assert_eq!(embedded_in_condition("map { $key : 1 }"), None);
    assert_eq!(embedded_in_condition("for-each(1 to 3, function($a) {$a * 2})"), None);
    assert_eq!(embedded_in_condition("/a{$inputsX}"), None);
}
