// SPDX-License-Identifier: MIT OR Apache-2.0

#![doc = include_str!("../README.md")]
//!
//! # Modules
//!
//! - [`sys`]: the probe, the raw `syscall(473, ...)` wrapper and a safe one over slices.
//! - [`Query`]: the builder of a [`Request`] ([`Target`]: all, pids, pidfds; the facts, a
//!   [`Mask`]; threads; strict) and the choice of [`Backend`].
//! - [`backend`]: the [`Provider`]s that answer requests: [`backend::Syscall`] (which grows
//!   its buffer on E2BIG: the size the kernel reports plus an eighth plus 4 KiB, at most
//!   [`MAX_TRIES`] calls), [`backend::Procfs`], and [`backend::Auto`] (the call, else /proc).
//! - [`Info`]: the zero-copy parser. [`Info::parse`] checks every offset, size and string of
//!   the buffer in time linear in its size, so a malformed buffer is a [`ParseError`], never a
//!   panic; [`Record`]s and [`Vma`]s then borrow from the buffer.
//! - [`uapi`]: `#[repr(C)]` mirrors of the four structs, checked against the header's
//!   `*_SIZE_VER*`.
//! - [`tty`]: terminal names from `tty_nr`, as `ps` finds them.
//! - [`encode`]: writes buffers in the same format (the procfs backend uses it).
//! - `serialization` (feature `serde`): how the types serialize.

#![deny(missing_docs)]

pub mod backend;
pub mod encode;
mod error;
mod flags;
mod parse;
mod query;
mod record;
mod request;
#[cfg(feature = "serde")]
pub mod serialization;
mod snapshot;
pub mod sys;
pub mod tty;
pub mod uapi;

pub use backend::{grow, Backend, ParseBackendError, Provider, DEFAULT_INITIAL_SIZE, MAX_TRIES};
pub use error::{Error, Unavailable};
pub use flags::{Flags, InfoFlags, Mask, ParseMaskError, Prot, Status, VmaFlags};
pub use parse::{Header, Info, Item, ParseError, Record, Records, VmaIter, Vmas};
pub use query::Query;
pub use record::{
    Cmdline, CpuTimes, Creds, IdSet, Ids, Meminfo, Policy, Prio, Rollup, Session, State, TtyNr,
    VmCounters, Vma,
};
pub use request::{Request, Target};
pub use snapshot::{Snapshot, Source};
