package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/environ"
)

type jsonServed struct{}

func (jsonServed) ServedCredentialsOutput(c *auth.Credentials) ([]byte, error) {
	return json.Marshal(map[string]any{"Principal": c.Principal, "Expiration": c.Expiration})
}
func (jsonServed) ServerEnvironment(url, tokenFile string, env *environ.Environment) {}

func testCredServer(t testing.TB, lifetime time.Duration) (*credServer, *atomic.Int32) {
	var calls atomic.Int32
	cs := newCredServer("id", jsonServed{}, func(ctx context.Context) (*auth.Credentials, error) {
		n := calls.Add(1)
		return &auth.Credentials{Principal: "p" + string(rune('0'+n)), Expiration: time.Now().Add(lifetime)}, nil
	}, time.Minute)
	return cs, &calls
}

func TestCredServerRefuses(t *testing.T) {
	cs, calls := testCredServer(t, time.Hour)
	for _, c := range []struct {
		remote, auth, path string
		want               int
	}{
		{"10.0.0.5:4000", cs.token, cs.path, 403}, // not loopback
		{"192.168.1.2:4000", cs.token, cs.path, 403},
		{"127.0.0.1:4000", "", cs.path, 403},
		{"127.0.0.1:4000", cs.token + "x", cs.path, 403},
		{"127.0.0.1:4000", "Bearer " + cs.token, cs.path, 403},
		{"127.0.0.1:4000", cs.token, "/", 404},
		{"[::1]:4000", cs.token, cs.path, 200},
		{"127.0.0.1:4000", cs.token, cs.path, 200},
	} {
		r := httptest.NewRequest("GET", "http://127.0.0.1"+c.path, nil)
		r.RemoteAddr = c.remote
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		w := httptest.NewRecorder()
		cs.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s %q %s: %d, want %d", c.remote, c.auth, c.path, w.Code, c.want)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("credentials fetched %d times for two good requests, want 1 (cached while valid)", n)
	}
}

// Credentials expiring within the margin are fetched again on the next
// request.
func TestCredServerRenews(t *testing.T) {
	cs, calls := testCredServer(t, 30*time.Second) // inside the 1m margin
	dir := t.TempDir()
	if err := cs.start(dir); err != nil {
		t.Fatal(err)
	}
	defer cs.stop()
	for i := 0; i < 3; i++ {
		req, _ := http.NewRequest("GET", cs.url, nil)
		req.Header.Set("Authorization", cs.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
		resp.Body.Close()
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("fetched %d times, want 3", n)
	}
	if st, err := os.Stat(cs.tokenFile()); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("token file: %v %v", st, err)
	}
	cs.stop()
	if _, err := os.Stat(cs.tokenFile()); !os.IsNotExist(err) {
		t.Errorf("token file left after stop: %v", err)
	}
}

// BenchmarkCredServer measures the endpoint with cached credentials over
// loopback (bounded: b.N requests from 8 clients): requests per second and
// the p99 latency.
func BenchmarkCredServer(b *testing.B) {
	cs, _ := testCredServer(b, time.Hour)
	if err := cs.start(b.TempDir()); err != nil {
		b.Fatal(err)
	}
	defer cs.stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 5 * time.Second}
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			req, _ := http.NewRequest("GET", cs.url, nil)
			req.Header.Set("Authorization", cs.token)
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = resp.Body.Read(make([]byte, 512))
			resp.Body.Close()
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	el := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/el.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
}
