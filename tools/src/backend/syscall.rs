// SPDX-License-Identifier: MIT OR Apache-2.0

//! The system call backend: probe, call, and grow the buffer on E2BIG.

use std::path::{Path, PathBuf};

use super::Provider;
use crate::error::Error;
use crate::flags::{Flags, Mask};
use crate::parse::Info;
use crate::request::Request;
use crate::snapshot::{Snapshot, Source};
use crate::sys;
use crate::uapi::PROCESS_INFO_SIZE_VER0;

/// Calls made before giving up on E2BIG.
pub const MAX_TRIES: u32 = 8;

/// The first buffer size tried by default.
pub const DEFAULT_INITIAL_SIZE: usize = 64 * 1024;

/// The buffer size to retry with after E2BIG reported `needed` bytes: `needed` plus an eighth
/// plus 4 KiB of headroom, since processes come and go between calls.
pub fn grow(needed: usize) -> usize {
    needed
        .saturating_add(needed / 8)
        .saturating_add(4096)
        .min(u32::MAX as usize)
}

/// process_getinfo(2), on a kernel that [`sys::probe`] finds carrying it.
#[derive(Debug, Clone)]
pub struct Syscall {
    sysfs_root: PathBuf,
    initial_size: usize,
}

impl Default for Syscall {
    fn default() -> Syscall {
        Syscall {
            sysfs_root: PathBuf::from(sys::SYSFS),
            initial_size: DEFAULT_INITIAL_SIZE,
        }
    }
}

impl Syscall {
    /// Where sysfs is mounted (default `/sys`): the probe looks for
    /// `<root>/module/process_getinfo`.
    pub fn sysfs_root(mut self, root: impl AsRef<Path>) -> Syscall {
        self.sysfs_root = root.as_ref().to_owned();
        self
    }

    /// The first buffer size to try (default [`DEFAULT_INITIAL_SIZE`]); at least the header.
    pub fn initial_size(mut self, size: usize) -> Syscall {
        self.initial_size = size.max(PROCESS_INFO_SIZE_VER0);
        self
    }
}

impl Syscall {
    /// The facts this kernel's process_getinfo(2) knows: one call with mask 0.
    pub fn supported_mask(&self) -> Result<Mask, Error> {
        sys::probe(&self.sysfs_root)?;
        let mut buf = [0u8; 4096];
        let used = sys::call_probed(&[], Flags::empty(), Mask::empty(), &mut buf)?;
        let info = Info::parse(buf.get(..used).unwrap_or(&buf))?;
        Ok(info.supported_mask())
    }
}

impl Provider for Syscall {
    /// Probes, then calls, growing the buffer on E2BIG ([`grow`]) at most [`MAX_TRIES`]
    /// times. EINVAL for a fact this kernel does not know is [`Error::Unsupported`] (found
    /// by a second call, with mask 0).
    fn answer(&self, req: &Request<'_>) -> Result<Snapshot, Error> {
        match self.call(req) {
            Err(Error::Os(e)) if e.raw_os_error() == Some(libc::EINVAL) => {
                let supported = self.supported_mask()?;
                let missing = req.mask - supported;
                if missing.is_empty() {
                    Err(Error::Os(e))
                } else {
                    Err(Error::Unsupported { missing, supported })
                }
            }
            other => other,
        }
    }
}

impl Syscall {
    fn call(&self, req: &Request<'_>) -> Result<Snapshot, Error> {
        sys::probe(&self.sysfs_root)?;
        let ids = req.ids();
        let mut size = self.initial_size;
        let mut needed = 0;
        for calls in 1..=MAX_TRIES {
            let mut buf = vec![0u8; size];
            match sys::call_probed(&ids, req.flags(), req.mask, &mut buf) {
                Ok(used) => {
                    buf.truncate(used);
                    return Ok(Snapshot::from_bytes(buf, Source::Syscall)?.with_calls(calls));
                }
                Err(Error::TooBig { needed: n, .. }) => {
                    needed = n;
                    size = grow(n);
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::TooBig {
            needed,
            calls: MAX_TRIES,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_has_headroom_and_saturates() {
        assert_eq!(grow(8000), 8000 + 1000 + 4096);
        assert_eq!(grow(usize::MAX), u32::MAX as usize);
    }
}
