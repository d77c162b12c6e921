//! The JSON Schema of `vbump.toml`, generated from the raw configuration structs, so the schema
//! cannot describe a key vbump does not read. `vbump schema` prints it; the repository commits it
//! as `vbump.schema.json` (a test fails when the two differ), where Taplo and Even Better TOML find
//! it through a `#:schema` line for completion and checking in editors.

use super::RawConfig;

/// Where the committed schema is published: the `#:schema` line of README's example names it.
pub(super) const SCHEMA_URL: &str = "https://raw.githubusercontent.com/vbump/vbump/main/vbump.schema.json";

/// The schema as pretty-printed JSON with a final newline, exactly as `vbump.schema.json` holds it.
pub fn json_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with_transform(schemars::transform::RecursiveTransform(no_null))
        .into_generator();
    let mut schema = generator.into_root_schema_for::<RawConfig>();
    schema.insert("$id".into(), SCHEMA_URL.into());
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema is plain JSON");
    text.push('\n');
    text
}

/// A `[bump]` level as the schema states it; `config` reads the values by hand, for its own
/// messages, so this type exists only to be described.
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub(super) enum BumpLevel {
    Major,
    Minor,
    Patch,
    /// The type releases nothing.
    None,
}

/// TOML has no null (an absent key is how a default is asked for), so the `null` that schemars
/// allows for every `Option` field is taken out again.
fn no_null(schema: &mut schemars::Schema) {
    use serde_json::Value;
    let Some(object) = schema.as_object_mut() else { return };
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(options)) = object.get_mut("anyOf") {
        options.retain(|o| o.get("type").and_then(Value::as_str) != Some("null"));
        if let [Value::Object(only)] = options.as_slice() {
            let only = only.clone();
            object.remove("anyOf");
            object.extend(only);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use serde_json::Value;

    fn schema() -> Value {
        serde_json::from_str(&json_schema()).unwrap()
    }

    #[test]
    fn the_committed_schema_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vbump.schema.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == json_schema(),
            "vbump.schema.json is not what the config types generate; run `cargo run -- schema > vbump.schema.json`"
        );
    }

    #[test]
    fn every_key_has_a_description() {
        fn walk(schema: &Value, at: &str) {
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (key, property) in properties {
                    assert!(property.get("description").is_some(), "`{at}{key}` has no description");
                }
            }
            if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
                for (name, def) in defs {
                    walk(def, &format!("{name}."));
                }
            }
        }
        walk(&schema(), "");
    }

    /// A file that spells out every documented default reads exactly like no file at all: the
    /// defaults the schema states are the ones vbump applies.
    #[test]
    fn the_documented_defaults_are_the_applied_ones() {
        let schema = schema();
        let mut file = toml::Table::new();
        for (key, property) in schema["properties"].as_object().unwrap() {
            if let Some(default) = property.get("default") {
                let value: toml::Value = serde_json::from_value(default.clone()).unwrap();
                file.insert(key.clone(), value);
            }
        }
        // Every key but the optional `changelog`, the `location` and `package` lists and the
        // `marketplace-version` decided from the files has a stated default.
        let without: Vec<&String> =
            schema["properties"].as_object().unwrap().keys().filter(|k| !file.contains_key(*k)).collect();
        assert_eq!(without, ["changelog", "location", "package", "marketplace-version"], "{file:?}");
        let text = toml::to_string(&file).unwrap();
        let spelled_out = Config::parse(&text, std::path::Path::new("vbump.toml")).unwrap();
        let comparable = |c: &Config| format!("{:?}", Config { source: None, ..c.clone() });
        assert_eq!(comparable(&spelled_out), comparable(&Config::default()), "{text}");
    }
}
