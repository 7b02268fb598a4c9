// Package provider is the infra binary's own Pulumi resource provider: it
// serves the infra:ibm:* types (package provider/ibm) over the Pulumi
// provider protocol, as the plugin pulumi-resource-infra.
package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"infra/provider/ibm"
)

// PluginName is the name the engine runs the provider by: infra run under
// this name (a symlink to the executable) serves the provider.
const PluginName = "pulumi-resource-infra"

// Version is the version the provider reports for package infra.
const Version = "0.1.0"

// Server serves the IBM registry. Its registry is made on first use, from
// the environment unless WithRegistry gave one, so a missing API key fails
// the first create with a clear error rather than the engine's start.
type Server struct {
	pulumirpc.UnimplementedResourceProviderServer

	getenv func(string) string
	// next serves the types that are not IBM's (infra:mesh:*), if set.
	next   pulumirpc.ResourceProviderClient
	once   sync.Once
	reg    ibm.Registry
	regErr error
	// newReg makes the registry of an API key a provider instance was
	// configured with (WithRegistryFor); nil makes it from the environment
	// with that key.
	newReg func(apiKey string) (ibm.Registry, error)

	mu sync.Mutex
	// keys are the API keys provider instances were configured with
	// (apiKey), by the address of the engine's connection: the engine
	// connects once per provider instance, and in the fake-IBM mode every
	// instance shares this server.
	keys map[string]string
	// regs are the registries of those keys.
	regs map[string]ibm.Registry
}

// APIKeyConfig is the provider configuration key of the IBM API key a
// provider instance acts with (a stack's explicit infra provider, such as
// a regional stack's deployer); without it, the environment's key
// (IBMCLOUD_API_KEY) is used.
const APIKeyConfig = "apiKey"

// An Option configures a Server.
type Option func(*Server)

// WithRegistry serves reg instead of a registry configured from the environment.
func WithRegistry(reg ibm.Registry) Option { return func(s *Server) { s.reg = reg } }

// WithRegistryFor makes the registry of a provider instance configured with
// an API key through newReg instead of from the environment.
func WithRegistryFor(newReg func(apiKey string) (ibm.Registry, error)) Option {
	return func(s *Server) { s.newReg = newReg }
}

// WithGetenv reads the IBM configuration through getenv instead of os.Getenv.
func WithGetenv(getenv func(string) string) Option { return func(s *Server) { s.getenv = getenv } }

// WithNext passes every request for a type other than infra:ibm:* to next,
// such as the simulator's infra provider in the fake-IBM mode.
func WithNext(next pulumirpc.ResourceProviderClient) Option { return func(s *Server) { s.next = next } }

// NewServer returns a provider server.
func NewServer(opts ...Option) *Server {
	s := &Server{getenv: os.Getenv, keys: map[string]string{}, regs: map[string]ibm.Registry{}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Main serves the provider as a plugin launched by the engine: it listens
// on a loopback port, writes the port to out (the engine reads it from the
// plugin's stdout) and serves until ctx ends.
func Main(ctx context.Context, out io.Writer, opts ...Option) error {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("%s: listen: %w", PluginName, err)
	}
	g := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	pulumirpc.RegisterResourceProviderServer(g, NewServer(opts...))
	if _, err := fmt.Fprintf(out, "%d\n", lis.Addr().(*net.TCPAddr).Port); err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		g.GracefulStop()
	}()
	return g.Serve(lis)
}

// maxMessage matches the engine's limit for provider messages.
const maxMessage = 400 * 1024 * 1024

// forward says whether a request for urn goes to next.
func (s *Server) forward(urn string) bool {
	return s.next != nil && !strings.HasPrefix(string(resource.URN(urn).Type()), "infra:ibm:")
}

func (s *Server) handler(ctx context.Context, typ string) (ibm.Handler, error) {
	if !strings.HasPrefix(typ, "infra:ibm:") {
		return nil, status.Errorf(codes.InvalidArgument, "infra provider: unknown resource type %s", typ)
	}
	reg, err := s.registry(ctx)
	if err != nil {
		return nil, err
	}
	return reg.Lookup(typ)
}

var opts = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}

func unmarshal(label string, st *structpb.Struct) (resource.PropertyMap, error) {
	if st == nil {
		return resource.PropertyMap{}, nil
	}
	o := opts
	o.Label = label
	return plugin.UnmarshalProperties(st, o)
}

func marshal(label string, m resource.PropertyMap) (*structpb.Struct, error) {
	o := opts
	o.Label = label
	return plugin.MarshalProperties(m, o)
}

// Handshake says the provider takes secrets and resource references.
func (s *Server) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// Attach is how the engine hands a provider it did not start its address.
func (s *Server) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// GetPluginInfo reports the provider's version.
func (s *Server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// Check validates a resource's inputs.
func (s *Server) Check(ctx context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	if s.forward(req.GetUrn()) {
		return s.next.Check(ctx, req)
	}
	if l, ok := LocalType(string(resource.URN(req.GetUrn()).Type())); ok {
		return localCheck(l, req)
	}
	if !strings.HasPrefix(resource.URN(req.GetUrn()).Type().String(), "infra:ibm:") {
		return nil, status.Errorf(codes.InvalidArgument, "infra provider: unknown resource type %s", resource.URN(req.GetUrn()).Type())
	}
	// Checking needs no credentials: the handler's rules are static.
	h, err := ibm.Static().Lookup(string(resource.URN(req.GetUrn()).Type()))
	if err != nil {
		return nil, err
	}
	olds, err := unmarshal("olds", req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	checked, failures, err := h.Check(ctx, olds, news)
	if err != nil {
		return nil, err
	}
	inputs, err := marshal("inputs", checked)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.CheckResponse{Inputs: inputs}
	for _, f := range failures {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	return resp, nil
}

// Diff says what changed and what that replaces.
func (s *Server) Diff(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	if s.forward(req.GetUrn()) {
		return s.next.Diff(ctx, req)
	}
	if l, ok := LocalType(string(resource.URN(req.GetUrn()).Type())); ok {
		return localDiff(l, req)
	}
	h, err := ibm.Static().Lookup(string(resource.URN(req.GetUrn()).Type()))
	if err != nil {
		return nil, err
	}
	olds, news, err := diffRequestInputs(req)
	if err != nil {
		return nil, err
	}
	d, err := h.Diff(ctx, req.GetId(), olds, news)
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, Diffs: d.Changes, Replaces: d.Replaces,
		DeleteBeforeReplace: d.DeleteBeforeReplace, HasDetailedDiff: true, DetailedDiff: map[string]*pulumirpc.PropertyDiff{}}
	if len(d.Changes) > 0 {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	for _, k := range d.Changes {
		kind := pulumirpc.PropertyDiff_UPDATE
		_, inOld := olds[resource.PropertyKey(k)]
		_, inNew := news[resource.PropertyKey(k)]
		switch {
		case !inOld:
			kind = pulumirpc.PropertyDiff_ADD
		case !inNew:
			kind = pulumirpc.PropertyDiff_DELETE
		}
		if contains(d.Replaces, k) {
			kind++ // each _REPLACE kind follows its plain kind
		}
		resp.DetailedDiff[k] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	return resp, nil
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// initFailed reports a resource made but not ready, so the engine keeps it.
func initFailed(err error) error {
	var ie *ibm.InitError
	if !errors.As(err, &ie) {
		return err
	}
	props, merr := marshal("outputs", ie.Outputs)
	if merr != nil {
		return err
	}
	st, derr := status.New(codes.Unknown, err.Error()).WithDetails(&pulumirpc.ErrorResourceInitFailed{
		Id: ie.ID, Properties: props, Reasons: []string{err.Error()}})
	if derr != nil {
		return err
	}
	return st.Err()
}

// Create makes the resource.
func (s *Server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if s.forward(req.GetUrn()) {
		return s.next.Create(ctx, req)
	}
	typ := string(resource.URN(req.GetUrn()).Type())
	if l, ok := LocalType(typ); ok {
		return localCreate(ctx, l, req)
	}
	inputs, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	var h ibm.Handler
	if req.GetPreview() {
		h, err = ibm.Static().Lookup(typ)
	} else {
		h, err = s.handler(ctx, typ)
	}
	if err != nil {
		return nil, err
	}
	id, outs, err := h.Create(ctx, inputs, req.GetPreview())
	if err != nil {
		return nil, initFailed(err)
	}
	props, err := marshal("outputs", outs)
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

// Read reports the resource as IBM has it; an empty id means it is gone.
func (s *Server) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if s.forward(req.GetUrn()) {
		return s.next.Read(ctx, req)
	}
	if _, ok := LocalType(string(resource.URN(req.GetUrn()).Type())); ok {
		return localRead(req)
	}
	h, err := s.handler(ctx, string(resource.URN(req.GetUrn()).Type()))
	if err != nil {
		return nil, err
	}
	inputs, err := unmarshal("inputs", req.GetInputs())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	r, err := h.Read(ctx, req.GetId(), inputs, state)
	if err != nil || r.ID == "" {
		return &pulumirpc.ReadResponse{}, err
	}
	props, err := marshal("outputs", r.Outputs)
	if err != nil {
		return nil, err
	}
	ins, err := marshal("inputs", r.Inputs)
	return &pulumirpc.ReadResponse{Id: r.ID, Properties: props, Inputs: ins}, err
}

// Update changes the resource in place.
func (s *Server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	if s.forward(req.GetUrn()) {
		return s.next.Update(ctx, req)
	}
	typ := string(resource.URN(req.GetUrn()).Type())
	if l, ok := LocalType(typ); ok {
		return localUpdate(ctx, l, req)
	}
	var h ibm.Handler
	var err error
	if req.GetPreview() {
		h, err = ibm.Static().Lookup(typ)
	} else {
		h, err = s.handler(ctx, typ)
	}
	if err != nil {
		return nil, err
	}
	state, err := unmarshal("olds", req.GetOlds())
	if err != nil {
		return nil, err
	}
	oldInputs, err := unmarshal("oldInputs", req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal("news", req.GetNews())
	if err != nil {
		return nil, err
	}
	outs, err := h.Update(ctx, req.GetId(), state, oldInputs, news, req.GetPreview())
	if err != nil {
		return nil, initFailed(err)
	}
	props, err := marshal("outputs", outs)
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

// Delete removes the resource.
func (s *Server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	if s.forward(req.GetUrn()) {
		return s.next.Delete(ctx, req)
	}
	if l, ok := LocalType(string(resource.URN(req.GetUrn()).Type())); ok {
		if l.Delete == nil {
			return &emptypb.Empty{}, nil // only the state knew it
		}
		state, err := unmarshal("properties", req.GetProperties())
		if err != nil {
			return nil, err
		}
		// The old inputs, when the engine sends them, are the last run's,
		// even where a diff found no change (a newer credential).
		if ins := req.GetOldInputs(); ins != nil {
			if state, err = unmarshal("oldInputs", ins); err != nil {
				return nil, err
			}
		}
		return &emptypb.Empty{}, l.Delete(ctx, state)
	}
	h, err := s.handler(ctx, string(resource.URN(req.GetUrn()).Type()))
	if err != nil {
		return nil, err
	}
	state, err := unmarshal("properties", req.GetProperties())
	if err != nil {
		return nil, err
	}
	if err := h.Delete(ctx, req.GetId(), state); err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	return &emptypb.Empty{}, nil
}

// Invoke: the IBM provider has no functions; next may.
func (s *Server) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	if s.next != nil {
		return s.next.Invoke(ctx, req)
	}
	return nil, status.Errorf(codes.Unimplemented, "infra provider: no function %s", req.GetTok())
}

// GetMapping: the provider maps no other ecosystem's providers.
func (s *Server) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}

// GetMappings: see GetMapping.
func (s *Server) GetMappings(context.Context, *pulumirpc.GetMappingsRequest) (*pulumirpc.GetMappingsResponse, error) {
	return &pulumirpc.GetMappingsResponse{}, nil
}

// Cancel: calls in flight end with their contexts.
func (s *Server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}
