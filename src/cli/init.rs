//! `vbump init`: print the auto-detected version locations as a `vbump.toml`; `--write` writes it.
//!
//! Detection is what vbump does without a configuration (see `locations`), so the printed file
//! changes nothing by itself: it makes the locations visible and editable.

use super::{Context, Format, InitArgs};
use crate::config::{FILE_NAME, LocationSpec, Selector};
use crate::error::{Error, Result};
use crate::fsutil;
use crate::locations;
use crate::report::Reporter as _;
use crate::workspace::Workspace;

pub(super) fn run(ctx: &Context, args: &InitArgs) -> Result<i32> {
    let workspace = Workspace::open(&ctx.target)?;
    let detection = locations::detect(&workspace.root, std::path::Path::new(""))?;
    // What was left alone goes to stderr, so `--format json` stays one document.
    for skipped in &detection.skipped {
        ctx.reporter().warn(&format!("skipped {skipped}"));
    }
    let specs = detection.locations;
    if ctx.format == Format::Json && !args.write {
        println!("{}", serde_json::to_string_pretty(&specs).expect("locations serialise"));
        return Ok(0);
    }
    let text = render(&specs, workspace.tag_prefix_in_use()?.as_deref());
    if !args.write {
        super::output::print(&text);
        if specs.is_empty() {
            ctx.reporter().warn("no version file detected; add [[location]] entries by hand");
        }
        return Ok(0);
    }
    if specs.is_empty() {
        return Err(Error::input("no version file detected, so there is nothing to write")
            .hint("write vbump.toml by hand with [[location]] entries (see README, \"Version locations\")"));
    }
    let path = ctx.target.config.clone().unwrap_or_else(|| workspace.root.join(FILE_NAME));
    fsutil::create_new(&path, text.as_bytes()).map_err(|e| match e {
        fsutil::CreateError::Exists => {
            Error::input(format!("{} already exists; vbump init does not overwrite it", path.display()))
                .hint("edit it, or remove it and run `vbump init --write` again")
        }
        fsutil::CreateError::Io(e) => Error::input(format!("cannot write {}: {e}", path.display())),
    })?;
    super::output::print(&format!("wrote {} with {} location(s)", path.display(), specs.len()));
    Ok(0)
}

/// The `vbump.toml` text for `specs`, with `tag-prefix` when the tags use another than `v`.
pub(super) fn render(specs: &[LocationSpec], tag_prefix: Option<&str>) -> String {
    let mut out = String::from(
        "# vbump.toml, written by `vbump init` from the version files it detected.\n\
         # Every [[location]] is one version value; see README, \"Version locations\".\n",
    );
    if let Some(prefix) = tag_prefix {
        out.push_str(&format!(
            "\n# The release tags HEAD contains are named like this.\ntag-prefix = {}\n",
            quote(prefix)
        ));
    }
    if specs.is_empty() {
        out.push_str(
            "\n# No version file was detected. Add one entry per version value, e.g.:\n\
             # [[location]]\n# file = \"package.json\"\n# json = \"/version\"\n",
        );
    }
    for spec in specs {
        out.push_str("\n[[location]]\n");
        out.push_str(&format!("file = {}\n", quote(&spec.file.to_string_lossy().replace('\\', "/"))));
        match &spec.selector {
            Selector::Json(pointer) => out.push_str(&format!("json = {}\n", quote(pointer))),
            Selector::Toml(key) => out.push_str(&format!("toml = {}\n", quote(key))),
            Selector::Regex { pattern, all } => {
                out.push_str(&format!("regex = {}\n", quote(pattern)));
                if *all {
                    out.push_str("all = true\n");
                }
            }
        }
        if spec.optional {
            out.push_str("optional = true\n");
        }
    }
    out
}

/// A TOML basic string: a key path such as `tool."my.pkg".version` holds quotes to escape.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::Config;

    #[test]
    fn rendered_file_reads_back_as_the_same_locations() {
        let specs = vec![
            LocationSpec {
                file: PathBuf::from(".claude-plugin/marketplace.json"),
                selector: Selector::Json("/plugins/[name=a\"b]/version".into()),
                optional: false,
                declared_at: None,
            },
            LocationSpec {
                file: PathBuf::from("pyproject.toml"),
                selector: Selector::Toml("tool.\"my.pkg\".version".into()),
                optional: true,
                declared_at: None,
            },
        ];
        let config = Config::parse(&render(&specs, Some("web-v")), Path::new("vbump.toml")).unwrap();
        assert_eq!(config.tag_prefix, "web-v");
        let read: Vec<(PathBuf, Selector, bool)> =
            config.locations.unwrap().into_iter().map(|s| (s.file, s.selector, s.optional)).collect();
        let want: Vec<(PathBuf, Selector, bool)> =
            specs.into_iter().map(|s| (s.file, s.selector, s.optional)).collect();
        assert_eq!(read, want);
    }
}
