//! Issue #18: the OpenAPI document describes the wire. Query parameters
//! are documented `in: query`, never as path parameters the path does not
//! have.

#[test]
fn every_path_parameter_is_in_its_path_template() {
    let doc = serde_json::to_value(hoistway_server::openapi()).unwrap();
    let mut wrong = Vec::new();
    let mut query = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str() {
                    Some("path") if !path.contains(&format!("{{{name}}}")) => {
                        wrong.push(format!("{method} {path}: {name}"))
                    }
                    Some("query") => query += 1,
                    _ => {}
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} misplaced: {wrong:?}", wrong.len());
    assert!(
        query > 50,
        "list filters are documented as query parameters ({query})"
    );
}

/// Enum values in the document are the wire's (snake_case), not the Rust
/// variant names (`ProviderAdmin`).
#[test]
fn enum_values_are_the_wire_names() {
    let doc = serde_json::to_value(hoistway_server::openapi()).unwrap();
    let mut pascal = Vec::new();
    fn walk(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(values) = m.get("enum").and_then(|e| e.as_array()) {
                    for e in values.iter().filter_map(|e| e.as_str()) {
                        if e.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                            out.push(format!("{at}: {e}"));
                        }
                    }
                }
                for (k, v) in m {
                    walk(v, &format!("{at}/{k}"), out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, at, out)),
            _ => {}
        }
    }
    walk(&doc["components"], "components", &mut pascal);
    assert!(
        pascal.is_empty(),
        "{} PascalCase enum values: {pascal:?}",
        pascal.len()
    );
}

/// Every operation documents the shared error answers.
#[test]
fn every_operation_documents_400_401_and_404_where_it_has_an_id() {
    let doc = serde_json::to_value(hoistway_server::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "401"] {
                assert!(responses.contains_key(status), "{method} {path}: {status}");
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path}: 404");
            }
            if op.get("requestBody").is_some() {
                assert!(responses.contains_key("415"), "{method} {path}: 415");
            }
        }
    }
}

/// PATCH bodies require nothing: any subset of the fields may be sent.
#[test]
fn patch_bodies_require_no_field() {
    let doc = serde_json::to_value(hoistway_server::openapi()).unwrap();
    let mut patches = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let schema = &item["patch"]["requestBody"]["content"]["application/json"]["schema"];
        let Some(r) = schema["$ref"].as_str() else {
            continue;
        };
        let name = r.trim_start_matches("#/components/schemas/");
        let body = &doc["components"]["schemas"][name];
        assert!(body.is_object(), "{path}: {name} exists");
        let required = body["required"].as_array().map_or(0, Vec::len);
        assert_eq!(
            required, 0,
            "PATCH {path}: {name} requires {}",
            body["required"]
        );
        patches += 1;
    }
    assert!(patches >= 5, "{patches}");
}
