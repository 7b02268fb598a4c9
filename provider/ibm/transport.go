package ibm

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryTransport retries throttled (429) requests, and failed (5xx or no
// answer) requests that are safe to repeat, waiting as Retry-After asks or
// else with exponential backoff and jitter. A POST that failed with a 5xx
// may have been carried out, so it is not repeated here: the handler looks
// for what it made before it tries again (see kind.Create).
//
// Each attempt has its own timeout (attempt); the request as a whole is
// bounded only by its context, the operation's. An http.Client.Timeout
// would put one deadline over every attempt and every wait between them
// (net/http setRequestCancel), cutting a Retry-After of minutes short.
type retryTransport struct {
	next    http.RoundTripper
	policy  RetryPolicy
	clock   Clock
	jitter  func() float64
	attempt time.Duration // 0: no per-attempt timeout
}

// cancelBody ends an attempt's context once its answer is read.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

type idempotentKey struct{}

// idempotent marks a context's POSTs as safe to repeat (they set state
// rather than add to it, like attaching a tag).
func idempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

func repeatable(req *http.Request) bool {
	if req.Method != http.MethodPost {
		return true
	}
	if v, _ := req.Context().Value(idempotentKey{}).(bool); v {
		return true
	}
	// Asking IAM for a token changes nothing.
	return strings.HasSuffix(req.URL.Path, "/identity/token")
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		actx, cancel := ctx, context.CancelFunc(func() {})
		if t.attempt > 0 {
			actx, cancel = context.WithTimeout(ctx, t.attempt)
		}
		r := req.Clone(actx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			r.ContentLength = int64(len(body))
		}
		resp, err := t.next.RoundTrip(r)
		wait, retry := t.retry(req, resp, err, attempt)
		if !retry || attempt >= t.policy.Attempts || ctx.Err() != nil {
			if resp != nil {
				resp.Body = cancelBody{resp.Body, cancel}
			} else {
				cancel()
			}
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			_ = resp.Body.Close()
		}
		cancel()
		if err := t.clock.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retry says whether to try again, and after how long.
func (t *retryTransport) retry(req *http.Request, resp *http.Response, err error, attempt int) (time.Duration, bool) {
	backoff := t.policy.Backoff.delay(attempt-1, t.jitter)
	switch {
	case err != nil:
		return backoff, repeatable(req)
	case resp.StatusCode == http.StatusTooManyRequests:
		// Throttled requests were not carried out: always safe to repeat.
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), t.clock.Now()); ok {
			return min(d, t.policy.MaxRetryAfter), true
		}
		return backoff, true
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), t.clock.Now()); ok {
			backoff = min(d, t.policy.MaxRetryAfter)
		}
		return backoff, repeatable(req)
	}
	return 0, false
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}
