arazzo_macros::workflow!("documents/unknown-operation.arazzo.yaml");

fn main() {}
