// Package selection is the domain of Intiqa: the vocabulary shared by every
// other package (territory, applicants, documents, interviews, selection
// runs, users and audit entries), the validation of what applicants
// declare, and the interfaces that the storage and transport adapters
// implement.
//
// The package does no I/O and imports no other package of the project.
package selection
