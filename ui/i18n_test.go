package ui

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"intiqa/selection"
)

// mustMessageIDs returns the IDs passed as constants to tr and trN in
// the package's non-test sources.
// thinSpace is the narrow no-break space that groups thousands.
const thinSpace = "\u202f"

func mustMessageIDs(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			tb.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isLangCall(call) {
				return true
			}
			if arg, ok := call.Args[0].(*ast.Ident); ok && arg.Name == "id" {
				return true // the localizer's own functions, passing their ID on
			}
			id, ok := constString(call.Args[0])
			if !ok {
				tb.Errorf("%s: lang call with a non-constant message ID",
					fset.Position(call.Pos()))
				return true
			}
			seen[id] = true
			return true
		})
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// isLangCall reports whether a call is one of the localizer's: tr, trN
// or trRaw.
func isLangCall(call *ast.CallExpr) bool {
	id, ok := call.Fun.(*ast.Ident)
	return ok && len(call.Args) > 0 && (id.Name == "tr" || id.Name == "trN" || id.Name == "trRaw")
}

// constString evaluates a string literal or a sum of them.
func constString(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		return s, err == nil && e.Kind == token.STRING
	case *ast.BinaryExpr:
		x, okx := constString(e.X)
		y, oky := constString(e.Y)
		return x + y, okx && oky && e.Op == token.ADD
	}
	return "", false
}

// mustCatalogue returns the message IDs of one catalogue file.
func mustCatalogue(tb testing.TB, name string) map[string]any {
	tb.Helper()
	data, err := translations.ReadFile("translations/" + name + ".json")
	if err != nil {
		tb.Fatal(err)
	}
	var msgs map[string]any
	if err := json.Unmarshal(data, &msgs); err != nil {
		tb.Fatalf("%s.json: %v", name, err)
	}
	return msgs
}

func TestCataloguesComplete(t *testing.T) {
	used := mustMessageIDs(t)
	if len(used) < 20 {
		t.Fatalf("found only %d message IDs in the sources", len(used))
	}
	for _, name := range []string{"fr", "ar", "en"} {
		t.Run(name, func(t *testing.T) {
			msgs := mustCatalogue(t, name)
			for _, id := range used {
				if _, ok := msgs[id]; !ok {
					t.Errorf("%s.json lacks %q", name, id)
				}
			}
			for id := range msgs {
				if !slices.Contains(used, id) {
					t.Errorf("%s.json has %q, which no source uses", name, id)
				}
			}
		})
	}
}

func TestCatalogues(t *testing.T) {
	tests := []struct {
		name   string
		system []string
		want   string
	}{
		{"NoLocale", nil, "fr:fr ar:ar fr:en"},
		{"CLocale", []string{"C"}, "fr:fr ar:ar fr:en"},
		{"French", []string{"fr-FR"}, "fr:fr ar:ar"},
		{"Arabic", []string{"ar-MA"}, "fr:fr ar:ar"},
		{"English", []string{"en-US"}, "fr:fr ar:ar en:en"},
		{"EnglishSecond", []string{"de-DE", "en-GB"}, "fr:fr ar:ar en:en"},
		{"OtherLanguage", []string{"de-DE"}, "fr:fr ar:ar fr:de fr:en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range catalogues(tt.system) {
				got = append(got, c.file+":"+c.locale)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("catalogues(%q) = %v; want %s", tt.system, got, tt.want)
			}
		})
	}
}

// TestFrenchByDefault checks what TestMain set up: a system that names
// no language gets French, plural forms included.
func TestFrenchByDefault(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"Label", tr("Annuler"), "Annuler"},
		{"Category", categoryLabel(selection.CategoryPrivateEmployee), "Salarié du privé"},
		{"PluralOne", trN("candidats", 1), "candidat"},
		{"PluralMany", trN("candidats", 8038), "candidats"},
		{"Template", tr("Province de {{.Name}}", map[string]any{"Name": "Tata"}),
			"Province de Tata"},
		{"FyneStillFrench", lang.L("Annuler"), "Annuler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q; want %q", tt.got, tt.want)
			}
		})
	}
}

// TestLanguages checks the localizer in each language, plural forms and
// Arabic preparation included.
func TestLanguages(t *testing.T) {
	t.Cleanup(func() { SetLanguage(LangFrench) })
	tests := []struct {
		lang, got, want string
	}{
		{LangArabic, "Annuler", "إلغاء"},
		{LangArabic, "Province de {{.Name}}", "إقليم Tata"},
		{LangEnglish, "Annuler", "Cancel"},
		{LangEnglish, "Province de {{.Name}}", "Province of Tata"},
		{"de", "Annuler", "Annuler"}, // any other language is French
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.got, func(t *testing.T) {
			SetLanguage(tt.lang)
			got := tr(tt.got, map[string]any{"Name": "Tata"})
			if want := display(tt.want); got != want {
				t.Errorf("tr(%q) in %s = %q; want %q", tt.got, tt.lang, got, want)
			}
		})
	}
	SetLanguage(LangArabic)
	for _, n := range []int{0, 1, 2, 5, 11, 100} {
		if got := trN("candidats", n); got == "candidats" || got == "" {
			t.Errorf("Arabic plural of %d = %q", n, got)
		}
	}
	if Language() != LangArabic || !rtl() {
		t.Error("Arabic is not right to left")
	}
}

func TestFormatCount(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1 000"}, {8038, "8 038"},
		{60000, "60 000"}, {488321, "488 321"}, {1234567, "1 234 567"}, {-1500, "-1 500"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			want := strings.ReplaceAll(tt.want, " ", thinSpace)
			if got := formatCount(tt.n); got != want {
				t.Errorf("formatCount(%d) = %q; want %q", tt.n, got, want)
			}
		})
	}
}
