//! Fuzz target for the JSON, TOML and regex editors (run with `fuzz/run.sh`).
//!
//! Input: byte 0 picks the editor, byte 1 the location, the rest is the file. Whatever the input:
//! no panic; and when an edit is produced, its bytes equal the original with exactly the fields'
//! value spans replaced, and reading the result gives the new version in every field.

#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use vbump::config::{LocationSpec, Selector};
use vbump::edit::{self, VersionFiles};

const POINTERS: &[&str] = &[
    "/version",
    "/metadata/version",
    "/plugins/0/version",
    "/plugins/[name=a]/version",
    "",
    "/a~1b/0",
    "/x/[k=v]/[n=m]",
];
const KEYS: &[&str] =
    &["package.version", "workspace.package.version", "tool.poetry.version", "version", "a.\"b.c\".d"];
const PATTERNS: &[&str] = &[r#"version = "(?P<version>[^"]*)""#, r"v(?P<version>[0-9][^ \n]*)"];
const VERSIONS: &[&str] = &["1.2.3", "10.20.30-rc.1+build.7"];

fuzz_target!(|data: &[u8]| {
    let (Some(&mode), Some(&pick)) = (data.first(), data.get(1)) else { return };
    let body = &data[2..];
    let pick = usize::from(pick);
    let selector = match mode % 3 {
        0 => Selector::Json(POINTERS[pick % POINTERS.len()].to_string()),
        1 => Selector::Toml(KEYS[pick % KEYS.len()].to_string()),
        _ => Selector::Regex { pattern: PATTERNS[pick % PATTERNS.len()].to_string(), all: pick & 0x80 != 0 },
    };
    let file = PathBuf::from("f");
    let specs = [LocationSpec { file: file.clone(), selector, optional: false, declared_at: None }];
    let Ok(files) = VersionFiles::from_contents(&specs, &[(file.clone(), body.to_vec())]) else { return };
    let _ = files.versions();
    for version in VERSIONS {
        let version: semver::Version = version.parse().unwrap();
        let Ok(edits) = files.set_version(&version) else { continue };
        let new = version.to_string();
        let mut spans: Vec<_> = files.fields().iter().map(|f| f.span.clone()).collect();
        spans.sort_by_key(|s| (s.start, s.end));
        spans.dedup();
        let mut expected = Vec::new();
        let mut at = 0;
        for span in &spans {
            expected.extend_from_slice(&body[at..span.start]);
            expected.extend_from_slice(new.as_bytes());
            at = span.end;
        }
        expected.extend_from_slice(&body[at..]);
        match edits.as_slice() {
            [] => assert_eq!(expected, body, "no edit, yet the bytes would change"),
            [edit] => {
                assert_eq!(edit.after, expected, "bytes outside the value spans changed");
                let _ = edit::unified_diff(edit);
                let again = VersionFiles::from_contents(&specs, &[(file.clone(), edit.after.clone())])
                    .expect("the edited file reads back");
                assert!(again.fields().iter().all(|f| f.value == new), "a field does not read back as {new}");
            }
            _ => panic!("one file, several edits"),
        }
    }
});
