package mail

import "intiqa/selection"

// SetRenderedHook sets the function a sender calls once a message is
// rendered and before its notification is marked sending.
func SetRenderedHook(s *Sender, f func(n *selection.Notification)) { s.rendered = f }
