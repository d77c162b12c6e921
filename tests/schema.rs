//! `vbump.schema.json`: the JSON Schema of `vbump.toml` that editors use (Taplo, Even Better TOML)
//! accepts every configuration this repository shows and refuses what vbump refuses.

use serde_json::Value;

use crate::support::markdown::Section;

const SCHEMA: &str = include_str!("../vbump.schema.json");
const README: &str = include_str!("../README.md");
const OWN_CONFIG: &str = include_str!("../vbump.toml");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    jsonschema::draft202012::new(&schema).unwrap()
}

/// A TOML document as the JSON instance the schema describes.
fn instance(toml_text: &str) -> Value {
    let table: toml::Table = toml::from_str(toml_text).unwrap();
    serde_json::to_value(table).unwrap()
}

/// What the schema finds wrong with a `vbump.toml` text, one line per problem.
pub fn problems(toml_text: &str) -> Vec<String> {
    let validator = validator();
    let instance = instance(toml_text);
    validator.iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// README's `vbump.toml` examples: the ```toml blocks that start with the `#:schema` line.
fn readme_examples() -> Vec<&'static str> {
    README
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split("\n```").next())
        .filter(|block| block.starts_with("#:schema "))
        .collect()
}

#[test]
fn the_repositorys_own_configuration_is_valid() {
    assert_eq!(problems(OWN_CONFIG), Vec::<String>::new());
}

#[test]
fn readmes_examples_are_valid_and_name_the_published_schema() {
    let examples = readme_examples();
    assert!(!examples.is_empty(), "README shows no vbump.toml with a #:schema line");
    let id = serde_json::from_str::<Value>(SCHEMA).unwrap()["$id"].as_str().unwrap().to_string();
    for example in examples {
        assert!(example.starts_with(&format!("#:schema {id}\n")), "{example}");
        assert_eq!(problems(example), Vec::<String>::new(), "{example}");
    }
}

#[test]
fn every_vbump_toml_that_readme_and_runbook_show_is_valid() {
    // Every ```toml block of both documents is a vbump.toml (or a part of one).
    for (name, doc) in [("README.md", README), ("RUNBOOK.md", include_str!("../RUNBOOK.md"))] {
        let whole = Section { heading: name, text: doc };
        let blocks: Vec<_> = whole.blocks().into_iter().filter(|b| b.language == "toml").collect();
        assert!(blocks.len() >= 2, "{name} shows fewer vbump.toml examples than it did");
        for block in blocks {
            assert_eq!(problems(block.body), Vec::<String>::new(), "{name}:\n{}", block.body);
        }
    }
}

#[test]
fn unknown_keys_and_bad_values_are_refused() {
    assert!(problems("tag-prefx = \"v\"\n").iter().any(|p| p.contains("tag-prefx")));
    assert!(
        problems("[[location]]\nfile = \"a.json\"\njsn = \"/version\"\n").iter().any(|p| p.contains("jsn"))
    );
    assert!(!problems("strategy = \"sometimes\"\n").is_empty());
    assert!(!problems("[bump]\nfeat = \"huge\"\n").is_empty());
    assert!(!problems("[release]\nbranches = \"main\"\n").is_empty());
    assert!(!problems("[[location]]\njson = \"/version\"\n").is_empty(), "a location needs its file");
}
