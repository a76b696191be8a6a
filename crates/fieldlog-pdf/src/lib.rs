//! PDF reports (in progress).
