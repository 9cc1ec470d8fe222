package selection_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"intiqa/selection"
)

var normalizeTests = []struct {
	name  string
	fn    func(string) (string, error)
	in    string
	want  string // "" when an error is expected
	field string
}{
	{"CINTwoLetters", selection.NormalizeCIN, " bk123456 ", "BK123456", "cin"},
	{"CINOneLetter", selection.NormalizeCIN, "A1", "A1", "cin"},
	{"CINThreeLetters", selection.NormalizeCIN, "ABC123", "", "cin"},
	{"CINSevenDigits", selection.NormalizeCIN, "AB1234567", "", "cin"},
	{"CINNoDigits", selection.NormalizeCIN, "AB", "", "cin"},
	{"CINDigitsFirst", selection.NormalizeCIN, "123456AB", "", "cin"},
	{"CINEmpty", selection.NormalizeCIN, "", "", "cin"},
	{"PhoneNational", selection.NormalizePhone, "06 12 34 56 78", "0612345678", "phone"},
	{"PhoneInternational", selection.NormalizePhone, "+212712345678", "0712345678", "phone"},
	{"PhoneZeroZero", selection.NormalizePhone, "00212-612-345-678", "0612345678", "phone"},
	{"PhoneLandline", selection.NormalizePhone, "0522123456", "", "phone"},
	{"PhoneShort", selection.NormalizePhone, "061234567", "", "phone"},
	{"PhoneLetters", selection.NormalizePhone, "06123456ab", "", "phone"},
	{"PhonePlusInside", selection.NormalizePhone, "06+12345678", "", "phone"},
	{"EmailMixedCase", selection.NormalizeEmail, " Fatima.ElAmrani@Gmail.com ", "fatima.elamrani@gmail.com", "email"},
	{"EmailNoAt", selection.NormalizeEmail, "fatima.gmail.com", "", "email"},
	{"EmailTwoAts", selection.NormalizeEmail, "a@b@c.ma", "", "email"},
	{"EmailNoTLD", selection.NormalizeEmail, "a@localhost", "", "email"},
	{"EmailDoubleDot", selection.NormalizeEmail, "a..b@c.ma", "", "email"},
	{"EmailSpace", selection.NormalizeEmail, "a b@c.ma", "", "email"},
	{"EmailNonASCII", selection.NormalizeEmail, "fatimа@c.ma", "", "email"}, // Cyrillic а
}

func TestNormalize(t *testing.T) {
	for _, tt := range normalizeTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.fn(tt.in)
			if tt.want == "" {
				var fe *selection.FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("%q: got (%q, %v), want a FieldError on %s", tt.in, got, err, tt.field)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("%q: got (%q, %v), want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// FuzzNormalize checks that whatever a normalizer accepts is a fixed
// point: normalizing it again gives it back unchanged.
func FuzzNormalize(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	fns := []func(string) (string, error){
		selection.NormalizeCIN, selection.NormalizePhone, selection.NormalizeEmail,
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fn := range fns {
			got, err := fn(s)
			if err != nil {
				continue
			}
			again, err := fn(got)
			if err != nil || again != got {
				t.Fatalf("%q normalized to %q, then to (%q, %v)", s, got, again, err)
			}
		}
	})
}

func TestParseEnumAndLanguages(t *testing.T) {
	if c, err := selection.ParseEnum("category", " Student ", selection.Categories); err != nil ||
		c != selection.CategoryStudent {
		t.Fatalf("student: %v %v", c, err)
	}
	_, err := selection.ParseEnum("category", "teacher", selection.Categories)
	if err == nil || !strings.Contains(err.Error(), "admises : graduate, student") {
		t.Fatalf("teacher: %v", err)
	}
	ls, err := selection.ParseLanguages("languages", "darija; french;")
	if err != nil || len(ls) != 2 {
		t.Fatalf("languages: %v %v", ls, err)
	}
	if _, err := selection.ParseLanguages("languages", "darija;darija"); err == nil {
		t.Fatal("a language twice was accepted")
	}
	if _, err := selection.ParseLanguages("languages", " ; "); err == nil {
		t.Fatal("no language was accepted")
	}
	if _, err := selection.ParseSex("x"); err == nil {
		t.Fatal("sex x was accepted")
	}
}

// communes is a CommuneSet of a few real codes.
type communes map[string]bool

func (c communes) HasCommune(code string) bool { return c[code] }

var known = communes{"09.001.01.01": true, "09.001.05.09": true, "01.511.01.01": true}

func validApplicant() *selection.Applicant {
	return &selection.Applicant{
		ID: "A0000001", CIN: "JB123456", LastName: "Aït Ben Haddou", FirstName: "Youssef",
		LastNameAR: "آيت بن حدو", FirstNameAR: "يوسف", Sex: selection.SexMale,
		BirthDate: time.Date(2000, 1, 31, 0, 0, 0, 0, time.UTC), Phone: "0612345678",
		Email: "youssef@example.ma", Category: selection.CategoryStudent,
		Education: selection.EducationBac2, SurveyExperience: selection.ExperienceNone,
		TechSkill: selection.TechAdvanced, Languages: []selection.Language{selection.LangDarija},
		Choices:      []string{"09.001.01.01", "09.001.05.09"},
		RegisteredAt: time.Date(2024, 2, 7, 8, 0, 0, 0, time.UTC),
	}
}

func TestValidateApplicant(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *selection.Applicant)
		field  string // "" when valid
	}{
		{"OK", func(a *selection.Applicant) {}, ""},
		{"ArabicNameWithHarakat", func(a *selection.Applicant) { a.FirstNameAR = "يُوسُف" }, ""},
		{"IDMissing", func(a *selection.Applicant) { a.ID = "" }, "applicant_id"},
		{"IDBadCharacters", func(a *selection.Applicant) { a.ID = "A 1" }, "applicant_id"},
		{"LatinNameInArabic", func(a *selection.Applicant) { a.LastName = "حدو" }, "last_name"},
		{"ArabicNameInLatin", func(a *selection.Applicant) { a.FirstNameAR = "Youssef" }, "first_name_ar"},
		{"NameDigits", func(a *selection.Applicant) { a.FirstName = "Youssef2" }, "first_name"},
		{"NameBlank", func(a *selection.Applicant) { a.LastNameAR = "  " }, "last_name_ar"},
		{"BadSex", func(a *selection.Applicant) { a.Sex = "X" }, "sex"},
		{"BadCategory", func(a *selection.Applicant) { a.Category = "teacher" }, "category"},
		{"BadEducation", func(a *selection.Applicant) { a.Education = "bac+4" }, "education"},
		{"BadExperience", func(a *selection.Applicant) { a.SurveyExperience = "lots" }, "survey_experience"},
		{"BadTech", func(a *selection.Applicant) { a.TechSkill = "expert" }, "tech_skill"},
		{"NoLanguage", func(a *selection.Applicant) { a.Languages = nil }, "languages"},
		{"TooYoung", func(a *selection.Applicant) { a.BirthDate = time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC) }, "birth_date"},
		{"NoBirthDate", func(a *selection.Applicant) { a.BirthDate = time.Time{} }, "birth_date"},
		{"NoRegistration", func(a *selection.Applicant) { a.RegisteredAt = time.Time{} }, "registered_at"},
		{"NoChoice", func(a *selection.Applicant) { a.Choices = nil }, "choice_1"},
		{"UnknownCommune", func(a *selection.Applicant) { a.Choices[1] = "09.001.99.99" }, "choice_2"},
		{"SameCommuneTwice", func(a *selection.Applicant) { a.Choices[1] = a.Choices[0] }, "choice_2"},
		{"GapInChoices", func(a *selection.Applicant) { a.Choices = []string{"09.001.01.01", "", "09.001.05.09"} }, "choice_2"},
		{"OtherProvince", func(a *selection.Applicant) { a.Choices[1] = "01.511.01.01" }, "choice_2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validApplicant()
			tt.change(a)
			errs := selection.ValidateApplicant(a, known)
			if tt.field == "" {
				if len(errs) != 0 {
					t.Fatalf("valid applicant refused: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tt.field {
				t.Fatalf("got %v, want one fault on %s", errs, tt.field)
			}
			if msg := errs[0].Error(); !strings.HasPrefix(msg, tt.field+" : ") {
				t.Fatalf("message %q does not name the field", msg)
			}
		})
	}
}

func TestAgeOn(t *testing.T) {
	a := validApplicant() // born 2000-01-31
	for day, want := range map[string]int{"2020-01-30": 19, "2020-01-31": 20, "2024-02-07": 24} {
		d, _ := time.Parse(time.DateOnly, day)
		if got := a.AgeOn(d); got != want {
			t.Errorf("age on %s: got %d, want %d", day, got, want)
		}
	}
}

func TestDocumentFileName(t *testing.T) {
	sum := strings.Repeat("ab", 32)
	for _, tc := range []struct{ media, want string }{
		{"image/png", sum + ".png"}, {"application/pdf", sum + ".pdf"},
		{"image/jpeg", sum + ".jpg"}, {"text/plain", sum + ".bin"},
	} {
		d := selection.Document{SHA256: sum, MediaType: tc.media}
		if got := d.FileName(); got != tc.want {
			t.Errorf("FileName of a %s = %q, want %q", tc.media, got, tc.want)
		}
	}
}
