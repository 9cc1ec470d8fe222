// Package xlsx reads and writes the contract exchange files of Intiqa
// (applicants.xlsx, needs.xlsx, training.xlsx) as PRODUCT.md specifies
// them: one header row, one sheet named as the file, codes as text.
package xlsx

// Sheet names of the contract files: each file holds one sheet named as
// the file without its extension.
const (
	ApplicantsSheet = "applicants"
	NeedsSheet      = "needs"
	TrainingSheet   = "training"
)

// ApplicantColumns lists the columns of applicants.xlsx, in contract order.
var ApplicantColumns = []string{
	"applicant_id", "cin", "last_name", "first_name", "last_name_ar", "first_name_ar",
	"sex", "birth_date", "phone", "email", "category", "education",
	"survey_experience", "tech_skill", "languages",
	"choice_1", "choice_2", "choice_3", "registered_at",
}

// NeedColumns lists the columns of needs.xlsx, in contract order; the
// last one, languages, is optional on reading.
var NeedColumns = []string{"commune_code", "enumerators", "controllers", "languages"}

// TrainingColumns lists the columns of training.xlsx, in contract order.
var TrainingColumns = []string{
	"applicant_id", "started", "modules_completed", "modules_total", "test_score",
}
