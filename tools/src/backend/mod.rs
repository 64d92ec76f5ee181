// SPDX-License-Identifier: MIT OR Apache-2.0

//! Who answers a [`Request`]: the system call ([`Syscall`]), /proc ([`Procfs`]), or the call
//! with a fallback to /proc ([`Auto`]). Each implements [`Provider`]; the builder
//! ([`crate::Query`]) sits above them and picks one from a [`Backend`].

mod procfs;
mod syscall;

use std::fmt;
use std::str::FromStr;

pub use procfs::{meminfo, Procfs, PROCFS_SUPPORTED};
pub use syscall::{grow, Syscall, DEFAULT_INITIAL_SIZE, MAX_TRIES};

use crate::error::Error;
use crate::request::Request;
use crate::snapshot::Snapshot;

/// Something that answers requests with snapshots in the process_getinfo(2) format.
pub trait Provider {
    /// Answers `req`.
    fn answer(&self, req: &Request<'_>) -> Result<Snapshot, Error>;
}

/// The system call, and /proc when the call is not available ([`Error::Unavailable`]).
#[derive(Debug, Clone, Default)]
pub struct Auto {
    /// The first choice.
    pub syscall: Syscall,
    /// The fallback.
    pub procfs: Procfs,
}

impl Provider for Auto {
    fn answer(&self, req: &Request<'_>) -> Result<Snapshot, Error> {
        match self.syscall.answer(req) {
            Err(Error::Unavailable(_)) => Ok(self.procfs.answer(req)?.with_fallback()),
            other => other,
        }
    }
}

/// Which backend a [`crate::Query`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Backend {
    /// process_getinfo(2) only ([`Syscall`]); where it is not available the query fails with
    /// [`Error::Unavailable`].
    Syscall,
    /// /proc only ([`Procfs`]): the same records, read file by file (not one snapshot),
    /// without `VM_SEQ` and without the VMA flags maps does not show.
    Procfs,
    /// process_getinfo(2), falling back to /proc where it is not available ([`Auto`]).
    #[default]
    Auto,
}

impl Backend {
    /// Every backend, in the order of the names.
    pub const ALL: [Backend; 3] = [Backend::Syscall, Backend::Procfs, Backend::Auto];

    /// The name [`Backend::from_str`] takes: `syscall`, `procfs`, `auto`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Syscall => "syscall",
            Backend::Procfs => "procfs",
            Backend::Auto => "auto",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of [`Backend::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseBackendError {
    given: String,
}

impl fmt::Display for ParseBackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown backend {:?} (syscall, procfs, auto)",
            self.given
        )
    }
}

impl std::error::Error for ParseBackendError {}

impl FromStr for Backend {
    type Err = ParseBackendError;

    fn from_str(s: &str) -> Result<Backend, ParseBackendError> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| ParseBackendError {
                given: s.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Target;

    #[test]
    fn backend_names() {
        for b in Backend::ALL {
            assert_eq!(b.to_string().parse::<Backend>(), Ok(b));
        }
        let e = "x".parse::<Backend>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown backend \"x\" (syscall, procfs, auto)"
        );
    }

    /// With no module directory under the sysfs root, the syscall backend does not call, and
    /// the automatic one falls back.
    #[test]
    fn unprobed_kernel_is_not_called() {
        let root = std::env::temp_dir().join(format!("pgi-nosys-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let syscall = Syscall::default().sysfs_root(&root);
        let req = Request::new(Target::None);
        match syscall.answer(&req) {
            Err(Error::Unavailable(crate::Unavailable::NotCarried { probed })) => {
                assert_eq!(probed, root.join("module/process_getinfo"))
            }
            other => panic!("{other:?}"),
        }
        let auto = Auto {
            syscall,
            procfs: Procfs::default(),
        };
        let snap = auto.answer(&req).unwrap();
        assert!(snap.fell_back());
        assert_eq!(snap.calls(), 0);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
