package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the kirjaamo command once per test binary.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "kirjaamo-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "kirjaamo")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs `kirjaamo serve` and waits until /healthz answers.
func startServer(t *testing.T, bin, addr string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("server did not start:\n%s", logs.String())
	return nil
}

func post(client *http.Client, url, token string, body any) (int, map[string]any, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Purpose", "kuormitustesti")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, nil
}

// Kill the server with SIGKILL during a burst of writes: after a restart
// every write that got a 2xx answer is there and the audit chain verifies.
func TestSIGKILLDuringWriteBurstLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	pol, _ := filepath.Abs("../../examples/seed002-te-contact-centre.yaml")
	for _, role := range []string{"agent", "dpo"} {
		if code, _, errs := kirjaamoCmd(t, "a long enough password\n", "user", "add", "--data", data, "--username", role+".one", "--role", role); code != 0 {
			t.Fatal(errs)
		}
	}
	token := func(user string) string {
		_, tok, _ := kirjaamoCmd(t, "", "token", "create", "--data", data, "--username", user)
		return strings.TrimSpace(tok)
	}
	agent, dpo := token("agent.one"), token("dpo.one")
	addr := freeAddr(t)
	base := "http://" + addr
	srv := startServer(t, bin, addr, "--data", data, "--policy", pol)

	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	code, subj, err := post(client, base+"/api/v1/subjects", agent, map[string]any{"last_name": "Kuormala", "customer_number": "LOAD-1"})
	if err != nil || code != 201 {
		t.Fatalf("create subject: %d %v", code, err)
	}
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				code, out, err := post(client, base+"/api/v1/contacts", agent, map[string]any{
					"kind": "call", "subject_ids": []string{subj["id"].(string)}, "content": "Asiakas kysyi päätöksestä."})
				if err != nil {
					return // the server is gone
				}
				if code/100 == 2 {
					mu.Lock()
					acked = append(acked, out["id"].(string))
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d writes acknowledged before the kill; the test would prove little", len(acked))
	}

	srv = startServer(t, bin, addr, "--data", data, "--policy", pol)
	missing := 0
	for _, id := range acked {
		req, _ := http.NewRequest("GET", base+"/api/v1/contacts/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+dpo)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			missing++
		}
	}
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes lost after SIGKILL", missing, len(acked))
	}
	if code, out, errs := kirjaamoCmd(t, "", "audit", "verify", "--data", data); code != 0 {
		t.Fatalf("audit verify after SIGKILL: exit %d %s %s", code, out, errs)
	}
	t.Logf("%d acknowledged writes before SIGKILL, all present after restart; audit chain verifies", len(acked))
}
