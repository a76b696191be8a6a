//! Trims a TrueType subset down to what a PDF reader draws with.
//!
//! printpdf (through allsorts' PDF profile) embeds a subset that still carries the hinting
//! programs (`fpgm`, `prep`, `cvt `, and instructions inside every glyph), the full `name` table
//! with the font's licence text, a `cmap` and a long `loca`. In a CIDFontType2 with Identity
//! encoding none of that is read: glyphs are addressed by id, text extraction goes through
//! /ToUnicode, and PDF renderers rasterise unhinted (ISO 32000-1 §9.9 lists only glyf, head, hhea,
//! hmtx, loca, maxp and, *if used*, the hinting tables). Dropping them is about a fifth of a
//! Chinese daily report.
//!
//! Kept: head, hhea, maxp, hmtx, glyf (without instructions), loca (short when it fits), a
//! format-3 `post` and the `name` records a font manager shows (family, style, full and
//! PostScript name), because some platform font loaders refuse a face without them.

use std::collections::BTreeMap;

/// Why a font could not be trimmed (it is then not a TrueType face we wrote).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("TrueType: {0}")]
pub struct TrimError(&'static str);

type Result<T> = std::result::Result<T, TrimError>;

fn u16_at(data: &[u8], at: usize) -> Result<u16> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or(TrimError("truncated"))
}

fn u32_at(data: &[u8], at: usize) -> Result<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(TrimError("truncated"))
}

fn slice(data: &[u8], at: usize, len: usize) -> Result<&[u8]> {
    data.get(at..at + len)
        .ok_or(TrimError("table out of bounds"))
}

/// Tables by tag, borrowed from the font.
fn tables(font: &[u8]) -> Result<BTreeMap<[u8; 4], &[u8]>> {
    let version = u32_at(font, 0)?;
    if version != 0x0001_0000 && &font[..4] != b"true" {
        return Err(TrimError("not a TrueType outline font"));
    }
    let count = u16_at(font, 4)? as usize;
    let mut out = BTreeMap::new();
    for i in 0..count {
        let record = 12 + 16 * i;
        let tag: [u8; 4] = slice(font, record, 4)?.try_into().expect("4 bytes");
        let offset = u32_at(font, record + 8)? as usize;
        let length = u32_at(font, record + 12)? as usize;
        out.insert(tag, slice(font, offset, length)?);
    }
    Ok(out)
}

/// One glyph without its instructions. Simple glyphs keep contours, flags and coordinates;
/// composites keep their components with the "has instructions" flag cleared.
fn glyph_without_instructions(glyph: &[u8]) -> Result<Vec<u8>> {
    if glyph.is_empty() {
        return Ok(Vec::new());
    }
    let contours = u16_at(glyph, 0)? as i16;
    if contours >= 0 {
        let end_points = 10 + 2 * contours as usize;
        let instruction_len = u16_at(glyph, end_points)? as usize;
        let rest = end_points + 2 + instruction_len;
        if rest > glyph.len() {
            return Err(TrimError("glyph instructions out of bounds"));
        }
        let mut out = Vec::with_capacity(glyph.len() - instruction_len);
        out.extend_from_slice(&glyph[..end_points]);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&glyph[rest..]);
        return Ok(out);
    }
    const ARGS_ARE_WORDS: u16 = 0x0001;
    const HAVE_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const HAVE_XY_SCALE: u16 = 0x0040;
    const HAVE_2X2: u16 = 0x0080;
    const HAVE_INSTRUCTIONS: u16 = 0x0100;
    let mut out = slice(glyph, 0, 10)?.to_vec();
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        let mut len = 4 + if flags & ARGS_ARE_WORDS != 0 { 4 } else { 2 };
        len += match () {
            _ if flags & HAVE_SCALE != 0 => 2,
            _ if flags & HAVE_XY_SCALE != 0 => 4,
            _ if flags & HAVE_2X2 != 0 => 8,
            _ => 0,
        };
        let component = slice(glyph, at, len)?;
        out.extend_from_slice(&(flags & !HAVE_INSTRUCTIONS).to_be_bytes());
        out.extend_from_slice(&component[2..]);
        at += len;
        if flags & MORE_COMPONENTS == 0 {
            return Ok(out);
        }
    }
}

/// The `name` records worth keeping: family (1), subfamily (2), full name (4), PostScript name (6).
fn trimmed_name(name: &[u8]) -> Result<Vec<u8>> {
    let count = u16_at(name, 2)? as usize;
    let strings = u16_at(name, 4)? as usize;
    let mut kept = Vec::new();
    for i in 0..count {
        let r = 6 + 12 * i;
        let ids = [
            u16_at(name, r)?,
            u16_at(name, r + 2)?,
            u16_at(name, r + 4)?,
            u16_at(name, r + 6)?,
        ];
        if matches!(ids[3], 1 | 2 | 4 | 6) {
            let len = u16_at(name, r + 8)? as usize;
            let off = u16_at(name, r + 10)? as usize;
            kept.push((ids, slice(name, strings + off, len)?));
        }
    }
    let header = 6 + 12 * kept.len();
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&(kept.len() as u16).to_be_bytes());
    out.extend_from_slice(&(header as u16).to_be_bytes());
    let mut offset = 0usize;
    for (ids, text) in &kept {
        for id in ids {
            out.extend_from_slice(&id.to_be_bytes());
        }
        out.extend_from_slice(&(text.len() as u16).to_be_bytes());
        out.extend_from_slice(&(offset as u16).to_be_bytes());
        offset += text.len();
    }
    for (_, text) in &kept {
        out.extend_from_slice(text);
    }
    Ok(out)
}

/// A format 3 `post`: no glyph names, the original's metrics.
fn trimmed_post(post: &[u8]) -> Result<Vec<u8>> {
    let mut out = slice(post, 0, 32)?.to_vec();
    out[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
    Ok(out)
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The trimmed font. Glyph ids, outlines and advance widths are unchanged.
pub fn trim(font: &[u8]) -> Result<Vec<u8>> {
    let tables = tables(font)?;
    let table = |tag: &[u8; 4]| tables.get(tag).copied().ok_or(TrimError("missing table"));
    let mut head = table(b"head")?.to_vec();
    let mut maxp = table(b"maxp")?.to_vec();
    let glyf = table(b"glyf")?;
    let loca = table(b"loca")?;
    let glyph_count = u16_at(&maxp, 4)? as usize;
    let long_loca = u16_at(&head, 50)? == 1;
    let offset = |i: usize| -> Result<usize> {
        Ok(if long_loca {
            u32_at(loca, 4 * i)? as usize
        } else {
            2 * u16_at(loca, 2 * i)? as usize
        })
    };

    let mut new_glyf = Vec::with_capacity(glyf.len());
    let mut offsets = Vec::with_capacity(glyph_count + 1);
    for i in 0..glyph_count {
        offsets.push(new_glyf.len());
        let (start, end) = (offset(i)?, offset(i + 1)?);
        if start > end {
            return Err(TrimError("loca goes backwards"));
        }
        new_glyf.extend(glyph_without_instructions(slice(
            glyf,
            start,
            end - start,
        )?)?);
        // Short loca stores offset / 2, so every glyph starts on an even byte.
        if new_glyf.len() % 2 == 1 {
            new_glyf.push(0);
        }
    }
    offsets.push(new_glyf.len());
    let short = new_glyf.len() / 2 <= u16::MAX as usize;
    let new_loca: Vec<u8> = if short {
        offsets
            .iter()
            .flat_map(|o| ((o / 2) as u16).to_be_bytes())
            .collect()
    } else {
        offsets
            .iter()
            .flat_map(|o| (*o as u32).to_be_bytes())
            .collect()
    };
    head[50..52].copy_from_slice(&u16::from(!short).to_be_bytes());
    head[8..12].copy_from_slice(&[0; 4]);
    if maxp.len() >= 32 {
        // maxZones 1, and no twilight points, storage, functions, instruction defs, stack or
        // instructions: nothing is left to run.
        maxp[14..16].copy_from_slice(&1u16.to_be_bytes());
        maxp[16..28].copy_from_slice(&[0; 12]);
    }

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"glyf", new_glyf),
        (*b"head", head),
        (*b"hhea", table(b"hhea")?.to_vec()),
        (*b"hmtx", table(b"hmtx")?.to_vec()),
        (*b"loca", new_loca),
        (*b"maxp", maxp),
    ];
    if let Some(name) = tables.get(b"name") {
        out_tables.push((*b"name", trimmed_name(name)?));
    }
    if let Some(post) = tables.get(b"post") {
        out_tables.push((*b"post", trimmed_post(post)?));
    }
    out_tables.sort_by_key(|(tag, _)| *tag);
    Ok(assemble(out_tables))
}

/// Writes the sfnt: directory, tables on 4-byte boundaries, checksums, head's adjustment.
fn assemble(tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let count = tables.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros());
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(power * 16).to_be_bytes());
    out.extend_from_slice(&(power.trailing_zeros() as u16).to_be_bytes());
    out.extend_from_slice(&((count - power) * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simple glyph: one contour, three points, `instructions` bytes of hinting.
    fn simple_glyph(instructions: &[u8]) -> Vec<u8> {
        let mut g = vec![0, 1, 0, 0, 0, 0, 0, 10, 0, 10, 0, 2];
        g.extend_from_slice(&(instructions.len() as u16).to_be_bytes());
        g.extend_from_slice(instructions);
        g.extend_from_slice(&[0x37, 0x37, 0x37, 1, 2, 3, 4, 5, 6]);
        g
    }

    #[test]
    fn a_simple_glyph_loses_its_instructions_and_nothing_else() {
        let trimmed = glyph_without_instructions(&simple_glyph(&[0xB0, 1, 2, 3])).unwrap();
        assert_eq!(trimmed, simple_glyph(&[]));
    }

    #[test]
    fn a_composite_keeps_its_components_and_drops_the_program() {
        // Two components (word args, then byte args with a scale), then 3 bytes of instructions.
        let mut g = vec![0xFF, 0xFF, 0, 0, 0, 0, 0, 10, 0, 10];
        g.extend_from_slice(&[0x00, 0x21, 0, 5, 0, 1, 0, 2]); // word args | more components
        g.extend_from_slice(&[0x01, 0x08, 0, 6, 3, 4, 0x40, 0]); // instructions | scale
        g.extend_from_slice(&[0, 3, 9, 9, 9]);
        let trimmed = glyph_without_instructions(&g).unwrap();
        let mut want = g[..18].to_vec();
        want.extend_from_slice(&[0x00, 0x08, 0, 6, 3, 4, 0x40, 0]);
        assert_eq!(trimmed, want);
    }

    #[test]
    fn a_truncated_glyph_is_an_error_not_a_panic() {
        let g = simple_glyph(&[1, 2, 3]);
        assert!(glyph_without_instructions(&g[..12]).is_err());
        assert!(glyph_without_instructions(&[0xFF, 0xFF, 0, 0]).is_err());
    }
}
