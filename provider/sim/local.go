package sim

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	infraprovider "infra/provider"
	"infra/provider/computed"
)

// The local types (WireGuard keys, pre-shared keys, k3s tokens) exist only
// in state, so simulating them would gain nothing: the simulator makes them
// exactly as the infra provider does, with real random values, and keeps
// them in the simulated cloud like any other object. A simulated mesh thus
// has real key pairs that `wg` accepts. A local's Push is never called
// here: the simulator has no gateway to push peers to (infra:mesh:Peers)
// and no STS for a new account's probe to reach (infra:aws:AccountReady),
// whose simulated accounts are usable at once.

// createLocal is Create for a local type.
func (p *provider) createLocal(ctx context.Context, req *pulumirpc.CreateRequest, l infraprovider.Local) (*pulumirpc.CreateResponse, error) {
	urn := resource.URN(req.GetUrn())
	inputs, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	if req.GetPreview() {
		outs := deepCopy(inputs)
		for _, k := range l.Outputs {
			outs[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
		props, err := marshal("outputs", outs)
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	if err := p.srv.wait(ctx, "create", urn); err != nil {
		return nil, err
	}
	if p.srv.failing(string(urn.Type()), urn.Name()) {
		return nil, injected("create", urn)
	}
	outs, err := l.Create(inputs)
	if err != nil {
		return nil, err
	}
	obj, err := p.srv.cloud.create(computed.Resource{URN: urn, Inputs: inputs}, func(computed.Resource) resource.PropertyMap { return outs })
	if err != nil {
		return nil, err
	}
	props, err := marshal("outputs", obj.Outputs)
	return &pulumirpc.CreateResponse{Id: string(obj.ID), Properties: props}, err
}

// updateLocal keeps the values drawn: only a replacement draws new ones.
func (p *provider) updateLocal(req *pulumirpc.UpdateRequest, l infraprovider.Local) (*pulumirpc.UpdateResponse, error) {
	urn, id := resource.URN(req.GetUrn()), resource.ID(req.GetId())
	olds, news, err := unmarshalBoth("olds", req.GetOlds(), "news", req.GetNews())
	if err != nil {
		return nil, err
	}
	outs := deepCopy(news)
	for _, k := range l.Outputs {
		if v, ok := olds[resource.PropertyKey(k)]; ok {
			outs[resource.PropertyKey(k)] = v
		}
	}
	if !req.GetPreview() {
		if _, ok := p.srv.cloud.update(urn, id, news, outs); !ok {
			return nil, errGone(urn, id)
		}
	}
	props, err := marshal("outputs", outs)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}
