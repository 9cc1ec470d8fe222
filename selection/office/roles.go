package office

import (
	"fmt"
	"slices"

	"intiqa/selection"
)

// Action is something a user may be allowed to do on the laptop.
type Action string

// The actions the service checks.
const (
	ActViewDashboard     Action = "dashboard.view"
	ActViewApplicants    Action = "applicants.view"
	ActReviewDocuments   Action = "documents.review"
	ActPlanInterviews    Action = "interviews.plan"
	ActViewInterviews    Action = "interviews.view"
	ActRecordAttendance  Action = "interviews.attendance"
	ActScoreInterviews   Action = "interviews.score"
	ActViewSelection     Action = "selection.view"
	ActRunSelection      Action = "selection.run"
	ActRecordWithdrawal  Action = "selection.withdraw"
	ActPrintReports      Action = "reports.print"
	ActSync              Action = "sync.run"
	ActResolveConflicts  Action = "sync.resolve"
	ActManageUsers       Action = "users.manage"
	ActEnroll            Action = "laptop.enroll"
	ActViewAuditLog      Action = "audit.view"
	ActViewPersonalData  Action = "applicants.personal"
	ActViewDocumentFiles Action = "documents.files"
	ActBackup            Action = "laptop.backup"
	ActRestore           Action = "laptop.restore"
	ActChooseDataDir     Action = "laptop.datadir"
)

// permissions lists what each role may do, after PRODUCT.md's table of
// people: supervisors decide, panels score, coordinators read and print,
// the local administrator manages accounts and the laptop. A backup
// copies everything (the supervisor, who works on the data every day, may
// take one); restoring one replaces the store and moving the data folder
// changes where it lives, so they are the administrator's alone.
var permissions = map[selection.UserRole][]Action{
	selection.UserSupervisor: {
		ActViewDashboard, ActViewApplicants, ActViewPersonalData, ActReviewDocuments,
		ActViewDocumentFiles, ActPlanInterviews, ActViewInterviews, ActRecordAttendance,
		ActViewSelection, ActRunSelection, ActRecordWithdrawal, ActPrintReports, ActSync,
		ActResolveConflicts, ActBackup,
	},
	selection.UserPanel: {
		ActViewInterviews, ActRecordAttendance, ActScoreInterviews,
	},
	selection.UserCoordinator: {
		ActViewDashboard, ActViewApplicants, ActViewInterviews, ActViewSelection,
		ActPrintReports,
	},
	selection.UserAdmin: {
		ActViewDashboard, ActManageUsers, ActEnroll, ActSync, ActViewAuditLog,
		ActBackup, ActRestore, ActChooseDataDir,
	},
}

// Allowed reports whether a role may take an action.
func Allowed(role selection.UserRole, a Action) bool {
	return slices.Contains(permissions[role], a)
}

// LaptopRoles are the roles a laptop's accounts may have, in the order
// the window offers them.
var LaptopRoles = []selection.UserRole{
	selection.UserSupervisor, selection.UserPanel, selection.UserCoordinator, selection.UserAdmin,
}

// check is the gate of every action: somebody is signed in, the session
// is not locked (explicitly or after inactivity), and their role allows
// the action. It counts as activity and returns the user.
func (s *Service) check(a Action) (*selection.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.activeLocked(); err != nil {
		return nil, err
	}
	if !Allowed(s.user.Role, a) {
		return nil, fmt.Errorf("%s by %s (%s): %w", a, s.user.Name, s.user.Role, ErrForbidden)
	}
	s.lastSeen = s.opts.Now()
	u := *s.user
	return &u, nil
}

// activeLocked tells whether a session is open and unlocked, locking it
// when it has been idle too long. Call it with s.mu held.
func (s *Service) activeLocked() error {
	if s.user == nil {
		return ErrSignedOut
	}
	if !s.locked && s.opts.Now().Sub(s.lastSeen) >= s.opts.IdleLock {
		s.locked = true
	}
	if s.locked {
		return ErrSessionLocked
	}
	return nil
}

// Can reports whether the signed-in user may take an action now; the
// window uses it to show only what the user may do.
func (s *Service) Can(a Action) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user != nil && !s.locked && Allowed(s.user.Role, a)
}

// Authorize checks, as every action of the service does, that the
// signed-in user may take an action now, and returns them. The parts
// that plug into the window beside the service (sync, reports) call it
// first, so that their actions are refused in the core too.
func (s *Service) Authorize(a Action) (*selection.User, error) { return s.check(a) }
