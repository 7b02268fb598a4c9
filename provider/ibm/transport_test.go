package ibm

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{"0", 0, true},
		{"Thu, 01 Jan 2026 00:00:30 GMT", 30 * time.Second, true},
		{"Wed, 31 Dec 2025 23:00:00 GMT", 0, true},
		{"soon", 0, false},
		{"-3", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 30 * time.Second}
	for n := 0; n < 10; n++ {
		lo, hi := b.delay(n, func() float64 { return 0 }), b.delay(n, func() float64 { return 0.999999 })
		full := time.Second << n
		if full > b.Max {
			full = b.Max
		}
		if lo != full/2 || hi > full || hi < lo {
			t.Errorf("delay %d in [%v, %v], want [%v, %v]", n, lo, hi, full/2, full)
		}
	}
}

type countingClock struct {
	now   time.Time
	slept []time.Duration
}

func (c *countingClock) Now() time.Time { return c.now }
func (c *countingClock) Sleep(_ context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

type scripted struct {
	statuses []int
	bodies   []string
}

func (s *scripted) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	s.bodies = append(s.bodies, string(b))
	st := s.statuses[0]
	if len(s.statuses) > 1 {
		s.statuses = s.statuses[1:]
	}
	return &http.Response{StatusCode: st, Body: io.NopCloser(strings.NewReader("{}")), Header: http.Header{}, Request: r}, nil
}

// TestTransport: which answers are retried, for which methods, and that
// the body is sent again in full.
func TestTransport(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		marked   bool
		statuses []int
		want     int // final status
		tries    int
	}{
		{"get 503 then ok", http.MethodGet, false, []int{503, 503, 200}, 200, 3},
		{"post 429 then ok", http.MethodPost, false, []int{429, 201}, 201, 2},
		{"post 500 is not repeated", http.MethodPost, false, []int{500, 201}, 500, 1},
		{"idempotent post 502 repeated", http.MethodPost, true, []int{502, 204}, 204, 2},
		{"400 is final", http.MethodPut, false, []int{400, 200}, 400, 1},
		{"501 is final", http.MethodGet, false, []int{501, 200}, 501, 1},
		{"gives up", http.MethodGet, false, []int{503}, 503, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &scripted{statuses: tt.statuses}
			clock := &countingClock{}
			tr := &retryTransport{next: next, policy: RetryPolicy{Attempts: 4, Backoff: Backoff{Base: time.Second, Max: 8 * time.Second}, MaxRetryAfter: time.Minute},
				clock: clock, jitter: func() float64 { return 0.5 }}
			ctx := context.Background()
			if tt.marked {
				ctx = idempotent(ctx)
			}
			req, _ := http.NewRequestWithContext(ctx, tt.method, "http://ibm.invalid/x", strings.NewReader(`{"name":"a"}`))
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.want || len(next.bodies) != tt.tries {
				t.Errorf("status %d after %d tries, want %d after %d", resp.StatusCode, len(next.bodies), tt.want, tt.tries)
			}
			for _, b := range next.bodies {
				if b != `{"name":"a"}` {
					t.Errorf("a try sent body %q", b)
				}
			}
			if len(clock.slept) != tt.tries-1 {
				t.Errorf("slept %v between %d tries", clock.slept, tt.tries)
			}
		})
	}
}

func TestInputName(t *testing.T) {
	fields := map[string]string{"vpc.id": "vpc", "resource_group": "resourceGroup"}
	for in, want := range map[string]string{"ipv4_cidr_block": "ipv4CidrBlock", "vpc.id": "vpc", "resource_group.id": "resourceGroup", "name": "name"} {
		if got := inputName(in, fields); got != want {
			t.Errorf("inputName(%q) = %q, want %q", in, got, want)
		}
	}
}
