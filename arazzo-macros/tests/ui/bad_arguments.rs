arazzo_macros::workflow!("documents/braceless.arazzo.yaml", sources(petsApi = "pets.openapi.yaml"));

fn main() {}
