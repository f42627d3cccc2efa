package kirjaamo

import (
	"context"
	"fmt"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// SetRecordingNotice records how the caller of a call was informed that it
// is recorded (seed 003).
func (s *Service) SetRecordingNotice(ctx context.Context, contactID string, n *RecordingNotice) (*Contact, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if !ValidID(contactID) {
		return nil, Errorf(ENOTFOUND, "contact not found")
	}
	n.At = n.At.UTC()
	return s.Store.UpdateContact(ctx, contactID, func(c *Contact) (*AuditEvent, error) {
		reg := s.Policy.Register(c.Register)
		if reg == nil {
			return nil, Errorf(EFORBIDDEN, "register %s is not in the policy", c.Register)
		}
		if ev, err := s.check(a, reg, policy.ActionWrite, ActionUpdate, []string{c.ID}, c.SubjectIDs); err != nil {
			return ev, err
		}
		if c.Kind != policy.KindCall {
			return nil, FieldError("method", "only calls have recording notices")
		}
		c.Notice = n
		return s.event(a, ActionUpdate, OutcomeOK, reg.ID, []string{c.ID}, c.SubjectIDs, "recording notice: "+n.Method), nil
	})
}

// checkRecordingAllowed applies seed 003 to an upload: the register keeps
// recordings, and when its policy requires a notice, the call has one given
// no later than the recording starts.
func checkRecordingAllowed(reg *policy.Register, kind policy.ContactKind, notice *RecordingNotice, startedAt time.Time) error {
	if kind != policy.KindCall {
		return Errorf(ECONFLICT, "only calls have recordings")
	}
	if _, ok := reg.Rule(policy.PartRecording); !ok {
		return Errorf(ECONFLICT, "register %s keeps no recordings (the policy has no retention rule for them)", reg.ID)
	}
	if !reg.RecordingNotice {
		return nil
	}
	if notice == nil {
		return Errorf(ECONFLICT, "register %s requires a recording notice before a call is recorded (seed 003: the caller is told at the start of the call or behind the IVR branch that records); this call has none", reg.ID)
	}
	if startedAt.Before(notice.At) {
		return Errorf(ECONFLICT, "the recording starts at %s, before the caller was informed at %s; a recording may only start after the notice (seed 003)",
			startedAt.UTC().Format(time.RFC3339), notice.At.UTC().Format(time.RFC3339))
	}
	return nil
}

// PrepareRecording checks, before any byte is streamed, that the caller may
// upload a recording of this contact starting at startedAt.
func (s *Service) PrepareRecording(ctx context.Context, contactID string, startedAt time.Time) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	if !ValidID(contactID) {
		return Errorf(ENOTFOUND, "contact not found")
	}
	info, err := s.Store.ContactInfo(ctx, contactID)
	if err != nil {
		return err
	}
	reg := s.Policy.Register(info.Register)
	if reg == nil {
		return Errorf(EFORBIDDEN, "register %s is not in the policy", info.Register)
	}
	if ev, err := s.check(a, reg, policy.ActionWrite, ActionCreate, []string{contactID}, nil); err != nil {
		return s.refuse(ctx, ev, err)
	}
	if info.HasRecording {
		return Errorf(ECONFLICT, "the contact already has a recording")
	}
	return checkRecordingAllowed(reg, policy.ContactKind(info.Kind), info.Notice, startedAt)
}

// AttachRecording records an uploaded recording on its contact, checking
// the rules again inside the transaction.
func (s *Service) AttachRecording(ctx context.Context, rec *Recording) error {
	a, err := s.access(ctx)
	if err != nil {
		return err
	}
	rec.UploadedAt, rec.UploadedBy = s.now(), a.User.ID
	return s.Store.AttachRecording(ctx, rec, func(c *Contact) (*AuditEvent, error) {
		reg := s.Policy.Register(c.Register)
		if reg == nil {
			return nil, Errorf(EFORBIDDEN, "register %s is not in the policy", c.Register)
		}
		if ev, err := s.check(a, reg, policy.ActionWrite, ActionCreate, []string{c.ID}, c.SubjectIDs); err != nil {
			return ev, err
		}
		if err := checkRecordingAllowed(reg, c.Kind, c.Notice, rec.StartedAt); err != nil {
			return nil, err
		}
		c.Recording = rec.BlobKey
		c.Retention = RetentionParts(reg, contactParts(c), contactEvents(c, reg), c.Retention)
		return s.event(a, ActionCreate, OutcomeOK, reg.ID, []string{c.ID}, c.SubjectIDs,
			fmt.Sprintf("recording stored: %d bytes", rec.Size)), nil
	})
}

// PlayRecording authorises playback of a contact's recording: only roles the
// policy names for recordings (seed 003: those whose tasks include them),
// with a stated purpose where the policy requires one. Every attempt is
// audited, refusals included.
func (s *Service) PlayRecording(ctx context.Context, contactID string) (*Recording, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if !ValidID(contactID) {
		return nil, Errorf(ENOTFOUND, "contact not found")
	}
	return s.Store.Recording(ctx, contactID, s.authorizeContact(a, policy.ActionRecording, "recording playback"))
}
