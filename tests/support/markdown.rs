//! RUNBOOK.md and README.md read the way the tests walk them: a section under its heading, the
//! fenced blocks in it, the rows of its tables. Tests run what these return, so the text a reader
//! copies is the text that runs; a heading or block that moves makes the test fail, never skip.

/// A section: from its heading line to the next heading of the same or a higher level.
#[derive(Clone, Copy, Debug)]
pub struct Section<'a> {
    pub heading: &'a str,
    pub text: &'a str,
}

/// A fenced block: its language (the word after the opening fence) and its body, which ends
/// with a newline as a file or script would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block<'a> {
    pub language: &'a str,
    pub body: &'a str,
}

/// The section whose heading line is exactly `heading` (`### 3. The first run: …` with its
/// hashes). Panics when there is none, so a renamed heading fails the test that runs it.
#[track_caller]
pub fn section<'a>(doc: &'a str, heading: &str) -> Section<'a> {
    let level = heading.chars().take_while(|c| *c == '#').count();
    assert!(level > 0, "`{heading}` is not a heading");
    let start = line_starts(doc)
        .find(|&i| doc[i..].lines().next() == Some(heading))
        .unwrap_or_else(|| panic!("no heading `{heading}`"));
    let body = start + heading.len();
    let end = line_starts(doc)
        .filter(|&i| i > start)
        .find(|&i| heading_level(doc[i..].lines().next().unwrap_or("")).is_some_and(|l| l <= level))
        .unwrap_or(doc.len());
    Section { heading: &doc[start..body], text: &doc[start..end] }
}

/// Every section of `level` (2 for `##`) in document order.
pub fn sections(doc: &str, level: usize) -> Vec<Section<'_>> {
    line_starts(doc)
        .filter_map(|i| {
            let line = doc[i..].lines().next()?;
            (heading_level(line) == Some(level)).then(|| section(doc, line))
        })
        .collect()
}

impl<'a> Section<'a> {
    /// The fenced blocks in this section (its subsections included), in order.
    pub fn blocks(&self) -> Vec<Block<'a>> {
        let mut blocks = Vec::new();
        let mut open: Option<(&'a str, usize)> = None;
        for i in line_starts(self.text) {
            let line = self.text[i..].lines().next().unwrap_or("");
            match (open, line.strip_prefix("```")) {
                (None, Some(language)) => open = Some((language.trim(), i + line.len() + 1)),
                (Some((language, body)), Some("")) => {
                    blocks.push(Block { language, body: &self.text[body..i] });
                    open = None;
                }
                _ => {}
            }
        }
        assert!(open.is_none(), "an unclosed fence in `{}`", self.heading);
        blocks
    }

    /// The section without its subsections: from its heading to the first deeper heading.
    pub fn own(&self) -> Section<'a> {
        let end = line_starts(self.text)
            .filter(|&i| i > 0)
            .find(|&i| heading_level(self.text[i..].lines().next().unwrap_or("")).is_some())
            .unwrap_or(self.text.len());
        Section { heading: self.heading, text: &self.text[..end] }
    }

    /// The only fenced block of `language` in this section.
    #[track_caller]
    pub fn block(&self, language: &str) -> &'a str {
        let found: Vec<_> = self.blocks().into_iter().filter(|b| b.language == language).collect();
        assert_eq!(found.len(), 1, "`{}` should hold one ```{language} block", self.heading);
        found[0].body
    }

    /// The rows of the section's first table, header and separator left out, each cell trimmed.
    #[track_caller]
    pub fn table(&self) -> Vec<Vec<&'a str>> {
        let rows: Vec<Vec<&str>> = self
            .text
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                l.trim().trim_start_matches('|').trim_end_matches('|').split(" | ").map(str::trim).collect()
            })
            .collect();
        assert!(rows.len() > 2, "`{}` has no table", self.heading);
        rows.into_iter().skip(2).collect()
    }
}

fn heading_level(line: &str) -> Option<usize> {
    let level = line.chars().take_while(|c| *c == '#').count();
    (level > 0 && line[level..].starts_with(' ')).then_some(level)
}

/// The byte offset of every line that is not inside a fenced block (fence lines included): a `#`
/// line inside a ```sh block is a shell comment, not a heading.
fn line_starts(doc: &str) -> impl Iterator<Item = usize> + '_ {
    let mut in_fence = false;
    let mut offset = 0;
    doc.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let fence = line.starts_with("```");
        let outside = !in_fence;
        if fence {
            in_fence = !in_fence;
        }
        // Fence lines themselves are reported (blocks() needs them); lines inside are not.
        (outside || fence).then_some(start)
    })
}
