package ui

import (
	"fmt"
	"path"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"intiqa/assets"
)

// Theme is Intiqa's theme: Fyne's default, with the bundled DejaVu Sans
// as the text font so that Arabic renders even on a system without an
// Arabic font.
type Theme struct {
	fyne.Theme
	regular fyne.Resource
	bold    fyne.Resource
}

var _ fyne.Theme = (*Theme)(nil)

// NewTheme loads the bundled fonts and returns the theme.
func NewTheme() (*Theme, error) {
	regular, err := fontResource(assets.FontRegular)
	if err != nil {
		return nil, err
	}
	bold, err := fontResource(assets.FontBold)
	if err != nil {
		return nil, err
	}
	return &Theme{Theme: theme.DefaultTheme(), regular: regular, bold: bold}, nil
}

// Font returns DejaVu Sans for text, bold when asked. Italic text is drawn
// upright: the bundle has no oblique face with Arabic, and Arabic has no
// italics anyway. Monospace and symbols keep the default theme's fonts.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case s.Monospace, s.Symbol:
		return t.Theme.Font(s)
	case s.Bold:
		return t.bold
	}
	return t.regular
}

func fontResource(name string) (fyne.Resource, error) {
	data, err := assets.Fonts.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read bundled font: %w", err)
	}
	return fyne.NewStaticResource(path.Base(name), data), nil
}
