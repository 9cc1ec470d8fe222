package xlsx

import (
	"archive/zip"
	"fmt"
	"strings"
)

// Limits bound what reading one contract file may cost, so that an
// oversized or hostile file (a "zip bomb") is refused before anything is
// inflated. The zero value of a field means its default.
type Limits struct {
	// MaxFileSize caps the size of the .xlsx file itself.
	MaxFileSize int64
	// MaxUncompressed caps the sum of the sizes the zip's central
	// directory declares for its entries. archive/zip refuses to inflate
	// an entry past its declared size, so the declaration can be trusted.
	MaxUncompressed int64
	// MaxRatio caps, for each entry larger than RatioFloor once inflated,
	// its inflated size divided by its compressed size.
	MaxRatio int64
	// RatioFloor is the inflated size under which an entry is too small
	// for its ratio to matter.
	RatioFloor int64
	// MaxSharedStrings caps the inflated size of the shared-strings part,
	// which is held in memory while the sheet is read.
	MaxSharedStrings int64
	// MaxRows caps the sheet's row numbers (Excel's own cap by default).
	MaxRows int
	// MaxCellBytes caps the text of one cell.
	MaxCellBytes int
	// MaxRowBytes caps the text kept for one row.
	MaxRowBytes int
}

// Default limits. The national applicants.xlsx (488,321 rows) that the
// contract writer makes, with inline strings, is about 80 MB, whose
// sheet inflates to about 540 MB at a ratio near 7 (16 for a file of
// repeated rows); every default leaves it a wide margin.
const (
	defaultMaxFileSize      = 512 << 20
	defaultMaxUncompressed  = 4 << 30
	defaultMaxRatio         = 200
	defaultRatioFloor       = 1 << 20
	defaultMaxSharedStrings = 256 << 20
	defaultMaxRows          = 1 << 20 // 1,048,576, Excel's cap
	defaultMaxCellBytes     = 32767 * 4
	defaultMaxRowBytes      = 1 << 20
	maxSmallPart            = 8 << 20 // workbook.xml and its relationships
	maxColumns              = 16384   // Excel's cap, column XFD
)

// DefaultLimits returns the limits Intiqa reads contract files with.
func DefaultLimits() Limits {
	return Limits{}.withDefaults()
}

// withDefaults fills the zero fields of l with the defaults.
func (l Limits) withDefaults() Limits {
	set := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&l.MaxFileSize, defaultMaxFileSize)
	set(&l.MaxUncompressed, defaultMaxUncompressed)
	set(&l.MaxRatio, defaultMaxRatio)
	set(&l.RatioFloor, defaultRatioFloor)
	set(&l.MaxSharedStrings, defaultMaxSharedStrings)
	if l.MaxRows <= 0 {
		l.MaxRows = defaultMaxRows
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = defaultMaxCellBytes
	}
	if l.MaxRowBytes <= 0 {
		l.MaxRowBytes = defaultMaxRowBytes
	}
	return l
}

// checkEntries refuses a zip whose central directory declares too much,
// before any entry is inflated. It returns the fault in French.
func (l Limits) checkEntries(files []*zip.File) error {
	var total uint64
	seen := make(map[string]bool, len(files))
	for _, f := range files {
		name := strings.ToLower(f.Name)
		if seen[name] {
			return fmt.Errorf("l'archive contient deux fois l'élément %q", f.Name)
		}
		seen[name] = true
		size := f.UncompressedSize64
		total += size
		if size > uint64(l.MaxUncompressed) || total > uint64(l.MaxUncompressed) {
			return fmt.Errorf("contenu décompressé trop volumineux (plus de %s)",
				formatBytes(l.MaxUncompressed))
		}
		if size > uint64(l.RatioFloor) && size/max(f.CompressedSize64, 1) > uint64(l.MaxRatio) {
			return fmt.Errorf("l'élément %q se décompresse %d fois (au plus %d) : "+
				"fichier piégé (bombe de décompression) ?",
				f.Name, size/max(f.CompressedSize64, 1), l.MaxRatio)
		}
	}
	return nil
}

// formatBytes renders a size in mebibytes, as a French message shows it.
func formatBytes(n int64) string {
	return fmt.Sprintf("%d Mo", n>>20)
}
