// SPDX-License-Identifier: MIT OR Apache-2.0

//! The answer to a request: an owned buffer, checked once.

use crate::flags::Mask;
use crate::parse::{Header, Info, ParseError};

/// Which backend produced a [`Snapshot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Source {
    /// process_getinfo(2).
    Syscall,
    /// /proc.
    Procfs,
}

/// The answer to a query: an owned buffer in the process_getinfo(2) format, checked by
/// [`Info::parse`] once, when the snapshot was made.
#[derive(Debug, Clone)]
pub struct Snapshot {
    bytes: Vec<u8>,
    header: Header,
    source: Source,
    fell_back: bool,
    calls: u32,
    procfs_facts: Mask,
}

impl Snapshot {
    /// Checks `bytes` (see [`Info::parse`]) and keeps them.
    pub fn from_bytes(bytes: Vec<u8>, source: Source) -> Result<Snapshot, ParseError> {
        let header = *Info::parse(&bytes)?.header();
        Ok(Snapshot {
            bytes,
            header,
            source,
            fell_back: false,
            calls: 0,
            procfs_facts: Mask::empty(),
        })
    }

    pub(crate) fn with_calls(mut self, calls: u32) -> Snapshot {
        self.calls = calls;
        self
    }

    pub(crate) fn with_fallback(mut self) -> Snapshot {
        self.fell_back = true;
        self
    }

    pub(crate) fn with_procfs_facts(mut self, facts: Mask) -> Snapshot {
        self.procfs_facts = facts;
        self
    }

    /// The checked buffer, without checking it again.
    pub fn info(&self) -> Info<'_> {
        Info::trusted(&self.bytes, self.header)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The buffer.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Who answered.
    pub fn source(&self) -> Source {
        self.source
    }

    /// Whether [`crate::Backend::Auto`] fell back to /proc because the call is not available.
    pub fn fell_back(&self) -> bool {
        self.fell_back
    }

    /// The record facts that were read from /proc: all of them in an answer of
    /// [`crate::Backend::Procfs`] or one where [`crate::Backend::Auto`] fell back, those the
    /// kernel's call does not know where `Auto` added them from /proc, none where the call
    /// answered everything.
    pub fn procfs_facts(&self) -> Mask {
        self.procfs_facts
    }

    /// The system calls made (more than one after E2BIG); 0 for procfs.
    pub fn calls(&self) -> u32 {
        self.calls
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::Builder;
    use crate::parse::{Record, PARSES};
    use crate::record::Ids;

    #[test]
    fn info_parses_once() {
        let mut b = Builder::new(Mask::IDS, Mask::all());
        let mut r = Record::default();
        r.ids = Some(Ids {
            tid: 5,
            tgid: 5,
            ppid: 1,
        });
        b.push(&r).unwrap();
        let before = PARSES.with(|p| p.get());
        let snap = Snapshot::from_bytes(b.finish(), Source::Procfs).unwrap();
        for _ in 0..3 {
            assert_eq!(snap.info().records().next().unwrap().ids, r.ids);
        }
        assert_eq!(PARSES.with(|p| p.get()) - before, 1);
    }
}
