package hetzner

import (
	"errors"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TokenType is the type token of the k3s join token. No Pulumi package for
// random values can be had as a Go module here, so the infra binary's own
// provider serves it (package infra): Create draws Length random bytes and
// returns their hex encoding as the secret output "token"; nothing else.
const TokenType = "infra:k3s:Token"

// Token is a k3s join token: the shared secret servers and agents present
// to join the cluster. The token output is always a secret.
type Token struct {
	pulumi.CustomResourceState

	// Length is the number of random bytes drawn.
	Length pulumi.IntOutput `pulumi:"length"`
	// Token is the hex-encoded random value.
	Token pulumi.StringOutput `pulumi:"token"`
}

type tokenArgs struct {
	Length int `pulumi:"length"`
}

// TokenArgs are the inputs of a Token.
type TokenArgs struct {
	// Length is the number of random bytes to draw (required).
	Length pulumi.IntInput
}

// ElementType is the plain shape TokenArgs marshals as.
func (TokenArgs) ElementType() reflect.Type { return reflect.TypeOf((*tokenArgs)(nil)).Elem() }

// NewToken declares a k3s join token.
func NewToken(ctx *pulumi.Context, name string, args *TokenArgs, opts ...pulumi.ResourceOption) (*Token, error) {
	if args == nil || args.Length == nil {
		return nil, errors.New("invalid value for required argument 'Length'")
	}
	// The engine encrypts it in state; wrapping it here too keeps it secret
	// where no engine is involved (mocks, plans).
	opts = append(opts, pulumi.AdditionalSecretOutputs([]string{"token"}))
	var res Token
	if err := ctx.RegisterResource(TokenType, name, args, &res, opts...); err != nil {
		return nil, err
	}
	res.Token = pulumi.ToSecret(res.Token).(pulumi.StringOutput)
	return &res, nil
}
