package sim

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	infraprovider "infra/provider"
	"infra/provider/computed"
)

// provider is the simulated resource provider of one package. The engine
// opens one connection per provider instance (the default provider, each
// explicit aws.Provider, ...); they all share the Server and its Cloud.
type provider struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg     string
	version string
	srv     *Server
}

// marshalOpts keep secrets, unknowns and resource references intact both
// ways: the engine sends secrets as secrets because the handshake says the
// provider accepts them, and a secret input must come back a secret output.
func marshalOpts(label string) plugin.MarshalOptions {
	return plugin.MarshalOptions{Label: label, KeepUnknowns: true, KeepSecrets: true, KeepResources: true}
}

func unmarshal(label string, s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	m, err := plugin.UnmarshalProperties(s, marshalOpts(label))
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", label, err)
	}
	return m, nil
}

// unmarshalBoth decodes two property maps of a request, a first: the old
// and the new inputs, or the inputs and the state.
func unmarshalBoth(la string, a *structpb.Struct, lb string, b *structpb.Struct) (resource.PropertyMap, resource.PropertyMap, error) {
	am, err := unmarshal(la, a)
	if err != nil {
		return nil, nil, err
	}
	bm, err := unmarshal(lb, b)
	if err != nil {
		return nil, nil, err
	}
	return am, bm, nil
}

func marshal(label string, m resource.PropertyMap) (*structpb.Struct, error) {
	s, err := plugin.MarshalProperties(m, marshalOpts(label))
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", label, err)
	}
	return s, nil
}

// Handshake is the engine's first call. Implementing it spares a fallback to
// the legacy Configure negotiation.
func (p *provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Attach is how the engine hands an already running provider its address;
// the simulator needs nothing from it, but the engine fails without it.
func (p *provider) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// GetPluginInfo reports the package's version.
func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

// CheckConfig accepts any provider configuration.
func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig updates a provider in place when its configuration changes;
// the simulated cloud has nothing that would force a replacement.
func (p *provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news, err := unmarshalBoth("olds", oldInputs(req.GetOldInputs(), req.GetOlds()), "news", req.GetNews())
	if err != nil {
		return nil, err
	}
	return infraprovider.DiffInputs(olds, news, nil), nil
}

// Configure remembers the region of this provider instance, for invokes and
// ARNs. It is the "region" argument: the engine passes an explicit
// provider's inputs and a default provider's "<pkg>:region" configuration
// (prefix dropped) as args; the variables map that also carries the latter
// is deprecated (pulumi/provider.proto).
func (p *provider) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	region := ""
	if args, err := unmarshal("config", req.GetArgs()); err == nil {
		if v, ok := args["region"]; ok && v.IsString() {
			region = v.StringValue()
		}
	}
	connOf(ctx).setRegion(region)
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

// Check returns the inputs as the real provider's Check would: with an
// auto-name where the type takes one and the program set none (kept from
// the old inputs on an update, as Pulumi keeps it; new for a replacement,
// which checks again without old inputs) and the provider's defaults; or
// the failures the real provider would report, from the providers' rules
// (package rules), length limits applying to the auto-name.
func (p *provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	urn := resource.URN(req.GetUrn())
	if l, ok := infraprovider.LocalType(string(urn.Type())); ok {
		return l.CheckRequest(req)
	}
	news, olds, err := unmarshalBoth("news", req.GetNews(), "olds", req.GetOlds())
	if err != nil {
		return nil, err
	}
	program := news.Copy()
	if prop, ok := computed.AutoNamed(string(urn.Type())); ok && defaultedKeys(olds)[prop] {
		key := resource.PropertyKey(prop)
		if v, set := news[key]; !set || v.IsNull() {
			if old, ok := olds[key]; ok && !old.IsNull() {
				news[key] = old
			}
		}
	}
	inputs, err := computed.Defaults(urn, withoutMarker(news), p.srv.cloud.nextGeneration(urn))
	if err != nil {
		prop, _ := computed.AutoNamed(string(urn.Type()))
		return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: []*pulumirpc.CheckFailure{{Property: prop, Reason: err.Error()}}}, nil
	}
	if failures := checkFailures(string(urn.Type()), inputs); len(failures) > 0 {
		return &pulumirpc.CheckResponse{Inputs: req.GetNews(), Failures: failures}, nil
	}
	markDefaults(program, inputs, olds)
	props, err := marshal("inputs", inputs)
	return &pulumirpc.CheckResponse{Inputs: props}, err
}

// Diff compares the old inputs with the new ones, property by property. A
// change replaces the resource where the real provider's would: the
// force-new inputs of the providers' rules (package rules), and the few
// the simulator knows itself (local types, VPN for VPC); the old object is
// deleted first where the real provider says so.
func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news, err := unmarshalBoth("olds", oldInputs(req.GetOldInputs(), req.GetOlds()), "news", req.GetNews())
	if err != nil {
		return nil, err
	}
	typ := req.GetType()
	keys := replaceKeys(typ)
	byRules, deleteFirst := ruleReplacement(typ, olds, news)
	for k := range byRules {
		keys[k] = true
	}
	if l, ok := infraprovider.LocalType(typ); ok {
		olds, news = l.WithoutIgnored(olds), l.WithoutIgnored(news)
	}
	resp := infraprovider.DiffInputs(withoutMarker(olds), withoutMarker(news), func(name string) bool { return keys[resource.PropertyKey(name)] })
	resp.DeleteBeforeReplace = len(resp.Replaces) > 0 && deleteFirst
	return resp, nil
}

// oldInputs prefers the old inputs, which the engine sends since 3.x; the
// old outputs would show every computed field as a deletion.
func oldInputs(inputs, outputs *structpb.Struct) *structpb.Struct {
	if inputs != nil {
		return inputs
	}
	return outputs
}

// Create makes the object in the simulated cloud. A preview only predicts
// the outputs, with computed fields unknown, and leaves the cloud alone.
func (p *provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	urn := resource.URN(req.GetUrn())
	if l, ok := infraprovider.LocalType(string(urn.Type())); ok {
		return p.createLocal(ctx, req, l)
	}
	inputs, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	r := computed.Resource{URN: urn, Inputs: inputs, Region: connOf(ctx).getRegion()}
	if req.GetPreview() {
		props, err := marshal("outputs", outputs(r, true))
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	// The span of a create that the cloud runs one at a time covers the
	// call's hold and latency, as the real create waits for the cloud.
	done, err := p.srv.cloud.startSerial(urn)
	if err != nil {
		return nil, err
	}
	defer done()
	if err := p.srv.wait(ctx, "create", urn); err != nil {
		return nil, err
	}
	if p.srv.failing(string(urn.Type()), urn.Name()) {
		return nil, injected("create", urn)
	}
	obj, err := p.srv.cloud.create(r, func(r computed.Resource) resource.PropertyMap { return outputs(r, false) })
	if err != nil {
		return nil, err
	}
	props, err := marshal("outputs", obj.Outputs)
	return &pulumirpc.CreateResponse{Id: string(obj.ID), Properties: props}, err
}

// injected is the error of a fault injected with WithFail. It names the
// resource, so the engine's error says which one failed and why.
func injected(op string, urn resource.URN) error {
	return fmt.Errorf("sim: injected failure: cannot %s %s %q (%s)", op, urn.Type(), urn.Name(), urn)
}

// Update changes the object in place. A preview keeps the computed fields
// the object already has.
func (p *provider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	urn, id := resource.URN(req.GetUrn()), resource.ID(req.GetId())
	if l, ok := infraprovider.LocalType(string(urn.Type())); ok {
		return p.updateLocal(req, l)
	}
	olds, news, err := unmarshalBoth("olds", req.GetOlds(), "news", req.GetNews())
	if err != nil {
		return nil, err
	}
	r := computed.Resource{URN: urn, ID: id, Inputs: news, Region: connOf(ctx).getRegion()}
	if req.GetPreview() {
		outs := deepCopy(withoutMarker(news))
		computed.MarkComputed(string(urn.Type()), outs, news, olds)
		props, err := marshal("outputs", outs)
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	if err := p.srv.wait(ctx, "update", urn); err != nil {
		return nil, err
	}
	if p.srv.failing(string(urn.Type()), urn.Name()) {
		return nil, injected("update", urn)
	}
	obj, ok := p.srv.cloud.update(urn, id, news, outputs(r, false))
	if !ok {
		return nil, errGone(urn, id)
	}
	props, err := marshal("outputs", obj.Outputs)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func errGone(urn resource.URN, id resource.ID) error {
	return fmt.Errorf("sim: update %s: object %s no longer exists (refresh to forget it)", urn, id)
}

// Delete removes the object; deleting one already gone succeeds, as it does
// with real providers.
func (p *provider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if err := p.srv.wait(ctx, "delete", resource.URN(req.GetUrn())); err != nil {
		return nil, err
	}
	state, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	if err := p.srv.cloud.delete(resource.URN(req.GetUrn()), resource.ID(req.GetId()), state); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// Read reports the object as the cloud has it now, inputs included, so that
// a refresh sees drift. An empty ID tells the engine the object is gone.
func (p *provider) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if err := p.srv.wait(ctx, "read", resource.URN(req.GetUrn())); err != nil {
		return nil, err
	}
	inputs, outputs, err := unmarshalBoth("inputs", req.GetInputs(), "properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	obj, ok := p.srv.cloud.read(resource.URN(req.GetUrn()), resource.ID(req.GetId()), inputs, outputs)
	if !ok {
		return &pulumirpc.ReadResponse{}, nil
	}
	props, err := marshal("outputs", obj.Outputs)
	if err != nil {
		return nil, err
	}
	ins, err := marshal("inputs", obj.Inputs)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: string(obj.ID), Properties: props, Inputs: ins}, nil
}

// Invoke answers the data sources in the invokes table; any other function
// returns an empty result rather than an error, so programs that look
// something up still run.
func (p *provider) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := unmarshal("args", req.GetArgs())
	if err != nil {
		return nil, err
	}
	ret, err := marshal("return", invoke(req.GetTok(), args, connOf(ctx).getRegion()))
	return &pulumirpc.InvokeResponse{Return: ret}, err
}

// Cancel is the engine's graceful stop (an interrupted pulumi calls it on
// every provider): it releases this connection's held calls (WithHold),
// which then complete. Like the real providers' Cancel it cuts nothing
// short (see Server.wait).
func (p *provider) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	connOf(ctx).cancel()
	return &emptypb.Empty{}, nil
}

// GetMapping says the simulator maps no other ecosystem's providers; the
// engine may ask every attached provider.
func (p *provider) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

// GetMappings: see GetMapping.
func (p *provider) GetMappings(context.Context, *pulumirpc.GetMappingsRequest) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

// replaceOnChange lists, per type glob, the inputs the cloud cannot change
// in place: changing one replaces the object, as with the real providers.
// The providers' rules (package rules) give every other type's; these are
// what the rules do not hold.
var replaceOnChange = []struct {
	types string
	keys  []string
}{
	{"infra:ibm:Vpc", []string{"region"}},
}

func replaceKeys(typ string) map[resource.PropertyKey]bool {
	keys := map[resource.PropertyKey]bool{}
	if l, ok := infraprovider.LocalType(typ); ok {
		for _, k := range l.Replace {
			keys[resource.PropertyKey(k)] = true
		}
	}
	for _, row := range replaceOnChange {
		if glob(row.types, typ) {
			for _, k := range row.keys {
				keys[resource.PropertyKey(k)] = true
			}
		}
	}
	return keys
}
