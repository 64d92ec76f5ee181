// SPDX-License-Identifier: MIT OR Apache-2.0

//! Terminal names from `tty_nr`, as procps's `ps` finds them (its `dev_to_tty()`).
//!
//! For a terminal `major:minor`, [`TtyNames::name`] tries, in order:
//! 1. the drivers of /proc/tty/drivers: the driver whose major and minor range match names a
//!    path (`/dev/tty` + minor, or the driver's path itself), which must exist in /dev with
//!    that device number;
//! 2. the major/minor rules of Linux's devices.txt that procps knows ([`rule_path`]:
//!    136-143 are `/dev/pts/N`, 4 is `/dev/ttyN` below 64 and `/dev/ttySN` above, 188
//!    `/dev/ttyUSBN`...), again only if /dev has that node;
//! 3. the file the process's stderr (`/proc/PID/fd/2`), then bash's saved terminal
//!    (`/proc/PID/fd/255`), link to, if it is that device.
//!
//! The name is shown without `/dev/` (`pts/3`, `tty1`, `ttyS0`), every byte that is not
//! printable ASCII as `?`; `?` alone when there is no terminal or no step finds it. procps
//! tries the stderr link before the rules; here the rules come first, so that the usual names
//! cost no read of the process's files (both must name a node with the same device number,
//! so they agree wherever /dev is the usual one). Names found by the first two steps are
//! cached per terminal.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::record::TtyNr;

/// The path procps's major/minor rules (its `guess_name()`) give a terminal, before checking
/// that it exists; `None` for a major number they do not know.
pub fn rule_path(major: u32, minor: u32) -> Option<String> {
    // Major 204: the low-density serial ports, by minor.
    const LOW_DENSITY: [&str; 32] = [
        "LU0", "LU1", "LU2", "LU3", "FB0", "SA0", "SA1", "SA2", "SC0", "SC1", "SC2", "SC3", "FW0",
        "FW1", "FW2", "FW3", "AM0", "AM1", "AM2", "AM3", "AM4", "AM5", "AM6", "AM7", "AM8", "AM9",
        "AM10", "AM11", "AM12", "AM13", "AM14", "AM15",
    ];
    let simple = |prefix: &str| Some(format!("/dev/{prefix}{minor}"));
    match major {
        3 => {
            let hi = b"pqrstuvwxyzabcde".get(usize::try_from(minor >> 4).ok()?)?;
            let lo = b"0123456789abcdef"[(minor & 0xf) as usize];
            Some(format!("/dev/tty{}{}", char::from(*hi), char::from(lo)))
        }
        4 if minor < 64 => simple("tty"),
        4 => Some(format!("/dev/ttyS{}", minor - 64)),
        11 => simple("ttyB"),
        17 => simple("ttyH"),
        19 => simple("ttyC"),
        22 | 23 => simple("ttyD"),
        24 => simple("ttyE"),
        32 => simple("ttyX"),
        43 => simple("ttyI"),
        46 => simple("ttyR"),
        48 => simple("ttyL"),
        57 => simple("ttyP"),
        71 => simple("ttyF"),
        75 => simple("ttyW"),
        78 | 112 => simple("ttyM"),
        105 => simple("ttyV"),
        136..=143 => Some(format!("/dev/pts/{}", minor + (major - 136) * 256)),
        148 => simple("ttyT"),
        154 => simple("ttySR"),
        156 => Some(format!("/dev/ttySR{}", minor + 256)),
        164 => simple("ttyCH"),
        166 => simple("ttyACM"),
        172 => simple("ttyMX"),
        174 => simple("ttySI"),
        188 => simple("ttyUSB"),
        204 => Some(format!(
            "/dev/tty{}",
            LOW_DENSITY.get(usize::try_from(minor).ok()?)?
        )),
        208 => simple("ttyU"),
        216 => simple("ttyUB"),
        224 => simple("ttyY"),
        227 => Some(format!("/dev/3270/tty{minor}")),
        229 => Some(format!("/dev/iseries/vtty{minor}")),
        256 => simple("ttyEQ"),
        _ => None,
    }
}

/// One line of /proc/tty/drivers: a path prefix and the device numbers it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Driver {
    name: String,
    devfs: bool,
    major: u32,
    minors: (u32, u32),
}

/// Parses /proc/tty/drivers as procps does: the second column with `/dev/` stripped (a
/// trailing `%d` marks a devfs-style name), the major, and a minor or a minor range.
fn parse_drivers(text: &str) -> Vec<Driver> {
    text.lines()
        .filter_map(|line| {
            let mut cols = line.split_whitespace().skip(1);
            let path = cols.next()?.strip_prefix("/dev/")?;
            let major = cols.next()?.parse().ok()?;
            let range = cols.next()?;
            let minors = match range.split_once('-') {
                Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
                None => {
                    let m = range.parse().ok()?;
                    (m, m)
                }
            };
            let (name, devfs) = match path.strip_suffix("%d") {
                Some(n) => (n, true),
                None => (path, false),
            };
            Some(Driver {
                name: name.to_string(),
                devfs,
                major,
                minors,
            })
        })
        .collect()
}

/// Resolves terminal names as `ps` does (see the module documentation), with a cache.
#[derive(Debug, Clone)]
pub struct TtyNames {
    proc_root: PathBuf,
    drivers: Option<Vec<Driver>>,
    cache: HashMap<u32, Option<String>>,
}

impl Default for TtyNames {
    fn default() -> TtyNames {
        TtyNames::new("/proc")
    }
}

/// The device number of a character device, as (major, minor).
fn rdev(path: &Path) -> Option<(u32, u32)> {
    let m = std::fs::metadata(path).ok()?;
    let dev = m.rdev();
    // glibc's gnu_dev_major/minor.
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    Some((u32::try_from(major).ok()?, u32::try_from(minor).ok()?))
}

/// `path` without `/dev/`, every byte that is not printable ASCII as `?` (as procps).
fn shown(path: &str) -> String {
    let short = path
        .strip_prefix("/dev/")
        .filter(|s| !s.is_empty())
        .unwrap_or(path);
    short
        .bytes()
        .map(|b| {
            if b <= b' ' || b > 126 {
                '?'
            } else {
                char::from(b)
            }
        })
        .collect()
}

impl TtyNames {
    /// A resolver reading procfs at `proc_root` (default `/proc`) and the nodes of `/dev`.
    pub fn new(proc_root: impl AsRef<Path>) -> TtyNames {
        TtyNames {
            proc_root: proc_root.as_ref().to_owned(),
            drivers: None,
            cache: HashMap::new(),
        }
    }

    fn drivers(&mut self) -> &[Driver] {
        let root = &self.proc_root;
        self.drivers.get_or_insert_with(|| {
            std::fs::read_to_string(root.join("tty/drivers"))
                .map(|t| parse_drivers(&t))
                .unwrap_or_default()
        })
    }

    /// Steps 1 and 2: the drivers, then the major/minor rules, each checked against /dev.
    fn by_number(&mut self, major: u32, minor: u32) -> Option<String> {
        let want = Some((major, minor));
        let driver = self
            .drivers()
            .iter()
            .find(|d| d.major == major && (d.minors.0..=d.minors.1).contains(&minor))
            .cloned();
        if let Some(d) = driver {
            let numbered = format!("/dev/{}{minor}", d.name);
            if rdev(Path::new(&numbered)) == want {
                return Some(numbered);
            }
            let bare = format!("/dev/{}", d.name);
            if !d.devfs && rdev(Path::new(&numbered)).is_none() && rdev(Path::new(&bare)) == want {
                return Some(bare);
            }
        }
        rule_path(major, minor).filter(|p| rdev(Path::new(p)) == want)
    }

    /// The name `ps` shows in its TTY column for process `pid` with terminal `tty`: `?` for
    /// none or one whose node cannot be found.
    pub fn name(&mut self, tty: TtyNr, pid: i32) -> String {
        self.lookup(tty, pid).unwrap_or_else(|| "?".to_string())
    }

    /// [`TtyNames::name`], `None` where it shows `?`.
    pub fn lookup(&mut self, tty: TtyNr, pid: i32) -> Option<String> {
        if tty.is_none() {
            return None;
        }
        let (major, minor) = (tty.major(), tty.minor());
        let cached = match self.cache.get(&tty.0) {
            Some(c) => c.clone(),
            None => {
                let found = self.by_number(major, minor);
                self.cache.insert(tty.0, found.clone());
                found
            }
        };
        if let Some(path) = cached {
            return Some(shown(&path));
        }
        // Step 3: what the process's stderr, or bash's fd 255, is.
        for fd in ["fd/2", "fd/255"] {
            let link = self.proc_root.join(pid.to_string()).join(fd);
            if let Ok(target) = std::fs::read_link(&link) {
                if rdev(&target) == Some((major, minor)) {
                    return Some(shown(&target.to_string_lossy()));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drivers_parse_as_procps_reads_them() {
        let d = parse_drivers(
            "/dev/tty             /dev/tty        5       0 system:/dev/tty\n\
             serial               /dev/ttyS       4 64-95 serial\n\
             pty_slave            /dev/pts      136 0-1048575 pty:slave\n\
             odd                  /dev/tts/%d     9 0-3 serial\n\
             unknown              /dev/tty        4 1-63 console\n\
             garbage\n",
        );
        assert_eq!(d.len(), 5);
        assert_eq!(d[1].name, "ttyS");
        assert_eq!(d[1].minors, (64, 95));
        assert_eq!(d[2].minors, (0, 1_048_575));
        assert!(d[3].devfs && d[3].name == "tts/");
        assert_eq!(d[4].minors, (1, 63));
    }

    #[test]
    fn rules_and_display() {
        assert_eq!(rule_path(3, 0x21).as_deref(), Some("/dev/ttyr1"));
        assert_eq!(rule_path(3, 256), None);
        assert_eq!(rule_path(204, 4).as_deref(), Some("/dev/ttyFB0"));
        assert_eq!(rule_path(204, 999), None);
        assert_eq!(rule_path(227, 2).as_deref(), Some("/dev/3270/tty2"));
        assert_eq!(shown("/dev/pts/3"), "pts/3");
        assert_eq!(shown("/dev/a b\u{e9}"), "a?b??");
        let mut names = TtyNames::new("/nonexistent-proc");
        assert_eq!(names.name(TtyNr(0), 1), "?");
        // /dev/null is 1:3, which no terminal rule names.
        assert_eq!(names.name(TtyNr((1 << 8) | 3), 1), "?");
    }

    #[test]
    fn a_real_terminal_resolves_through_dev() {
        // /dev/ptmx is 5:2 and /proc/tty/drivers lists it as /dev/ptmx, when both exist.
        let drivers = std::fs::read_to_string("/proc/tty/drivers").unwrap_or_default();
        if rdev(Path::new("/dev/ptmx")) == Some((5, 2)) && drivers.contains("/dev/ptmx") {
            let mut names = TtyNames::default();
            assert_eq!(names.name(TtyNr((5 << 8) | 2), 1), "ptmx");
        }
    }
}
