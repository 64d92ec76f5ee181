// SPDX-License-Identifier: MIT OR Apache-2.0

//! User and group names from the system's user database (getpwuid_r(3), getgrgid_r(3): NSS,
//! so /etc/passwd, LDAP or systemd's users alike), cached per id, as procps shows them.

use std::collections::HashMap;
use std::ffi::{CStr, CString};

/// Calls a `get*_r` function with a buffer that grows on ERANGE; `Some` of what `read`
/// takes from the entry, `None` when there is none (or the database cannot be read).
fn lookup<E, T>(
    call: impl Fn(*mut E, *mut libc::c_char, usize, *mut *mut E) -> libc::c_int,
    read: impl Fn(&E) -> T,
) -> Option<T> {
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: an all-zero passwd/group is a valid value of these plain C structs (null
        // pointers and zero ids); the call fills it in.
        let mut entry: E = unsafe { std::mem::zeroed() };
        let mut result: *mut E = std::ptr::null_mut();
        let rc = call(&mut entry, buf.as_mut_ptr().cast(), buf.len(), &mut result);
        if rc == libc::ERANGE && buf.len() < (1 << 20) {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        return (rc == 0 && !result.is_null()).then(|| read(&entry));
    }
}

/// A NUL-terminated C string as bytes.
///
/// # Safety
///
/// `p` must be NULL or point to a NUL-terminated string that lives while the result is used.
unsafe fn bytes<'a>(p: *const libc::c_char) -> Option<&'a [u8]> {
    // SAFETY: the caller's promise.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// The name of user `uid`.
pub fn user(uid: u32) -> Option<Vec<u8>> {
    lookup(
        // SAFETY: every pointer is to a live local or buffer of the stated size.
        |e, b, n, r| unsafe { libc::getpwuid_r(uid, e, b, n, r) },
        // SAFETY: on success pw_name points into the buffer, which is still alive here.
        |e: &libc::passwd| unsafe { bytes(e.pw_name) }.map(<[u8]>::to_vec),
    )
    .flatten()
}

/// The name of group `gid`.
pub fn group(gid: u32) -> Option<Vec<u8>> {
    lookup(
        // SAFETY: as in `user`.
        |e, b, n, r| unsafe { libc::getgrgid_r(gid, e, b, n, r) },
        // SAFETY: as in `user`.
        |e: &libc::group| unsafe { bytes(e.gr_name) }.map(<[u8]>::to_vec),
    )
    .flatten()
}

/// The uid of user `name`, or `name` as a number.
pub fn uid_of(name: &str) -> Option<u32> {
    if let Ok(n) = name.parse() {
        return Some(n);
    }
    let c = CString::new(name).ok()?;
    lookup(
        // SAFETY: `c` is NUL-terminated; the rest as in `user`.
        |e, b, n, r| unsafe { libc::getpwnam_r(c.as_ptr(), e, b, n, r) },
        |e: &libc::passwd| e.pw_uid,
    )
}

/// Names already looked up.
#[derive(Debug, Default)]
pub struct Names {
    users: HashMap<u32, Option<Vec<u8>>>,
    groups: HashMap<u32, Option<Vec<u8>>>,
}

impl Names {
    /// The name of user `uid`, if the database has one.
    pub fn user(&mut self, uid: u32) -> Option<Vec<u8>> {
        self.users.entry(uid).or_insert_with(|| user(uid)).clone()
    }

    /// The name of group `gid`, if the database has one.
    pub fn group(&mut self, gid: u32) -> Option<Vec<u8>> {
        self.groups.entry(gid).or_insert_with(|| group(gid)).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_root() {
        // Every Linux user database names uid 0 and gid 0 so.
        assert_eq!(user(0).as_deref(), Some(&b"root"[..]));
        assert_eq!(group(0).as_deref(), Some(&b"root"[..]));
        assert_eq!(uid_of("root"), Some(0));
        assert_eq!(uid_of("4242"), Some(4242));
        assert_eq!(uid_of("no-such-user-pgi"), None);
        let mut n = Names::default();
        assert_eq!(n.user(0), user(0));
    }
}
