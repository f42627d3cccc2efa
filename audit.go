package kirjaamo

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"iter"
	"time"
)

// Audit actions.
const (
	ActionCreate = "create"
	ActionRead   = "read"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionSearch = "search"
	ActionExport = "export"
	ActionReveal = "reveal" // a masked field (identity code) shown in full
)

// Audit outcomes: the access happened, was denied by role or policy, or was
// refused as malformed (e.g. an under-specified search, seed 000 §4).
const (
	OutcomeOK      = "ok"
	OutcomeDenied  = "denied"
	OutcomeRefused = "refused"
)

// AuditEvent records one access to personal data. It carries ids and
// blind-index references only, never raw personal data, and is written in
// the same transaction as the access it records. Events form a chain: each
// Hash is an HMAC over the previous event's Hash and this event's fields, so
// altering, removing or reordering an event breaks every later link.
type AuditEvent struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"` // user id
	Role       string    `json:"role"`
	Action     string    `json:"action"`
	Outcome    string    `json:"outcome"`
	Register   string    `json:"register,omitempty"`
	RecordIDs  []string  `json:"record_ids,omitempty"`
	SubjectIDs []string  `json:"subject_ids,omitempty"`
	Purpose    string    `json:"purpose,omitempty"`
	RequestID  string    `json:"request_id,omitempty"`
	Detail     string    `json:"detail,omitempty"` // non-personal: criteria kinds, counts, blind-index refs
	PrevHash   []byte    `json:"prev_hash"`
	Hash       []byte    `json:"hash"`
}

// ChainHash computes the event's link: HMAC-SHA-256 under the audit key of
// prev and a length-prefixed encoding of every field but Hash. The encoding
// is unambiguous, so no two different events hash the same input.
func (e *AuditEvent) ChainHash(key, prev []byte) []byte {
	m := hmac.New(sha256.New, key)
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		m.Write(n[:])
		m.Write(b)
	}
	str := func(s string) { put([]byte(s)) }
	put(prev)
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	m.Write(n[:])
	binary.BigEndian.PutUint64(n[:], uint64(e.At.UnixMicro()))
	m.Write(n[:])
	for _, s := range []string{e.Actor, e.Role, e.Action, e.Outcome, e.Register, e.Purpose, e.RequestID, e.Detail} {
		str(s)
	}
	for _, list := range [][]string{e.RecordIDs, e.SubjectIDs} {
		binary.BigEndian.PutUint64(n[:], uint64(len(list)))
		m.Write(n[:])
		for _, s := range list {
			str(s)
		}
	}
	return m.Sum(nil)
}

// Link sets the event's Seq, PrevHash and Hash to follow the chain head
// (headSeq, headHash). Stores call it while holding the chain lock.
func (e *AuditEvent) Link(key []byte, headSeq int64, headHash []byte) {
	e.Seq = headSeq + 1
	e.At = e.At.Truncate(time.Microsecond)
	e.PrevHash = headHash
	e.Hash = e.ChainHash(key, headHash)
}

// ChainError names the first event at which the audit chain breaks.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// AuditHead is the stored head of the chain: the last event's sequence
// number and hash, with a MAC so that truncating the log and rewinding the
// head together needs the audit key.
type AuditHead struct {
	Seq  int64
	Hash []byte
	MAC  []byte
}

// HeadMAC authenticates a chain head.
func HeadMAC(key []byte, seq int64, hash []byte) []byte {
	m := hmac.New(sha256.New, key)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(seq))
	m.Write([]byte("kirjaamo audit head\x00"))
	m.Write(n[:])
	m.Write(hash)
	return m.Sum(nil)
}

// VerifyChain walks events in stored order and returns a *ChainError for the
// first event that was altered, removed, inserted or reordered, checking the
// end of the chain against head. It returns the number of events verified.
func VerifyChain(key []byte, head AuditHead, events iter.Seq2[*AuditEvent, error]) (int64, error) {
	var prev []byte
	var seq int64
	for e, err := range events {
		if err != nil {
			return seq, err
		}
		switch {
		case e.Seq != seq+1:
			if e.Seq > seq+1 {
				return seq, &ChainError{seq + 1, fmt.Sprintf("event missing (next stored event is %d)", e.Seq)}
			}
			return seq, &ChainError{e.Seq, "event out of order or duplicated"}
		case !bytes.Equal(e.PrevHash, prev):
			return seq, &ChainError{e.Seq, "link to the previous event does not match (event removed, reordered or altered)"}
		case !hmac.Equal(e.Hash, e.ChainHash(key, prev)):
			return seq, &ChainError{e.Seq, "event content does not match its hash (altered)"}
		}
		prev, seq = e.Hash, e.Seq
	}
	switch {
	case head.Seq != seq:
		if head.Seq > seq {
			return seq, &ChainError{seq + 1, fmt.Sprintf("events %d–%d missing from the end of the log", seq+1, head.Seq)}
		}
		return seq, &ChainError{head.Seq + 1, "events after the recorded head (head rewound or events inserted)"}
	case !bytes.Equal(head.Hash, prev):
		return seq, &ChainError{seq, "last event does not match the recorded head"}
	case seq > 0 && !hmac.Equal(head.MAC, HeadMAC(key, head.Seq, head.Hash)):
		return seq, &ChainError{seq, "recorded head is not authentic"}
	}
	return seq, nil
}
