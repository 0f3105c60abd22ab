//! A Voyager look-alike server (being written).
