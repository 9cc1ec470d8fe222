// Package arabic prepares text that mixes Arabic with Latin script,
// digits and punctuation for programs that draw glyphs left to right
// without shaping or reordering them.
//
// Two consumers need it, with different gaps:
//
//   - a PDF drawn with fpdf, which neither joins Arabic letters nor
//     reorders right-to-left runs: ForPDF joins the letters (Arabic
//     Presentation Forms-B, lam-alef ligatures) and returns the string in
//     visual order, ready to be drawn left to right;
//   - a Fyne label, which shapes an Arabic run itself but lays the runs
//     of a mixed string out in logical order: ForFyne returns the runs in
//     visual order, each Arabic word left in logical order for Fyne to
//     shape, and fenced by left-to-right marks so that Fyne keeps them
//     apart.
//
// The reordering is this package's own resolution of the Unicode
// Bidirectional Algorithm (UAX #9) for one line: strong types, European
// and Arabic numbers and their separators, bracket pairs, neutrals
// between runs, reversal by level, mirrored characters, and combining
// marks kept after their base. Explicit embeddings, overrides and
// isolates (U+202A to U+202E, U+2066 to U+2069) are not honoured: they
// are dropped, as names and place names never use them.
//
// The package has no dependency on a toolkit: the desktop interface and
// the PDF reports share it.
package arabic
