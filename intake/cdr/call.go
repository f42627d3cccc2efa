// Package cdr reads call detail records (CDRs) exported by a PBX as CSV,
// with a YAML mapping that names each call field's column and format, and
// turns every row into a validated Call. It is pure logic: it stores
// nothing, and hands batches of calls to a function the caller supplies.
//
// Import is all-or-nothing by default: a first pass validates the whole file
// and a second pass delivers it only if no row was bad, so the input is read
// twice (an io.ReadSeeker, or ImportOpen with a function that opens the file
// again). Memory stays flat in the file size: both passes stream.
package cdr

import (
	"strings"
	"time"

	"github.com/kirjaamo/kirjaamo"
	"github.com/kirjaamo/kirjaamo/policy"
)

// Call is one validated row of a CDR file. Phone numbers are E.164, times
// are UTC, Direction is "inbound" or "outbound" (or "" when not mapped).
type Call struct {
	Line          int    // physical line in the CSV file where the row starts
	ExternalID    string // the PBX's call id, for idempotent re-import
	CallerNumber  string // E.164; "" only when caller_number is mapped as not required
	ServiceNumber string // E.164
	Agent         string
	Extension     string
	Direction     string
	StartedAt     time.Time
	AnsweredAt    time.Time // zero when the call was not answered
	EndedAt       time.Time
	IVRPath       []string                  // the menu steps, in order
	Notice        *kirjaamo.RecordingNotice // nil when the export has none for this call
}

// Contact returns the call as a kirjaamo.Contact of kind call in register,
// with the channel data as metadata. The service still validates it and
// fills in the id, subjects and creator.
func (c *Call) Contact(register string) *kirjaamo.Contact {
	start, end := c.StartedAt, c.EndedAt
	md := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			md[k] = v
		}
	}
	set("external_id", c.ExternalID)
	set("caller_number", c.CallerNumber)
	set("service_number", c.ServiceNumber)
	set("agent", c.Agent)
	set("extension", c.Extension)
	if !c.AnsweredAt.IsZero() {
		md["answered_at"] = c.AnsweredAt.Format(time.RFC3339)
	}
	set("ivr_path", strings.Join(c.IVRPath, " > "))
	ct := &kirjaamo.Contact{
		Kind:      policy.KindCall,
		Register:  register,
		Direction: c.Direction,
		StartedAt: &start,
		EndedAt:   &end,
		Metadata:  md,
	}
	if c.Notice != nil {
		n := *c.Notice
		ct.Notice = &n
	}
	return ct
}
