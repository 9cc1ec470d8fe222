package selection

// KindRemoval is the kind of a pulled change that takes a record off a
// province's laptops: the record left the province (an applicant whose
// first choice moved to a commune of another province). Its Data is a
// Removal. Headquarters sends it; a laptop never pushes it.
const KindRemoval SyncKind = "removal"

// Removal is the Data of a removal change: the record that left the
// province, and the province it went to ("" if none holds it now). The
// laptop deletes the record and everything of it it holds.
type Removal struct {
	Kind     SyncKind `json:"kind"`
	Key      string   `json:"key"`
	Province string   `json:"province,omitempty"`
}
