// SPDX-License-Identifier: GPL-2.0

//! The pure rules of the protocol: argument validation and the placement of
//! records in the caller's buffer.
//!
//! Nothing here touches the kernel, so the host unit tests (`make check`)
//! compile this file unchanged.

use crate::uapi;

/// The arguments break a rule of design.md section 1 or 2 (`EINVAL`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

/// A byte offset does not fit the `__u32` offsets of the format (`EOVERFLOW`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Overflow;

/// What the caller asked to inspect.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum Selection {
    /// Every visible process (`PROCESS_GETINFO_ALL`).
    All,
    /// This many pids or pidfds from `proc`.
    Ids(usize),
}

/// Validated arguments.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Args {
    pub(crate) flags: u32,
    pub(crate) mask: u64,
    pub(crate) selection: Selection,
}

impl Args {
    pub(crate) fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }
}

/// Validates the arguments that need no user memory.
pub(crate) fn check_args(
    nr_proc: i32,
    proc_is_null: bool,
    flags: i32,
    mask: u64,
) -> Result<Args, Invalid> {
    let flags = u32::from_ne_bytes(flags.to_ne_bytes());
    if flags & !uapi::KNOWN_FLAGS != 0 || mask & !uapi::SUPPORTED_MASK != 0 {
        return Err(Invalid);
    }
    let selection = if flags & uapi::ALL != 0 {
        if flags & uapi::PIDFD != 0 || !proc_is_null || nr_proc != 0 {
            return Err(Invalid);
        }
        Selection::All
    } else {
        if nr_proc > uapi::NR_PROC_MAX {
            return Err(Invalid);
        }
        Selection::Ids(usize::try_from(nr_proc).map_err(|_| Invalid)?)
    };
    Ok(Args {
        flags,
        mask,
        selection,
    })
}

/// `n` as a buffer offset.
pub(crate) fn offset32(n: usize) -> Result<u32, Overflow> {
    u32::try_from(n).map_err(|_| Overflow)
}

/// `pages` pages of `1 << page_shift` bytes, in kB.
pub(crate) fn pages_to_kb(pages: u64, page_shift: usize) -> u64 {
    pages.saturating_mul(1u64 << page_shift.saturating_sub(10))
}

/// procfs's `hidepid=` settings (`enum proc_hidepid`), as the module parameter `hidepid` takes
/// them.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum HidePid {
    /// 0, "off": every process and its details are visible.
    Off,
    /// 1, "noaccess": every process is listed, its details only to those who may ptrace it.
    NoAccess,
    /// 2, "invisible": processes one may not ptrace are not listed.
    Invisible,
    /// 4, "ptraceable": only processes one may ptrace are listed, whatever the group.
    Ptraceable,
}

impl HidePid {
    /// The numeric value procfs gives the setting.
    pub(crate) fn value(self) -> u32 {
        match self {
            HidePid::Off => 0,
            HidePid::NoAccess => 1,
            HidePid::Invisible => 2,
            HidePid::Ptraceable => 4,
        }
    }

    pub(crate) fn from_value(v: u32) -> Option<Self> {
        match v {
            0 => Some(HidePid::Off),
            1 => Some(HidePid::NoAccess),
            2 => Some(HidePid::Invisible),
            4 => Some(HidePid::Ptraceable),
            _ => None,
        }
    }

    /// The check procfs makes before it shows a process at all or its details, as the
    /// `hide_pid_min` of `proc_pid_permitted()` (1 for details, 2 for existence), and what a
    /// failed check means; `None` when nothing is checked.
    pub(crate) fn check(self) -> Option<(u32, Hidden)> {
        match self {
            HidePid::Off => None,
            // Listed (readdir checks from 2 on), details checked.
            HidePid::NoAccess => Some((1, Hidden::Details)),
            // Existence checked; whoever may see a process may see its details too, as the
            // details check (min 1) passes whenever the existence check (min 2) does.
            HidePid::Invisible | HidePid::Ptraceable => Some((2, Hidden::Process)),
        }
    }
}

/// What a failed `hidepid` check hides.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub(crate) enum Hidden {
    /// The process is listed, with its ids only (`PROCREC_NOACCESS`).
    Details,
    /// The process is not listed at all (`PROCREC_GONE` when named).
    Process,
}

/// Parses a `hidepid` setting as procfs's mount option takes it: a value or its name, with the
/// newline `echo` appends.
pub(crate) fn parse_hidepid(s: &[u8]) -> Option<HidePid> {
    let s = s.strip_suffix(b"\n").unwrap_or(s);
    match s {
        b"0" | b"off" => Some(HidePid::Off),
        b"1" | b"noaccess" => Some(HidePid::NoAccess),
        b"2" | b"invisible" => Some(HidePid::Invisible),
        b"4" | b"ptraceable" => Some(HidePid::Ptraceable),
        _ => None,
    }
}

/// Sorts `keys` (each a key and the index of the input it came from) and gives every input the
/// index of its key among the distinct keys, in `slot`: afterwards `keys[..n]` holds the `n`
/// distinct keys in order, and input `i` names `keys[slot[i]]`. `slot` must have one element per
/// key; the inputs' indices must be below `slot.len()`.
///
/// The work is `O(n log n)` and done before `tasklist_lock` is taken, so that the pass under the
/// lock resolves each distinct id once, however often the caller repeats it.
pub(crate) fn dedup<K: Ord + Copy>(keys: &mut [(K, usize)], slot: &mut [usize]) -> usize {
    heapsort_by_key(keys);
    // `n` distinct keys so far, compacted into `keys[..n]`; `n <= i` at the top of each turn.
    let mut n = 0usize;
    for i in 0..keys.len() {
        let Some(&(key, input)) = keys.get(i) else {
            break;
        };
        let last = n.checked_sub(1).and_then(|l| keys.get(l)).map(|k| k.0);
        if last != Some(key) {
            if let Some(k) = keys.get_mut(n) {
                k.0 = key;
            }
            n = n.saturating_add(1);
        }
        if let Some(s) = slot.get_mut(input) {
            *s = n.saturating_sub(1);
        }
    }
    n
}

/// Sorts `v` by its first element, in place, in `O(n log n)` whatever the input.
///
/// core's sorts are not used in the module: their internal consistency checks end in a
/// panicking function that objtool does not know as `noreturn`.
pub(crate) fn heapsort_by_key<K: Ord + Copy, V>(v: &mut [(K, V)]) {
    let n = v.len();
    for start in (0..n / 2).rev() {
        sift_down(v, start, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// Restores the max-heap order of `v[..end]` below `root`.
fn sift_down<K: Ord + Copy, V>(v: &mut [(K, V)], mut root: usize, end: usize) {
    loop {
        let left = match root.checked_mul(2).and_then(|l| l.checked_add(1)) {
            Some(l) if l < end => l,
            _ => return,
        };
        let right = left.saturating_add(1);
        let key = |i: usize| v.get(i).map(|e| e.0);
        let child = if right < end && key(right) > key(left) {
            right
        } else {
            left
        };
        if key(child) <= key(root) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

/// A fixed-size open-addressing map from non-zero pointer-sized keys to `usize` values, in
/// memory allocated before `tasklist_lock` is taken: twice as many slots as keys can be
/// inserted, a power of two, so a probe always ends.
pub(crate) struct PtrMap<'a> {
    slots: &'a mut [(usize, usize)],
}

impl<'a> PtrMap<'a> {
    /// A map over `slots` (all `(0, 0)`, a power of two in length; empty for no keys).
    pub(crate) fn new(slots: &'a mut [(usize, usize)]) -> Self {
        Self { slots }
    }

    /// The number of slots for a map of at most `n` keys.
    pub(crate) fn slots_for(n: usize) -> Option<usize> {
        n.checked_mul(2)?.max(2).checked_next_power_of_two()
    }

    /// The home slot of `key` (Fibonacci hashing, as the kernel's `hash_ptr()`).
    fn home(&self, key: usize) -> usize {
        let h = u64::try_from(key)
            .unwrap_or(0)
            .wrapping_mul(0x61c8_8646_80b5_83eb);
        let bits = self.slots.len().trailing_zeros();
        if bits == 0 {
            return 0;
        }
        usize::try_from(h.checked_shr(64u32.saturating_sub(bits)).unwrap_or(0)).unwrap_or(0)
    }

    /// The value of `key`, inserting `value` first if the key is new: `(value, inserted)`.
    /// `None` if the map is full (more keys than it was sized for) or `key` is 0.
    pub(crate) fn get_or_insert(&mut self, key: usize, value: usize) -> Option<(usize, bool)> {
        let len = self.slots.len();
        if key == 0 || len == 0 {
            return None;
        }
        let mut i = self.home(key);
        for _ in 0..len {
            let slot = self.slots.get_mut(i)?;
            if slot.0 == key {
                return Some((slot.1, false));
            }
            if slot.0 == 0 {
                *slot = (key, value);
                return Some((value, true));
            }
            i = i.wrapping_add(1) & len.wrapping_sub(1);
        }
        None
    }

    /// Sets the value of a key already present.
    pub(crate) fn set(&mut self, key: usize, value: usize) {
        let len = self.slots.len();
        if key == 0 || len == 0 {
            return;
        }
        let mut i = self.home(key);
        for _ in 0..len {
            match self.slots.get_mut(i) {
                Some(slot) if slot.0 == key => {
                    slot.1 = value;
                    return;
                }
                Some(slot) if slot.0 == 0 => return,
                _ => i = i.wrapping_add(1) & len.wrapping_sub(1),
            }
        }
    }
}

/// Where a record went.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Placed {
    /// Its offset in the buffer.
    pub(crate) offset: usize,
    /// The offset of the record before it, whose `next` must now point to it.
    pub(crate) prev: Option<usize>,
}

/// The layout of the output: records after the header, in order, until the first one that
/// does not fit; after that only their sizes are counted.
#[derive(Debug)]
pub(crate) struct Layout {
    cap: usize,
    /// Bytes the complete result needs so far: where the next record starts.
    pos: usize,
    truncated: bool,
    nr_written: u32,
    first: Option<usize>,
    last: Option<usize>,
}

/// The final accounting of a call.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Bytes the complete result needs (the value for `*inout_sz`).
    pub(crate) needed: usize,
    /// Whether the header fits in the buffer.
    pub(crate) header_fits: bool,
    pub(crate) truncated: bool,
    pub(crate) nr_written: u32,
    pub(crate) first_offset: u32,
}

impl Layout {
    /// A layout for a buffer of `cap` bytes.
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            cap,
            pos: uapi::PROCESS_INFO_SIZE,
            truncated: cap < uapi::PROCESS_INFO_SIZE,
            nr_written: 0,
            first: None,
            last: None,
        }
    }

    /// The offset the next record will have.
    pub(crate) fn next_offset(&self) -> usize {
        self.pos
    }

    /// Accounts the next record, `len` bytes (a multiple of 8); says where to write it if it is
    /// to be written.
    pub(crate) fn place(&mut self, len: usize) -> Result<Option<Placed>, Overflow> {
        let offset = self.pos;
        let end = offset.checked_add(len).ok_or(Overflow)?;
        // Every offset, including those inside the last record, must fit in a `__u32`.
        offset32(end)?;
        self.pos = end;
        if self.truncated || end > self.cap {
            self.truncated = true;
            return Ok(None);
        }
        let prev = self.last.replace(offset);
        if prev.is_none() {
            self.first = Some(offset);
        }
        self.nr_written = self.nr_written.checked_add(1).ok_or(Overflow)?;
        Ok(Some(Placed { offset, prev }))
    }

    /// Whether the result no longer fits: later records are only counted.
    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }

    /// Counts `len` bytes of records that are not written because the result no longer fits
    /// (records repeated for a repeated id, whose size is known).
    pub(crate) fn skip(&mut self, len: usize) -> Result<(), Overflow> {
        let end = self.pos.checked_add(len).ok_or(Overflow)?;
        offset32(end)?;
        self.pos = end;
        self.truncated = true;
        Ok(())
    }

    pub(crate) fn finish(&self) -> Result<Summary, Overflow> {
        Ok(Summary {
            needed: self.pos,
            header_fits: self.cap >= uapi::PROCESS_INFO_SIZE,
            truncated: self.truncated,
            nr_written: self.nr_written,
            first_offset: offset32(self.first.unwrap_or(0))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_valid() {
        assert_eq!(
            check_args(0, true, 0, 0),
            Ok(Args {
                flags: 0,
                mask: 0,
                selection: Selection::Ids(0)
            })
        );
        let all = (uapi::ALL | uapi::THREADS | uapi::STRICT) as i32;
        assert_eq!(
            check_args(0, true, all, uapi::SUPPORTED_MASK).map(|a| a.selection),
            Ok(Selection::All)
        );
        assert_eq!(
            check_args(uapi::NR_PROC_MAX, false, uapi::PIDFD as i32, uapi::INFO_IDS)
                .map(|a| a.selection),
            Ok(Selection::Ids(65536))
        );
    }

    #[test]
    fn args_invalid() {
        assert_eq!(check_args(0, true, 1 << 4, 0), Err(Invalid));
        assert_eq!(check_args(0, true, i32::MIN, 0), Err(Invalid));
        assert_eq!(
            check_args(0, true, 0, uapi::INFO_MEMORY_ROLLUP << 1),
            Err(Invalid)
        );
        assert_eq!(check_args(0, true, 0, 1 << 63), Err(Invalid));
        assert_eq!(check_args(-1, false, 0, 0), Err(Invalid));
        assert_eq!(check_args(i32::MIN, false, 0, 0), Err(Invalid));
        assert_eq!(check_args(uapi::NR_PROC_MAX + 1, false, 0, 0), Err(Invalid));
        let all = uapi::ALL as i32;
        assert_eq!(check_args(1, true, all, 0), Err(Invalid));
        assert_eq!(check_args(0, false, all, 0), Err(Invalid));
        assert_eq!(
            check_args(0, true, all | uapi::PIDFD as i32, 0),
            Err(Invalid)
        );
    }

    #[test]
    fn arithmetic() {
        assert_eq!(offset32(u32::MAX as usize), Ok(u32::MAX));
        assert_eq!(offset32(u32::MAX as usize + 1), Err(Overflow));
        assert_eq!(pages_to_kb(3, 12), 12);
        assert_eq!(pages_to_kb(u64::MAX, 12), u64::MAX);
    }

    #[test]
    fn layout_fits_exactly() {
        let h = uapi::PROCESS_INFO_SIZE;
        let mut l = Layout::new(h + 16 + 8);
        assert_eq!(
            l.place(16),
            Ok(Some(Placed {
                offset: h,
                prev: None
            }))
        );
        assert_eq!(
            l.place(8),
            Ok(Some(Placed {
                offset: h + 16,
                prev: Some(h)
            }))
        );
        let s = l.finish().unwrap();
        assert_eq!(
            s,
            Summary {
                needed: h + 24,
                header_fits: true,
                truncated: false,
                nr_written: 2,
                first_offset: h as u32
            }
        );
    }

    #[test]
    fn layout_truncates_to_a_prefix() {
        let h = uapi::PROCESS_INFO_SIZE;
        let mut l = Layout::new(h + 16 + 7);
        assert!(l.place(16).unwrap().is_some());
        assert_eq!(l.place(8), Ok(None));
        // A later record that would fit is not written: the output is a prefix.
        assert_eq!(l.place(0), Ok(None));
        let s = l.finish().unwrap();
        assert_eq!((s.needed, s.truncated, s.nr_written), (h + 24, true, 1));
    }

    #[test]
    fn layout_without_room_for_the_header() {
        let mut l = Layout::new(uapi::PROCESS_INFO_SIZE - 1);
        assert_eq!(l.place(8), Ok(None));
        let s = l.finish().unwrap();
        assert!(!s.header_fits && s.truncated);
        assert_eq!(s.first_offset, 0);
        assert_eq!(
            Layout::new(uapi::PROCESS_INFO_SIZE)
                .finish()
                .unwrap()
                .truncated,
            false
        );
    }

    #[test]
    fn hidepid_values_and_names() {
        for (s, h) in [
            (&b"0"[..], HidePid::Off),
            (b"off\n", HidePid::Off),
            (b"1", HidePid::NoAccess),
            (b"noaccess", HidePid::NoAccess),
            (b"2\n", HidePid::Invisible),
            (b"invisible", HidePid::Invisible),
            (b"4", HidePid::Ptraceable),
            (b"ptraceable\n", HidePid::Ptraceable),
        ] {
            assert_eq!(parse_hidepid(s), Some(h));
            assert_eq!(HidePid::from_value(h.value()), Some(h));
        }
        for s in [&b""[..], b"3", b"5", b"-1", b"2\n\n", b" 2", b"Invisible"] {
            assert_eq!(parse_hidepid(s), None);
        }
        assert_eq!(HidePid::from_value(3), None);
        // procfs's has_pid_permissions(): readdir checks from 2 on, details from 1 on.
        assert_eq!(HidePid::Off.check(), None);
        assert_eq!(HidePid::NoAccess.check(), Some((1, Hidden::Details)));
        assert_eq!(HidePid::Invisible.check(), Some((2, Hidden::Process)));
        assert_eq!(HidePid::Ptraceable.check(), Some((2, Hidden::Process)));
    }

    #[test]
    fn vm_seq_needs_per_vma_lock() {
        assert_ne!(uapi::supported_mask(true) & uapi::INFO_VM_SEQ, 0);
        assert_eq!(uapi::supported_mask(false) & uapi::INFO_VM_SEQ, 0);
        assert_eq!(
            uapi::supported_mask(true) & !uapi::INFO_VM_SEQ,
            uapi::supported_mask(false)
        );
        // The host build has no CONFIG_PER_VMA_LOCK: VM_SEQ is not advertised, and asking
        // for it is EINVAL.
        assert_eq!(check_args(0, true, 0, uapi::INFO_VM_SEQ), Err(Invalid));
    }

    #[test]
    fn dedup_maps_inputs_to_distinct_keys() {
        let ids = [7, 3, 7, 7, -1, 3, 9];
        let mut keys: Vec<(i32, usize)> = ids.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        let mut slot = vec![usize::MAX; ids.len()];
        let n = dedup(&mut keys, &mut slot);
        assert_eq!(n, 4);
        assert_eq!(
            keys[..n].iter().map(|k| k.0).collect::<Vec<_>>(),
            [-1, 3, 7, 9]
        );
        for (i, &id) in ids.iter().enumerate() {
            assert_eq!(keys[slot[i]].0, id);
        }
        // 65536 copies of one id: one key.
        let mut keys = vec![(42i32, 0usize); 65536];
        keys.iter_mut().enumerate().for_each(|(i, k)| k.1 = i);
        let mut slot = vec![usize::MAX; 65536];
        assert_eq!(dedup(&mut keys, &mut slot), 1);
        assert!(slot.iter().all(|&s| s == 0));
        assert_eq!(dedup::<i32>(&mut [], &mut []), 0);
    }

    #[test]
    fn heapsort_sorts() {
        let mut seed = 12345u32;
        for n in [0usize, 1, 2, 3, 7, 64, 1000] {
            let mut v: Vec<(i32, u32)> = (0..n)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ((seed >> 16) as i32 % 50 - 25, i as u32)
                })
                .collect();
            let mut want: Vec<i32> = v.iter().map(|e| e.0).collect();
            want.sort();
            heapsort_by_key(&mut v);
            assert_eq!(v.iter().map(|e| e.0).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn ptr_map_inserts_once_and_never_loops() {
        let n = 1000;
        let mut slots = vec![(0usize, 0usize); PtrMap::slots_for(n).unwrap()];
        assert!(slots.len().is_power_of_two() && slots.len() >= 2 * n);
        let mut m = PtrMap::new(&mut slots);
        for i in 0..n {
            // Slab-like addresses: multiples of a large object size.
            let key = 0xffff_8880_0000_0000usize.wrapping_add(i * 9792);
            assert_eq!(m.get_or_insert(key, i), Some((i, true)));
            assert_eq!(m.get_or_insert(key, 0), Some((i, false)));
        }
        let key = 0xffff_8880_0000_0000usize;
        m.set(key, 77);
        assert_eq!(m.get_or_insert(key, 0), Some((77, false)));
        assert_eq!(m.get_or_insert(0, 1), None);
        // A full map answers None instead of probing forever.
        let mut tiny = vec![(0usize, 0usize); 2];
        let mut m = PtrMap::new(&mut tiny);
        assert!(m.get_or_insert(8, 1).is_some());
        assert!(m.get_or_insert(16, 2).is_some());
        assert_eq!(m.get_or_insert(24, 3), None);
        assert_eq!(PtrMap::new(&mut []).get_or_insert(8, 1), None);
    }

    #[test]
    fn layout_skip_counts_without_writing() {
        let h = uapi::PROCESS_INFO_SIZE;
        let mut l = Layout::new(h + 16);
        assert!(l.place(16).unwrap().is_some());
        assert!(!l.truncated());
        l.skip(32).unwrap();
        assert!(l.truncated());
        assert_eq!(l.place(8), Ok(None));
        let s = l.finish().unwrap();
        assert_eq!((s.needed, s.nr_written, s.truncated), (h + 56, 1, true));
        assert_eq!(l.skip(u32::MAX as usize), Err(Overflow));
    }

    #[test]
    fn layout_overflow() {
        let mut l = Layout::new(usize::MAX);
        assert_eq!(l.place(u32::MAX as usize), Err(Overflow));
        assert_eq!(l.place(usize::MAX), Err(Overflow));
    }
}
