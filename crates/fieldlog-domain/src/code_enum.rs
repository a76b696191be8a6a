//! `code_enum!`: enums with a stable text code (used in SQLite, JSON and the CLI) and a label in each
//! language (zh-CN first, then English), which is the one label table for that code: the CLI, the
//! PDFs, the spreadsheets and (through `ui/src/generated/labels.ts`) the app all read it. The code
//! never changes once shipped; the labels may.

use std::fmt;

/// A text code that names no variant of the enum it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "无法识别的取值“{}”，可选：{} (unknown {} '{}'; expected one of: {})",
            self.code,
            self.expected.join("、"),
            self.kind,
            self.code,
            self.expected.join(", ")
        )
    }
}

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable code stored in the database and sent on the wire.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The Chinese label shown to users (the PDFs and spreadsheets use only this one).
            pub fn label_zh(self) -> &'static str {
                match self { $(Self::$variant => $zh),+ }
            }

            /// The label in `lang`.
            pub fn label(self, lang: $crate::labels::Lang) -> &'static str {
                match lang {
                    $crate::labels::Lang::ZhCn => self.label_zh(),
                    $crate::labels::Lang::En => match self { $(Self::$variant => $en),+ },
                }
            }

            /// The label table: every code with its label in each language.
            pub const LABELS: &'static [$crate::labels::Label] = &[
                $($crate::labels::Label { code: $code, zh: $zh, en: $en }),+
            ];
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok(Self::$variant),)+
                    _ => Err($crate::UnknownCode {
                        kind: stringify!($name),
                        code: s.to_owned(),
                        expected: &[$($code),+],
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
