package xlsx

import (
	"io"
	"iter"

	"intiqa/selection"
)

// TrainingAccountsSheet is the sheet of training_accounts.xlsx, the
// hand-off of the invited applicants to the training platform.
const TrainingAccountsSheet = "training_accounts"

// TrainingAccountColumns lists the columns of training_accounts.xlsx, in
// contract order: the username is the e-mail, and password_hash the
// argon2id hash (PHC string) of the initial password that only the
// applicant's invitation e-mail carries.
var TrainingAccountColumns = []string{
	"applicant_id", "username", "last_name", "first_name", "last_name_ar", "first_name_ar",
	"commune_code", "province_code", "password_hash",
}

// WriteTrainingAccounts writes training_accounts.xlsx to w from a stream
// of accounts and returns the number of data rows written.
func WriteTrainingAccounts(w io.Writer,
	seq iter.Seq2[*selection.TrainingAccount, error]) (int, error) {
	return writeSheet(w, TrainingAccountsSheet, TrainingAccountColumns, seq, trainingAccountCells)
}

// trainingAccountCells fills row with an account in TrainingAccountColumns
// order, every cell as text.
func trainingAccountCells(a *selection.TrainingAccount, row []any) {
	row[0], row[1] = a.ApplicantID, a.Username
	row[2], row[3], row[4], row[5] = a.LastName, a.FirstName, a.LastNameAR, a.FirstNameAR
	row[6], row[7], row[8] = a.CommuneCode, a.ProvinceCode, a.PasswordHash
}
