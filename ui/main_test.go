package ui

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs the tests as on a system that names no language, where
// Intiqa must show French, its default, with background work run at
// once on the test's goroutine so that every screen is settled when an
// action returns.
func TestMain(m *testing.M) {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		os.Unsetenv(v)
	}
	if err := loadTranslations(nil); err != nil {
		fmt.Fprintln(os.Stderr, "load translations:", err)
		os.Exit(1)
	}
	goAsync = func(f func()) { f() }
	watchIdle = false
	code := m.Run()
	removeFixtures()
	for _, d := range []string{large.dir, reviewStore.dir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}
