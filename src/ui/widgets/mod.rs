//! Reusable drawing pieces: the list table with its header, placeholder
//! and filter highlighting; the chrome (header, title and status line); and
//! pop-up placement. The coming charts and timeline belong here too.

pub mod chrome;
pub mod popup;
pub mod table;
