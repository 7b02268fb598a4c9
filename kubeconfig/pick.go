package kubeconfig

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"
)

// Reachable reports whether the API server at a URL accepts connections
// from here.
type Reachable func(ctx context.Context, server string) bool

// DialReachable is a Reachable that opens a TCP connection to the URL's
// host and port within timeout: a control plane that is down or cut off
// refuses or drops it.
func DialReachable(timeout time.Duration) Reachable {
	return func(ctx context.Context, server string) bool {
		u, err := url.Parse(server)
		if err != nil || u.Host == "" {
			return false
		}
		host := u.Host
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), "443")
		}
		d := net.Dialer{Timeout: timeout}
		c, err := d.DialContext(ctx, "tcp", host)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
}

// Pick points every entry that has alternates at the first of its URLs
// (Server, then Alternates, in order) that answers, probing all of them at
// once, so a control plane that is down costs one timeout, not one each.
// When none answers the entry keeps Server. It returns what it did, for
// people: one line per entry whose Server changed or that nothing
// answered.
func Pick(ctx context.Context, entries []Entry, reach Reachable) []string {
	type probe struct{ entry, index int }
	ok := map[probe]bool{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, e := range entries {
		if len(e.Alternates) == 0 {
			continue
		}
		for j, server := range append([]string{e.Server}, e.Alternates...) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := reach(ctx, server)
				mu.Lock()
				ok[probe{i, j}] = r
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	var notes []string
	for i := range entries {
		e := &entries[i]
		if len(e.Alternates) == 0 {
			continue
		}
		all := append([]string{e.Server}, e.Alternates...)
		chosen := -1
		for j := range all {
			if ok[probe{i, j}] {
				chosen = j
				break
			}
		}
		switch {
		case chosen < 0:
			notes = append(notes, fmt.Sprintf("%s: none of its %d API addresses answered from here; wrote the first, %s", e.Stack, len(all), e.Server))
		case chosen > 0:
			notes = append(notes, fmt.Sprintf("%s: %s did not answer; wrote %s (address %d of %d)", e.Stack, e.Server, all[chosen], chosen+1, len(all)))
			e.Server = all[chosen]
		}
	}
	return notes
}
