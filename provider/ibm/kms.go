package ibm

import (
	"context"
	"net/http"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
)

// The Key Protect key (Key Protect API v2, https://cloud.ibm.com/apidocs/key-protect),
// called with go-sdk-core: the pinned SDKs have no Key Protect client.
const kmsKeyType = "infra:ibm:KmsKey"

// keyMIME is Key Protect's media type of keys.
const keyMIME = "application/vnd.ibm.kms.key+json"

// keyWire is a key as Key Protect answers: {"metadata":...,"resources":[key]}.
type keyWire struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	CRN         string `json:"crn"`
	State       int    `json:"state"`
	Extractable bool   `json:"extractable"`
	Deleted     bool   `json:"deleted"`
}

type keysWire struct {
	Resources []keyWire `json:"resources"`
}

// Key states: 0 pre-activation, 1 active, 2 suspended, 3 deactivated, 5 destroyed.
const keyDestroyed = 5

func (o *op) kms(in props) (*core.BaseService, error) {
	return o.c.rest(regional(o.c.cfg.Endpoints.KMS, in.str("region")))
}

func kmsKinds() []*kind { return []*kind{kmsKeyKind()} }

func kmsKeyKind() *kind {
	return bind(&kind{
		token:    kmsKeyType,
		required: []string{"instance", "region", "name", "rootKey"},
		computed: []string{"keyId", "crn"},
		// A key's material never changes and never leaves Key Protect; a
		// changed key is a new key. Key names need not be unique, but infra
		// names its keys uniquely, which is what a retried create finds.
		timeout: 5 * time.Minute,
	}, (*op).kms, calls[*core.BaseService]{
		find: func(ctx context.Context, o *op, svc *core.BaseService, in props) (string, error) {
			var list keysWire
			resp, err := o.rest(ctx, svc, request{method: http.MethodGet, path: "/api/v2/keys",
				headers: map[string]string{"bluemix-instance": in.str("instance")}, query: map[string]string{"limit": "5000"}}, &list)
			if err != nil {
				return "", o.apiError("list keys for", err, resp)
			}
			for _, k := range list.Resources {
				if k.Name == in.str("name") && k.State != keyDestroyed && !k.Extractable == in.boolean("rootKey") {
					return k.ID, nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, svc *core.BaseService, in props) (string, error) {
			body := map[string]any{
				"metadata":  map[string]any{"collectionType": keyMIME, "collectionTotal": 1},
				"resources": []map[string]any{{"type": keyMIME, "name": in.str("name"), "extractable": !in.boolean("rootKey")}},
			}
			var created keysWire
			resp, err := o.rest(ctx, svc, request{method: http.MethodPost, path: "/api/v2/keys", body: body, contentType: keyMIME,
				headers: map[string]string{"bluemix-instance": in.str("instance"), "Prefer": "return=representation"}}, &created)
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			if len(created.Resources) == 0 {
				return "", &Error{Op: "create", Type: o.k.token, Name: o.name, Message: "Key Protect answered with no key"}
			}
			return created.Resources[0].ID, nil
		},
		read: func(ctx context.Context, o *op, svc *core.BaseService, id string, in props) (*state, error) {
			var got keysWire
			resp, err := o.rest(ctx, svc, request{method: http.MethodGet, path: "/api/v2/keys/" + id,
				headers: map[string]string{"bluemix-instance": in.str("instance")}}, &got)
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			if len(got.Resources) == 0 || got.Resources[0].State == keyDestroyed || got.Resources[0].Deleted {
				return nil, nil
			}
			k := got.Resources[0]
			return readyState(pm("name", k.Name, "rootKey", !k.Extractable), pm("keyId", k.ID, "crn", k.CRN)), nil
		},
		del: func(ctx context.Context, o *op, svc *core.BaseService, id string, in props) error {
			return o.deleted(o.rest(ctx, svc, request{method: http.MethodDelete, path: "/api/v2/keys/" + id,
				headers: map[string]string{"bluemix-instance": in.str("instance")}}, nil))
		},
	})
}
