// SPDX-License-Identifier: GPL-2.0
//! Host unit tests of the module's pure logic: `rustc --test` on this file
//! compiles `src/uapi.rs` and `src/rules.rs` exactly as the module does.
#![allow(dead_code)]

#[path = "../../src/uapi.rs"]
mod uapi;

#[path = "../../src/rules.rs"]
mod rules;
