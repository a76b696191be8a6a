//! Office passwords: Argon2id with the crate's default (OWASP-recommended) parameters, kept as a
//! PHC string, so stronger parameters later need no migration: the string names its own.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

/// Shortest password accepted for an office account.
pub const MIN_LENGTH: usize = 10;
/// Longest password looked at (hashing a megabyte on every attempt is a denial of service).
pub const MAX_LENGTH: usize = 256;

/// The Argon2id PHC string of `password`, with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored PHC string (false for a damaged one).
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification without an account, so an unknown login answers as
/// slowly as a wrong password and logins cannot be told apart by timing.
pub fn verify_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("not any account's password").unwrap_or_default());
    let _ = verify(password, stored);
}

/// Checks a new password's length; the message in Chinese first.
pub fn check_new(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH || password.len() > MAX_LENGTH {
        return Err(format!(
            "密码长度须为 {MIN_LENGTH} 到 {MAX_LENGTH} 个字符 (a password has {MIN_LENGTH} to {MAX_LENGTH} characters)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let stored = super::hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(super::verify("correct horse battery", &stored));
        assert!(!super::verify("correct horse batterz", &stored));
        assert!(!super::verify("correct horse battery", "not a hash"));
        assert_ne!(
            stored,
            super::hash("correct horse battery").unwrap(),
            "salted"
        );
    }
}
