// SPDX-License-Identifier: GPL-2.0

//! process_getinfo(2): many facts about many processes in one system call.
//!
//! The request path, in file order: [`call`] (one call start to end, the
//! body registered with the kernel's hook), [`request`] (validate and copy
//! in), [`walk`] (the task set under `tasklist_lock`), [`facts`] (what the
//! caller may see, then one step per mask bit), [`maps`] (the memory map
//! under the mmap lock), [`serialize`] (records, offsets and the copy out).
//! [`rules`] holds the pure logic, [`uapi`] the mirror of the C header, and
//! [`sys`] every raw binding.
//!
//! No code of this crate may panic or wrap silently: arithmetic is checked,
//! saturating or explicitly wrapping, and slices are reached with `get()`.
//! `make check` builds with clippy and `-D warnings`, which turns these lints
//! into errors.

#![warn(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use kernel::prelude::*;

mod call;
mod facts;
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

#[pin_data(PinnedDrop)]
struct ProcessGetinfo {
    #[pin]
    hook: sys::Registration<call::Call>,
}

impl kernel::InPlaceModule for ProcessGetinfo {
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        pr_info!("registering, supported mask {:#x}\n", uapi::SUPPORTED_MASK);
        try_pin_init!(Self {
            hook <- sys::Registration::register(module),
        })
    }
}

#[pinned_drop]
impl PinnedDrop for ProcessGetinfo {
    fn drop(self: Pin<&mut Self>) {
        pr_info!("unregistering\n");
    }
}
