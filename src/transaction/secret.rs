//! A token that must never be printed: its `Debug` and `Display` show `***`, and [`Secret::redact`]
//! removes it (raw and in the base64 forms git sends) from any captured text.

use std::fmt;

/// A credential (a GitHub token). Only [`Secret::expose`] reveals it, and only git's environment and
/// the HTTP client should ever see that.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    /// Wraps a token; surrounding whitespace (a trailing newline from a file) is dropped.
    pub(crate) fn new(token: impl Into<String>) -> Secret {
        Secret(token.into().trim().to_string())
    }

    /// Takes the token out of the environment variable `var`; unset or blank means no token.
    ///
    /// The variable is removed from vbump's environment, so no process vbump starts (git, and
    /// the hooks, filters and helpers git starts) inherits it; git gets the token only as the
    /// header of the commands that talk to the remote ([`super::Git::authenticate`]).
    pub(crate) fn from_env(var: &str) -> Option<Secret> {
        let value = std::env::var(var).ok()?;
        // SAFETY: called by the command-line entry points before vbump starts any thread (the
        // HTTP runtime is created later), so nothing reads the environment concurrently.
        unsafe { std::env::remove_var(var) };
        let secret = Secret::new(value);
        (!secret.0.is_empty()).then_some(secret)
    }

    /// The token itself, for the one place that must send it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// The value of an HTTP `Authorization` header carrying the token the way GitHub expects from
    /// git: basic auth with the user name `x-access-token`.
    pub(crate) fn basic_auth_header(&self) -> String {
        format!("Authorization: basic {}", base64(format!("x-access-token:{}", self.0).as_bytes()))
    }

    /// `text` with every occurrence of the token, and of the base64 forms in which it travels,
    /// replaced by `***`.
    pub(crate) fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            return text.to_string();
        }
        let forms = [
            self.0.clone(),
            base64(format!("x-access-token:{}", self.0).as_bytes()),
            base64(self.0.as_bytes()),
        ];
        forms.iter().fold(text.to_string(), |text, form| text.replace(form.as_str(), "***"))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Standard base64 with padding (RFC 4648 §4). Twenty lines do not justify a dependency.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }

    #[test]
    fn header_is_basic_auth_for_x_access_token() {
        // base64("x-access-token:abc") computed with coreutils' base64.
        assert_eq!(Secret::new("abc").basic_auth_header(), "Authorization: basic eC1hY2Nlc3MtdG9rZW46YWJj");
    }

    #[test]
    fn debug_display_and_redact_hide_the_token() {
        let secret = Secret::new("ghs_0123456789\n");
        assert_eq!(format!("{secret:?} {secret}"), "Secret(***) ***");
        let header = secret.basic_auth_header();
        let text = format!("token ghs_0123456789 in {header}");
        let clean = secret.redact(&text);
        assert!(!clean.contains("ghs_0123456789"), "{clean}");
        assert!(!clean.contains(&header["Authorization: basic ".len()..]), "{clean}");
    }

    #[test]
    fn blank_variable_is_no_token() {
        assert_eq!(Secret::new("  \n").expose(), "");
    }
}
