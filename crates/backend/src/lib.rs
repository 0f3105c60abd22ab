//! The companion backend (being written).
