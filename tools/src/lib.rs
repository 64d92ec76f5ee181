// SPDX-License-Identifier: GPL-2.0

//! process_getinfo(2) from userspace: many facts about many processes in one system call.
//!
//! - [`sys`]: the raw system call ([`sys::process_getinfo_raw`]) and a safe wrapper over
//!   slices.
//! - [`Query`]: the safe builder. It picks the processes ([`Target`]: all, pids, pidfds), the
//!   facts ([`Mask`]), threads or not, strict or not, and the [`Backend`]; it grows the buffer
//!   on E2BIG (the size the kernel reports plus an eighth plus 4 KiB, at most [`MAX_TRIES`]
//!   calls) and, with [`Backend::Auto`], falls back to /proc when the call answers ENOSYS.
//! - [`Info`]: the zero-copy parser. [`Info::parse`] checks every offset, size and string of
//!   the buffer, so a malformed buffer is a [`ParseError`], never a panic; [`Record`]s and
//!   [`Vma`]s then borrow from the buffer.
//! - [`uapi`]: `#[repr(C)]` mirrors of the three structs, checked against the header's
//!   `*_SIZE_VER0`.
//! - [`encode`]: writes buffers in the same format (the procfs backend uses it).
//!
//! ```no_run
//! use process_getinfo::{Backend, Mask, Query};
//!
//! let snap = Query::pids([1, std::process::id() as i32])
//!     .mask(Mask::IDS | Mask::STATUS | Mask::COMM | Mask::MEMORY_MAP)
//!     .backend(Backend::Auto)
//!     .run()?;
//! let info = snap.info()?;
//! for rec in info.records() {
//!     if rec.is_gone() {
//!         continue;
//!     }
//!     println!("{:?} {:?} {:?}", rec.ids, rec.state, rec.comm_lossy());
//!     for vma in rec.memory_map.into_iter().flatten() {
//!         println!("  {}", vma.maps_line());
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

pub mod encode;
mod flags;
mod parse;
pub mod procfs;
mod query;
mod record;
pub mod sys;
pub mod uapi;

pub use flags::{Flags, InfoFlags, Mask, Prot, Status, VmaFlags};
pub use parse::{Header, Info, Item, ParseError, Record, Records, VmaIter, Vmas};
pub use query::{
    grow, Backend, Error, Query, Snapshot, Source, Target, DEFAULT_INITIAL_SIZE, MAX_TRIES,
};
pub use record::{Creds, IdSet, Ids, Meminfo, Prio, State, VmCounters, Vma};
