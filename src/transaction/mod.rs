//! Applying a plan: the effectful half of vbump. Every write vbump makes happens in here.

pub mod files;
