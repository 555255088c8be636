// Several calls in one module, one name unknown: the error is at that call, and the modules that
// exist are still included (`svix::..` below resolves).
mod rotations {
    arazzo_runtime::include_workflow!("svix_rotate_integration_key");
    arazzo_runtime::include_workflow!("deepgram_rotate_project");
    arazzo_runtime::include_workflow!("deepgram_rotate_project_key");
}

fn main() {
    let _ = rotations::svix_rotate_integration_key::rotate_integration_key;
    let _ = rotations::deepgram_rotate_project_key::rotate_project_key;
}
