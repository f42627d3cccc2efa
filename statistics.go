package kirjaamo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo/policy"
)

// StatisticsRow is an anonymous statistics record a contact contributes
// (seed 002: the customer's status, country and the topic, kept 3 years in
// a register of their own). It is linked to no subject and no contact, holds
// the day only, and is refused if its text contains personal data.
type StatisticsRow struct {
	ID       string    `json:"id,omitempty"`
	Register string    `json:"register,omitempty"`
	Day      time.Time `json:"day"`
	Topic    string    `json:"topic"`
	Country  string    `json:"country,omitempty"` // ISO 3166-1 alpha-2
	Status   string    `json:"status,omitempty"`  // citizen, company, other
	Channel  string    `json:"channel,omitempty"`
}

// StatisticsCount is one group of an aggregate.
type StatisticsCount struct {
	Register string `json:"register"`
	Topic    string `json:"topic"`
	Country  string `json:"country"`
	Status   string `json:"status"`
	Count    int    `json:"count"`
}

// prepareStatistics validates a contact's statistics row and puts it in the
// policy's statistics register with its retention.
func (s *Service) prepareStatistics(st *StatisticsRow, kind policy.ContactKind, at time.Time) error {
	var reg *policy.Register
	for _, r := range s.Policy.Registers {
		if r.Records == policy.RecordsStatistics && (st.Register == "" || st.Register == r.ID) {
			reg = r
			break
		}
	}
	if reg == nil {
		return FieldError("statistics", "the policy has no statistics register to keep this row in")
	}
	st.Topic, st.Country, st.Channel = strings.TrimSpace(st.Topic), strings.ToUpper(strings.TrimSpace(st.Country)), strings.TrimSpace(st.Channel)
	switch {
	case st.Topic == "" || len(st.Topic) > 100:
		return FieldError("statistics.topic", "topic is required, at most 100 bytes")
	case st.Country != "" && (len(st.Country) != 2 || strings.IndexFunc(st.Country, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0):
		return FieldError("statistics.country", "country is an ISO 3166-1 alpha-2 code")
	case st.Status != "" && !slices.Contains([]string{"citizen", "company", "other"}, st.Status):
		return FieldError("statistics.status", "status is citizen, company or other")
	case len(st.Channel) > 50:
		return FieldError("statistics.channel", "channel is at most 50 bytes")
	}
	if st.Channel == "" {
		st.Channel = string(kind)
	}
	for _, text := range []string{st.Topic, st.Channel} {
		if len(scanner.Scan([]byte(text))) > 0 {
			return FieldError("statistics.topic", "statistics must not contain personal data")
		}
	}
	st.ID, st.Register = NewID(at), reg.ID
	st.Day = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC) // the day only
	return nil
}

// statisticsParts is the retention of a statistics row.
func (s *Service) statisticsParts(st *StatisticsRow) []PartRetention {
	reg := s.Policy.Register(st.Register)
	day := st.Day
	return RetentionParts(reg, []policy.Part{policy.PartStatistics}, map[policy.Event]*time.Time{policy.EventCreated: &day}, nil)
}

// Statistics aggregates the anonymous statistics between from and to.
func (s *Service) Statistics(ctx context.Context, from, to time.Time) ([]StatisticsCount, error) {
	a, err := s.access(ctx)
	if err != nil {
		return nil, err
	}
	if a.User.Role == policy.RoleAgent {
		return nil, Errorf(EFORBIDDEN, "role agent may not read statistics")
	}
	return s.Store.Statistics(ctx, from, to)
}
