// A name with no module in OUT_DIR: the error lists the modules build.rs wrote.
arazzo_runtime::include_workflow!("svix_rotate_integration");

fn main() {}
