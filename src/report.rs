//! How the core tells a person what it is doing: a [`Reporter`]. The core prints nothing; the
//! command line implements this trait (on stderr, so stdout stays the result).

/// Receives progress notes and warnings while a command runs.
pub(crate) trait Reporter {
    /// Progress a person may want to follow (`shallow clone: fetching tags …`).
    fn note(&mut self, message: &str);
    /// Something that does not stop the command but should be looked at.
    fn warn(&mut self, message: &str);
}

/// Collects what it is told, for tests.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub(crate) notes: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

#[cfg(test)]
impl Reporter for Collected {
    fn note(&mut self, message: &str) {
        self.notes.push(message.to_string());
    }

    fn warn(&mut self, message: &str) {
        self.warnings.push(message.to_string());
    }
}
