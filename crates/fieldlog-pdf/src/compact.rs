//! Shrinks the file printpdf wrote without changing a drawn glyph or an extracted character:
//! the embedded font loses what PDF readers never use ([`crate::truetype_trim`]), the glyph
//! widths are written as ranges, and the document information drops printpdf's empty
//! placeholders (and its 1970 dates: the signature sets the real ones).
//!
//! Why bother: the report is filed, mailed and synced over county networks many times a month,
//! and issue 5 holds it to 0.7x the size of the same report from reportlab.

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::truetype_trim;

/// Why the file could not be compacted (it is then not a file our renderer wrote).
#[derive(Debug, thiserror::Error)]
pub enum CompactError {
    #[error("PDF: {0}")]
    Pdf(#[from] lopdf::Error),
    #[error(transparent)]
    Font(#[from] truetype_trim::TrimError),
    #[error("write: {0}")]
    Write(#[from] std::io::Error),
}

/// The compacted file.
pub fn compact(pdf: &[u8]) -> Result<Vec<u8>, CompactError> {
    let mut doc = Document::load_mem(pdf)?;
    let mut font_files: Vec<ObjectId> = Vec::new();
    for object in doc.objects.values_mut() {
        let Ok(dict) = object.as_dict_mut() else {
            continue;
        };
        if let Ok(id) = dict.get(b"FontFile2").and_then(Object::as_reference) {
            font_files.push(id);
        }
        if let Ok(Object::Array(descendants)) = dict.get_mut(b"DescendantFonts") {
            for descendant in descendants {
                if let Ok(cid_font) = descendant.as_dict_mut() {
                    compact_widths(cid_font);
                }
            }
        }
        if dict.has(b"Widths") || !dict.has(b"W") {
            continue;
        }
        compact_widths(dict);
    }
    for id in font_files {
        let stream = doc.get_object_mut(id)?.as_stream_mut()?;
        let trimmed = truetype_trim::trim(&stream.decompressed_content()?)?;
        stream.dict.remove(b"Filter");
        stream.dict.set("Length1", trimmed.len() as i64);
        stream.set_content(trimmed);
        stream.compress()?;
    }
    if let Ok(info) = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .and_then(|id| doc.get_object_mut(id))
        .and_then(Object::as_dict_mut)
    {
        tidy_info(info);
    }
    let mut out = Vec::with_capacity(pdf.len());
    doc.save_to(&mut out)?;
    Ok(out)
}

/// `/W [1 [550 550 1000 1000 1000]]` becomes `/W [1 [550 550] 3 5 1000]`: runs of one width are
/// a range. A CJK report's glyphs are mostly 1000 wide, so this is most of the font dictionary.
fn compact_widths(cid_font: &mut Dictionary) {
    let Ok(Object::Array(w)) = cid_font.get(b"W") else {
        return;
    };
    // Expand to (cid, width) pairs; give up on forms we did not expect (leave them as they are).
    let mut widths: Vec<(i64, Object)> = Vec::new();
    let mut items = w.iter();
    while let Some(first) = items.next() {
        let Ok(first) = first.as_i64() else { return };
        match items.next() {
            Some(Object::Array(list)) => {
                widths.extend((first..).zip(list.iter().cloned()));
            }
            Some(last) => {
                let (Ok(last), Some(width)) = (last.as_i64(), items.next()) else {
                    return;
                };
                widths.extend((first..=last).map(|cid| (cid, width.clone())));
            }
            None => return,
        }
    }
    let mut out = Vec::new();
    let mut list: Vec<Object> = Vec::new();
    let mut list_start = 0;
    let mut i = 0;
    while i < widths.len() {
        let (cid, ref width) = widths[i];
        let mut j = i + 1;
        while j < widths.len() && widths[j].0 == widths[j - 1].0 + 1 && widths[j].1 == *width {
            j += 1;
        }
        // A range costs three numbers; below four equal widths a list entry is shorter.
        if j - i >= 4 {
            if !list.is_empty() {
                out.push(Object::Integer(list_start));
                out.push(Object::Array(std::mem::take(&mut list)));
            }
            out.push(Object::Integer(cid));
            out.push(Object::Integer(widths[j - 1].0));
            out.push(width.clone());
        } else {
            for (cid, width) in &widths[i..j] {
                let contiguous = list.is_empty() || list_start + list.len() as i64 == *cid;
                if !contiguous {
                    out.push(Object::Integer(list_start));
                    out.push(Object::Array(std::mem::take(&mut list)));
                }
                if list.is_empty() {
                    list_start = *cid;
                }
                list.push(width.clone());
            }
        }
        i = j;
    }
    if !list.is_empty() {
        out.push(Object::Integer(list_start));
        out.push(Object::Array(list));
    }
    cid_font.set("W", Object::Array(out));
}

/// Drops printpdf's empty strings, the PDF/X and trapping keys we make no claim about, and the
/// Unix-epoch dates it writes when none are given.
fn tidy_info(info: &mut Dictionary) {
    let drop: Vec<Vec<u8>> = info
        .iter()
        .filter(|(key, value)| {
            let empty = matches!(value, Object::String(s, _) if s.is_empty());
            let epoch = matches!(value, Object::String(s, _) if s.starts_with(b"D:1970"));
            empty || epoch || key.as_slice() == b"GTS_PDFXVersion" || key.as_slice() == b"Trapped"
        })
        .map(|(key, _)| key.clone())
        .collect();
    for key in drop {
        info.remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(values: &[i64]) -> Vec<Object> {
        values.iter().map(|v| Object::Integer(*v)).collect()
    }

    fn widths_of(w: Vec<Object>) -> Object {
        let mut dict = Dictionary::new();
        dict.set("W", Object::Array(w));
        compact_widths(&mut dict);
        dict.get(b"W").unwrap().clone()
    }

    #[test]
    fn runs_of_one_width_become_ranges_and_the_rest_stays_listed() {
        let mut list = ints(&[259, 321, 550, 550]);
        list.extend(ints(&[1000; 6]));
        list.extend(ints(&[600]));
        let got = widths_of(vec![Object::Integer(1), Object::Array(list)]);
        let want = vec![
            Object::Integer(1),
            Object::Array(ints(&[259, 321, 550, 550])),
            Object::Integer(5),
            Object::Integer(10),
            Object::Integer(1000),
            Object::Integer(11),
            Object::Array(ints(&[600])),
        ];
        assert_eq!(got, Object::Array(want));
    }

    #[test]
    fn lists_with_gaps_and_existing_ranges_come_out_as_they_went_in() {
        let w = vec![
            Object::Integer(3),
            Object::Array(ints(&[500])),
            Object::Integer(7),
            Object::Array(ints(&[700])),
            Object::Integer(8),
            Object::Integer(20),
            Object::Integer(1000),
        ];
        assert_eq!(widths_of(w.clone()), Object::Array(w));
    }

    #[test]
    fn an_unexpected_form_is_left_alone() {
        let odd = vec![Object::Integer(1), Object::Integer(5)];
        assert_eq!(widths_of(odd.clone()), Object::Array(odd));
    }
}
