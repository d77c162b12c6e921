//! The corpus: real Conventional Commits messages from peers' test suites and the specification's
//! own examples (fixtures/commits/, provenance in PROVENANCE.md), each with the level the message
//! asks for. The release never reads less than that, and lint and release agree on every one.

use super::{Classified, Classifier};
use crate::commit_types::CommitTypes;
use crate::lint::{self, Origin, Rules, Verdict};

#[derive(serde::Deserialize)]
struct Sample {
    source: String,
    expected: String,
    message: String,
}

fn corpus() -> Vec<Sample> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/commits/messages.json");
    let samples: Vec<Sample> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the corpus")).expect("JSON");
    assert!(samples.len() >= 400, "the corpus holds {} messages", samples.len());
    samples
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
    let types = CommitTypes::default();
    let classifier = Classifier::new(&types, "chore(release): {tag}", "v");
    let mut under = Vec::new();
    let samples = corpus();
    for sample in &samples {
        let got = match classifier.classify("0000000", &sample.message) {
            Classified::Conventional(commit) => commit.level.map_or("none", |l| l.as_str()),
            Classified::Ignored(_) => "none",
        };
        if rank(got) < rank(&sample.expected) {
            under.push(format!(
                "{:?} from {}: expected {}, got {got}",
                sample.message, sample.source, sample.expected
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

#[test]
fn a_message_the_release_reads_generously_is_never_lint_clean() {
    let types = CommitTypes::default();
    let classifier = Classifier::new(&types, "chore(release): {tag}", "v");
    let rules = Rules::new(types.clone());
    let mut disagree = Vec::new();
    for sample in corpus() {
        let verdict = lint::check(&sample.message, &rules, Origin::History);
        match classifier.classify("0000000", &sample.message) {
            Classified::Conventional(commit) if !commit.deviations.is_empty() && verdict == Verdict::Ok => {
                disagree.push(format!("{:?}: read as {:?}, lint-clean", sample.message, commit.deviations));
            }
            Classified::Ignored(ignored) if verdict == Verdict::Ok => {
                disagree.push(format!("{:?}: ignored ({}), lint-clean", sample.message, ignored.reason));
            }
            _ => {}
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

proptest::proptest! {
    /// One grammar: whatever the release reads generously or ignores, lint reports.
    #[test]
    fn lint_and_release_agree_on_any_message(
        message in "[A-Za-z !()]{0,9}:? {0,2}[a-z ]{0,8}(\n{1,2}( {0,2}(BREAKING[ -]CHANGE|breaking change|[a-z]{1,5}!?):? ?[a-z ]{0,6})?){0,3}",
    ) {
        let types = CommitTypes::default();
        let classifier = Classifier::new(&types, "chore(release): {tag}", "v");
        let verdict = lint::check(&message, &Rules::new(types.clone()), Origin::History);
        if verdict == Verdict::Ok {
            match classifier.classify("0000000", &message) {
                Classified::Conventional(commit) => proptest::prop_assert!(commit.deviations.is_empty(), "{:?}: {:?}", message, commit.deviations),
                Classified::Ignored(ignored) => proptest::prop_assert!(false, "{:?} is lint-clean but ignored: {}", message, ignored.reason),
            }
        }
    }
}
