//! Tests of the editors through `VersionFiles`: the real fixtures, their CRLF and BOM variants,
//! and property tests over generated documents and formatting styles.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;

fn spec(file: &str, selector: Selector) -> LocationSpec {
    LocationSpec { file: PathBuf::from(file), selector, optional: false, declared_at: None }
}

fn json(file: &str, pointer: &str) -> LocationSpec {
    spec(file, Selector::Json(pointer.into()))
}

fn toml_key(file: &str, key: &str) -> LocationSpec {
    spec(file, Selector::Toml(key.into()))
}

fn version(text: &str) -> semver::Version {
    semver::Version::parse(text).unwrap()
}

/// A temp dir holding `file` with `bytes`.
fn dir_with(file: &str, bytes: impl AsRef<[u8]>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    dir
}

/// Sets `new` at one location of `bytes` and checks the promise: the result equals the original
/// with only the value's bytes replaced, reads back as `new`, and setting the old value again
/// gives the original bytes.
fn assert_exact_round_trip(file: &str, bytes: &[u8], location: &LocationSpec, new: &str) {
    let dir = dir_with(file, bytes);
    let files = VersionFiles::read(dir.path(), std::slice::from_ref(location)).unwrap();
    let field = files.fields()[0].clone();
    let edits = files.set_version(&version(new)).unwrap();
    let [edit] = edits.as_slice() else {
        panic!("{file} {location:?}: expected one edit, got {}", edits.len())
    };
    let mut expected = bytes[..field.span.start].to_vec();
    expected.extend_from_slice(new.as_bytes());
    expected.extend_from_slice(&bytes[field.span.end..]);
    assert!(edit.after == expected, "{file} {location:?}: bytes outside the value changed");
    assert_eq!(edit.changes.len(), 1);
    assert_eq!(edit.changes[0].old, field.value);

    std::fs::write(dir.path().join(file), &edit.after).unwrap();
    let again = VersionFiles::read(dir.path(), std::slice::from_ref(location)).unwrap();
    assert_eq!(again.fields()[0].value, new);
    assert_eq!(again.fields()[0].line, field.line);
    let back = again.set_version(&version(&field.value)).unwrap();
    assert!(back[0].after == bytes, "{file} {location:?}: setting the old value back is not byte-exact");
}

fn fixture(path: &str) -> Vec<u8> {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real").join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Every real fixture with the locations in it, as (fixture, selector, expected value).
fn real_locations() -> Vec<(&'static str, Selector, &'static str)> {
    let j = |p: &str| Selector::Json(p.into());
    let t = |k: &str| Selector::Toml(k.into());
    vec![
        (
            "777genius__claude-notifications-go/.claude-plugin__marketplace.json",
            j("/metadata/version"),
            "1.0.0",
        ),
        (
            "777genius__claude-notifications-go/.claude-plugin__marketplace.json",
            j("/plugins/[name=claude-notifications-go]/version"),
            "1.0.0",
        ),
        ("777genius__claude-notifications-go/.claude-plugin__plugin.json", j("/version"), "1.0.0"),
        ("nicobailon__visual-explainer/.claude-plugin__marketplace.json", j("/metadata/version"), "0.10.0"),
        ("nicobailon__visual-explainer/.claude-plugin__marketplace.json", j("/plugins/0/version"), "0.10.0"),
        (
            "nicobailon__visual-explainer/plugins__visual-explainer__.claude-plugin__plugin.json",
            j("/version"),
            "0.9.0",
        ),
        (
            "ReScienceLab__opc-skills/.claude-plugin__marketplace.json",
            j("/plugins/[name=requesthunt]/version"),
            "1.0.0",
        ),
        ("ReScienceLab__opc-skills/.claude-plugin__marketplace.json", j("/metadata/version"), "1.0.4"),
        ("MadAppGang__magus/.claude-plugin__marketplace.json", j("/plugins/[name=dev]/version"), "4.4.2"),
        ("MadAppGang__magus/.claude-plugin__marketplace.json", j("/metadata/version"), "10.0.0"),
        ("anthropics__claude-code/.claude-plugin__marketplace.json", j("/version"), "1.0.0"),
        (
            "anthropics__claude-code/.claude-plugin__marketplace.json",
            j("/plugins/[name=security-guidance]/version"),
            "1.0.0",
        ),
        (
            "GRCEngClub__claude-grc-engineering/plugins__connectors__snowflake-inspector__.claude-plugin__plugin.json",
            j("/version"),
            "0.1.0",
        ),
        ("thedotmack__claude-mem/workers__sync-hub__package.json", j("/version"), "0.0.0"),
        ("RichardAtCT__claude-code-telegram/pyproject.toml", t("tool.poetry.version"), "1.2.0"),
        ("kreuzberg-dev__liter-llm/Cargo.toml", t("workspace.package.version"), "1.4.0-rc.27"),
        (
            "basicmachines-co__basic-memory/pyproject.toml",
            t("tool.uv-dynamic-versioning.fallback-version"),
            "0.0.0",
        ),
    ]
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8(bytes.to_vec()).unwrap().replace('\n', "\r\n").into_bytes()
}

fn with_bom(bytes: &[u8]) -> Vec<u8> {
    [BOM, bytes].concat()
}

#[test]
fn real_fixtures_set_and_reread_byte_exactly() {
    for (path, selector, value) in real_locations() {
        let original = fixture(path);
        let file = if path.ends_with(".toml") { "v.toml" } else { "v.json" };
        let location = spec(file, selector.clone());
        let dir = dir_with(file, &original);
        let files = VersionFiles::read(dir.path(), std::slice::from_ref(&location)).unwrap();
        assert_eq!(files.fields()[0].value, value, "{path} {selector:?}");
        for variant in [original.clone(), crlf(&original), with_bom(&original), with_bom(&crlf(&original))] {
            assert_exact_round_trip(file, &variant, &location, "12.34.56-rc.7+build.8");
        }
    }
}

#[test]
fn real_fixture_fields_report_their_lines() {
    let text = fixture("kreuzberg-dev__liter-llm/Cargo.toml");
    let dir = dir_with("Cargo.toml", &text);
    let files =
        VersionFiles::read(dir.path(), &[toml_key("Cargo.toml", "workspace.package.version")]).unwrap();
    assert_eq!(files.fields()[0].line, 25);
    let magus = fixture("MadAppGang__magus/.claude-plugin__marketplace.json");
    let dir = dir_with("m.json", &magus);
    let files = VersionFiles::read(dir.path(), &[json("m.json", "/plugins/[name=dev]/version")]).unwrap();
    let field = &files.fields()[0];
    let line = String::from_utf8_lossy(&magus).lines().nth(field.line - 1).unwrap().to_string();
    assert!(line.contains("\"version\": \"4.4.2\""), "{line}");
}

#[test]
fn dynamic_pyproject_has_no_static_version() {
    let text = fixture("basicmachines-co__basic-memory/pyproject.toml");
    let dir = dir_with("pyproject.toml", &text);
    let e = VersionFiles::read(dir.path(), &[toml_key("pyproject.toml", "project.version")]).unwrap_err();
    assert!(e.to_string().contains("`project` has no key `version`"), "{e}");
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn several_locations_in_one_file_make_one_edit() {
    let text = fixture("777genius__claude-notifications-go/.claude-plugin__marketplace.json");
    let dir = dir_with("m.json", &text);
    let specs = [json("m.json", "/metadata/version"), json("m.json", "/plugins/0/version")];
    let files = VersionFiles::read(dir.path(), &specs).unwrap();
    let edits = files.set_version(&version("1.1.0")).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].changes.len(), 2);
    let after = String::from_utf8(edits[0].after.clone()).unwrap();
    assert_eq!(after, String::from_utf8(text).unwrap().replace("\"1.0.0\"", "\"1.1.0\""));
    // No final newline before, none after.
    assert!(after.ends_with('}'));
}

#[test]
fn unchanged_files_and_fields_are_left_out() {
    let dir = dir_with("a.json", b"{\"version\": \"1.0.0\"}");
    std::fs::write(dir.path().join("b.json"), b"{\"version\": \"2.0.0\"}").unwrap();
    let specs = [json("a.json", "/version"), json("b.json", "/version")];
    let files = VersionFiles::read(dir.path(), &specs).unwrap();
    let edits = files.set_version(&version("2.0.0")).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].file, PathBuf::from("a.json"));
    assert!(files.set_version(&version("2.0.0")).unwrap().iter().all(|e| e.file != Path::new("b.json")));
}

#[test]
fn optional_missing_file_is_skipped_and_required_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut location = json("missing.json", "/version");
    let e = VersionFiles::read(dir.path(), std::slice::from_ref(&location)).unwrap_err();
    assert!(e.to_string().starts_with("missing.json: version file `missing.json` does not exist"), "{e}");
    location.optional = true;
    assert!(VersionFiles::read(dir.path(), &[location]).unwrap().fields().is_empty());
}

#[test]
fn errors_name_file_line_column_and_location() {
    let dir = dir_with("p.json", b"{\n  \"name\": \"x\",\n  \"version\": 2\n}\n");
    let e = VersionFiles::read(dir.path(), &[json("p.json", "/version")]).unwrap_err();
    assert_eq!(
        e.to_string().lines().next().unwrap(),
        "p.json:3:14: location `/version`: the value is a number, not a string"
    );
    let dir = dir_with("p.json", b"{\n  \"version\": \"1.0.0\",\n}\n");
    let e = VersionFiles::read(dir.path(), &[json("p.json", "/version")]).unwrap_err();
    assert!(e.to_string().starts_with("p.json:3:1: location `/version`: invalid JSON: "), "{e}");
    let dir = dir_with("Cargo.toml", b"[package]\nversion = \"1.0.0\n");
    let e = VersionFiles::read(dir.path(), &[toml_key("Cargo.toml", "package.version")]).unwrap_err();
    assert!(e.to_string().starts_with("Cargo.toml:2:"), "{e}");
    let e = VersionFiles::read(dir.path(), &[spec("../x", Selector::Json("/v".into()))]).unwrap_err();
    assert!(e.to_string().contains("outside the repository"), "{e}");
}

#[test]
fn invalid_semver_names_the_location() {
    let dir = dir_with("p.json", b"{\"version\": \"v1.2\"}");
    let files = VersionFiles::read(dir.path(), &[json("p.json", "/version")]).unwrap();
    let e = files.versions().unwrap_err();
    assert!(
        e.to_string().starts_with("p.json:1:14: `/version` is \"v1.2\", which is not a semantic version"),
        "{e}"
    );
}

#[test]
fn toml_keeps_quotes_comments_and_decoys() {
    let text = "[package]\r\nname = \"x\"\r\nversion = '0.1.0' # the version\r\nversion-note = \"0.1.0\"\r\n\r\n[dependencies]\r\nserde = { version = \"0.1.0\" }";
    let dir = dir_with("Cargo.toml", text);
    let files = VersionFiles::read(dir.path(), &[toml_key("Cargo.toml", "package.version")]).unwrap();
    let edits = files.set_version(&version("0.2.0")).unwrap();
    assert_eq!(String::from_utf8(edits[0].after.clone()).unwrap(), text.replacen("'0.1.0'", "'0.2.0'", 1));
}

#[test]
fn regex_all_edits_every_match() {
    let text = "badge: v1.0.0\nother: v1.0.0\n";
    let dir = dir_with("README.md", text);
    let location =
        spec("README.md", Selector::Regex { pattern: r"v(?P<version>\d+\.\d+\.\d+)".into(), all: true });
    let files = VersionFiles::read(dir.path(), &[location]).unwrap();
    assert_eq!(files.fields().len(), 2);
    assert_eq!(files.fields()[1].line, 2);
    let edits = files.set_version(&version("1.1.0")).unwrap();
    assert_eq!(edits[0].after, b"badge: v1.1.0\nother: v1.1.0\n");
}

#[test]
fn a_pattern_that_cannot_read_the_new_version_is_refused() {
    let dir = dir_with("v.txt", "version 1.0.0\n");
    let location =
        spec("v.txt", Selector::Regex { pattern: r"version (?P<version>1\.\d+\.\d+)".into(), all: false });
    let files = VersionFiles::read(dir.path(), &[location]).unwrap();
    let e = files.set_version(&version("2.0.0")).unwrap_err();
    assert!(e.to_string().contains("no longer reads back"), "{e}");
}

#[test]
fn unified_diff_has_headers_and_context() {
    let edit = FileEdit {
        file: PathBuf::from(".claude-plugin/plugin.json"),
        before: b"{\n  \"a\": 1,\n  \"version\": \"1.0.0\"\n}".to_vec(),
        after: b"{\n  \"a\": 1,\n  \"version\": \"1.1.0\"\n}".to_vec(),
        changes: vec![],
    };
    let diff = unified_diff(&edit);
    assert_eq!(
        diff,
        "--- a/.claude-plugin/plugin.json\n+++ b/.claude-plugin/plugin.json\n@@ -1,4 +1,4 @@\n {\n   \"a\": 1,\n-  \"version\": \"1.0.0\"\n+  \"version\": \"1.1.0\"\n }\n\\ No newline at end of file\n"
    );
}

// Property tests: generated documents in every formatting style.

fn semver_strategy() -> impl Strategy<Value = String> {
    (0u64..1000, 0u64..1000, 0u64..1000, proptest::option::of(("[a-z]{1,5}", 0u64..100))).prop_map(
        |(a, b, c, pre)| match pre {
            Some((id, n)) => format!("{a}.{b}.{c}-{id}.{n}"),
            None => format!("{a}.{b}.{c}"),
        },
    )
}

fn json_leaf() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        // Raw UTF-8, quotes, backslashes, control characters: serde_json escapes what it must.
        "[a-zA-Zé✓\"\\\\\n\t{}\\[\\]/ ]{0,12}".prop_map(serde_json::Value::from),
    ]
}

fn json_tree() -> impl Strategy<Value = serde_json::Value> {
    json_leaf().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Serialises with one of several indent styles; the bool says CRLF, the last one a final newline.
fn render(value: &serde_json::Value, style: u8, crlf: bool, final_newline: bool) -> String {
    use serde::Serialize;
    let indent: &[u8] = match style % 4 {
        0 => b"",
        1 => b"  ",
        2 => b"    ",
        _ => b"\t",
    };
    let mut out = Vec::new();
    if indent.is_empty() {
        serde_json::to_writer(&mut out, value).unwrap();
    } else {
        let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        value.serialize(&mut serializer).unwrap();
    }
    let mut text = String::from_utf8(out).unwrap();
    if crlf {
        text = text.replace('\n', "\r\n");
    }
    if final_newline {
        text.push_str(if crlf { "\r\n" } else { "\n" });
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// The byte difference is exactly the value span, and the result parses to the same document
    /// with only that value changed.
    #[test]
    fn json_edit_changes_only_the_value(
        mut doc in proptest::collection::btree_map("[a-z]{1,6}", json_tree(), 0..5),
        entries in proptest::collection::vec(("[a-z]{1,6}", semver_strategy()), 1..4),
        pick in any::<prop::sample::Index>(),
        old in semver_strategy(),
        new in semver_strategy(),
        style in 0u8..4,
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        bom in any::<bool>(),
    ) {
        doc.insert("version".into(), serde_json::Value::from(old.clone()));
        let plugins: Vec<serde_json::Value> = entries
            .iter()
            .enumerate()
            .map(|(i, (name, v))| serde_json::json!({"name": format!("{name}{i}"), "version": v, "releases": [{"version": "0.0.1"}]}))
            .collect();
        doc.insert("plugins".into(), serde_json::Value::Array(plugins));
        let value = serde_json::Value::Object(doc.into_iter().collect());
        let text = render(&value, style, crlf, final_newline);
        let bytes = if bom { with_bom(text.as_bytes()) } else { text.clone().into_bytes() };

        let chosen = pick.index(entries.len());
        let pointers = [
            ("/version".to_string(), vec!["version".to_string()]),
            (format!("/plugins/[name={}{chosen}]/version", entries[chosen].0), vec!["plugins".into(), chosen.to_string(), "version".into()]),
        ];
        for (pointer, path) in pointers {
            let dir = dir_with("f.json", &bytes);
            let files = VersionFiles::read(dir.path(), &[json("f.json", &pointer)]).unwrap();
            let field = files.fields()[0].clone();
            let edits = files.set_version(&version(&new)).unwrap();
            let after = match edits.first() { Some(edit) => edit.after.clone(), None => bytes.clone() };
            let mut expected = bytes[..field.span.start].to_vec();
            expected.extend_from_slice(new.as_bytes());
            expected.extend_from_slice(&bytes[field.span.end..]);
            prop_assert!(after == expected);
            let reparsed: serde_json::Value = serde_json::from_slice(&after[if bom { 3 } else { 0 }..]).unwrap();
            let mut want = value.clone();
            let mut slot = &mut want;
            for key in &path {
                slot = match slot {
                    serde_json::Value::Array(a) => &mut a[key.parse::<usize>().unwrap()],
                    other => &mut other[key.as_str()],
                };
            }
            *slot = serde_json::Value::from(new.clone());
            prop_assert_eq!(reparsed, want);
        }
    }

    /// TOML: quote style, comments on the version line, CRLF, decoys and inline tables survive.
    #[test]
    fn toml_edit_changes_only_the_value(
        old in semver_strategy(),
        new in semver_strategy(),
        quote in 0u8..4,
        comment in proptest::option::of("[ a-zA-Z0-9#\"'=é]{0,16}"),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
        before_keys in proptest::collection::btree_map("[a-z]{1,6}", 0i64..100, 0..4),
        dotted in any::<bool>(),
    ) {
        let (open, close) = match quote { 0 => ("\"", "\""), 1 => ("'", "'"), 2 => ("\"\"\"", "\"\"\""), _ => ("'''", "'''") };
        let mut lines = vec!["# a manifest".to_string()];
        if dotted {
            lines.push(format!("package.version = {open}{old}{close}{}", comment.as_ref().map(|c| format!(" #{c}")).unwrap_or_default()));
        }
        // A dotted `package.version` at the top level cannot coexist with a `[package]` header.
        lines.push(if dotted { "[tool]" } else { "[package]" }.into());
        for (k, v) in &before_keys {
            lines.push(format!("x{k} = {v}"));
        }
        lines.push("target-version = \"py312\"".into());
        if !dotted {
            lines.push(format!("version = {open}{old}{close}{}", comment.as_ref().map(|c| format!(" #{c}")).unwrap_or_default()));
        }
        lines.push("meta = { version = \"^1\", workspace = true }".into());
        lines.push("[dependencies]".into());
        lines.push(format!("dep = {{ version = \"{old}\" }}"));
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = lines.join(eol);
        if final_newline {
            text.push_str(eol);
        }
        let dir = dir_with("Cargo.toml", text.as_bytes());
        let files = VersionFiles::read(dir.path(), &[toml_key("Cargo.toml", "package.version")]).unwrap();
        let field = files.fields()[0].clone();
        prop_assert_eq!(&field.value, &old);
        let edits = files.set_version(&version(&new)).unwrap();
        let after = match edits.first() { Some(edit) => edit.after.clone(), None => text.clone().into_bytes() };
        let expected = format!("{}{new}{}", &text[..field.span.start], &text[field.span.end..]);
        prop_assert_eq!(String::from_utf8(after.clone()).unwrap(), expected);
        let mut want: ::toml::Table = ::toml::from_str(&text).unwrap();
        want["package"]["version"] = ::toml::Value::String(new.clone());
        let got: ::toml::Table = ::toml::from_str(std::str::from_utf8(&after).unwrap()).unwrap();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn contents_in_memory_read_like_files_on_disk() {
    let contents = [(PathBuf::from("a.json"), b"{\"version\": \"1.0.0\"}".to_vec())];
    let files = VersionFiles::from_contents(&[json("a.json", "/version")], &contents).unwrap();
    assert_eq!(files.fields()[0].value, "1.0.0");
    let e = VersionFiles::from_contents(&[json("b.json", "/version")], &contents).unwrap_err();
    assert!(e.to_string().contains("`b.json` does not exist"), "{e}");
    let not_utf8 = [(PathBuf::from("a.json"), b"{\"v\": \"\xff\"}".to_vec())];
    let e = VersionFiles::from_contents(&[json("a.json", "/v")], &not_utf8).unwrap_err();
    assert!(e.to_string().starts_with("a.json:1:8: the version file is not UTF-8 text"), "{e}");
}
