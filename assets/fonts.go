package assets

import "embed"

// Fonts holds the typefaces the desktop app bundles: DejaVu Sans, regular
// and bold, which cover both Latin and Arabic script (licence in
// fonts/LICENSE-DejaVu.txt: Bitstream Vera terms, DejaVu changes in the
// public domain; redistribution allowed, the notice must travel with them).
//
//go:embed fonts/*.ttf fonts/LICENSE-DejaVu.txt
var Fonts embed.FS

// The paths of the bundled fonts inside Fonts.
const (
	FontRegular = "fonts/DejaVuSans.ttf"
	FontBold    = "fonts/DejaVuSans-Bold.ttf"
)
