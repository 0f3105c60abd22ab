//! `extension/types/worker.d.ts`, the TypeScript declarations of the messages between the
//! extension's JS (popup, options page, content script, `sw.js`) and the worker, rendered from
//! the JSON Schemas of `ping_protocol::worker`. The JS is checked against them by `tsc` in
//! `./build.sh lint`, so a wire change that is not regenerated fails here, and a JS message
//! that does not match the Rust types fails there.
//!
//! Regenerate: `UPDATE_TYPES=1 cargo test -p ping-protocol --features schema --test worker_types`
//!
//! The renderer knows only the schema keywords these types produce, and panics on any other
//! (rather than render a type looser than the wire).

use std::fmt::Write as _;
use std::path::PathBuf;

use ping_core::voyager::HttpResponse;
use ping_protocol::worker::{ContentRequest, WorkerReply, WorkerRequest};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

const UPDATE: &str = "UPDATE_TYPES";
/// From the workspace root.
const DECLARATIONS: &str = "extension/types/worker.d.ts";

#[test]
fn worker_declarations_are_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(DECLARATIONS);
    let rendered = render_declarations();
    if std::env::var_os(UPDATE).is_some() {
        std::fs::write(&path, &rendered).expect("write worker.d.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "{DECLARATIONS} is not what ping_protocol::worker describes; regenerate it with \
         `{UPDATE}=1 cargo test -p ping-protocol --features schema --test worker_types` \
         and fix the JS that tsc then flags"
    );
}

fn render_declarations() -> String {
    // schemars' default (Deserialize) contract: an `Option` field is optional (`?: T | null`),
    // as the worker accepts it missing; its replies carry it as null, which that admits too.
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    generator.subschema_for::<WorkerRequest>();
    generator.subschema_for::<WorkerReply>();
    // The tab transport: the worker's request to a content script, and the content script's answer.
    generator.subschema_for::<ContentRequest>();
    generator.subschema_for::<HttpResponse>();
    let definitions = generator.take_definitions(true);

    let mut out = String::from(
        "// Generated from ping_protocol::worker by crates/protocol/tests/worker_types.rs; do not edit.\n\
         // Regenerate: UPDATE_TYPES=1 cargo test -p ping-protocol --features schema --test worker_types\n",
    );
    for (name, schema) in &definitions {
        out.push('\n');
        out.push_str(&doc(schema, ""));
        if is_plain_object(schema) {
            writeln!(out, "export interface {name} {}", object(schema, "")).expect("to a String");
        } else {
            // A union of documented variants starts on its own line.
            let ty = ts_type(schema, "");
            let space = if ty.starts_with('\n') { "" } else { " " };
            writeln!(out, "export type {name} ={space}{ty};").expect("to a String");
        }
    }
    out
}

/// A schema's description as a JSDoc comment at `indent`, or nothing.
fn doc(schema: &Value, indent: &str) -> String {
    let Some(description) = schema.get("description").and_then(Value::as_str) else {
        return String::new();
    };
    let lines: Vec<&str> = description.lines().collect();
    if let [line] = lines.as_slice() {
        return format!("{indent}/** {line} */\n");
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        let line = format!("{indent} * {line}");
        writeln!(out, "{}", line.trim_end()).expect("to a String");
    }
    out + &format!("{indent} */\n")
}

fn is_plain_object(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("object")
}

/// Keywords the renderer turns into TypeScript.
const KNOWN: &[&str] = &[
    "$ref",
    "const",
    "enum",
    "oneOf",
    "anyOf",
    "type",
    "items",
    "prefixItems",
    "properties",
    "required",
];

/// Keywords that only narrow a value TypeScript already types (numbers, strings, tuple
/// lengths) or say nothing about it.
const IGNORED: &[&str] = &[
    "description",
    "format",
    "minimum",
    "maximum",
    "pattern",
    "minItems",
    "maxItems",
    "title",
    "default",
    "examples",
    "$schema",
];

fn ts_type(schema: &Value, indent: &str) -> String {
    let map = schema
        .as_object()
        .unwrap_or_else(|| panic!("not a schema object: {schema}"));
    if let Some(unknown) = map
        .keys()
        .find(|key| !IGNORED.contains(&key.as_str()) && !KNOWN.contains(&key.as_str()))
    {
        panic!("the renderer does not know `{unknown}` in {schema}");
    }
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return reference
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("not a local $ref: {reference}"))
            .to_owned();
    }
    if let Some(value) = map.get("const") {
        return value.to_string();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        return values
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if let Some(Value::Array(members)) = map.get("oneOf").or_else(|| map.get("anyOf")) {
        return union(members, indent);
    }
    match map.get("type") {
        Some(Value::Array(types)) => {
            // `["string", "null"]`: the same schema once per type.
            let members: Vec<Value> = types
                .iter()
                .map(|single| {
                    let mut copy = map.clone();
                    copy.insert("type".into(), single.clone());
                    Value::Object(copy)
                })
                .collect();
            members
                .iter()
                .map(|member| ts_type(member, indent))
                .collect::<Vec<_>>()
                .join(" | ")
        }
        Some(Value::String(single)) => match single.as_str() {
            "string" => "string".into(),
            "integer" | "number" => "number".into(),
            "boolean" => "boolean".into(),
            "null" => "null".into(),
            "array" => array(map, indent),
            "object" => object(schema, indent),
            other => panic!("unknown JSON type {other}"),
        },
        _ => panic!("the renderer cannot type {schema}"),
    }
}

fn union(members: &[Value], indent: &str) -> String {
    let rendered: Vec<(String, String)> = members
        .iter()
        .map(|member| (doc(member, &format!("{indent}  ")), ts_type(member, indent)))
        .collect();
    if rendered
        .iter()
        .all(|(doc, ty)| doc.is_empty() && !ty.contains('\n'))
    {
        let types: Vec<String> = rendered.into_iter().map(|(_, ty)| ty).collect();
        return types.join(" | ");
    }
    // One member per line, each with its description (the variants of a tagged enum).
    let mut out = String::new();
    for (doc, ty) in rendered {
        write!(out, "\n{doc}{indent}  | {ty}").expect("to a String");
    }
    out
}

fn array(map: &Map<String, Value>, indent: &str) -> String {
    if let Some(Value::Array(items)) = map.get("prefixItems") {
        let items: Vec<String> = items.iter().map(|item| ts_type(item, indent)).collect();
        return format!("[{}]", items.join(", "));
    }
    let item = ts_type(map.get("items").expect("an array schema has items"), indent);
    if item.contains(' ') {
        format!("Array<{item}>")
    } else {
        format!("{item}[]")
    }
}

/// An object type: required properties in declaration order (the tag first), then the
/// optional ones. On one line when no property has a description.
fn object(schema: &Value, indent: &str) -> String {
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut names: Vec<&str> = required.clone();
    names.extend(
        properties
            .keys()
            .map(String::as_str)
            .filter(|name| !required.contains(name)),
    );
    let inner = format!("{indent}  ");
    let fields: Vec<(String, String)> = names
        .iter()
        .map(|name| {
            let property = &properties[*name];
            let optional = if required.contains(name) { "" } else { "?" };
            let field = format!("{name}{optional}: {}", ts_type(property, &inner));
            (doc(property, &inner), field)
        })
        .collect();
    if fields.iter().all(|(doc, _)| doc.is_empty()) {
        let fields: Vec<String> = fields.into_iter().map(|(_, field)| field).collect();
        return format!("{{ {} }}", fields.join("; "));
    }
    let mut out = String::from("{\n");
    for (doc, field) in fields {
        writeln!(out, "{doc}{inner}{field};").expect("to a String");
    }
    out + indent + "}"
}
