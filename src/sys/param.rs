// SPDX-License-Identifier: GPL-2.0

//! The module parameters `hidepid` and `gid`: procfs's `hidepid=` and `gid=`
//! mount options, for process_getinfo(2).
//!
//! `module!`'s parameters are read-only and absent from sysfs; these two must
//! be settable by root at run time through
//! `/sys/module/process_getinfo/parameters/`, so they are declared here as
//! `struct kernel_param`s of their own, the way `module_param()` lays them
//! out. The values live in atomics: sysfs writes are serialized by the
//! module's parameter lock, and the system call reads them without it.

use core::{
    ffi::CStr,
    sync::atomic::{AtomicU32, Ordering},
};
use kernel::{
    bindings,
    ffi::{c_char, c_int},
    prelude::*,
};

use crate::rules::{self, HidePid};

/// `hidepid`: 0 (off), 1 (noaccess), 2 (invisible) or 4 (ptraceable).
static HIDEPID: AtomicU32 = AtomicU32::new(0);

/// `gid`: the group (in the initial user namespace) exempt from `hidepid`, as procfs's `gid=`
/// (whose default, 0, exempts the root group).
static GID: AtomicU32 = AtomicU32::new(0);

/// The current `hidepid` setting.
pub(crate) fn hidepid() -> HidePid {
    // Only `hidepid_set` stores, and only valid values.
    HidePid::from_value(HIDEPID.load(Ordering::Relaxed)).unwrap_or(HidePid::Off)
}

/// The current `gid` setting, as a kernel gid.
pub(crate) fn gid() -> bindings::kgid_t {
    // The initial user namespace maps every gid to itself (`make_kgid(&init_user_ns, gid)`).
    bindings::kgid_t {
        val: GID.load(Ordering::Relaxed),
    }
}

/// `kernel_param_ops.set` of `hidepid`: procfs's values and names.
///
/// # Safety
///
/// Called by the module parameter code with `val` NULL or a NUL-terminated string.
unsafe extern "C" fn hidepid_set(val: *const c_char, _kp: *const bindings::kernel_param) -> c_int {
    if val.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: `val` is a NUL-terminated string (the function's safety requirement).
    let s = unsafe { CStr::from_char_ptr(val) }.to_bytes();
    match rules::parse_hidepid(s) {
        Some(h) => {
            HIDEPID.store(h.value(), Ordering::Relaxed);
            0
        }
        None => EINVAL.to_errno(),
    }
}

/// `hidepid`'s operations: our parser, and the kernel's `uint` printer.
static HIDEPID_OPS: bindings::kernel_param_ops = bindings::kernel_param_ops {
    flags: 0,
    set: Some(hidepid_set),
    get: Some(bindings::param_get_uint),
    free: None,
};

/// A `struct kernel_param` in the `__param` section.
#[repr(transparent)]
struct Param(bindings::kernel_param);

// SAFETY: The module parameter code is the only user of these structs, which are never written
// after the module is linked; the values they point to are atomics.
unsafe impl Sync for Param {}

/// Permissions of both files: readable by all, writable by root.
const PERM: u16 = 0o644;

/// The module these parameters belong to (this file is only ever built as a module, `obj-m`):
/// `__this_module`, set up by the module loader before any parameter is parsed and valid until
/// it is unloaded. Only its address is taken.
const THIS: *mut bindings::module = (&raw const bindings::__this_module).cast_mut();

#[link_section = "__param"]
#[used(compiler)]
static HIDEPID_PARAM: Param = Param(bindings::kernel_param {
    name: kernel::str::as_char_ptr_in_const_context(c"hidepid"),
    mod_: THIS,
    ops: &raw const HIDEPID_OPS,
    perm: PERM,
    level: -1,
    flags: 0,
    __bindgen_anon_1: bindings::kernel_param__bindgen_ty_1 {
        arg: HIDEPID.as_ptr().cast(),
    },
});

#[link_section = "__param"]
#[used(compiler)]
static GID_PARAM: Param = Param(bindings::kernel_param {
    name: kernel::str::as_char_ptr_in_const_context(c"gid"),
    mod_: THIS,
    // The kernel's ops for an `unsigned int` parameter (only its address is taken): they read
    // and write the `u32` behind `arg`, which `AtomicU32` lays out identically.
    ops: &raw const bindings::param_ops_uint,
    perm: PERM,
    level: -1,
    flags: 0,
    __bindgen_anon_1: bindings::kernel_param__bindgen_ty_1 {
        arg: GID.as_ptr().cast(),
    },
});
