package ibm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/platform-services-go-sdk/contextbasedrestrictionsv1"
)

const cbrZoneAddressesType = "infra:ibm:CbrZoneAddresses"

// addressID is the id a CbrZoneAddresses marks its addresses with, "" for
// the zone's own. The API keeps an address's id for this use ("The address
// id (for use by terraform only)": IBM/platform-services-go-sdk@v0.103.0
// contextbasedrestrictionsv1 AddressVPC.ID); Terraform's
// ibm_cbr_zone_addresses marks its addresses the same way.
func addressID(a contextbasedrestrictionsv1.AddressIntf) string {
	var w zoneAddress
	if asJSON(a, &w) != nil {
		return ""
	}
	return w.ID
}

// zoneAddress is one address of a zone, whatever its variant.
type zoneAddress struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	ID    string `json:"id"`
	Ref   struct {
		ServiceName string `json:"service_name"`
	} `json:"ref"`
}

// readZone reads a zone and its addresses; a nil zone and no error when it
// is gone.
func (o *op) readZone(ctx context.Context, api restrictionsAPI, id string) (*contextbasedrestrictionsv1.Zone, []zoneAddress, error) {
	z, resp, err := api.GetZoneWithContext(ctx, &contextbasedrestrictionsv1.GetZoneOptions{ZoneID: &id})
	if gone, err := o.gone(resp, err); gone || err != nil {
		return nil, nil, err
	}
	var w struct {
		Addresses []zoneAddress `json:"addresses"`
	}
	if err := asJSON(z, &w); err != nil {
		return nil, nil, err
	}
	return z, w.Addresses, nil
}

// zoneAddressesID is the address id of a CbrZoneAddresses named name.
func zoneAddressesID(name string) string { return "infra-" + name }

// cbrZoneAddressesKind adds addresses to a zone another stack owns: what a
// regional stack adds to its environment's zone once the VPC exists, since
// the landing zone that owns the zone and its rules runs before any VPC
// (ibm.md item 5c). Its id is <zone id>/<address id>.
func cbrZoneAddressesKind() *kind {
	return bind(&kind{
		token:    cbrZoneAddressesType,
		required: []string{"zone", "name"},
		// The id holds the zone and the mark its addresses carry, and an
		// update writes to those: another zone or name is another set of
		// addresses (rules: ibm.CbrZoneAddresses immutable).
		replace: []string{"zone", "name"},
		check: func(in props) []CheckFailure {
			if len(in.strs("vpcs"))+len(in.strs("ipAddresses")) == 0 && in.set("zone") && !in.set("vpcs") && !in.set("ipAddresses") {
				return []CheckFailure{{"vpcs", "zone addresses need at least one VPC or IP address"}}
			}
			return nil
		},
		timeout: 5 * time.Minute,
	}, shared((*clients).cbrAPI), calls[restrictionsAPI]{
		create: func(ctx context.Context, o *op, api restrictionsAPI, in props) (string, error) {
			id := in.str("zone") + "/" + zoneAddressesID(in.str("name"))
			return id, o.replaceZoneAddresses(ctx, api, id, in)
		},
		read: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) (*state, error) {
			zone, mark, _ := strings.Cut(id, "/")
			z, addrs, err := o.readZone(ctx, api, zone)
			if z == nil || err != nil {
				return nil, err
			}
			var vpcs, ips []string
			for _, a := range addrs {
				switch {
				case a.ID != mark:
				case a.Type == "vpc":
					vpcs = append(vpcs, a.Value)
				default:
					ips = append(ips, a.Value)
				}
			}
			if vpcs == nil && ips == nil {
				return nil, nil // removed from the zone behind infra's back
			}
			ins := pm("zone", zone, "name", strings.TrimPrefix(mark, zoneAddressesID("")))
			if vpcs != nil || in.has("vpcs") {
				ins["vpcs"] = val(keepOrder(in.strs("vpcs"), vpcs))
			}
			if ips != nil || in.has("ipAddresses") {
				ins["ipAddresses"] = val(keepOrder(in.strs("ipAddresses"), ips))
			}
			return readyState(ins, nil), nil
		},
		update: func(ctx context.Context, o *op, api restrictionsAPI, id string, olds, news props) error {
			return o.replaceZoneAddresses(ctx, api, id, news)
		},
		del: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) error {
			return o.replaceZoneAddresses(ctx, api, id, props{})
		},
	})
}

// zoneReplaceAttempts bounds the re-reads after a 412: another stack's
// CbrZoneAddresses changed the zone between this one's read and its write.
const zoneReplaceAttempts = 5

// replaceZoneAddresses sets the addresses of the CbrZoneAddresses with the
// id to in's, keeping every other address of the zone, under the zone's
// ETag; a zone already gone leaves nothing to do.
func (o *op) replaceZoneAddresses(ctx context.Context, api restrictionsAPI, id string, in props) error {
	zone, mark, _ := strings.Cut(id, "/")
	for attempt := 1; ; attempt++ {
		z, resp, err := api.GetZoneWithContext(ctx, &contextbasedrestrictionsv1.GetZoneOptions{ZoneID: &zone})
		if notFound(resp) {
			return nil
		}
		if err != nil {
			return o.apiError("read the zone of", err, resp)
		}
		etag := resp.Headers.Get("ETag")
		var addrs []contextbasedrestrictionsv1.AddressIntf
		for _, a := range z.Addresses {
			if addressID(a) != mark {
				addrs = append(addrs, a)
			}
		}
		for _, crn := range in.strs("vpcs") {
			addrs = append(addrs, &contextbasedrestrictionsv1.AddressVPC{Type: core.StringPtr("vpc"), Value: core.StringPtr(crn), ID: core.StringPtr(mark)})
		}
		for _, a := range in.strs("ipAddresses") {
			typ := "ipAddress"
			switch {
			case strings.Contains(a, "/"):
				typ = "subnet"
			case strings.Contains(a, "-"):
				typ = "ipRange"
			}
			addrs = append(addrs, &contextbasedrestrictionsv1.Address{Type: core.StringPtr(typ), Value: core.StringPtr(a), ID: core.StringPtr(mark)})
		}
		_, resp, err = api.ReplaceZoneWithContext(ctx, &contextbasedrestrictionsv1.ReplaceZoneOptions{ZoneID: &zone, IfMatch: &etag,
			Name: z.Name, AccountID: z.AccountID, Description: z.Description, Addresses: addrs, Excluded: z.Excluded})
		err = o.apiError("update the zone of", err, resp)
		var e *Error
		if err == nil || attempt == zoneReplaceAttempts || !errors.As(err, &e) || e.Status != http.StatusPreconditionFailed {
			return err
		}
	}
}
