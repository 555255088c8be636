// Warnings are deprecation notes: denied here, so that the test sees them.
#![deny(deprecated)]

arazzo_macros::workflow!("documents/braceless.arazzo.yaml");

fn main() {}
