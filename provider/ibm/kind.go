package ibm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// kind is one resource type: what its inputs must be, which changes replace
// it, and how to find, create, read, update and delete it. Its methods are
// the Handler, the same for every type; the functions are the type's own.
type kind struct {
	token string
	c     *clients

	required []string // inputs that must be set
	replace  []string // inputs the API cannot change in place
	// uniqueName: IBM refuses two of these with one name in one scope, so a
	// replacement that keeps the name deletes the old one first.
	uniqueName bool
	secret     []string // outputs that are always secret
	computed   []string // outputs only the cloud knows
	tagged     bool     // user tags through Global Tagging, by the crn output
	// fields maps the API's field names to inputs, for error messages, where
	// they are not simply the camelCase of each other.
	fields map[string]string
	// timeout bounds the wait for readiness and for deletion.
	timeout time.Duration

	check  func(in props) []CheckFailure
	find   func(ctx context.Context, o *op, in props) (string, error)
	create func(ctx context.Context, o *op, in props) (string, error)
	// read returns nil when the resource is gone.
	read func(ctx context.Context, o *op, id string, in props) (*state, error)
	// update is nil when every change replaces the resource.
	update func(ctx context.Context, o *op, id string, olds, news props) error
	del    func(ctx context.Context, o *op, id string, in props) error
	// afterReady, when set, finishes a create or update once the resource
	// is ready (binding a floating IP, say). It must be safe to repeat.
	afterReady func(ctx context.Context, o *op, id string, in props) error
	// forget: delete only forgets the resource, so there is nothing to
	// wait for.
	forget bool
}

// state is a resource as a read found it.
type state struct {
	// inputs are the input values the cloud reports, which replace those in
	// state on refresh: that is how drift shows.
	inputs resource.PropertyMap
	// outputs are the computed outputs.
	outputs resource.PropertyMap
	// status is the lifecycle state, for messages; ready says it is usable;
	// failed says it never will be.
	status string
	ready  bool
	failed bool
}

func readyState(inputs, outputs resource.PropertyMap) *state {
	return &state{inputs: inputs, outputs: outputs, ready: true, status: "ready"}
}

// statusState is ready when status is one of ok, failed when one of bad.
func statusState(inputs, outputs resource.PropertyMap, status string, ok, bad []string) *state {
	return &state{inputs: inputs, outputs: outputs, status: status,
		ready: slices.Contains(ok, status), failed: slices.Contains(bad, status)}
}

// op is one operation on one resource: what error messages name.
type op struct {
	k    *kind
	c    *clients
	name string
}

func (k *kind) op(in props) *op {
	name := ""
	for _, key := range []string{"name", "domain", "description", "destination", "cluster"} {
		if name = in.str(key); name != "" {
			break
		}
	}
	return &op{k: k, c: k.c, name: name}
}

// InitError is a create that made the resource but did not see it become
// ready. The engine keeps the resource in state, so the next run resumes it.
type InitError struct {
	ID      string
	Outputs resource.PropertyMap
	Err     error
}

func (e *InitError) Error() string { return e.Err.Error() }
func (e *InitError) Unwrap() error { return e.Err }

// Check reports required inputs left unset and the type's own rules.
func (k *kind) Check(_ context.Context, _, news resource.PropertyMap) (resource.PropertyMap, []CheckFailure, error) {
	var failures []CheckFailure
	for _, r := range k.required {
		v, ok := news[resource.PropertyKey(r)]
		if !ok || v.IsNull() {
			failures = append(failures, CheckFailure{Property: r, Reason: fmt.Sprintf("%s: missing required input %s", k.token, r)})
		}
	}
	if k.check != nil {
		failures = append(failures, k.check(props(plainMap(news)))...)
	}
	return news, failures, nil
}

// Diff compares inputs key by key; an unknown new value counts as a change.
func (k *kind) Diff(_ context.Context, _ string, olds, news resource.PropertyMap) (DiffResult, error) {
	keys := map[resource.PropertyKey]bool{}
	for key := range olds {
		keys[key] = true
	}
	for key := range news {
		keys[key] = true
	}
	var d DiffResult
	for key := range keys {
		ov, inOld := olds[key]
		nv, inNew := news[key]
		inOld = inOld && !ov.IsNull()
		inNew = inNew && !nv.IsNull()
		switch {
		case !inOld && !inNew:
			continue
		case inOld && inNew && !nv.ContainsUnknowns() && plain(ov).DeepEquals(plain(nv)):
			continue
		}
		d.Changes = append(d.Changes, string(key))
		if k.update == nil && string(key) != "tags" || slices.Contains(k.replace, string(key)) {
			d.Replaces = append(d.Replaces, string(key))
		}
	}
	sort.Strings(d.Changes)
	sort.Strings(d.Replaces)
	if len(d.Replaces) > 0 && k.uniqueName && !slices.Contains(d.Changes, "name") {
		d.DeleteBeforeReplace = true
	}
	return d, nil
}

// Create finds what an earlier attempt made or creates it, retrying when
// the outcome of an attempt is unknown, then waits until it is ready and
// tags it.
func (k *kind) Create(ctx context.Context, inputs resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	if preview {
		return "", k.outputs(inputs, nil, nil), nil
	}
	in := props(plainMap(inputs))
	o := k.op(in)
	id, err := k.findOrCreate(ctx, o, in)
	if err != nil {
		return "", nil, err
	}
	st, err := k.wait(ctx, o, id, in, "ready", func(st *state) (bool, error) {
		if st == nil {
			return false, fmt.Errorf("it disappeared while being created")
		}
		if st.failed {
			return false, fmt.Errorf("it failed: state %s", st.status)
		}
		return st.ready, nil
	})
	if err != nil {
		return id, nil, &InitError{ID: id, Outputs: k.outputs(inputs, nil, nil), Err: err}
	}
	if k.afterReady != nil {
		if err := k.afterReady(ctx, o, id, in); err != nil {
			return id, nil, &InitError{ID: id, Outputs: k.outputs(inputs, st, nil), Err: err}
		}
	}
	if k.tagged {
		if err := k.c.setTags(ctx, o, outString(st.outputs, "crn"), in.strs("tags")); err != nil {
			return id, nil, &InitError{ID: id, Outputs: k.outputs(inputs, st, nil), Err: err}
		}
	}
	return id, k.outputs(inputs, st, nil), nil
}

func (k *kind) findOrCreate(ctx context.Context, o *op, in props) (string, error) {
	if k.find != nil {
		id, err := k.find(ctx, o, in)
		if err != nil || id != "" {
			return id, err
		}
	}
	const attempts = 3
	for attempt := 0; ; attempt++ {
		id, err := k.create(ctx, o, in)
		if err == nil {
			return id, nil
		}
		if !uncertain(err) || attempt+1 >= attempts {
			return "", err
		}
		// The request may have been carried out although no answer said
		// so: look for the resource before asking again.
		if k.find != nil {
			if id, ferr := k.find(ctx, o, in); ferr == nil && id != "" {
				return id, nil
			}
		}
		if err := k.c.clock.Sleep(ctx, k.c.cfg.Retry.Backoff.delay(attempt, k.c.jitter)); err != nil {
			return "", err
		}
	}
}

// Read reports the resource as the cloud has it; gone means deleted
// outside infra.
func (k *kind) Read(ctx context.Context, id string, inputs, prior resource.PropertyMap) (ReadResult, error) {
	if len(inputs) == 0 {
		// An import: the state is all there is to go by.
		inputs = prior
	}
	in := props(plainMap(inputs))
	o := k.op(in)
	st, err := k.read(ctx, o, id, in)
	if err != nil {
		return ReadResult{}, err
	}
	if st == nil {
		return ReadResult{}, nil
	}
	if k.tagged {
		tags, err := k.c.tags(ctx, o, outString(st.outputs, "crn"))
		if err != nil {
			return ReadResult{}, err
		}
		if tags != nil || in.has("tags") {
			if st.inputs == nil {
				st.inputs = resource.PropertyMap{}
			}
			st.inputs["tags"] = val(keepOrder(in.strs("tags"), tags))
		}
	}
	newInputs := resource.PropertyMap{}
	for key, v := range inputs {
		newInputs[key] = v
	}
	for key, v := range st.inputs {
		if old, ok := inputs[key]; ok && plain(old).DeepEquals(v) {
			continue
		}
		if old, ok := inputs[key]; ok && old.IsSecret() {
			v = resource.MakeSecret(v)
		}
		newInputs[key] = v
	}
	return ReadResult{ID: id, Inputs: newInputs, Outputs: k.outputs(newInputs, st, nil)}, nil
}

// keepOrder lists got in the order of want where they agree, so a tag list
// the cloud returns sorted differently is no drift.
func keepOrder(want, got []string) []string {
	if sameSet(want, got) {
		return want
	}
	return sortedStrings(got)
}

// Update changes the resource in place and waits until it is ready again.
func (k *kind) Update(ctx context.Context, id string, prior, olds, news resource.PropertyMap, preview bool) (resource.PropertyMap, error) {
	if preview {
		return k.outputs(news, nil, prior), nil
	}
	in, old := props(plainMap(news)), props(plainMap(olds))
	o := k.op(in)
	if k.update != nil {
		// Each try reads the resource afresh (an ETag-guarded update
		// re-reads its ETag), so a 412 from a concurrent change is retried
		// on the new version.
		if err := k.untilSettled(ctx, func() (bool, error) { return false, k.update(ctx, o, id, old, in) }); err != nil {
			return nil, err
		}
	}
	st, err := k.wait(ctx, o, id, in, "ready", func(st *state) (bool, error) {
		if st == nil {
			return false, fmt.Errorf("it no longer exists (run a refresh to forget it)")
		}
		if st.failed {
			return false, fmt.Errorf("it failed: state %s", st.status)
		}
		return st.ready, nil
	})
	if err != nil {
		return nil, err
	}
	if k.afterReady != nil {
		if err := k.afterReady(ctx, o, id, in); err != nil {
			return nil, err
		}
	}
	if k.tagged && !sameSet(old.strs("tags"), in.strs("tags")) {
		if err := k.c.setTags(ctx, o, outString(st.outputs, "crn"), in.strs("tags")); err != nil {
			return nil, err
		}
	}
	return k.outputs(news, st, nil), nil
}

// Delete removes the resource and waits until it is gone.
func (k *kind) Delete(ctx context.Context, id string, prior resource.PropertyMap) error {
	in := props(plainMap(prior))
	o := k.op(in)
	err := k.untilSettled(ctx, func() (bool, error) {
		err := k.del(ctx, o, id, in)
		if err == nil || !conflict(err) || k.forget {
			return false, err
		}
		// Refused because something still depends on it (the load
		// balancers of a deleted cluster hold its subnets for a while): if
		// a fresh read finds it gone, the delete is done; otherwise retry.
		st, rerr := k.read(ctx, o, id, in)
		if rerr != nil {
			return false, rerr
		}
		return st == nil, err
	})
	if err != nil || k.forget {
		return err
	}
	_, err = k.wait(ctx, o, id, in, "deleted", func(st *state) (bool, error) { return st == nil, nil })
	return err
}

// conflict says whether IBM refused for a reason that passes: 409 (the
// resource is in use, or another operation on it is under way) or 412 (its
// ETag changed under us). Other 4xx answers are final.
func conflict(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Status == http.StatusConflict || e.Status == http.StatusPreconditionFailed)
}

// timeout is the type's deadline for one operation (its waits and its
// retries of conflicts): far longer than any Retry-After the transport
// honours (RetryPolicy.MaxRetryAfter).
func (k *kind) deadline() time.Duration {
	if t, ok := k.c.cfg.Timeouts[k.token]; ok {
		return t
	}
	return k.timeout
}

// untilSettled runs try until it succeeds, reports done, or fails with an
// error other than a conflict; conflicts are retried with backoff until
// the type's deadline, after which the last one is returned.
func (k *kind) untilSettled(ctx context.Context, try func() (done bool, err error)) error {
	deadline := k.c.clock.Now().Add(k.deadline())
	for n := 0; ; n++ {
		done, err := try()
		if done {
			return nil
		}
		if err == nil || !conflict(err) {
			return err
		}
		if !k.c.clock.Now().Before(deadline) {
			return err
		}
		if err := k.c.clock.Sleep(ctx, k.c.cfg.Poll.delay(n, k.c.jitter)); err != nil {
			return err
		}
	}
}

// wait polls read until done says so, backing off with jitter, for at most
// the type's timeout.
func (k *kind) wait(ctx context.Context, o *op, id string, in props, what string, done func(*state) (bool, error)) (*state, error) {
	timeout := k.deadline()
	deadline := k.c.clock.Now().Add(timeout)
	last := ""
	for n := 0; ; n++ {
		st, err := k.read(ctx, o, id, in)
		if err != nil {
			return nil, err
		}
		ok, err := done(st)
		if err != nil {
			return st, &Error{Op: "wait for", Type: k.token, Name: o.name, Message: err.Error()}
		}
		if ok {
			return st, nil
		}
		if st != nil {
			last = st.status
		}
		if !k.c.clock.Now().Before(deadline) {
			msg := fmt.Sprintf("not %s after %s", what, timeout)
			if last != "" {
				msg += " (last state: " + last + ")"
			}
			return st, &Error{Op: "wait for", Type: k.token, Name: o.name, Message: msg}
		}
		if err := k.c.clock.Sleep(ctx, k.c.cfg.Poll.delay(n, k.c.jitter)); err != nil {
			return st, err
		}
	}
}

// outputs are the inputs, then what the cloud computed, with secrets kept
// secret. Without a state (a preview) the computed outputs are unknown, or
// taken from prior, the old outputs of an update.
func (k *kind) outputs(inputs resource.PropertyMap, st *state, prior resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for key, v := range inputs {
		out[key] = v
	}
	for _, c := range k.computed {
		key := resource.PropertyKey(c)
		switch {
		case st != nil:
			if v, ok := st.outputs[key]; ok {
				out[key] = v
			}
		case prior != nil && prior.HasValue(key):
			out[key] = prior[key]
		default:
			out[key] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	}
	for _, s := range k.secret {
		key := resource.PropertyKey(s)
		if v, ok := out[key]; ok && !v.IsSecret() && !v.IsNull() {
			out[key] = resource.MakeSecret(v)
		}
	}
	return out
}

func outString(m resource.PropertyMap, key string) string {
	return props(m).str(key)
}
