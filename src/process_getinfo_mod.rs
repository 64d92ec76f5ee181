// SPDX-License-Identifier: GPL-2.0

//! process_getinfo(2): many facts about many processes in one system call.
//!
//! The request path, in file order: [`hook`] (the entry the kernel calls),
//! [`call`] (one call start to end), [`request`] (validate and copy in),
//! [`walk`] (the task set under `tasklist_lock`), [`facts`] (one step per
//! mask bit), [`maps`] (the memory map under the mmap lock), [`serialize`]
//! (records, offsets and the copy out). [`rules`] holds the pure logic,
//! [`uapi`] the mirror of the C header, and [`sys`] every raw binding.

use kernel::prelude::*;

mod call;
mod facts;
mod hook;
mod maps;
mod request;
mod rules;
mod serialize;
mod sys;
mod uapi;
mod walk;

module! {
    type: ProcessGetinfo,
    name: "process_getinfo",
    authors: ["process_getinfo developers"],
    description: "process_getinfo(2): facts about many processes in one system call",
    license: "GPL",
}

struct ProcessGetinfo {
    _hook: sys::Hook,
}

impl kernel::Module for ProcessGetinfo {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let hook = sys::Hook::register(module, hook::entry)?;
        pr_info!("registered, supported mask {:#x}\n", uapi::SUPPORTED_MASK);
        Ok(Self { _hook: hook })
    }
}

impl Drop for ProcessGetinfo {
    fn drop(&mut self) {
        pr_info!("unregistering\n");
    }
}
