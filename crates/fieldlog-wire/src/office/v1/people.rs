//! Office API v1: technicians, their contracts, enrollment codes (text and QR), the laptops
//! (last sync, changes waiting, app version) and revoking one.
