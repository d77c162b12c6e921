//! The corpus: real Conventional Commits messages from peers' test suites and the specification's
//! own examples (fixtures/commits/, provenance in PROVENANCE.md), each with the level the message
//! asks for. vbump must never release less than that.

use vbump::commit_types::CommitTypes;
use vbump::commits::{Classified, Classifier};

#[derive(serde::Deserialize)]
struct Sample {
    source: String,
    expected: String,
    message: String,
}

/// A level's rank: none < patch < minor < major.
fn rank(name: &str) -> u8 {
    match name {
        "none" => 0,
        "patch" => 1,
        "minor" => 2,
        "major" => 3,
        other => panic!("unknown level {other:?}"),
    }
}

#[test]
fn no_message_of_the_corpus_is_under_released() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/commits/messages.json"))
            .expect("the corpus");
    let samples: Vec<Sample> = serde_json::from_str(&text).expect("valid JSON");
    assert!(samples.len() >= 400, "the corpus holds {} messages", samples.len());
    let types = CommitTypes::default();
    let classifier = Classifier::new(&types, "chore(release): {tag}", "v");
    let mut under = Vec::new();
    for sample in &samples {
        let got = match classifier.classify("0000000", &sample.message) {
            // `level` serialises as "major", "minor", "patch" or null.
            Classified::Conventional(commit) => {
                serde_json::to_value(commit.level).unwrap().as_str().unwrap_or("none").to_string()
            }
            Classified::Ignored(_) => "none".to_string(),
        };
        let expected = &sample.expected;
        if rank(&got) < rank(expected) {
            under.push(format!(
                "{:?} from {}: expected {expected:?}, got {got:?}",
                sample.message, sample.source
            ));
        }
    }
    assert!(
        under.is_empty(),
        "{} of {} messages under-released:\n{}",
        under.len(),
        samples.len(),
        under.join("\n")
    );
}
