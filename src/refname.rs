//! Which names git accepts as refs (`git check-ref-format`'s rules), checked without a process, so
//! that a bad `tag-prefix` or `release-branch` is an error when vbump.toml is read, not a failed
//! `git tag` after the files were committed; and so that no ref vbump passes to git can start with
//! `-` and be read as an option.

/// Why `name` (a full ref such as `refs/tags/v1.2.3`) is not a valid ref, or `Ok`.
pub(crate) fn check(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.starts_with('-') {
        return Err("it starts with `-`, so git would read it as an option".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_ascii_control() || matches!(c, ' ' | '~' | '^' | ':' | '?' | '*' | '[' | '\\'))
    {
        return Err(format!("it contains {c:?}, which git does not allow in a ref"));
    }
    if name.contains("..") {
        return Err("it contains `..`".into());
    }
    if name.contains("@{") || name == "@" {
        return Err("it contains `@{` or is `@`".into());
    }
    if name.ends_with('.') || name.ends_with('/') {
        return Err("it ends with `.` or `/`".into());
    }
    for component in name.split('/') {
        if component.is_empty() {
            return Err("it has an empty path component (`//`)".into());
        }
        if component.starts_with('.') {
            return Err(format!("its component `{component}` starts with `.`"));
        }
        if component.ends_with(".lock") {
            return Err(format!("its component `{component}` ends with `.lock`"));
        }
    }
    Ok(())
}

/// Why `short`, a name under `namespace` (`refs/tags/`, `refs/heads/`), is not a ref vbump may pass
/// to git, or `Ok`: the full ref must be valid and the short name must not look like an option.
pub(crate) fn check_short(namespace: &str, short: &str) -> Result<(), String> {
    if short.starts_with('-') {
        return Err("it starts with `-`, so git would read it as an option".into());
    }
    check(&format!("{namespace}{short}"))
}

/// Why `sha` is not a full object name (40 or 64 lower-case hex digits), or `Ok`.
pub(crate) fn check_sha(sha: &str) -> Result<(), String> {
    let hex = sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if hex && (sha.len() == 40 || sha.len() == 64) {
        Ok(())
    } else {
        Err(format!("`{sha}` is not a full commit id (40 or 64 hex digits)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case agrees with git's own `git check-ref-format`.
    #[test]
    fn agrees_with_git_check_ref_format() {
        let cases = [
            "refs/tags/v1.2.3",
            "refs/tags/release/1.0.0",
            "refs/tags/1.0.0",
            "refs/heads/vbump/release",
            "refs/tags/v 1.0.0",
            "refs/tags/v..1",
            "refs/tags/v~1",
            "refs/tags/v^1",
            "refs/tags/v:1",
            "refs/tags/v?1",
            "refs/tags/v*1",
            "refs/tags/v[1",
            "refs/tags/v\\1",
            "refs/tags/v\t1",
            "refs/tags/x.lock/1.0.0",
            "refs/tags/.v1",
            "refs/tags/v@{1",
            "refs/tags//v1",
            "refs/tags/v1.",
            "refs/tags/v1/",
            "refs/tags/@",
            "refs/tags/ünï/1.0.0",
        ];
        for name in cases {
            let git = std::process::Command::new("git").args(["check-ref-format", name]).status().unwrap();
            assert_eq!(check(name).is_ok(), git.success(), "{name}: {:?}", check(name));
        }
        // Valid as a ref name, but an option on a command line: refused.
        assert!(check("-v1.0.0").unwrap_err().contains("option"));
        assert!(check_short("refs/tags/", "-v1.0.0").unwrap_err().contains("option"));
        assert!(check_short("refs/tags/", "v1.0.0").is_ok());
    }

    #[test]
    fn shas_are_full_lower_case_hex() {
        assert!(check_sha(&"a".repeat(40)).is_ok());
        assert!(check_sha(&"0".repeat(64)).is_ok());
        for bad in ["", "abc", "--upload-pack=touch x", &"A".repeat(40), &"g".repeat(40)] {
            assert!(check_sha(bad).is_err(), "{bad}");
        }
    }
}
