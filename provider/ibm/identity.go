package ibm

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/platform-services-go-sdk/iamaccessgroupsv2"
	"github.com/IBM/platform-services-go-sdk/iamidentityv1"
)

// The identity infra deploys as: a service ID (IAM Identity Services) with
// an API key, made a member of the environment's access group so that the
// group's grants reach it.
const (
	serviceIDType         = "infra:ibm:ServiceId"
	accessGroupMemberType = "infra:ibm:AccessGroupMember"
)

type identityAPI = *iamidentityv1.IamIdentityV1

func identityKinds() []*kind { return []*kind{serviceIDKind(), accessGroupMemberKind()} }

// apiKeyName is the name of the API key infra makes for a service ID.
func apiKeyName(serviceID string) string { return serviceID + "-key" }

// serviceIDKind serves a service ID and its API key. The key is made with
// the service ID and stored retrievable (store_value), so that a read
// returns it and it stays a secret output rather than a value only the
// create's answer had (IAM Identity API: POST /v1/serviceids with apikey,
// GET /v1/apikeys/{id}; platform-services-go-sdk iamidentityv1
// APIKeyInsideCreateServiceIDRequest.StoreValue).
func serviceIDKind() *kind {
	k := bind(&kind{
		token:    serviceIDType,
		required: []string{"name"},
		computed: []string{"iamId", "crn", "apiKey"},
		secret:   []string{"apiKey"},
		timeout:  5 * time.Minute,
	}, shared((*clients).identityAPI), calls[identityAPI]{
		find: inAccount(func(ctx context.Context, o *op, api identityAPI, in props, acct string) (string, error) {
			var all []iamidentityv1.ServiceID
			err := pageTokens(func(token *string) (*string, error) {
				list, resp, err := api.ListServiceIdsWithContext(ctx, &iamidentityv1.ListServiceIdsOptions{AccountID: &acct, Name: in.strp("name"),
					Pagesize: core.Int64Ptr(100), Pagetoken: token})
				if err != nil {
					return nil, o.apiError("list service IDs for", err, resp)
				}
				all = append(all, list.Serviceids...)
				return list.Next, nil
			})
			if err != nil {
				return "", err
			}
			return named(all, in.str("name"), func(s iamidentityv1.ServiceID) (*string, *string) { return s.Name, s.ID }), nil
		}),
		create: inAccount(func(ctx context.Context, o *op, api identityAPI, in props, acct string) (string, error) {
			s, resp, err := api.CreateServiceIDWithContext(ctx, &iamidentityv1.CreateServiceIDOptions{
				AccountID: &acct, Name: in.strp("name"), Description: in.strp("description"),
				Apikey: &iamidentityv1.APIKeyInsideCreateServiceIDRequest{Name: core.StringPtr(apiKeyName(in.str("name"))),
					Description: core.StringPtr("infra deploys with it"), StoreValue: core.BoolPtr(true)}})
			return o.created(resp, err, func() *string { return s.ID })
		}),
		read: func(ctx context.Context, o *op, api identityAPI, id string, in props) (*state, error) {
			s, resp, err := api.GetServiceIDWithContext(ctx, &iamidentityv1.GetServiceIDOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			key, err := o.serviceIDKey(ctx, api, deref(s.IamID), deref(s.Name))
			if err != nil {
				return nil, err
			}
			ins := pm("name", s.Name)
			if in.has("description") || deref(s.Description) != "" {
				ins["description"] = val(s.Description)
			}
			return readyState(ins, pm("iamId", s.IamID, "crn", s.CRN, "apiKey", key)), nil
		},
		update: func(ctx context.Context, o *op, api identityAPI, id string, olds, news props) error {
			_, resp, err := api.GetServiceIDWithContext(ctx, &iamidentityv1.GetServiceIDOptions{ID: &id})
			if err != nil {
				return o.apiError("read", err, resp)
			}
			etag := resp.Headers.Get("ETag")
			_, resp, err = api.UpdateServiceIDWithContext(ctx, &iamidentityv1.UpdateServiceIDOptions{ID: &id, IfMatch: &etag,
				Name: news.strp("name"), Description: news.strp("description")})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api identityAPI, id string, in props) error {
			// Deleting a service ID deletes its API keys.
			return o.deleted(api.DeleteServiceIDWithContext(ctx, &iamidentityv1.DeleteServiceIDOptions{ID: &id}))
		},
	})
	// A create whose answer was lost finds the service ID without its key
	// value: make sure it has one (a refresh then reads it).
	k.afterReady = func(ctx context.Context, o *op, id string, in props) error {
		api, err := o.c.identityAPI()
		if err != nil {
			return err
		}
		s, resp, err := api.GetServiceIDWithContext(ctx, &iamidentityv1.GetServiceIDOptions{ID: &id})
		if err != nil {
			return o.apiError("read", err, resp)
		}
		key, err := o.serviceIDKey(ctx, api, deref(s.IamID), deref(s.Name))
		if err != nil || key != "" {
			return err
		}
		acct, err := o.c.accountID()
		if err != nil {
			return err
		}
		_, resp, err = api.CreateAPIKeyWithContext(ctx, &iamidentityv1.CreateAPIKeyOptions{Name: core.StringPtr(apiKeyName(deref(s.Name))),
			IamID: s.IamID, AccountID: &acct, Description: core.StringPtr("infra deploys with it"), StoreValue: core.BoolPtr(true)})
		return o.apiError("create the API key of", err, resp)
	}
	return k
}

// serviceIDKey is the value of the API key infra made for a service ID, ""
// when it has none.
func (o *op) serviceIDKey(ctx context.Context, api identityAPI, iamID, name string) (string, error) {
	acct, err := o.c.accountID()
	if err != nil {
		return "", err
	}
	var keys []iamidentityv1.APIKey
	err = pageTokens(func(token *string) (*string, error) {
		list, resp, err := api.ListAPIKeysWithContext(ctx, &iamidentityv1.ListAPIKeysOptions{AccountID: &acct, IamID: &iamID,
			Pagesize: core.Int64Ptr(100), Pagetoken: token})
		if err != nil {
			return nil, o.apiError("list the API keys of", err, resp)
		}
		keys = append(keys, list.Apikeys...)
		return list.Next, nil
	})
	if err != nil {
		return "", err
	}
	id := named(keys, apiKeyName(name), func(k iamidentityv1.APIKey) (*string, *string) { return k.Name, k.ID })
	if id == "" {
		return "", nil
	}
	k, resp, err := api.GetAPIKeyWithContext(ctx, &iamidentityv1.GetAPIKeyOptions{ID: &id})
	if err != nil {
		return "", o.apiError("read the API key of", err, resp)
	}
	return deref(k.Apikey), nil
}

// pageTokens reads the pages of an IAM Identity list: each answer's next is
// the URL of the next page, whose pagetoken query parameter the next request
// carries (IAM Identity API: pagesize, pagetoken; iamidentityv1
// ServiceIDList.Next, APIKeyList.Next).
func pageTokens(page func(token *string) (next *string, err error)) error {
	var token *string
	for seen := map[string]bool{}; ; {
		next, err := page(token)
		if err != nil || next == nil || *next == "" {
			return err
		}
		u, err := url.Parse(*next)
		if err != nil {
			return fmt.Errorf("ibm: next page %q: %w", *next, err)
		}
		t := u.Query().Get("pagetoken")
		if t == "" || seen[t] {
			return nil
		}
		seen[t] = true
		token = &t
	}
}

// accessGroupMemberKind makes an IAM identity a member of an access group
// (IAM Access Groups: PUT /v2/groups/{id}/members, HEAD and DELETE
// /v2/groups/{id}/members/{iam_id}). Its id is <group id>/<iam id>.
func accessGroupMemberKind() *kind {
	return bind(&kind{
		token:    accessGroupMemberType,
		required: []string{"accessGroup", "iamId"},
		replace:  []string{"accessGroup", "iamId", "type"},
		fields:   map[string]string{"access_group_id": "accessGroup", "iam_id": "iamId"},
		check: func(in props) []CheckFailure {
			switch t := in.str("type"); t {
			case "", "service", "user", "profile":
			default:
				return []CheckFailure{{"type", "type must be service, user or profile, not " + t}}
			}
			return nil
		},
		timeout: 5 * time.Minute,
	}, shared((*clients).accessGroups), calls[groupsAPI]{
		create: func(ctx context.Context, o *op, api groupsAPI, in props) (string, error) {
			typ := in.str("type")
			if typ == "" {
				typ = "service"
			}
			r, resp, err := api.AddMembersToAccessGroupWithContext(ctx, &iamaccessgroupsv2.AddMembersToAccessGroupOptions{
				AccessGroupID: in.strp("accessGroup"),
				Members:       []iamaccessgroupsv2.AddGroupMembersRequestMembersItem{{IamID: in.strp("iamId"), Type: &typ}}})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			// The answer is 207 Multi-Status: each member has its own status
			// (iamaccessgroupsv2 AddGroupMembersResponseMembersItem).
			for _, m := range r.Members {
				if m.StatusCode != nil && *m.StatusCode >= 300 {
					var msgs []string
					for _, e := range m.Errors {
						msgs = append(msgs, deref(e.Message))
					}
					return "", &Error{Op: "create", Type: o.k.token, Name: o.name, Status: int(*m.StatusCode), Field: "iamId",
						Message: fmt.Sprintf("IAM did not add %s: %s", deref(m.IamID), strings.Join(msgs, "; "))}
				}
			}
			return in.str("accessGroup") + "/" + in.str("iamId"), nil
		},
		read: func(ctx context.Context, o *op, api groupsAPI, id string, in props) (*state, error) {
			group, iamID, ok := strings.Cut(id, "/")
			if !ok {
				return nil, &Error{Op: "read", Type: o.k.token, Name: o.name, Message: "id " + id + " is not <group>/<iam id>"}
			}
			resp, err := api.IsMemberOfAccessGroupWithContext(ctx, &iamaccessgroupsv2.IsMemberOfAccessGroupOptions{AccessGroupID: &group, IamID: &iamID})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("accessGroup", group, "iamId", iamID)
			if in.has("type") {
				ins["type"] = val(in.str("type"))
			}
			return readyState(ins, nil), nil
		},
		del: func(ctx context.Context, o *op, api groupsAPI, id string, in props) error {
			group, iamID, _ := strings.Cut(id, "/")
			return o.deleted(api.RemoveMemberFromAccessGroupWithContext(ctx, &iamaccessgroupsv2.RemoveMemberFromAccessGroupOptions{AccessGroupID: &group, IamID: &iamID}))
		},
	})
}
