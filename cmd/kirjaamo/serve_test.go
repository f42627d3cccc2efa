package main

import (
	"fmt"
	"testing"
)

func TestParsePrefixes(t *testing.T) {
	got, err := parsePrefixes(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,,10.1.2.3/16")
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(got); s != "[10.0.0.0/8 192.0.2.7/32 2001:db8::/32 10.1.0.0/16]" {
		t.Fatalf("got %s", s)
	}
	if _, err := parsePrefixes("10.0.0.0/8,proxy.example"); err == nil {
		t.Fatal("a host name was accepted")
	}
}
