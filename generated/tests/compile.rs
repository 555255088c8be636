//! What compiles and what does not: misuse of a generated client is a compile error.

#[test]
fn generated_clients_compile_as_users_call_them() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass_*.rs");
    cases.compile_fail("tests/ui/fail_*.rs");
}
