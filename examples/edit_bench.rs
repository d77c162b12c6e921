//! Benchmark of the version editors (run by `bench/edit.sh`, in --release).
//!
//! 1. A generated marketplace.json of 10,000 plugin entries (about 5 MB, 2-space indent, each
//!    entry with a `releases[].version` decoy): time to read one location (parse + find) and to
//!    compute the edit (splice + re-parse to confirm), for a selector near the end.
//! 2. The seed layout (plugin.json + marketplace.json + pyproject.toml + Cargo.toml +
//!    package.json): detection plus reading every location.
//!
//! Prints the minimum and median of several runs; the figures are in README.md, "Performance".

use std::path::Path;
use std::time::{Duration, Instant};

use vbump::config::{LocationSpec, Selector};
use vbump::edit::VersionFiles;

const ENTRIES: usize = 10_000;
const RUNS: usize = 15;

fn marketplace(entries: usize) -> String {
    let mut out = String::with_capacity(entries * 520);
    out.push_str("{\n  \"$schema\": \"https://anthropic.com/claude-code/marketplace.schema.json\",\n");
    out.push_str("  \"name\": \"bench\",\n  \"metadata\": {\n    \"description\": \"generated\",\n    \"version\": \"1.0.0\"\n  },\n");
    out.push_str("  \"plugins\": [\n");
    for i in 0..entries {
        let sep = if i + 1 == entries { "" } else { "," };
        out.push_str(&format!(
            "    {{\n      \"name\": \"plugin-{i}\",\n      \"source\": \"./plugins/plugin-{i}\",\n      \
             \"description\": \"Plugin number {i} \\u2014 does useful things for people who need them, caf\u{e9}\",\n      \
             \"version\": \"{}.{}.{}\",\n      \"author\": {{ \"name\": \"Author {i}\", \"email\": \"a{i}@example.com\" }},\n      \
             \"keywords\": [\"bench\", \"generated\", \"k{i}\"],\n      \
             \"releases\": [{{ \"version\": \"0.0.{i}\", \"date\": \"2026-01-01\" }}, {{ \"version\": \"0.1.{i}\", \"date\": \"2026-02-01\" }}]\n    }}{sep}\n",
            i % 7,
            i % 13,
            i % 100
        ));
    }
    out.push_str("  ]\n}\n");
    out
}

fn stats(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!("min {:.2} ms, median {:.2} ms", ms(samples[0]), ms(samples[samples.len() / 2]))
}

fn time<T>(mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let text = marketplace(ENTRIES);
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(root.join(".claude-plugin/marketplace.json"), &text).unwrap();
    println!("marketplace.json: {ENTRIES} entries, {:.2} MB", text.len() as f64 / 1e6);

    let spec = |pointer: &str| LocationSpec {
        file: ".claude-plugin/marketplace.json".into(),
        selector: Selector::Json(pointer.into()),
        optional: false,
        declared_at: None,
    };
    let by_name = [spec("/plugins/[name=plugin-9990]/version")];
    let version: semver::Version = "9.9.9".parse().unwrap();

    let read = time(|| VersionFiles::read(root, &by_name).unwrap());
    println!("read /plugins/[name=plugin-9990]/version:      {}", stats(read));
    let files = VersionFiles::read(root, &by_name).unwrap();
    let edit = time(|| files.set_version(&version).unwrap());
    println!("set_version (splice + confirm by re-parse):  {}", stats(edit));
    let total = time(|| VersionFiles::read(root, &by_name).unwrap().set_version(&version).unwrap());
    println!("read + set_version, end to end:              {}", stats(total));
    let edits = files.set_version(&version).unwrap();
    let (before, after) = (&edits[0].before, &edits[0].after);
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let suffix = before.iter().rev().zip(after.iter().rev()).take_while(|(a, b)| a == b).count();
    println!(
        "differing region: {} bytes before, {} after (sizes {} -> {})",
        before.len().saturating_sub(prefix + suffix),
        after.len().saturating_sub(prefix + suffix),
        before.len(),
        after.len()
    );

    seed_layout(&dir.path().join("seed"));
}

fn seed_layout(root: &Path) {
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(".claude-plugin/plugin.json", "{\n  \"name\": \"seed\",\n  \"version\": \"1.2.0\"\n}\n");
    write(
        ".claude-plugin/marketplace.json",
        "{\n  \"name\": \"seed\",\n  \"metadata\": {\"version\": \"1.2.0\"},\n  \"plugins\": [\n    {\"name\": \"seed\", \"source\": \"./\", \"version\": \"1.2.0\"}\n  ]\n}\n",
    );
    write("pyproject.toml", "[project]\nname = \"seed\"\nversion = \"1.2.0\"\n");
    write("Cargo.toml", "[package]\nname = \"seed\"\nversion = \"1.2.0\"\n");
    write("package.json", "{\"name\": \"seed\", \"version\": \"1.2.0\"}\n");
    let mut count = 0;
    let samples = time(|| {
        let specs = vbump::locations::detect(root, std::path::Path::new("")).unwrap().locations;
        let files = VersionFiles::read(root, &specs).unwrap();
        count = files.fields().len();
        files.versions().unwrap().len()
    });
    println!("seed layout: detect + read {count} locations:   {}", stats(samples));
}
