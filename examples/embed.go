// Package examples embeds the example policies, which reproduce the
// registers and retention periods of the seed privacy notices. They serve as
// test fixtures and as the policy of `kirjaamo serve --demo`.
package examples

import "embed"

// FS holds every example policy (*.yaml).
//
//go:embed *.yaml
var FS embed.FS

// Demo is the file name of the policy `serve --demo` runs with: seed 002,
// the TE contact centre, which has every kind of contact register.
const Demo = "seed002-te-contact-centre.yaml"
