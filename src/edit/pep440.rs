//! PEP 440, the version syntax of Python packaging, for the Python locations (`pyproject.toml`,
//! `__version__`, `setup.cfg`, `uv.lock`).
//!
//! Packaging normalises `1.3.0-rc.1` to `1.3.0rc1`, so a release that wrote the semver spelling into
//! a Python file would build a wheel whose version differs, as text, from the tag. vbump therefore
//! writes the PEP 440 form there and reads PEP 440 back as the semantic version it means:
//!
//! | semver          | PEP 440       |
//! |-----------------|---------------|
//! | `1.3.0`         | `1.3.0`       |
//! | `1.3.0-alpha.2` | `1.3.0a2`     |
//! | `1.3.0-beta.1`  | `1.3.0b1`     |
//! | `1.3.0-rc.1`    | `1.3.0rc1`    |
//! | `1.3.0+build.5` | `1.3.0+build.5` |
//!
//! Read only: `0.5` is `0.5.0`, `1.3.0.rc1`, `1.3.0-rc1`, `1.3.0c1`, `1.3.0alpha2`, `1.3.0pre1`,
//! `1.3.0preview1` are their normal forms. With no semver meaning (refused): epochs (`1!2.0`),
//! post-releases (`.post1`), developmental releases (`.dev1`), and more than three release
//! numbers. Semver pre-releases other than `alpha.N`, `beta.N` and `rc.N` have no PEP 440 form.

use semver::{BuildMetadata, Prerelease, Version};

/// The semantic version a PEP 440 version means; an error says why there is none.
pub fn to_semver(text: &str) -> Result<Version, String> {
    let lower = text.to_ascii_lowercase();
    let (public, local) = match lower.split_once('+') {
        Some((public, local)) => (public, Some(local)),
        None => (lower.as_str(), None),
    };
    if public.contains('!') {
        return Err("a PEP 440 epoch (`N!`) has no semantic-version meaning".into());
    }
    let release_end = public.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(public.len());
    let (release, rest) = public.split_at(release_end);
    // `1.3.0.rc1`: the dot before the pre-release belongs to the suffix, not to the release.
    let (release, rest) = match release.strip_suffix('.') {
        Some(release) if !rest.is_empty() => (release, rest),
        _ => (release, rest),
    };
    let numbers: Vec<u64> = release
        .split('.')
        .map(|part| number(part).ok_or_else(|| format!("`{text}` is not a PEP 440 version")))
        .collect::<Result<_, _>>()?;
    if numbers.len() > 3 {
        return Err(format!("`{text}` has {} release numbers; semantic versions have three", numbers.len()));
    }
    let get = |i: usize| numbers.get(i).copied().unwrap_or(0);
    let mut version = Version::new(get(0), get(1), get(2));
    if !rest.is_empty() {
        let pre = pre_release(rest).ok_or_else(|| {
            if rest.contains("post") || rest.contains("dev") {
                format!("`{text}` is a post- or developmental release, which has no semantic-version meaning")
            } else {
                format!("`{text}` is not a PEP 440 version")
            }
        })?;
        version.pre = Prerelease::new(&pre).map_err(|e| e.to_string())?;
    }
    if let Some(local) = local {
        let local = local.replace(['-', '_'], ".");
        version.build =
            BuildMetadata::new(&local).map_err(|_| format!("`{text}` has an invalid local version"))?;
    }
    Ok(version)
}

/// The PEP 440 spelling of `version`, or why it has none.
pub fn from_semver(version: &Version) -> Result<String, String> {
    let mut out = format!("{}.{}.{}", version.major, version.minor, version.patch);
    if !version.pre.is_empty() {
        let pre = version.pre.as_str();
        let converted = pre.split_once('.').and_then(|(id, n)| {
            let short = match id {
                "alpha" | "a" => "a",
                "beta" | "b" => "b",
                "rc" => "rc",
                _ => return None,
            };
            number(n).map(|n| format!("{short}{n}"))
        });
        let Some(converted) = converted else {
            return Err(format!(
                "{version} has no PEP 440 form: Python versions allow only `alpha.N`, `beta.N` or `rc.N` pre-releases (e.g. 1.3.0-rc.1, written 1.3.0rc1)"
            ));
        };
        out.push_str(&converted);
    }
    if !version.build.is_empty() {
        if version.build.as_str().contains('-') {
            return Err(format!(
                "{version} has no PEP 440 form: a local version label normalises `-` to `.`"
            ));
        }
        out.push('+');
        out.push_str(version.build.as_str());
    }
    Ok(out)
}

/// A release or pre-release number: digits only (PEP 440 drops leading zeros, so does this).
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `rc1`, `.rc1`, `-rc.1`, `c1`, `alpha2`, `pre1` → `rc.1`, `rc.1`, `rc.1`, `rc.1`, `alpha.2`, `rc.1`.
fn pre_release(rest: &str) -> Option<String> {
    let rest = rest.trim_start_matches(['.', '-', '_']);
    let letters = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
    let (word, tail) = rest.split_at(letters);
    let id = match word {
        "a" | "alpha" => "alpha",
        "b" | "beta" => "beta",
        "rc" | "c" | "pre" | "preview" => "rc",
        _ => return None,
    };
    let tail = tail.trim_start_matches(['.', '-', '_']);
    // An implicit number is 0 (`1.0rc` is `1.0rc0`).
    let n = if tail.is_empty() { 0 } else { number(tail)? };
    Some(format!("{id}.{n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn the_readme_table_holds_both_ways() {
        for (semver, pep440) in [
            ("1.3.0", "1.3.0"),
            ("1.3.0-alpha.2", "1.3.0a2"),
            ("1.3.0-beta.1", "1.3.0b1"),
            ("1.3.0-rc.1", "1.3.0rc1"),
            ("1.3.0+build.5", "1.3.0+build.5"),
        ] {
            assert_eq!(from_semver(&v(semver)).unwrap(), pep440);
            assert_eq!(to_semver(pep440).unwrap(), v(semver));
        }
    }

    #[test]
    fn other_spellings_read_as_their_normal_form() {
        for (pep440, semver) in [
            ("0.5", "0.5.0"),
            ("2", "2.0.0"),
            ("1.0.0rc1", "1.0.0-rc.1"),
            ("1.3.0.rc1", "1.3.0-rc.1"),
            ("1.3.0-rc1", "1.3.0-rc.1"),
            ("1.3.0c1", "1.3.0-rc.1"),
            ("1.3.0alpha2", "1.3.0-alpha.2"),
            ("1.3.0pre1", "1.3.0-rc.1"),
            ("1.3.0RC1", "1.3.0-rc.1"),
            ("1.0rc", "1.0.0-rc.0"),
            ("1.4.0rc27", "1.4.0-rc.27"),
        ] {
            assert_eq!(to_semver(pep440).unwrap(), v(semver), "{pep440}");
        }
    }

    #[test]
    fn what_has_no_meaning_is_refused() {
        for text in ["1!2.0", "1.0.post1", "1.0.dev3", "1.2.3.4", "latest", "", "v1.0", "1.0rc1x"] {
            assert!(to_semver(text).is_err(), "{text}");
        }
        for version in ["1.3.0-rc", "1.3.0-preview.1", "1.3.0-rc.1.2", "1.3.0+a-b"] {
            let error = from_semver(&v(version)).unwrap_err();
            assert!(error.contains("no PEP 440 form"), "{version}: {error}");
        }
    }
}
