//! The office console's web pages (Vue, `ui/src/console`), served from the binary itself at
//! `/console/` (`/` and `/console` lead there): the files `ui/dist-console` held when the server
//! was compiled (`build.rs`), so nothing but this process is needed at run time.
//!
//! - a built file is served with its content type; the hashed ones under `assets/` may be kept
//!   by browsers for a year, everything else is `no-store`;
//! - any other path under `/console/` is a page of the single-page app: `console.html`, except
//!   a missing `assets/…` file, which is a plain 404 (never HTML where a script was asked for);
//! - on a checkout whose console was never built, a short bilingual page says how to build it;
//! - every answer carries the security headers (a CSP of `default-src 'self'`, no framing, no
//!   content sniffing, no referrer).

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/console_files.rs"));
}

/// Where the console is served.
pub const BASE: &str = "/console/";
/// The single-page app's page, as Vite names it.
const INDEX: &str = "console.html";

/// The CSP: only this server's own scripts, styles, images and API; never inside a frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The routes of the console.
pub fn routes() -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to(BASE) }))
        .route("/console", get(|| async { Redirect::to(BASE) }))
        .route("/console/", get(|| async { answer(embedded::FILES, "") }))
        .route(
            "/console/{*path}",
            get(|Path(path): Path<String>| async move { answer(embedded::FILES, &path) }),
        )
}

/// What a request for `path` (under `/console/`) gets, from the built `files`.
fn answer(files: &'static [(&'static str, &'static [u8])], path: &str) -> Response {
    let find = |name: &str| -> Option<&'static [u8]> {
        files.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
    };
    let mut response = match (find(path).filter(|_| path != INDEX), find(INDEX)) {
        (Some(bytes), _) => {
            let cache = if path.starts_with("assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-store"
            };
            (
                [
                    (header::CONTENT_TYPE, content_type(path)),
                    (header::CACHE_CONTROL, cache),
                ],
                bytes,
            )
                .into_response()
        }
        _ if path.starts_with("assets/") => (
            StatusCode::NOT_FOUND,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            "找不到该文件 (no such file)",
        )
            .into_response(),
        (None, Some(index)) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            index,
        )
            .into_response(),
        (None, None) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            NOT_BUILT,
        )
            .into_response(),
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The content type of a built file, by its extension (Vite emits only these).
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Served when the server was compiled before the console was built.
const NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>Fieldlog 办公室控制台未构建 (console not built)</title></head><body>\
<h1>办公室控制台尚未构建</h1>\
<p>此服务器编译时没有控制台页面。请在源码目录运行 <code>cargo xtask setup</code>\
（或在 <code>ui/</code> 中运行 <code>npm ci &amp;&amp; npm run build</code>），然后重新编译 \
<code>fieldlog-server</code>。同步接口不受影响。</p>\
<h1 lang=\"en\">The office console is not built</h1>\
<p lang=\"en\">This server was compiled without the console's pages. In the source folder run \
<code>cargo xtask setup</code> (or <code>npm ci &amp;&amp; npm run build</code> in <code>ui/</code>), \
then build <code>fieldlog-server</code> again. The sync API works as usual.</p></body></html>";

#[cfg(test)]
mod tests {
    use super::*;

    const BUILT: &[(&str, &[u8])] = &[
        ("console.html", b"<html>index</html>"),
        ("assets/console-abc123.js", b"console.log(1)"),
        ("assets/console-abc123.css", b"body{}"),
        ("favicon.svg", b"<svg/>"),
    ];

    fn header(response: &Response, name: &str) -> String {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn hashed_assets_are_cacheable_with_their_content_type() {
        let response = answer(BUILT, "assets/console-abc123.js");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header(&response, "content-type"),
            "text/javascript; charset=utf-8"
        );
        assert!(header(&response, "cache-control").contains("immutable"));
        let css = answer(BUILT, "assets/console-abc123.css");
        assert_eq!(header(&css, "content-type"), "text/css; charset=utf-8");
        let svg = answer(BUILT, "favicon.svg");
        assert_eq!(header(&svg, "content-type"), "image/svg+xml");
        assert_eq!(header(&svg, "cache-control"), "no-store");
    }

    #[test]
    fn pages_of_the_app_get_the_index_never_stored() {
        for path in ["", "accounts", "contracts/police-2026", "console.html"] {
            let response = answer(BUILT, path);
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(
                header(&response, "content-type"),
                "text/html; charset=utf-8"
            );
            assert_eq!(header(&response, "cache-control"), "no-store");
            assert_eq!(
                header(&response, "content-security-policy"),
                CONTENT_SECURITY_POLICY
            );
            assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'self'"));
            assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
            assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        }
    }

    #[test]
    fn a_missing_asset_is_a_404_not_the_index() {
        let response = answer(BUILT, "assets/console-old.js");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(header(&response, "content-type").starts_with("text/plain"));
    }

    #[test]
    fn an_unbuilt_console_says_how_to_build_it_in_both_languages() {
        let response = answer(&[], "accounts");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(NOT_BUILT.contains("尚未构建") && NOT_BUILT.contains("not built"));
        assert!(NOT_BUILT.contains("npm run build"));
        assert_eq!(header(&response, "x-frame-options"), "DENY");
    }
}
