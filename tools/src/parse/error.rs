// SPDX-License-Identifier: MIT OR Apache-2.0

//! Why a buffer is malformed.

use std::fmt;

/// Which kind of struct a [`ParseError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// The record with this index in the chain.
    Record(u32),
    /// VMA `vma` of record `record`.
    Vma {
        /// The record's index.
        record: u32,
        /// The VMA's index in the record's chain.
        vma: u32,
    },
    /// The memory rollup of the record with this index.
    Rollup(u32),
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Record(r) => write!(f, "record {r}"),
            Item::Vma { record, vma } => write!(f, "record {record} VMA {vma}"),
            Item::Rollup(r) => write!(f, "record {r} rollup"),
        }
    }
}

/// Why a buffer is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The buffer is shorter than the VER0 header.
    Short {
        /// The buffer's length.
        len: usize,
    },
    /// The header's `size` is below VER0 or beyond the buffer.
    HeaderSize {
        /// The `size` field.
        size: u32,
        /// The buffer's length.
        len: usize,
    },
    /// A count that cannot fit in the buffer, or that disagrees with its first offset
    /// (a count of 0 with a first offset, or a first offset of 0 with a count).
    Count {
        /// The chain's owner: `None` for the header's record chain, else a record index.
        record: Option<u32>,
        /// The count.
        count: u32,
        /// The first offset.
        first: u32,
    },
    /// A chain ended before its count.
    ChainEnds(Item),
    /// A chain goes on after its count (possibly a loop).
    ChainTooLong {
        /// The chain's owner: `None` for the header's record chain, else a record index.
        record: Option<u32>,
    },
    /// A struct's offset is inside the header, misaligned, or its VER0 prefix does not fit.
    Offset(Item, u32),
    /// A struct's `size` is below VER0 or runs past the buffer, or a record's `size` is too
    /// small for the facts its mask says it holds (a `PROCREC_SIZE_VER0` record with
    /// `CPU_TIMES`, say).
    Size(Item, u32),
    /// A record's mask has bits the header's mask lacks.
    RecordMask(u32, u64),
    /// A string offset is outside the buffer or inside the header, or the string has no NUL
    /// before the end of the buffer (for the command line: no NUL right after its bytes).
    /// Strings have no length limit but the buffer's.
    String(Item, u32),
    /// A string starts inside another string, or runs into one: the kernel stores each string
    /// once and shares a name only by its offset.
    StringOverlap(Item, u32),
    /// A VMA is empty (`start >= end`) or starts below the previous one's end.
    VmaRange(Item, u64, u64),
    /// A struct is reached a second time (from another chain, or from its own): the kernel
    /// never shares records or VMAs.
    Shared(Item, u32),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chain = |r: &Option<u32>| match r {
            None => "record chain".to_string(),
            Some(r) => format!("record {r}: VMA chain"),
        };
        match self {
            ParseError::Short { len } => write!(f, "buffer of {len} bytes has no header"),
            ParseError::HeaderSize { size, len } => {
                write!(f, "header size {size} in a buffer of {len} bytes")
            }
            ParseError::Count {
                record,
                count,
                first,
            } => write!(
                f,
                "{}: count {count} with first offset {first}",
                chain(record)
            ),
            ParseError::ChainEnds(i) => write!(f, "chain ends before {i}"),
            ParseError::ChainTooLong { record } => {
                write!(f, "{} longer than its count", chain(record))
            }
            ParseError::Offset(i, o) => write!(f, "{i} at bad offset {o}"),
            ParseError::Size(i, s) => write!(f, "{i} has bad size {s}"),
            ParseError::RecordMask(r, m) => {
                write!(f, "record {r}: mask {m:#x} not within the header's")
            }
            ParseError::String(i, o) => write!(f, "{i}: bad string offset {o}"),
            ParseError::StringOverlap(i, o) => {
                write!(f, "{i}: string at offset {o} overlaps another string")
            }
            ParseError::VmaRange(i, s, e) => write!(f, "{i}: bad range {s:#x}-{e:#x}"),
            ParseError::Shared(i, o) => write!(f, "{i} at offset {o} was already reached"),
        }
    }
}

impl std::error::Error for ParseError {}
