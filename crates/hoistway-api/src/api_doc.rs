//! What the OpenAPI document adds to the handlers' own annotations: the
//! bearer scheme, the error answers every operation can give, and PATCH
//! bodies that require nothing.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Hoistway API", description = "Service platform for elevators, escalators and automatic doors."),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub(crate) struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Documents the answers every operation can give whatever its handler
/// says: 400 (bad JSON, query or path: an id over i64, NUL in text), 401
/// (no or a dead session), 404 (a path with an id), 413 and 415 (a body too
/// large or of the wrong type), all in the one error shape.
pub(crate) struct SharedErrors;

impl utoipa::Modify for SharedErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Response};
        let response = |description: &str| -> RefOr<Response> {
            let value = serde_json::json!({
                "description": description,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "field": {"type": "string"},
                            "message": {"type": "string"}
                        }
                    }}
                }}}
            });
            RefOr::T(serde_json::from_value(value).expect("a valid response object"))
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let has_id = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let has_body = op.request_body.is_some();
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| response(description));
                };
                add(
                    "400",
                    "The request is malformed; `field` names the culprit.",
                );
                add("401", "Not signed in, or the session has ended.");
                if has_id {
                    add("404", "No such resource visible to the caller.");
                }
                if has_body {
                    add("413", "The body is larger than the limit.");
                    add("415", "The body is not of the documented content type.");
                }
            }
        }
    }
}

/// A PATCH takes any subset of its resource's fields, so each PATCH body
/// that points at a create schema `X` points at `XPatch` instead: the same
/// properties, none required.
pub(crate) fn with_patch_bodies(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::schema::{Ref, Schema};
    use utoipa::openapi::RefOr;
    let mut patches = Vec::new();
    for item in doc.paths.paths.values_mut() {
        let Some(body) = item.patch.as_mut().and_then(|op| op.request_body.as_mut()) else {
            continue;
        };
        for content in body.content.values_mut() {
            let Some(RefOr::Ref(r)) = &mut content.schema else {
                continue;
            };
            let Some(name) = r
                .ref_location
                .strip_prefix("#/components/schemas/")
                .filter(|n| !n.ends_with("Patch"))
                .map(str::to_string)
            else {
                continue;
            };
            *r = Ref::from_schema_name(format!("{name}Patch"));
            patches.push(name);
        }
    }
    if let Some(components) = doc.components.as_mut() {
        for name in patches {
            let Some(RefOr::T(Schema::Object(o))) = components.schemas.get(&name) else {
                continue;
            };
            let mut patch = o.clone();
            patch.required.clear();
            components
                .schemas
                .insert(format!("{name}Patch"), RefOr::T(Schema::Object(patch)));
        }
    }
    doc
}
