package provider

import (
	"context"
	"fmt"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/peer"

	"infra/provider/ibm"
)

// registry is the registry of the provider instance a request comes from:
// that of the API key it was configured with, else the environment's.
func (s *Server) registry(ctx context.Context) (ibm.Registry, error) {
	key := s.keyOf(ctx)
	if key == "" {
		return s.envRegistry()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if reg, ok := s.regs[key]; ok {
		return reg, nil
	}
	var reg ibm.Registry
	var err error
	if s.newReg != nil {
		reg, err = s.newReg(key)
	} else {
		var cfg ibm.Config
		if cfg, err = ibm.ConfigFromEnv(func(k string) string {
			if k == ibm.EnvAPIKey {
				return key
			}
			return s.getenv(k)
		}); err == nil {
			reg, err = ibm.New(cfg)
		}
	}
	if err != nil {
		// The key is a secret: the error names the configuration, not it.
		return nil, fmt.Errorf("infra provider: the configured %s: %w", APIKeyConfig, err)
	}
	s.regs[key] = reg
	return reg, nil
}

// connection names the engine's connection a request comes by.
func connection(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return ""
}

func (s *Server) keyOf(ctx context.Context) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[connection(ctx)]
}

// envRegistry is the registry of the environment's API key.
func (s *Server) envRegistry() (ibm.Registry, error) {
	s.once.Do(func() {
		if s.reg != nil {
			return
		}
		cfg, err := ibm.ConfigFromEnv(s.getenv)
		if err != nil {
			s.regErr = err
			return
		}
		s.reg, s.regErr = ibm.New(cfg)
	})
	return s.reg, s.regErr
}

// CheckConfig accepts the provider configuration: IBM's comes from the
// environment.
func (s *Server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig: no provider configuration forces anything.
func (s *Server) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

// Configure says what the provider supports, and configures next. An
// apiKey in the configuration is the key this provider instance acts with;
// while it is unknown (a preview before the landing zone is up), the
// instance calls no API and needs none.
func (s *Server) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal("config", req.GetArgs())
	if err != nil {
		return nil, err
	}
	key := ""
	if v, ok := args[APIKeyConfig]; ok {
		if v.IsSecret() {
			v = v.SecretValue().Element
		}
		if v.IsString() {
			key = v.StringValue()
		}
	}
	if key != "" {
		s.mu.Lock()
		s.keys[connection(ctx)] = key
		s.mu.Unlock()
	}
	if s.next != nil {
		if _, err := s.next.Configure(ctx, req); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}
