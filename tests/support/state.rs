//! Snapshots of everything a release may touch, to assert "exactly as before".

use std::collections::BTreeMap;

use super::TestRepo;

impl TestRepo {
    /// HEAD, every ref, the index, the status, every work-tree file's bytes, whether a journal
    /// exists, and the remote's refs (when `origin.git` exists).
    pub fn state(&self) -> BTreeMap<String, String> {
        let mut state = BTreeMap::new();
        state.insert("HEAD".into(), self.git(["rev-parse", "HEAD"]));
        let symbolic = self.git_output(["symbolic-ref", "-q", "HEAD"]).stdout;
        state.insert("HEAD-ref".into(), String::from_utf8_lossy(&symbolic).trim_end().to_string());
        state.insert("refs".into(), self.git(["for-each-ref", "--format=%(refname) %(objectname)"]));
        state.insert("index".into(), self.git(["ls-files", "--stage"]));
        state.insert("status".into(), self.git(["status", "--porcelain", "--untracked-files=all"]));
        for file in self.git(["ls-files", "--cached", "--others", "-z"]).split('\0').filter(|f| !f.is_empty())
        {
            let bytes = std::fs::read(self.path().join(file)).unwrap_or_default();
            state.insert(format!("file:{file}"), String::from_utf8_lossy(&bytes).into_owned());
        }
        state.insert("journal".into(), self.path().join(".git/vbump").exists().to_string());
        state.insert("lock".into(), self.path().join(".git/vbump.lock").exists().to_string());
        if self.sandbox().join("origin.git").exists() {
            state.insert(
                "remote".into(),
                self.origin_git(["for-each-ref", "--format=%(refname) %(objectname)"]),
            );
        }
        state
    }

    /// Asserts a finished release of `tag`: HEAD is the release commit and carries the tag,
    /// nothing is uncommitted, no journal, and (when `pushed`) the remote has both.
    #[track_caller]
    pub fn assert_released(&self, tag: &str, pushed: bool) {
        let head = self.rev("HEAD");
        assert!(self.git(["log", "-1", "--format=%s"]).starts_with("chore(release):"));
        assert_eq!(self.rev(&format!("{tag}^{{commit}}")), head);
        assert_eq!(self.git(["cat-file", "-t", tag]), "tag", "the tag is annotated");
        assert_eq!(self.git(["status", "--porcelain"]), "");
        assert!(!self.path().join(".git/vbump").exists(), "journal left behind");
        assert!(!self.path().join(".git/vbump.lock").exists(), "lock left behind");
        if pushed {
            assert_eq!(self.origin_git(["rev-parse", "main"]), head);
            assert_eq!(self.origin_git(["rev-parse", &format!("{tag}^{{commit}}")]), head);
        }
    }
}
