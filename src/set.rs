//! `vbump set VERSION`: one version written into every location, all files or none.
//!
//! How a user reconciles a drifted repository before the first automated release. Nothing is
//! committed. A current value that is not a valid version is only overwritten when asked
//! (`--force`): the location may point at something that is not the version. The files must still
//! parse and every location must be found, or nothing is written. With several packages only the
//! named packages' locations are written (each package has its own version); every other byte
//! stays as it is, in a marketplace the packages share too.

use semver::Version;

use crate::edit::{FileEdit, VersionFiles};
use crate::error::{Error, Result};
use crate::package::{self, Package, Packages};
use crate::transaction::files::write_atomically;
use crate::workspace::{Target, Workspace};

/// What `set` wrote.
#[derive(Debug)]
pub(crate) struct Written {
    /// The files written, each with the values it changed (unchanged files are left out).
    pub(crate) edits: Vec<FileEdit>,
    /// How many locations there are in all, changed or not.
    pub(crate) locations: usize,
    /// With several packages: the packages set, by name.
    pub(crate) packages: Option<Vec<String>>,
}

/// What `set` does with a location whose current value is not a valid version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Invalid {
    /// Refuse (exit 2), naming it: the default.
    Refuse,
    /// Overwrite it too (`--force`).
    Overwrite,
}

/// Writes `version` into every version location of the repository at `target`; with several
/// packages, into those of the packages named in `names` (at least one must be named).
pub(crate) fn set(target: &Target, version: &Version, names: &[String], invalid: Invalid) -> Result<Written> {
    let workspace = Workspace::open(target)?;
    let (specs, packages) = match Packages::resolve(&workspace.root, &workspace.config)? {
        Some(all) => {
            let selected = named(&all, names)?;
            let specs = selected.iter().flat_map(|p| p.locations.iter().cloned()).collect();
            (specs, Some(selected.iter().map(|p| p.name.clone()).collect()))
        }
        None => {
            package::refuse_selection(names)?;
            (crate::locations::resolve(&workspace.root, &workspace.config)?, None)
        }
    };
    let files = VersionFiles::read(&workspace.root, &specs)?;
    if files.fields().is_empty() {
        return Err(Error::input("no version location found: nothing to set")
            .hint("add [[location]] entries to vbump.toml (`vbump init` prints what it detects)"));
    }
    if invalid == Invalid::Refuse {
        refuse_invalid(&files)?;
    }
    let edits = files.set_version(version)?;
    write_atomically(&workspace.root, &edits)?;
    Ok(Written { edits, locations: files.fields().len(), packages })
}

/// The packages `set` writes. Each package has its own version, so one version for all of them
/// is never implied: they are named (`--package`), and each must have a version location.
fn named<'p>(packages: &'p Packages, names: &[String]) -> Result<Vec<&'p Package>> {
    if names.is_empty() {
        let known: Vec<&str> = packages.list.iter().map(|p| p.name.as_str()).collect();
        return Err(Error::input(format!(
            "this repository has {} packages, each with its own version: name the one(s) to set",
            known.len()
        ))
        .hint(format!(
            "`vbump set VERSION --package NAME` (repeatable); the packages are: {}",
            known.join(", ")
        )));
    }
    let selected = packages.select(names)?;
    if let Some(empty) = selected.iter().find(|p| p.locations.is_empty()) {
        return Err(Error::input(format!(
            "package `{}` has no version location, so there is nothing to set; nothing was written",
            empty.name
        ))
        .hint("add a \"version\" to its plugin.json (or `[[package.location]]` in vbump.toml), then run `vbump set` again"));
    }
    Ok(selected)
}

/// A location whose value is not a version may not be the version at all (a schema's `"draft"`, a
/// regex that matched the wrong line): overwriting it is asked for with `--force`, never implied.
fn refuse_invalid(files: &VersionFiles) -> Result<()> {
    let fields = files.fields();
    let invalid: Vec<usize> =
        (0..fields.len()).filter(|&i| fields[i].scheme.parse(&fields[i].value).is_err()).collect();
    let Some(&first) = invalid.first() else { return Ok(()) };
    let field = &fields[first];
    let others = match invalid.len() {
        1 => String::new(),
        n => format!(" (and {} more location(s))", n - 1),
    };
    Err(Error::input(format!(
        "`{}` is \"{}\", which `vbump check` calls invalid{others}; `vbump set` does not overwrite it without `--force`",
        field.location, field.value
    ))
    .at(files.place(first))
    .hint("make sure the location is the version you mean (`vbump init` shows the detected ones), then run `vbump set VERSION --force`"))
}
