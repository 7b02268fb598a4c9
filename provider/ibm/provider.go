// Package ibm is the IBM Cloud resource provider of the infra binary: it
// creates, reads, updates and deletes every infra:ibm:* resource the stacks
// declare, through IBM's Go SDKs (vpc-go-sdk, networking-go-sdk,
// platform-services-go-sdk) and, where IBM has no Go SDK, the REST API with
// go-sdk-core (Kubernetes Service, Key Protect).
//
// Every handler waits for asynchronous states with per-type timeouts and
// exponential backoff with jitter; every HTTP call is retried on 429 and 5xx
// honouring Retry-After; a create first looks for what an earlier attempt
// made, by name, so a retried create never duplicates; Read reports a
// resource deleted outside infra as gone. The clock is injectable, so tests
// against the fake API (package fakeibm) never sleep.
package ibm

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// CheckFailure is an invalid input, named by its property.
type CheckFailure struct {
	Property string
	Reason   string
}

// DiffResult says what changed between the old and new inputs and whether
// the change needs a replacement.
type DiffResult struct {
	// Changes lists the inputs that differ, sorted.
	Changes []string
	// Replaces lists those of Changes the cloud cannot change in place.
	Replaces []string
	// DeleteBeforeReplace is set when the replacement would clash with the
	// old resource's unique name, so the old one must go first.
	DeleteBeforeReplace bool
}

// ReadResult is a resource as the cloud has it now. An empty ID means the
// resource is gone: it was deleted outside infra.
type ReadResult struct {
	ID      string
	Inputs  resource.PropertyMap
	Outputs resource.PropertyMap
}

// Handler serves one resource type.
type Handler interface {
	// Check validates the new inputs and returns them with defaults applied.
	Check(ctx context.Context, olds, news resource.PropertyMap) (resource.PropertyMap, []CheckFailure, error)
	// Diff compares the old inputs with the new ones.
	Diff(ctx context.Context, id string, olds, news resource.PropertyMap) (DiffResult, error)
	// Create makes the resource and waits until it is ready. With preview it
	// only predicts the outputs and calls no API.
	Create(ctx context.Context, inputs resource.PropertyMap, preview bool) (string, resource.PropertyMap, error)
	// Read reports the resource as the cloud has it, inputs included.
	Read(ctx context.Context, id string, inputs, state resource.PropertyMap) (ReadResult, error)
	// Update changes the resource in place.
	Update(ctx context.Context, id string, state, olds, news resource.PropertyMap, preview bool) (resource.PropertyMap, error)
	// Delete removes the resource and waits until it is gone; deleting one
	// already gone succeeds.
	Delete(ctx context.Context, id string, state resource.PropertyMap) error
}

// Registry maps each type token to its handler.
type Registry map[string]Handler

// Types returns the registered type tokens, sorted.
func (r Registry) Types() []string {
	return slices.Sorted(maps.Keys(r))
}

// Lookup returns the handler of a type token, or an error naming the type.
func (r Registry) Lookup(token string) (Handler, error) {
	h, ok := r[token]
	if !ok {
		return nil, fmt.Errorf("ibm: unknown resource type %s", token)
	}
	return h, nil
}

// New returns the registry of every infra:ibm:* type, acting on IBM Cloud as
// cfg says.
func New(cfg Config) (Registry, error) {
	c, err := newClients(cfg)
	if err != nil {
		return nil, err
	}
	reg := Registry{}
	for _, k := range kinds() {
		k.c = c
		if _, dup := reg[k.token]; dup {
			return nil, fmt.Errorf("ibm: type %s registered twice", k.token)
		}
		reg[k.token] = k
	}
	return reg, nil
}

// kinds lists every type's definition.
func kinds() []*kind {
	var out []*kind
	out = append(out, vpcKinds()...)
	out = append(out, clusterKinds()...)
	out = append(out, transitKinds()...)
	out = append(out, cisKinds()...)
	out = append(out, iamKinds()...)
	out = append(out, identityKinds()...)
	out = append(out, kmsKinds()...)
	return out
}

// Static is the registry without a connection to IBM Cloud: enough to
// Check, Diff and preview, which call no API. Its handlers fail any call
// that would reach IBM.
func Static() Registry {
	staticOnce.Do(func() {
		static = Registry{}
		for _, k := range kinds() {
			k.c = nil
			static[k.token] = k
		}
	})
	return static
}

var (
	staticOnce sync.Once
	static     Registry
)
