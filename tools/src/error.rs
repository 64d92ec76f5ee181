// SPDX-License-Identifier: MIT OR Apache-2.0

//! The crate's one error type, from the raw call up to the builder.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::encode::EncodeError;
use crate::flags::Mask;
use crate::parse::ParseError;

/// Why process_getinfo(2) is not available.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unavailable {
    /// Nothing shows that this kernel carries process_getinfo(2) (the module's directory in
    /// sysfs, `probed`, does not exist), so system call 473 was **not** made: on a kernel
    /// without the series that number may belong to another call.
    NotCarried {
        /// The directory looked for.
        probed: PathBuf,
    },
    /// The call answered ENOSYS (the module went away between the probe and the call).
    Enosys,
}

/// Why a call or a query failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// process_getinfo(2) is not available here.
    Unavailable(Unavailable),
    /// E2BIG: the result did not fit. After a single call (the raw [`crate::sys`] wrapper) the
    /// buffer holds a valid prefix if at least the header fitted; after a query it is the
    /// last of [`crate::MAX_TRIES`] calls.
    TooBig {
        /// The size the last call's snapshot needed.
        needed: usize,
        /// The calls made.
        calls: u32,
    },
    /// The call failed with EINVAL because this kernel's process_getinfo(2) does not know some
    /// facts asked for (the header's `supported_mask` lacks them): an older module.
    /// [`crate::Backend::Auto`] reads those facts from /proc instead.
    Unsupported {
        /// The facts asked for that this kernel does not know.
        missing: Mask,
        /// Every fact this kernel knows.
        supported: Mask,
    },
    /// The call failed with this errno (the procfs backend reports the errno the kernel would).
    Os(io::Error),
    /// Reading a procfs file failed.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// The returned buffer is malformed.
    Parse(ParseError),
    /// The procfs backend could not encode its answer.
    Encode(EncodeError),
}

impl Error {
    /// The errno this error stands for, if any (ENOSYS for [`Error::Unavailable`]).
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Unavailable(_) => Some(libc::ENOSYS),
            Error::TooBig { .. } => Some(libc::E2BIG),
            Error::Unsupported { .. } => Some(libc::EINVAL),
            Error::Os(e) | Error::Io { source: e, .. } => e.raw_os_error(),
            Error::Parse(_) | Error::Encode(_) => None,
        }
    }

    /// Whether this is [`Error::Unavailable`].
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable(_))
    }

    pub(crate) fn errno_value(errno: i32) -> Error {
        Error::Os(io::Error::from_raw_os_error(errno))
    }
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::NotCarried { probed } => write!(
                f,
                "process_getinfo(2) is not known to this kernel (no {}: module not loaded); \
                 system call 473 was not made",
                probed.display()
            ),
            Unavailable::Enosys => {
                write!(f, "process_getinfo(2) answered ENOSYS (module not loaded)")
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unavailable(why) => write!(f, "not available: {why}"),
            Error::TooBig { needed, calls } => write!(
                f,
                "result did not fit after {calls} call(s) (the last needed {needed} bytes)"
            ),
            Error::Unsupported { missing, .. } => write!(
                f,
                "this kernel's process_getinfo(2) does not know the facts {}",
                missing.names().collect::<Vec<_>>().join(",")
            ),
            Error::Os(e) => write!(f, "process_getinfo: {e}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Parse(e) => write!(f, "malformed buffer: {e}"),
            Error::Encode(e) => write!(f, "cannot encode the procfs answer: {e}"),
        }
    }
}

impl std::error::Error for Unavailable {}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Unavailable(e) => Some(e),
            Error::Os(e) | Error::Io { source: e, .. } => Some(e),
            Error::Parse(e) => Some(e),
            Error::Encode(e) => Some(e),
            Error::TooBig { .. } | Error::Unsupported { .. } => None,
        }
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Error {
        Error::Parse(e)
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Error {
        Error::Encode(e)
    }
}

impl From<Unavailable> for Error {
    fn from(e: Unavailable) -> Error {
        Error::Unavailable(e)
    }
}
