//! The OpenAPI operation index: the shared provider descriptions and small documents for each rule.

// clippy's test allowances only cover `#[test]` functions, not the helpers of an integration test.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use arazzo_codegen::diagnostic::{Diagnostic, Location};
use arazzo_codegen::load::{load_file, load_str};
use arazzo_codegen::openapi::{
    Method, OpenApi, Operation, ParamLocation, SecurityRequirement, SecurityScheme, split_pointer,
};
use serde_json::json;

fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/openapi").join(relative)
}

fn provider(relative: &str) -> OpenApi {
    let loaded = load_file(&shared(relative)).unwrap_or_else(|d| panic!("{d}"));
    OpenApi::from_loaded(&loaded).unwrap_or_else(|ds| panic!("{ds:?}"))
}

fn index(text: &str) -> OpenApi {
    let loaded = load_str(Path::new("api.yaml"), text).unwrap_or_else(|d| panic!("{d}"));
    OpenApi::from_loaded(&loaded).unwrap_or_else(|ds| panic!("{ds:?}"))
}

fn rejected(text: &str) -> Vec<Diagnostic> {
    let loaded = load_str(Path::new("api.yaml"), text).unwrap_or_else(|d| panic!("{d}"));
    match OpenApi::from_loaded(&loaded) {
        Ok(api) => panic!("should be rejected, indexed {} operations", api.operations.len()),
        Err(diagnostics) => diagnostics,
    }
}

fn op<'a>(api: &'a OpenApi, id: &str) -> &'a Operation {
    api.operation_by_id(id).unwrap_or_else(|| panic!("no operation {id}"))
}

fn at(line: usize, column: usize) -> Option<Location> {
    Some(Location { line, column })
}

/// One requirement naming one scheme without scopes.
fn only(scheme: &str) -> Vec<SecurityRequirement> {
    vec![SecurityRequirement::from([(scheme.to_string(), Vec::new())])]
}

fn names(operation: &Operation) -> Vec<(&str, ParamLocation)> {
    operation.parameters.iter().map(|p| (p.name.as_str(), p.location)).collect()
}

// ---------------------------------------------------------------- the shared provider descriptions

#[test]
fn every_shared_description_indexes_without_problems() {
    let mut stack = vec![shared("")];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let loaded = load_file(&path).unwrap_or_else(|d| panic!("{d}"));
            let api = OpenApi::from_loaded(&loaded).unwrap_or_else(|ds| panic!("{}: {ds:?}", path.display()));
            assert!(!api.operations.is_empty(), "{}", path.display());
            assert!(api.warnings.is_empty(), "{}: {:?}", path.display(), api.warnings);
            for operation in &api.operations {
                assert!(operation.problems.is_empty(), "{}: {:?}", path.display(), operation.problems);
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 6);
}

#[test]
fn svix_has_128_operations_and_five_regional_servers() {
    let api = provider("svix/svix-openapi.json");
    assert_eq!(api.version, "3.1.0");
    assert_eq!(api.title.as_deref(), Some("Svix API"));
    assert_eq!(api.operations.len(), 128);
    let urls: Vec<String> = api.servers.iter().map(|s| s.default_url()).collect();
    assert_eq!(
        urls,
        [
            "https://api.eu.svix.com/",
            "https://api.us.svix.com/",
            "https://api.ca.svix.com/",
            "https://api.au.svix.com/",
            "https://api.in.svix.com/"
        ]
    );
    assert_eq!(api.security_schemes.get("HTTPBearer"), Some(&SecurityScheme::HttpBearer { bearer_format: None }));
    assert_eq!(
        api.security_scheme_description("HTTPBearer"),
        Some("HTTP Bearer token passed in the `Authorization` header")
    );
}

#[test]
fn svix_integration_operations() {
    let api = provider("svix/svix-openapi.json");
    let get = op(&api, "v1.integration.get");
    assert_eq!(get.method, Method::Get);
    assert_eq!(get.path, "/api/v1/app/{app_id}/integration/{integ_id}");
    assert_eq!(get.pointer, "/paths/~1api~1v1~1app~1{app_id}~1integration~1{integ_id}/get");
    assert_eq!(get.location, at(6432, 14));
    assert!(!get.deprecated);
    assert_eq!(get.security, only("HTTPBearer"));
    assert_eq!(get.servers.len(), 5, "inherits the root servers");

    let rotate = op(&api, "v1.integration.rotate-key");
    assert_eq!(rotate.method, Method::Post);
    assert_eq!(rotate.path, "/api/v1/app/{app_id}/integration/{integ_id}/key/rotate");
    assert_eq!(
        names(rotate),
        [
            ("app_id", ParamLocation::Path),
            ("integ_id", ParamLocation::Path),
            ("idempotency-key", ParamLocation::Header)
        ],
        "the idempotency-key header is declared twice and kept once"
    );
    assert!(rotate.parameters[0].required);
    assert!(!rotate.parameters[2].required);
    assert_eq!(rotate.request_body, None);
    assert!(rotate.responses.contains_key("200"));

    let get_key = op(&api, "v1.integration.get-key");
    assert_eq!(
        (get_key.method, get_key.path.as_str()),
        (Method::Get, "/api/v1/app/{app_id}/integration/{integ_id}/key")
    );
    assert!(get_key.deprecated);
}

#[test]
fn svix_operations_are_found_by_pointer() {
    let api = provider("svix/svix-openapi.json");
    let found = api.operation_by_pointer("/paths/~1api~1v1~1app~1{app_id}~1integration~1{integ_id}/get");
    assert_eq!(found.and_then(|o| o.operation_id.as_deref()), Some("v1.integration.get"));
    let encoded = api.operation_by_pointer("#/paths/~1api~1v1~1app~1%7Bapp_id%7D~1integration~1%7Binteg_id%7D/get");
    assert_eq!(encoded.and_then(|o| o.operation_id.as_deref()), Some("v1.integration.get"));
    assert!(
        api.operation_by_pointer("/paths/~1api~1v1~1app~1{app_id}~1integration~1{integ_id}/post").is_none(),
        "only get, put and delete exist"
    );
    assert!(api.operation_by_pointer("/paths/api/get").is_none());
}

#[test]
fn svix_response_schema_is_walked_through_refs() {
    let api = provider("svix/svix-openapi.json");
    let schema = op(&api, "v1.integration.get").responses["200"].content["application/json"].clone().unwrap();
    let id = api.schema_at_pointer(&schema, &["id"]).unwrap().unwrap();
    assert_eq!(id["type"], "string");
    assert_eq!(id["pattern"], "^integ_[A-Za-z0-9]{27}$");
    let flag = api.schema_at_pointer(&schema, &["featureFlags", "3"]).unwrap().unwrap();
    assert_eq!(flag["maxLength"], 256);
    assert_eq!(api.schema_at_pointer(&schema, &["nope"]).unwrap(), None);
    let whole = api.schema_at_pointer(&schema, &[]).unwrap().unwrap();
    assert_eq!(whole["required"], json!(["createdAt", "id", "name", "updatedAt"]));
}

#[test]
fn closest_operation_ids_suggest_near_misses() {
    let api = provider("svix/svix-openapi.json");
    assert_eq!(
        api.closest_operation_ids("v1.integration.get-keys", 2),
        ["v1.integration.get-key", "v1.integration.get"]
    );
    assert_eq!(api.closest_operation_ids("v1.integration.get", 1), ["v1.integration.get"]);
    assert!(api.closest_operation_ids("x", 0).is_empty());
}

#[test]
fn propelauth_server_variable_has_a_default() {
    let api = provider("propelauth/propelauth-api-keys-api-openapi.yml");
    let server = &api.servers[0];
    assert_eq!(server.url, "https://{authId}.propelauthtest.com");
    assert_eq!(server.variables["authId"].default, "0000000000");
    assert_eq!(server.default_url(), "https://0000000000.propelauthtest.com");
    assert_eq!(api.servers[1].default_url(), "https://auth.example.com");
}

#[test]
fn propelauth_operations_and_schemas() {
    let api = provider("propelauth/propelauth-api-keys-api-openapi.yml");
    let fetch = op(&api, "fetchActiveApiKeys");
    assert_eq!((fetch.method, fetch.path.as_str()), (Method::Get, "/api/backend/v1/end_user_api_keys"));
    let user_id = fetch.parameters.iter().find(|p| p.name == "user_id").unwrap();
    assert_eq!(user_id.location, ParamLocation::Query);
    assert!(!user_id.required);
    assert_eq!(fetch.security, only("BackendApiKey"), "global");
    let schema = fetch.responses["200"].content["application/json"].clone().unwrap();
    let key_id = api.schema_at_pointer(&schema, &["api_keys", "0", "api_key_id"]).unwrap().unwrap();
    assert_eq!(key_id, &json!({"type": "string", "format": "uuid"}));

    let delete = op(&api, "deleteApiKey");
    assert_eq!(delete.method, Method::Delete);
    assert_eq!(names(delete), [("apiKeyId", ParamLocation::Path)], "resolved from #/components/parameters/ApiKeyId");

    let create = op(&api, "createApiKey");
    assert_eq!(create.responses.keys().collect::<Vec<_>>(), ["201"]);
    assert!(create.request_body.as_ref().unwrap().content.contains_key("application/json"));
}

#[test]
fn backblaze_security_and_nested_response_schema() {
    let api = provider("backblaze/backblaze-b2-native-api.yaml");
    assert_eq!(api.version, "3.0.3");
    assert_eq!(api.security_schemes["ApplicationKeyAuth"], SecurityScheme::HttpBearer { bearer_format: None });
    assert_eq!(api.security_schemes["BasicAuth"], SecurityScheme::HttpBasic);
    let authorize = op(&api, "authorizeAccount");
    assert_eq!((authorize.method, authorize.path.as_str()), (Method::Get, "/b2api/v4/b2_authorize_account"));
    assert_eq!(authorize.security, only("BasicAuth"));
    let create = op(&api, "createKey");
    assert_eq!((create.method, create.path.as_str()), (Method::Post, "/b2api/v4/b2_create_key"));
    assert_eq!(create.security, only("ApplicationKeyAuth"));
    assert!(create.request_body.as_ref().unwrap().required);

    let schema = authorize.responses["200"].content["application/json"].clone().unwrap();
    let api_url = api.schema_at_pointer(&schema, &["apiInfo", "storageApi", "apiUrl"]).unwrap().unwrap();
    assert_eq!(api_url["type"], "string");
    assert_eq!(api_url["example"], "https://api005.backblazeb2.com");
}

#[test]
fn apigee_server_carries_the_base_path() {
    let api = provider("apigee/apigee-api-management-openapi.yml");
    assert_eq!(api.servers[0].default_url(), "https://apigee.googleapis.com/v1");
    assert_eq!(api.security_schemes["oauth2"], SecurityScheme::OAuth2);
    let update = op(&api, "updateDeveloperAppKey");
    assert_eq!(update.method, Method::Put);
    assert_eq!(update.path, "/organizations/{organizationId}/developers/{developerId}/apps/{appId}/keys/{keyId}");
    assert_eq!(update.parameters.len(), 4);
    assert_eq!(update.parameters[3].name, "keyId");
    assert_eq!(update.parameters[3].schema, Some(json!({"type": "string"})));
    assert_eq!(op(&api, "getDeveloperApp").method, Method::Get);
}

#[test]
fn deepgram_3_2_description_loads() {
    let api = provider("deepgram/deepgram-keys-api-openapi.yml");
    assert_eq!(api.version, "3.2.0");
    let delete = op(&api, "deleteProjectKey");
    assert_eq!((delete.method, delete.path.as_str()), (Method::Delete, "/v1/projects/{project_id}/keys/{key_id}"));
    assert!(delete.responses.contains_key("204"));
    assert_eq!(api.servers[0].default_url(), "https://api.deepgram.com");
}

#[test]
fn methods_have_field_variant_and_wire_names() {
    assert_eq!(Method::from_field("patch"), Some(Method::Patch));
    assert_eq!(Method::from_field("query"), None);
    assert_eq!(Method::Patch.as_str(), "patch");
    assert_eq!(Method::Patch.variant(), "Patch");
    assert_eq!(Method::Patch.to_string(), "PATCH");
}

// ---------------------------------------------------------------- versions

#[test]
fn swagger_2_is_rejected_at_its_version_field() {
    let diagnostics = rejected("info:\n  title: old\nswagger: '2.0'\npaths: {}\n");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].location, at(3, 10));
    assert!(diagnostics[0].message.contains("Swagger 2.0"), "{}", diagnostics[0]);
}

#[test]
fn missing_or_unknown_versions_are_rejected() {
    assert!(rejected("info: {}\npaths: {}\n")[0].message.contains("missing `openapi`"));
    let future = rejected("openapi: 4.0.0\npaths: {}\n");
    assert_eq!(future[0].location, at(1, 10));
    assert!(future[0].message.contains("unsupported OpenAPI version `4.0.0`"));
    assert!(rejected("openapi: 3.10.0\n")[0].message.contains("unsupported"));
    assert!(rejected("- openapi: 3.1.0\n")[0].message.contains("mapping"));
    assert_eq!(index("openapi: 3.1\n").version, "3.1", "an unquoted 3.1 reads as a number");
    assert!(index("openapi: 3.0.0\n").operations.is_empty(), "3.1 made paths optional; accepted everywhere");
}

#[test]
fn malformed_yaml_is_reported_by_the_loader_with_its_position() {
    let diagnostic = load_str(Path::new("api.yaml"), "openapi: 3.1.0\npaths:\n  /a:\n    get: {\n").unwrap_err();
    assert_eq!(diagnostic.location.map(|l| l.line), Some(5), "{diagnostic}");
    let diagnostic =
        load_str(Path::new("api.yaml"), "openapi: 3.1.0\npaths:\n  /a:\n   get: 1\n  b: 2\n c: 3\n").unwrap_err();
    assert_eq!(diagnostic.location, at(6, 2), "{diagnostic}");
}

// ---------------------------------------------------------------- parameters

const PARAMETERS: &str = "\
openapi: 3.1.0
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, schema: {type: integer}}
      - {name: X-Trace, in: header}
      - {name: limit, in: query}
    get:
      operationId: getItem
      parameters:
        - {name: x-trace, in: header, required: true, description: operation level}
        - {name: limit, in: cookie}
        - {name: q, in: query, content: {application/json: {schema: {type: object}}}}
        - {name: q, in: query, description: second}
        - $ref: '#/components/parameters/Page'
    post:
      operationId: postItem
      parameters:
        - $ref: '#/components/parameters/Missing'
        - $ref: 'other.yaml#/components/parameters/X'
        - $ref: '#/components/parameters/Loop'
        - {name: bad, in: body}
        - {in: query}
components:
  parameters:
    Page: {name: page, in: query, style: form, explode: false}
    Loop: {$ref: '#/components/parameters/Loop2'}
    Loop2: {$ref: '#/components/parameters/Loop'}
";

#[test]
fn parameters_merge_path_and_operation_levels() {
    let api = index(PARAMETERS);
    let get = op(&api, "getItem");
    assert_eq!(
        names(get),
        [
            ("id", ParamLocation::Path),
            ("x-trace", ParamLocation::Header),
            ("limit", ParamLocation::Query),
            ("limit", ParamLocation::Cookie),
            ("q", ParamLocation::Query),
            ("page", ParamLocation::Query),
        ]
    );
    assert!(get.parameters[0].required, "path parameters are always required");
    assert_eq!(get.parameters[0].schema, Some(json!({"type": "integer"})));
    let trace = &get.parameters[1];
    assert_eq!((trace.required, trace.description.as_deref()), (true, Some("operation level")), "operation wins");
    let q = &get.parameters[4];
    assert_eq!(q.schema, Some(json!({"type": "object"})), "schema taken from content; the first q wins");
    assert_eq!(q.description, None);
    let page = &get.parameters[5];
    assert_eq!((page.style.as_deref(), page.explode), (Some("form"), Some(false)));
    assert!(get.problems.is_empty(), "{:?}", get.problems);
}

#[test]
fn broken_parameters_are_located_problems_of_their_operation() {
    let api = index(PARAMETERS);
    let post = op(&api, "postItem");
    assert_eq!(
        names(post),
        [("id", ParamLocation::Path), ("X-Trace", ParamLocation::Header), ("limit", ParamLocation::Query)]
    );
    let problems: Vec<(Option<Location>, &str, &str)> =
        post.problems.iter().map(|d| (d.location, d.json_path.as_str(), d.message.as_str())).collect();
    assert_eq!(problems.len(), 5, "{problems:?}");
    assert_eq!(problems[0].0, at(19, 11));
    assert_eq!(problems[0].1, "paths./items/{id}.post.parameters[0]");
    assert!(problems[0].2.contains("dangling $ref `#/components/parameters/Missing`"), "{}", problems[0].2);
    assert_eq!(problems[1].0, at(20, 11));
    assert!(problems[1].2.starts_with("external $ref not supported: `other.yaml#/components/parameters/X`"));
    assert_eq!(problems[2].0, at(21, 11));
    assert!(problems[2].2.contains("cyclic $ref chain"), "{}", problems[2].2);
    assert_eq!(problems[3].0, at(22, 11));
    assert!(problems[3].2.contains("unsupported `in: body`"));
    assert_eq!(problems[4].0, at(23, 11));
    assert!(problems[4].2.contains("without a `name`"));
    assert!(post.problems.iter().all(Diagnostic::is_error));
    assert_eq!(post.problems[0].file, Path::new("api.yaml"));
}

#[test]
fn a_broken_path_level_parameter_concerns_every_operation_of_the_path() {
    let api = index(
        "openapi: 3.0.3\npaths:\n  /a:\n    parameters: [{$ref: '#/nope'}]\n    get: {operationId: a}\n    put: {operationId: b}\n",
    );
    for id in ["a", "b"] {
        assert_eq!(op(&api, id).problems.len(), 1, "{id}");
        assert_eq!(op(&api, id).problems[0].location, at(4, 18));
    }
}

// ---------------------------------------------------------------- path items, bodies, responses

#[test]
fn path_items_operations_bodies_and_responses_resolve_refs() {
    let api = index(
        "openapi: 3.1.0
paths:
  /shared:
    $ref: '#/components/pathItems/Shared'
  /plain:
    delete: {operationId: remove}
    get: {operationId: fetch}
components:
  pathItems:
    Shared:
      post:
        operationId: share
        requestBody: {$ref: '#/components/requestBodies/Body'}
        responses:
          '200': {$ref: '#/components/responses/Ok'}
          2XX: {description: other}
  requestBodies:
    Body: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}, text/plain: {}}}
  responses:
    Ok:
      description: fine
      headers:
        X-Rate: {$ref: '#/components/headers/Rate'}
      content: {application/json: {schema: {type: object}}}
  headers:
    Rate: {schema: {type: integer}}
  schemas:
    S: {type: string}
",
    );
    let ids: Vec<Option<&str>> = api.operations.iter().map(|o| o.operation_id.as_deref()).collect();
    assert_eq!(ids, [Some("share"), Some("remove"), Some("fetch")], "document order");
    let share = op(&api, "share");
    assert_eq!(share.pointer, "/paths/~1shared/post");
    assert_eq!(share.path, "/shared");
    assert_eq!(share.location, at(12, 9), "where the operation is written");
    assert_eq!(api.operation_by_pointer("/paths/~1shared/post"), Some(share));
    let body = share.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content["application/json"], Some(json!({"$ref": "#/components/schemas/S"})));
    assert_eq!(body.content["text/plain"], None);
    let ok = &share.responses["200"];
    assert_eq!(ok.description.as_deref(), Some("fine"));
    assert_eq!(ok.headers["X-Rate"], Some(json!({"type": "integer"})));
    assert_eq!(ok.content["application/json"], Some(json!({"type": "object"})));
    assert_eq!(share.responses.keys().collect::<Vec<_>>(), ["200", "2XX"]);
    assert_eq!(share.servers[0].url, "/", "root default server");
}

#[test]
fn skipped_parts_are_warnings_and_the_rest_is_indexed() {
    let api = index(
        "openapi: 3.2.0
paths:
  /a:
    get: 5
    query: {operationId: q}
    post: {operationId: ok}
  /b: [1]
  /c: {$ref: '#/components/pathItems/None'}
",
    );
    assert_eq!(api.operations.len(), 1);
    assert!(api.operation_by_id("ok").is_some());
    assert!(api.operation_by_id("q").is_none());
    let warnings: Vec<(Option<Location>, &str)> =
        api.warnings.iter().map(|w| (w.location, w.message.as_str())).collect();
    assert_eq!(warnings.len(), 4, "{warnings:?}");
    assert_eq!(warnings[0].0, at(4, 10));
    assert!(warnings[0].1.contains("GET /a: an operation must be a mapping"));
    assert_eq!(warnings[1].0, at(5, 12));
    assert!(warnings[1].1.contains("`query` operations (OpenAPI 3.2) are not supported"));
    assert_eq!(warnings[2].0, at(7, 7));
    assert_eq!(warnings[3].0, at(8, 14));
    assert!(warnings[3].1.contains("dangling $ref"));
    assert!(api.warnings.iter().all(|w| !w.is_error()));
}

#[test]
fn paths_that_is_not_a_mapping_is_fatal() {
    let diagnostics = rejected("openapi: 3.0.0\npaths: [1]\n");
    assert_eq!(diagnostics[0].location, at(2, 8));
}

#[test]
fn shared_operation_ids_are_problems_of_both_operations() {
    let api =
        index("openapi: 3.0.0\npaths:\n  /a:\n    get: {operationId: same}\n  /b:\n    get: {operationId: same}\n");
    assert_eq!(op(&api, "same").path, "/a", "the first one is found");
    assert_eq!(api.operations[0].problems[0].location, at(4, 24));
    assert!(api.operations[0].problems[0].message.contains("also used at /paths/~1b/get"));
    assert_eq!(api.operations[1].problems[0].location, at(6, 24));
}

// ---------------------------------------------------------------- security

const SECURITY: &str = "\
openapi: 3.0.3
security:
  - Bearer: []
paths:
  /inherit:
    get: {operationId: inherit}
  /none:
    get: {operationId: none, security: []}
  /own:
    get:
      operationId: own
      security:
        - Key: []
          Oidc: [read, write]
        - Missing: []
components:
  securitySchemes:
    Bearer: {type: http, scheme: Bearer, bearerFormat: JWT, description: a token}
    Basic: {type: http, scheme: BASIC}
    Digest: {type: http, scheme: Digest}
    Key: {type: apiKey, name: X-Key, in: header}
    Query: {type: apiKey, name: key, in: query}
    Cookie: {type: apiKey, name: sid, in: cookie}
    OAuth: {type: oauth2, flows: {}}
    Oidc: {type: openIdConnect, openIdConnectUrl: 'https://example.com'}
    Mtls: {type: mutualTLS}
    Alias: {$ref: '#/components/securitySchemes/Basic'}
    Broken: {type: apiKey, name: k, in: body}
    Strange: {type: magic}
";

#[test]
fn security_schemes_are_parsed_and_refs_resolved() {
    let api = index(SECURITY);
    let scheme = |name: &str| api.security_schemes.get(name).cloned();
    assert_eq!(scheme("Bearer"), Some(SecurityScheme::HttpBearer { bearer_format: Some("JWT".into()) }));
    assert_eq!(scheme("Basic"), Some(SecurityScheme::HttpBasic));
    assert_eq!(scheme("Digest"), Some(SecurityScheme::HttpOther { scheme: "digest".into() }));
    assert_eq!(scheme("Key"), Some(SecurityScheme::ApiKey { name: "X-Key".into(), location: ParamLocation::Header }));
    assert_eq!(scheme("Query"), Some(SecurityScheme::ApiKey { name: "key".into(), location: ParamLocation::Query }));
    assert_eq!(scheme("Cookie"), Some(SecurityScheme::ApiKey { name: "sid".into(), location: ParamLocation::Cookie }));
    assert_eq!(scheme("OAuth"), Some(SecurityScheme::OAuth2));
    assert_eq!(scheme("Oidc"), Some(SecurityScheme::OpenIdConnect));
    assert_eq!(scheme("Mtls"), Some(SecurityScheme::MutualTls));
    assert_eq!(scheme("Alias"), Some(SecurityScheme::HttpBasic));
    assert_eq!(scheme("Broken"), None);
    assert_eq!(scheme("Strange"), None);
    assert_eq!(api.security_scheme_description("Bearer"), Some("a token"));
    assert_eq!(api.security_scheme_description("Basic"), None);
    let warnings: Vec<(Option<Location>, &str)> =
        api.warnings.iter().map(|w| (w.location, w.message.as_str())).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, at(28, 13));
    assert!(warnings[0].1.contains("security scheme `Broken` skipped"));
    assert!(warnings[1].1.contains("unknown type `magic`"));
}

#[test]
fn effective_security_is_the_operations_else_the_global_one() {
    let api = index(SECURITY);
    let inherit = op(&api, "inherit");
    assert_eq!(inherit.security, only("Bearer"));
    assert!(inherit.problems.is_empty());
    assert!(op(&api, "none").security.is_empty(), "`security: []` removes authentication");
    let own = op(&api, "own");
    assert_eq!(own.security.len(), 2);
    assert_eq!(own.security[0]["Oidc"], ["read", "write"]);
    assert_eq!(own.security[0].keys().collect::<Vec<_>>(), ["Key", "Oidc"]);
    assert_eq!(own.problems.len(), 1);
    assert_eq!(own.problems[0].location, at(15, 20));
    assert_eq!(own.problems[0].json_path, "paths./own.get.security[1].Missing");
    assert!(own.problems[0].message.contains("`Missing`"));
}

#[test]
fn inline_security_schemes_can_be_read_from_extensions() {
    assert_eq!(
        SecurityScheme::from_value(&json!({"type": "http", "scheme": "bearer"})),
        Ok(SecurityScheme::HttpBearer { bearer_format: None })
    );
    assert!(SecurityScheme::from_value(&json!({"type": "http"})).is_err());
    assert!(SecurityScheme::from_value(&json!("bearer")).is_err());
}

// ---------------------------------------------------------------- servers

#[test]
fn servers_come_from_the_operation_then_the_path_then_the_root() {
    let api = index(
        "openapi: 3.1.0
servers:
  - url: 'https://{region}.example.com:{port}/{unknown}'
    variables:
      region: {default: eu, enum: [eu, us], description: where}
      port: {default: 8443}
paths:
  /root:
    get: {operationId: root}
  /path:
    servers: [{url: 'https://path.example.com'}]
    get: {operationId: path}
    put: {operationId: own, servers: [{url: 'https://op.example.com', description: mine}]}
    post: {operationId: empty, servers: []}
",
    );
    let root = &api.servers[0];
    assert_eq!(root.default_url(), "https://eu.example.com:8443/{unknown}");
    assert_eq!(root.variables["region"].enum_values, ["eu", "us"]);
    assert_eq!(root.variables["region"].description.as_deref(), Some("where"));
    assert_eq!(root.variables["port"].default, "8443", "a number default is read as text");
    assert_eq!(op(&api, "root").servers, api.servers);
    assert_eq!(op(&api, "path").servers[0].url, "https://path.example.com");
    assert_eq!(op(&api, "own").servers[0].url, "https://op.example.com");
    assert_eq!(op(&api, "own").servers[0].description.as_deref(), Some("mine"));
    assert_eq!(op(&api, "empty").servers[0].url, "https://path.example.com", "an empty list inherits");
}

#[test]
fn a_description_without_servers_defaults_to_slash() {
    let api = index("openapi: 3.0.0\nservers: []\npaths: {}\n");
    assert_eq!(api.servers.len(), 1);
    assert_eq!(api.servers[0].default_url(), "/");
}

#[test]
fn malformed_servers_are_skipped_with_a_warning() {
    let api =
        index("openapi: 3.0.0\nservers:\n  - description: no url\n  - url: /v2\n    variables: {v: {enum: [a]}}\n");
    assert_eq!(api.servers.len(), 1);
    assert_eq!(api.servers[0].variables["v"].default, "a", "first enum value when default is missing");
    assert_eq!(api.warnings.len(), 2);
    assert_eq!(api.warnings[0].location, at(3, 5));
}

// ---------------------------------------------------------------- $ref and schema walking

const SCHEMAS: &str = "\
openapi: 3.1.0
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
    Self: {allOf: [{$ref: '#/components/schemas/Self'}]}
    Dangling: {$ref: '#/components/schemas/Nope'}
    External: {$ref: 'other.yaml#/components/schemas/X'}
    Escaped: {$ref: '#/components/schemas/a~1b~0c'}
    a/b~c: {type: boolean}
    Id: {type: string, format: uuid}
    Named: {type: object, properties: {name: {type: [string, 'null']}}}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Named'
        - {type: object, properties: {id: {$ref: '#/components/schemas/Id'}}}
    Either:
      oneOf:
        - {type: object, properties: {id: {$ref: '#/components/schemas/Id'}, a: {type: integer}}}
        - {type: object, properties: {id: {$ref: '#/components/schemas/Id'}, a: {type: string}}}
    Nullable:
      anyOf:
        - $ref: '#/components/schemas/Merged'
        - {type: 'null'}
    Tuple: {type: array, prefixItems: [{type: string}, {type: integer}], items: {type: boolean}}
    OldTuple: {type: array, items: [{type: string}]}
    Map: {type: object, additionalProperties: {$ref: '#/components/schemas/Id'}}
    Loose: {type: object, additionalProperties: true}
";

#[test]
fn resolve_follows_local_chains_and_reports_the_rest() {
    let api = index(SCHEMAS);
    let schema = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    assert_eq!(api.resolve(&schema("Escaped")).unwrap(), &json!({"type": "boolean"}));
    assert_eq!(api.resolve(&json!({"type": "string"})).unwrap(), &json!({"type": "string"}), "not a reference");
    let cyclic = api.resolve(&schema("A")).unwrap_err();
    assert!(
        cyclic.starts_with(
            "cyclic $ref chain: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A"
        ),
        "{cyclic}"
    );
    assert!(api.resolve(&schema("Dangling")).unwrap_err().contains("dangling $ref `#/components/schemas/Nope`"));
    let external = api.resolve(&schema("External")).unwrap_err();
    assert!(external.starts_with("external $ref not supported: `other.yaml#/components/schemas/X`"), "{external}");
    assert!(api.resolve(&json!({"$ref": 3})).is_err());
    assert!(api.resolve(&json!({"$ref": "#anchor"})).unwrap_err().contains("only JSON pointers"));
}

#[test]
fn schema_at_pointer_walks_properties_items_and_combinators() {
    let api = index(SCHEMAS);
    let schema = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    let walk = |name: &str, pointer: &str| {
        let tokens = split_pointer(pointer);
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        api.schema_at_pointer(&schema(name), &tokens).map(|found| found.cloned())
    };
    let uuid = json!({"type": "string", "format": "uuid"});
    assert_eq!(walk("Merged", "/id"), Ok(Some(uuid.clone())), "allOf: second branch");
    assert_eq!(walk("Merged", "/name"), Ok(Some(json!({"type": ["string", "null"]}))), "type arrays kept");
    assert_eq!(walk("Merged", "/other"), Ok(None));
    assert_eq!(walk("Either", "/id"), Ok(Some(uuid.clone())), "oneOf branches agree");
    assert_eq!(walk("Either", "/a"), Ok(None), "oneOf branches disagree");
    assert_eq!(walk("Nullable", "/id"), Ok(Some(uuid.clone())), "a null branch does not count");
    assert_eq!(walk("Tuple", "/0"), Ok(Some(json!({"type": "string"}))));
    assert_eq!(walk("Tuple", "/1"), Ok(Some(json!({"type": "integer"}))));
    assert_eq!(walk("Tuple", "/2"), Ok(Some(json!({"type": "boolean"}))), "past prefixItems: items");
    assert_eq!(walk("Tuple", "/x"), Ok(None));
    assert_eq!(walk("OldTuple", "/0"), Ok(Some(json!({"type": "string"}))));
    assert_eq!(walk("OldTuple", "/1"), Ok(None));
    assert_eq!(walk("Map", "/anything"), Ok(Some(uuid)));
    assert_eq!(walk("Loose", "/anything"), Ok(None), "`additionalProperties: true` says nothing");
    assert_eq!(walk("Id", "/0"), Ok(None), "a string has no children");
    assert!(walk("Self", "/x").unwrap_err().contains("cyclic"), "allOf cycles end in an error");
    assert!(walk("A", "/x").unwrap_err().contains("cyclic $ref chain"));
    assert!(walk("Dangling", "").unwrap_err().contains("dangling"));
}

// ---------------------------------------------------------------- robustness

#[test]
fn garbled_descriptions_never_panic_the_index() {
    let propelauth = std::fs::read_to_string(shared("propelauth/propelauth-api-keys-api-openapi.yml")).unwrap();
    let samples = [PARAMETERS, SECURITY, SCHEMAS, propelauth.as_str()];
    let pieces =
        ["$ref: '#/components/schemas/A'", "[", "{", "}", ": ", "- ", "\n  ", "'#/x'", "~1", "{x}", "null", "5"];
    let mut state: u64 = 0x0a11_ce55;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    let mut indexed = 0;
    for sample in samples {
        for _ in 0..400 {
            let mut text = sample.to_string();
            for _ in 0..1 + random() % 3 {
                let mut at = random() % text.len();
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, pieces[random() % pieces.len()]);
            }
            let Ok(loaded) = load_str(Path::new("fuzz.yaml"), &text) else { continue };
            let Ok(api) = OpenApi::from_loaded(&loaded) else { continue };
            indexed += 1;
            for operation in &api.operations {
                for response in operation.responses.values() {
                    for schema in response.content.values().flatten() {
                        let _ = api.schema_at_pointer(schema, &["api_keys", "0", "api_key_id"]);
                        let _ = api.resolve(schema);
                    }
                }
            }
            let _ = api.closest_operation_ids("fetchApiKey", 3);
        }
    }
    assert!(indexed > 100, "the garbling should leave many documents indexable ({indexed})");
}

/// OpenAPI 3.2's whole query string: one `in: querystring` parameter whose one `content` media type
/// says how it is written; anything else makes the operation unusable, with the reason.
#[test]
fn querystring_parameters_are_read_with_their_media_type() {
    let api = index(
        "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      \
         parameters:\n        - {name: q, in: querystring, content: {application/json: {schema: {type: object}}}}\n      \
         responses: {'200': {description: ok}}\n",
    );
    let parameter = &op(&api, "a").parameters[0];
    assert_eq!(
        (parameter.location, parameter.media_type.as_deref()),
        (ParamLocation::Querystring, Some("application/json"))
    );
    assert_eq!(parameter.schema, Some(json!({"type": "object"})));
    let problem = |openapi: &str, parameter: &str| {
        let api = index(&format!(
            "openapi: {openapi}\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: a\n      \
             parameters:\n        - {parameter}\n      responses: {{'200': {{description: ok}}}}\n"
        ));
        op(&api, "a").problems.iter().map(|problem| problem.message.clone()).collect::<Vec<_>>()
    };
    let form = "{name: q, in: querystring, content: {application/x-www-form-urlencoded: {}}}";
    assert_eq!(problem("3.2.0", form), Vec::<String>::new());
    assert_eq!(
        problem("3.1.0", form),
        ["parameter `q`: `in: querystring` is OpenAPI 3.2, but this description declares `openapi: 3.1.0`"]
    );
    assert_eq!(
        problem("3.2.0", "{name: q, in: querystring, schema: {type: string}}"),
        [
            "parameter `q` (`in: querystring`) must not have `schema`: its `content` media type says how the query string is written"
        ]
    );
    assert_eq!(
        problem("3.2.0", "{name: q, in: querystring, content: {text/plain: {}, application/json: {}}}"),
        ["parameter `q` (`in: querystring`) needs `content` with exactly one media type"]
    );
}
