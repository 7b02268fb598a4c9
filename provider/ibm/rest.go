package ibm

import (
	"context"

	"github.com/IBM/go-sdk-core/v5/core"
)

// request is one call to a REST API without a Go SDK among the pins, made
// with go-sdk-core like the SDKs make theirs: the same authenticator,
// retries and error shapes.
type request struct {
	method, path string
	query        map[string]string
	headers      map[string]string
	body         any
	contentType  string
}

func (o *op) rest(ctx context.Context, svc *core.BaseService, r request, result any) (*core.DetailedResponse, error) {
	b := core.NewRequestBuilder(r.method).WithContext(ctx)
	if _, err := b.ResolveRequestURL(svc.GetServiceURL(), r.path, nil); err != nil {
		return nil, err
	}
	b.AddHeader("Accept", "application/json")
	for k, v := range r.headers {
		b.AddHeader(k, v)
	}
	for k, v := range r.query {
		b.AddQuery(k, v)
	}
	if r.body != nil {
		if _, err := b.SetBodyContentJSON(r.body); err != nil {
			return nil, err
		}
		// go-sdk-core's SetBodyContentJSON sets no Content-Type
		// (core/request_builder.go:240-248); IBM's APIs refuse an untyped
		// body, and every IBM client types it (bluemix-go
		// rest/client.go:173-174 defaults to application/json).
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		b.AddHeader("Content-Type", ct)
	}
	req, err := b.Build()
	if err != nil {
		return nil, err
	}
	if result == nil {
		return svc.Request(req, nil)
	}
	return svc.Request(req, result)
}
