// With `deny_warnings`, a warning is an error, shown as `error:` with the same text and place.
arazzo_macros::workflow!("documents/braceless.arazzo.yaml", deny_warnings);

fn main() {}
