use super::*;
use crate::expr::Source;

fn ok(text: &str) -> Condition {
    match parse_condition(text) {
        Ok(condition) => condition,
        Err(e) => panic!("`{text}` should parse: {e}"),
    }
}

fn err(text: &str) -> ExprErrorView {
    match parse_condition(text) {
        Ok(condition) => panic!("`{text}` should be refused, got {condition:?}"),
        Err(e) => ExprErrorView { offset: e.offset, message: e.message },
    }
}

struct ExprErrorView {
    offset: usize,
    message: String,
}

fn b(c: Condition) -> Box<Condition> {
    Box::new(c)
}

fn status() -> Condition {
    Condition::Expr(Expr::StatusCode, vec![])
}

fn int(n: i64) -> Condition {
    Condition::Literal(Literal::Number(n as f64))
}

fn cmp(left: Condition, op: CompareOp, right: Condition) -> Condition {
    Condition::Compare(b(left), op, b(right))
}

fn body(navs: Vec<Nav>) -> Condition {
    Condition::Expr(Expr::Response(Source::Body(None)), navs)
}

fn field(name: &str) -> Nav {
    Nav::Field(name.to_owned())
}

#[test]
fn literals() {
    assert_eq!(ok("true"), Condition::Literal(Literal::Bool(true)));
    assert_eq!(ok("null"), Condition::Literal(Literal::Null));
    assert_eq!(ok("42"), int(42));
    assert_eq!(ok("-7"), int(-7));
    assert_eq!(ok("-2.75"), Condition::Literal(Literal::Number(-2.75)));
    assert_eq!(ok("1.5e3"), Condition::Literal(Literal::Number(1500.0)));
    assert_eq!(ok("2E-2"), Condition::Literal(Literal::Number(0.02)));
    assert_eq!(ok("'it''s ok'"), Condition::Literal(Literal::String("it's ok".to_owned())));
    assert_eq!(ok("''"), Condition::Literal(Literal::String(String::new())));
}

#[test]
fn bad_literals() {
    assert_eq!(err("'open").offset, 0);
    assert_eq!(err("200abc").offset, 3);
    assert_eq!(err("1.").offset, 2);
    assert_eq!(err("1e").offset, 2);
    assert_eq!(err("-x").offset, 0);
    assert_eq!(err("1.2.3").offset, 3);
    assert_eq!(ok("-9007199254740991"), int(-9_007_199_254_740_991));
    // From 2^53 on an f64 rounds: integers stay exact up to 64 bits, and are refused beyond.
    let exact = |n: i128| Condition::Literal(Literal::Integer(n));
    assert_eq!(ok("9007199254740993"), exact(9_007_199_254_740_993));
    assert_eq!(ok("-9007199254740992"), exact(-9_007_199_254_740_992));
    assert_eq!(ok("18446744073709551615"), exact(i128::from(u64::MAX)));
    assert_eq!(ok("-9223372036854775808"), exact(i128::from(i64::MIN)));
    assert_eq!(ok("9007199254740993").to_string(), "9007199254740993");
    for beyond in ["18446744073709551616", "-9223372036854775809", "100000000000000000000000"] {
        let error = err(beyond);
        assert_eq!(error.offset, 0);
        assert!(error.message.contains("beyond 64 bits"), "{}", error.message);
    }
    // Beyond 2^53 with an exponent is a float by intent and accepted.
    assert_eq!(ok("1e300"), Condition::Literal(Literal::Number(1e300)));
    assert!(err("1e999").message.contains("out of range"));
    assert_eq!(err("available").offset, 0);
    assert_eq!(err("\"double\"").offset, 0);
}

#[test]
fn comparison() {
    assert_eq!(ok("$statusCode == 200"), cmp(status(), CompareOp::Eq, int(200)));
    assert_eq!(ok("  $statusCode==200  "), cmp(status(), CompareOp::Eq, int(200)));
    assert_eq!(ok("$statusCode<=599"), cmp(status(), CompareOp::Le, int(599)));
    assert_eq!(ok("200 != $statusCode"), cmp(int(200), CompareOp::Ne, status()));
}

#[test]
fn navigation_after_an_expression() {
    assert_eq!(
        ok("$response.body.data[0].id > 10"),
        cmp(body(vec![field("data"), Nav::Index(0), field("id")]), CompareOp::Gt, int(10))
    );
    assert_eq!(ok("$response.body[12]"), body(vec![Nav::Index(12)]));
    // Names absorb dots (as in the ABNF) but `[` starts an index.
    assert_eq!(
        ok("$inputs.a.b[1]"),
        Condition::Expr(Expr::Inputs { name: "a.b".to_owned(), pointer: None }, vec![Nav::Index(1)])
    );
    assert_eq!(err("$response.body.").offset, 15);
    assert_eq!(err("$response.body[x]").offset, 15);
    assert_eq!(err("$response.body[1").offset, 15);
}

#[test]
fn pointers_end_at_whitespace_and_operators() {
    let id = Condition::Expr(Expr::Request(Source::Body(Some("/id".to_owned()))), vec![]);
    assert_eq!(ok("$request.body#/id == 1"), cmp(id.clone(), CompareOp::Eq, int(1)));
    assert_eq!(ok("$request.body#/id==1"), cmp(id.clone(), CompareOp::Eq, int(1)));
    assert_eq!(ok("($request.body#/id)"), id);
    // A lone `=` belongs to the pointer, as the JSON pointer grammar allows.
    assert_eq!(
        ok("$request.body#/a=b != null"),
        cmp(
            Condition::Expr(Expr::Request(Source::Body(Some("/a=b".to_owned()))), vec![]),
            CompareOp::Ne,
            Condition::Literal(Literal::Null)
        )
    );
}

#[test]
fn precedence_not_compare_and_or() {
    // `!` binds tighter than `==`.
    assert_eq!(
        ok("!$response.body == true"),
        cmp(Condition::Not(b(body(vec![]))), CompareOp::Eq, Condition::Literal(Literal::Bool(true)))
    );
    // `&&` binds tighter than `||`.
    let a = || cmp(status(), CompareOp::Eq, int(1));
    let c2 = || cmp(status(), CompareOp::Eq, int(2));
    let c3 = || cmp(status(), CompareOp::Eq, int(3));
    assert_eq!(
        ok("$statusCode == 1 || $statusCode == 2 && $statusCode == 3"),
        Condition::Or(b(a()), b(Condition::And(b(c2()), b(c3()))))
    );
    // Left-associative chains.
    assert_eq!(
        ok("$statusCode == 1 || $statusCode == 2 || $statusCode == 3"),
        Condition::Or(b(Condition::Or(b(a()), b(c2()))), b(c3()))
    );
    assert_eq!(
        ok("($statusCode == 1 || $statusCode == 2) && $statusCode == 3"),
        Condition::And(b(Condition::Or(b(a()), b(c2()))), b(c3()))
    );
}

#[test]
fn operator_mistakes() {
    assert!(err("$statusCode === 200").message.contains("`==`"));
    assert!(err("$statusCode !== 200").message.contains("`!=`"));
    assert!(err("$statusCode = 200").message.contains("`==`"));
    assert_eq!(err("$statusCode=200").offset, 11);
    assert!(err("true & false").message.contains("`&&`"));
    assert!(err("true | false").message.contains("`||`"));
    let chained = err("$statusCode < 200 < 300");
    assert_eq!(chained.offset, 18);
    assert!(chained.message.contains("chained"));
}

#[test]
fn structure_errors() {
    assert_eq!(err("").message, "empty condition");
    assert_eq!(err("   ").message, "empty condition");
    assert_eq!(err("==").offset, 0);
    assert_eq!(err("$statusCode ==").offset, 14);
    assert_eq!(err("$statusCode == == 200").offset, 15);
    assert_eq!(err("($statusCode == 200").offset, 0);
    assert_eq!(err("$statusCode == 200)").offset, 18);
    assert_eq!(err("true true").offset, 5);
    assert_eq!(err("!").offset, 1);
    assert_eq!(err("()").offset, 1);
}

#[test]
fn expression_errors_point_into_the_condition() {
    let e = err("$statusCode == 200 && $selfish == null");
    assert_eq!(e.offset, 23);
    assert!(e.message.contains("unknown runtime expression `$selfish`"), "{}", e.message);
    assert_eq!(err("1 == $request.cookie.x").offset, 14);
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{}true{}", "(".repeat(100), ")".repeat(100));
    assert!(err(&deep).message.contains("nest"));
    let nots = format!("{}true", "!".repeat(100));
    assert!(err(&nots).message.contains("nest"));
    let long = vec!["true"; 2000].join(" && ");
    assert!(err(&long).message.contains("tokens"));
    // The longest accepted chain still prints and reparses (recursion depth ~500).
    let longest = vec!["true"; 500].join(" && ");
    assert_eq!(ok(&ok(&longest).to_string()), ok(&longest));
    let fine = format!("{}true{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(ok(&fine), Condition::Literal(Literal::Bool(true)));
}

#[test]
fn display_is_canonical_and_reparses() {
    let cases = [
        ("  $statusCode==200  ", "$statusCode == 200"),
        ("!($statusCode == 200)", "!($statusCode == 200)"),
        ("!!true", "!!true"),
        (
            "(($statusCode == 200 || $statusCode == 201)) && $response.body != null",
            "($statusCode == 200 || $statusCode == 201) && $response.body != null",
        ),
        ("true && (false && null)", "true && (false && null)"),
        ("(true && false) && null", "true && false && null"),
        ("true || (false || null)", "true || (false || null)"),
        ("(true == false) == null", "(true == false) == null"),
        ("$response.body.data[0].id > 1.5e3", "$response.body.data[0].id > 1500"),
        ("1e300 < 0.02", "1e300 < 0.02"),
        ("200.0 == -0", "200 == -0"),
        ("$inputs.name == 'it''s ok'", "$inputs.name == 'it''s ok'"),
        ("$request.body#/id==-0.5", "$request.body#/id == -0.5"),
    ];
    for (text, canonical) in cases {
        let parsed = ok(text);
        assert_eq!(parsed.to_string(), canonical, "display of `{text}`");
        assert_eq!(ok(canonical), parsed, "reparse of `{canonical}`");
    }
}

#[test]
fn expressions_are_listed_in_order() {
    let c = ok("$statusCode == 200 && !($response.body.ok == $inputs.expected)");
    let listed: Vec<String> = c.expressions().iter().map(|e| e.to_string()).collect();
    assert_eq!(listed, ["$statusCode", "$response.body", "$inputs.expected"]);
    assert!(ok("true").expressions().is_empty());
}
