package kirjaamo

import "context"

// PurposeLinkSender is the purpose recorded when intake looks up an incoming
// message's sender to link the message to them.
const PurposeLinkSender = "link an incoming message to its sender"

// SenderSubject finds the one subject whose e-mail address is addr, through
// the blind index, so that intake can link an incoming e-mail to its sender
// (seed 000 §2: all of a customer's data in one system, so a data request
// finds it). The lookup is an audited search like any other. No match, more
// than one match (a shared address: an agent decides), a restricted subject
// or a role without read access on the customer register all mean "" — the
// message is then stored unlinked and still found through the mentions
// index.
func (s *Service) SenderSubject(ctx context.Context, addr string) string {
	a := AccessFrom(ctx)
	if a == nil || addr == "" {
		return ""
	}
	if a.Purpose == "" {
		b := *a
		b.Purpose = PurposeLinkSender
		ctx = WithAccess(ctx, &b)
	}
	found, err := s.SearchSubjects(ctx, &SubjectQuery{Email: addr})
	if err != nil || len(found) != 1 {
		return ""
	}
	return found[0].ID
}
