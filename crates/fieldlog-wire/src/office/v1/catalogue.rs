//! Office API v1: contracts (from a preset or blank), their SLA policies, closing a contract,
//! the sites' and devices' catalogue (one by one, or imported from CSV/XLSX) and the spare-parts
//! catalogue. Every write reaches laptops through the sync feed, as a laptop's push would.
