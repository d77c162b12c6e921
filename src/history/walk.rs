//! vbump's own history walk: one pass from HEAD that serves any number of release boundaries.
//!
//! `git log v1.0.0..HEAD` is the floor for what vbump reads; through libgit2
//! (`graph_descendant_of` to prove the tag reachable, then a hiding revwalk, then `find_commit` per
//! commit) `vbump next` took 1.68x that floor's time and 125 MB at 100k commits, because every
//! commit was inflated and parsed by the reachability check, kept in libgit2's object cache, walked
//! again by the revwalk and parsed once more. This walk reads each commit once from the object
//! database, takes only its tree, parents and committer time from the raw header, keeps its message
//! only while it waits in the queue, and proves the boundaries reachable on the way
//! (bench/README.md has the figures).
//!
//! **Ranges.** A repository of several packages has one boundary per package (its last release
//! tag), and a package's commits are those HEAD reaches and its boundary does not. Walking once per
//! package would cost packages × commits (cocogitto's cost). Instead every commit carries a set of
//! marks: bit 0 says HEAD reaches it, bit `1 + k` says the `k`-th distinct boundary does. Marks
//! spread from a commit to its parents, as git's `UNINTERESTING` flag does in `limit_list`, and a
//! commit is in range `i` when it has the HEAD mark and not the mark of range `i`'s boundary. A
//! single package is the case of one range. Mark sets are interned: a history has only a few
//! distinct ones, so a commit stores a 4-byte id.
//!
//! Order: newest committer time first; equal times in the order the commits were queued, which
//! puts a child before its parent and a merge's first parent before its second. This is git's own
//! rule (`git rev-list --date-order` without `--topo-order`, a priority queue with an insertion
//! counter), so `vbump` and `git log` list a history the same way.
//!
//! Late marks: a commit reached from HEAD first and proved inside a boundary later (clock skew on
//! the tag's side) is caught while it waits [`SETTLE`] pops before being reported; a mark that
//! reaches a commit already popped spreads on through the parents it recorded. The walk ends once
//! no queued commit is still in some range and [`SLOP`] more went by in falling time order (git's
//! slop for commits with skewed dates).

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};

use git2::{ErrorCode, ObjectType, Odb, Oid, Repository};

use crate::error::{Error, Result};

/// Commits popped in falling time order, with only commits outside every range queued, before the
/// walk stops (git's `SLOP`).
const SLOP: u32 = 5;
/// Commits popped after an in-range one before it is reported, so that a mark arriving late
/// through skewed dates can still withdraw it. Costs at most this many messages of memory.
pub(crate) const SETTLE: usize = 32;

/// The mark "HEAD reaches this commit".
const HEAD_BIT: usize = 0;

/// One commit as the walk reports it.
pub(crate) struct Commit<'w> {
    pub(crate) oid: Oid,
    pub(crate) message: &'w str,
    /// The commit's root tree.
    pub(crate) tree: Oid,
    /// The root tree of its first parent, `None` for a root commit (or a shallow clone's boundary).
    pub(crate) parent_tree: Option<Oid>,
    marks: &'w [u64],
    ranges: &'w [Option<usize>],
}

impl Commit<'_> {
    /// Is this commit in range `i` (HEAD reaches it, range `i`'s boundary does not)?
    pub(crate) fn in_range(&self, i: usize) -> bool {
        has(self.marks, HEAD_BIT) && self.ranges[i].is_none_or(|bit| !has(self.marks, bit))
    }
}

fn has(set: &[u64], bit: usize) -> bool {
    set[bit / 64] & (1 << (bit % 64)) != 0
}

/// Interned mark sets: id → bits, and whether a commit with those marks is still in some range.
struct MarkSets {
    words: usize,
    bits: Vec<u64>,
    in_some_range: Vec<bool>,
    ids: HashMap<Box<[u64]>, u32>,
    unions: HashMap<(u32, u32), u32>,
    /// The marks of every boundary; a commit that has them all is in no range (unless some range
    /// has no boundary, see `unbounded`).
    all_boundaries: Box<[u64]>,
    unbounded: bool,
}

impl MarkSets {
    fn new(boundaries: usize, unbounded: bool) -> MarkSets {
        let words = (boundaries + 1).div_ceil(64);
        let mut all = vec![0; words].into_boxed_slice();
        for bit in 1..=boundaries {
            all[bit / 64] |= 1 << (bit % 64);
        }
        MarkSets {
            words,
            bits: Vec::new(),
            in_some_range: Vec::new(),
            ids: HashMap::new(),
            unions: HashMap::new(),
            all_boundaries: all,
            unbounded,
        }
    }

    fn get(&self, id: u32) -> &[u64] {
        let start = id as usize * self.words;
        &self.bits[start..start + self.words]
    }

    fn intern(&mut self, set: Box<[u64]>) -> u32 {
        if let Some(&id) = self.ids.get(&set) {
            return id;
        }
        let id = u32::try_from(self.in_some_range.len()).expect("fewer than 2^32 mark sets");
        let inside_all = set.iter().zip(self.all_boundaries.iter()).all(|(s, a)| s & a == *a);
        self.in_some_range.push(has(&set, HEAD_BIT) && (self.unbounded || !inside_all));
        self.bits.extend_from_slice(&set);
        self.ids.insert(set, id);
        id
    }

    fn single(&mut self, bit: usize) -> u32 {
        let mut set = vec![0; self.words].into_boxed_slice();
        set[bit / 64] |= 1 << (bit % 64);
        self.intern(set)
    }

    fn union(&mut self, a: u32, b: u32) -> u32 {
        if a == b {
            return a;
        }
        let key = (a.min(b), a.max(b));
        if let Some(&id) = self.unions.get(&key) {
            return id;
        }
        let set: Box<[u64]> = self.get(a).iter().zip(self.get(b)).map(|(x, y)| x | y).collect();
        let id = self.intern(set);
        self.unions.insert(key, id);
        id
    }

    fn in_some_range(&self, id: u32) -> bool {
        self.in_some_range[id as usize]
    }
}

/// A commit read and waiting in the queue.
struct Queued {
    time: i64,
    /// Queue insertion counter: the tie-break between equal times (lower first).
    seq: u64,
    oid: Oid,
    /// Kept only for commits queued while in some range.
    message: Option<Vec<u8>>,
}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap pops the greatest: the newest, then the first queued.
        self.time.cmp(&other.time).then_with(|| other.seq.cmp(&self.seq))
    }
}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}

/// What the walk knows about a commit it has read.
struct Mark {
    marks: u32,
    /// Out of the queue (its parents are read).
    popped: bool,
    /// Counted in `Walk::in_range_queued`.
    counted: bool,
    tree: Oid,
    /// Where its parents lie in `Walk::parents` (one arena, not an allocation per commit).
    parents_at: u32,
    parents_len: u32,
}

impl Mark {
    fn parents(&self) -> std::ops::Range<usize> {
        self.parents_at as usize..(self.parents_at + self.parents_len) as usize
    }
}

/// A popped in-range commit waiting [`SETTLE`] pops before it is reported.
struct Settling {
    oid: Oid,
    message: Option<Vec<u8>>,
}

pub(crate) struct Walk<'r> {
    odb: Odb<'r>,
    /// The boundary of a shallow clone: these commits' parents are not in the repository.
    shallow: HashSet<Oid>,
    marks: HashMap<Oid, Mark>,
    /// The parents of every commit read, end to end.
    parents: Vec<Oid>,
    sets: MarkSets,
    queue: BinaryHeap<Queued>,
    seq: u64,
    /// Queued commits still in some range; the walk cannot end while there are any.
    in_range_queued: usize,
    settling: VecDeque<Settling>,
}

impl<'r> Walk<'r> {
    pub(crate) fn new(repo: &'r Repository) -> Result<Self> {
        Ok(Walk {
            odb: repo.odb()?,
            shallow: super::shallow_boundary(repo)?,
            marks: HashMap::new(),
            parents: Vec::new(),
            sets: MarkSets::new(0, true),
            queue: BinaryHeap::new(),
            seq: 0,
            in_range_queued: 0,
            settling: VecDeque::new(),
        })
    }

    /// Walks from `head`; range `i` ends at `since[i]` (`None`: the whole history). Calls `visit`
    /// for each commit in at least one range, newest first, and returns, for each range, whether
    /// `head` contains its boundary (`true` for `None`). When it does not, the commits reported in
    /// that range are those of `head` the boundary lacks, which callers discard.
    pub(crate) fn run(
        mut self,
        head: Oid,
        since: &[Option<Oid>],
        mut visit: impl FnMut(&Commit<'_>) -> Result<()>,
    ) -> Result<Vec<bool>> {
        // One mark per distinct boundary: packages released together share a commit.
        let mut boundaries: Vec<Oid> = Vec::new();
        let ranges: Vec<Option<usize>> = since
            .iter()
            .map(|boundary| {
                boundary.map(|oid| match boundaries.iter().position(|b| *b == oid) {
                    Some(k) => k + 1,
                    None => {
                        boundaries.push(oid);
                        boundaries.len()
                    }
                })
            })
            .collect();
        self.sets = MarkSets::new(boundaries.len(), since.iter().any(Option::is_none));
        let from_head = self.sets.single(HEAD_BIT);
        self.push(head, from_head)?;
        for (k, &boundary) in boundaries.iter().enumerate() {
            let inside = self.sets.single(k + 1);
            self.push(boundary, inside)?;
        }
        let mut slop = SLOP;
        let mut parents = Vec::new();
        while let Some(commit) = self.queue.pop() {
            // `push` marks every commit it queues, so the mark is always there.
            let Some(mark) = self.marks.get_mut(&commit.oid) else { continue };
            mark.popped = true;
            if mark.counted {
                mark.counted = false;
                self.in_range_queued -= 1;
            }
            let marks = mark.marks;
            parents.clear();
            parents.extend_from_slice(&self.parents[mark.parents()]);
            for &parent in &parents {
                self.push(parent, marks)?;
            }
            if self.sets.in_some_range(marks) {
                self.settling.push_back(Settling { oid: commit.oid, message: commit.message });
                while self.settling.len() > SETTLE {
                    self.report(&ranges, &mut visit)?;
                }
            }
            slop = match self.queue.peek() {
                // Time went up: dates are skewed here, so keep going.
                Some(next) if next.time >= commit.time => SLOP,
                _ if self.in_range_queued > 0 => SLOP,
                _ => slop - 1,
            };
            if slop == 0 {
                break;
            }
        }
        while !self.settling.is_empty() {
            self.report(&ranges, &mut visit)?;
        }
        // A boundary HEAD contains has the HEAD mark by now: the commits on the way to it from HEAD
        // are in its range, and the walk does not end while such a commit is queued.
        let reached = |boundary: &Option<Oid>| {
            boundary.is_none_or(|oid| {
                self.marks.get(&oid).is_some_and(|mark| has(self.sets.get(mark.marks), HEAD_BIT))
            })
        };
        Ok(since.iter().map(reached).collect())
    }

    /// Reports the oldest settling commit, unless a late mark took it out of every range.
    fn report(
        &mut self,
        ranges: &[Option<usize>],
        visit: &mut impl FnMut(&Commit<'_>) -> Result<()>,
    ) -> Result<()> {
        let Some(settled) = self.settling.pop_front() else { return Ok(()) };
        let Some(mark) = self.marks.get(&settled.oid) else { return Ok(()) };
        if !self.sets.in_some_range(mark.marks) {
            return Ok(());
        }
        let message = match settled.message {
            Some(message) => message,
            // Queued before HEAD's mark reached it: read it again (rare; skewed dates only).
            None => split_commit(self.odb.read(settled.oid)?.data()).1.to_vec(),
        };
        let parent_tree =
            self.parents[mark.parents()].first().and_then(|p| self.marks.get(p)).map(|parent| parent.tree);
        visit(&Commit {
            oid: settled.oid,
            message: &String::from_utf8_lossy(&message),
            tree: mark.tree,
            parent_tree,
            marks: self.sets.get(mark.marks),
            ranges,
        })
    }

    /// Queues `oid` the first time it is seen; adds `marks` to it (and to what it reaches) if it
    /// lacks some of them.
    fn push(&mut self, oid: Oid, marks: u32) -> Result<()> {
        if self.marks.contains_key(&oid) {
            self.spread(oid, marks);
            return Ok(());
        }
        let object = self.odb.read(oid).map_err(|e| {
            if e.code() == ErrorCode::NotFound {
                Error::input(format!("commit {oid} is missing from the repository"))
                    .hint("the clone is incomplete: run `git fetch --unshallow --tags` or clone again")
            } else {
                Error::from(e)
            }
        })?;
        if object.kind() != ObjectType::Commit {
            return Err(Error::input(format!("object {oid} is a {}, not a commit", object.kind()))
                .hint("the repository may be corrupt: run `git fsck`"));
        }
        let raw = object.data();
        let (header, message) = split_commit(raw);
        let mut parents = Vec::new();
        let mut time = 0;
        let mut tree = Oid::ZERO_SHA1;
        for line in header.split(|&b| b == b'\n') {
            if let Some(hex) = line.strip_prefix(b"parent ") {
                parents.push(parse_oid(hex, oid)?);
            } else if let Some(hex) = line.strip_prefix(b"tree ") {
                tree = parse_oid(hex, oid)?;
            } else if let Some(committer) = line.strip_prefix(b"committer ") {
                time = committer_time(committer);
            }
        }
        if self.shallow.contains(&oid) {
            // The end of a shallow clone's history: git treats these commits as roots.
            parents.clear();
        }
        let in_range = self.sets.in_some_range(marks);
        let message = in_range.then(|| message.to_vec());
        let parents_at =
            u32::try_from(self.parents.len()).map_err(|_| Error::input("the history is too long to walk"))?;
        let parents_len = u32::try_from(parents.len())
            .map_err(|_| Error::input(format!("commit {oid} has too many parents")))?;
        self.parents.extend_from_slice(&parents);
        self.marks
            .insert(oid, Mark { marks, popped: false, counted: in_range, tree, parents_at, parents_len });
        if in_range {
            self.in_range_queued += 1;
        }
        self.seq += 1;
        self.queue.push(Queued { time, seq: self.seq, oid, message });
        Ok(())
    }

    /// Adds `marks` to a commit already read and, through the parents of popped commits, to
    /// everything it reaches (queued commits pass their marks on when they are popped).
    fn spread(&mut self, oid: Oid, marks: u32) {
        let mut stack = vec![oid];
        while let Some(oid) = stack.pop() {
            let Some(mark) = self.marks.get_mut(&oid) else { continue };
            let union = self.sets.union(mark.marks, marks);
            if union == mark.marks {
                continue;
            }
            mark.marks = union;
            if mark.popped {
                stack.extend_from_slice(&self.parents[mark.parents()]);
            } else {
                let in_range = self.sets.in_some_range(union);
                if in_range != mark.counted {
                    mark.counted = in_range;
                    if in_range {
                        self.in_range_queued += 1;
                    } else {
                        self.in_range_queued -= 1;
                    }
                }
            }
        }
    }
}

/// A raw commit's header and message. The message is what follows the first empty line, with
/// leading newlines removed as libgit2 and git do; its bytes are kept as they are (an
/// `encoding` header is not applied: the caller reads them as lossy UTF-8).
pub(crate) fn split_commit(raw: &[u8]) -> (&[u8], &[u8]) {
    match raw.windows(2).position(|w| w == b"\n\n") {
        Some(end) => {
            let message = &raw[end + 2..];
            let start = message.iter().position(|&b| b != b'\n').unwrap_or(message.len());
            (&raw[..end], &message[start..])
        }
        None => (raw, &[]),
    }
}

/// The seconds since the epoch in `Name <email> 1700000000 +0000`; 0 when unreadable, as git.
pub(crate) fn committer_time(committer: &[u8]) -> i64 {
    let after_email = committer.iter().rposition(|&b| b == b'>').map_or(committer, |i| &committer[i + 1..]);
    std::str::from_utf8(after_email)
        .ok()
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or(0)
}

fn parse_oid(hex: &[u8], commit: Oid) -> Result<Oid> {
    std::str::from_utf8(hex).ok().and_then(|hex| Oid::from_str(hex.trim()).ok()).ok_or_else(|| {
        Error::input(format!("commit {commit} has a malformed header line"))
            .hint("the repository may be corrupt: run `git fsck`")
    })
}
