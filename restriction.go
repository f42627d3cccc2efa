package kirjaamo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// canSeeRestricted: a restricted subject's data (GDPR art. 18) stays
// stored but only the data protection officer handles it.
func canSeeRestricted(r policy.Role) bool { return r == policy.RoleDPO }

// SetRestriction restricts or releases the processing of a subject's data
// (DPO). While restricted, ordinary reads and changes are refused and the
// refusals audited.
func (s *Service) SetRestriction(ctx context.Context, subjectID string, restricted bool) (*Subject, error) {
	a, err := s.requireDPO(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(subjectID) {
		return nil, Errorf(ENOTFOUND, "subject not found")
	}
	reg := s.subjectRegister()
	ids := []string{subjectID}
	sub, err := s.Store.UpdateSubject(ctx, subjectID, func(sub *Subject) (*AuditEvent, error) {
		sub.Restricted, sub.UpdatedAt = restricted, s.now()
		what := "processing restricted (art. 18)"
		if !restricted {
			what = "restriction lifted"
		}
		return s.event(a, ActionUpdate, OutcomeOK, reg.ID, ids, ids, what), nil
	})
	if err != nil {
		return nil, err
	}
	sub.IdentityCode = maskIfSet(sub.IdentityCode)
	return sub, nil
}

// Opt-out kinds (GDPR art. 21; seed 001: bans on directory publication and
// direct marketing).
var OptOutKinds = []string{"direct_marketing", "directory_publication", "profiling"}

// OptOut is one change of an opt-out; the history is kept.
type OptOut struct {
	ID        string    `json:"id"`
	SubjectID string    `json:"subject_id"`
	Kind      string    `json:"kind"`
	Active    bool      `json:"active"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
}

// AudienceMember is one person a marketing mailing may go to.
type AudienceMember struct {
	SubjectID string `json:"subject_id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
}

// SetOptOut records a person's ban (or its withdrawal) as the customer
// gives it to customer service (seed 001).
func (s *Service) SetOptOut(ctx context.Context, o *OptOut) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	reg := s.subjectRegister()
	ids := []string{o.SubjectID}
	if ev, err := s.check(a, reg, policy.ActionWrite, ActionUpdate, ids, ids); err != nil && a.User.Role != policy.RoleDPO {
		return s.refuse(ctx, ev, err)
	}
	switch {
	case !slices.Contains(OptOutKinds, o.Kind):
		return FieldError("kind", "kind must be one of %s", strings.Join(OptOutKinds, ", "))
	case !ValidID(o.SubjectID):
		return &Error{Code: ENOTFOUND, Field: "subject_id", Message: "subject not found"}
	}
	now := s.now()
	o.ID, o.At, o.By = NewID(now), now, a.User.ID
	state := "set"
	if !o.Active {
		state = "withdrawn"
	}
	return s.Store.CreateOptOut(ctx, o, s.event(a, ActionUpdate, OutcomeOK, reg.ID, ids, ids, "opt-out "+o.Kind+" "+state))
}

// OptOuts lists a subject's opt-out history.
func (s *Service) OptOuts(ctx context.Context, subjectID string) ([]*OptOut, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	reg := s.subjectRegister()
	if ev, err := s.check(a, reg, policy.ActionRead, ActionRead, nil, []string{subjectID}); err != nil {
		return nil, s.refuse(ctx, ev, err)
	}
	return s.Store.OptOuts(ctx, subjectID)
}

// MarketingAudience lists people with an e-mail address who may receive
// direct marketing: no active direct-marketing opt-out, not restricted.
// The export is audited (supervisor, DPO).
func (s *Service) MarketingAudience(ctx context.Context) ([]AudienceMember, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role != policy.RoleSupervisor && a.User.Role != policy.RoleDPO {
		return nil, s.refuse(ctx, s.event(a, ActionExport, OutcomeDenied, "marketing", nil, nil, "marketing audience"),
			Errorf(EFORBIDDEN, "the marketing audience is exported by a supervisor or the data protection officer"))
	}
	return s.Store.MarketingAudience(ctx, 10000, func(ms []AudienceMember) *AuditEvent {
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.SubjectID
		}
		return s.event(a, ActionExport, OutcomeOK, "marketing", nil, ids, "marketing audience")
	})
}
