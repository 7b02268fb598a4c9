package sim

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// TestAccountsAreCreatedOneAtATime: a CreateAccount that starts while
// another is under way fails, as Organizations fails it; one after the
// other, both succeed.
func TestAccountsAreCreatedOneAtATime(t *testing.T) {
	const account = "aws:organizations/account:Account"
	started, release := make(chan resource.URN, 4), make(chan struct{})
	first := holdURN(account, "prod")
	srv, err := Start(WithHook(func(ctx context.Context, c Call) error {
		if c.Op != "create" {
			return nil
		}
		started <- c.URN
		if c.URN == first {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	aws := dial(t, srv, "aws")
	props, _ := marshal("inputs", resource.PropertyMap{"name": resource.NewProperty("x"), "email": resource.NewProperty("x@acme.test")})
	create := func(urn resource.URN) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := aws.Create(context.Background(), &pulumirpc.CreateRequest{Urn: string(urn), Properties: props})
			done <- err
		}()
		return done
	}

	firstDone := create(first)
	if u := <-started; u != first {
		t.Fatalf("started %s, want %s", u, first)
	}
	// While prod's create is under way, staging's fails at once.
	if err := <-create(holdURN(account, "staging")); err == nil || !strings.Contains(err.Error(), "CONCURRENT_ACCOUNT_MODIFICATION") {
		t.Fatalf("a second CreateAccount during the first: %v, want CONCURRENT_ACCOUNT_MODIFICATION", err)
	}
	// Other types are not serialised.
	if err := <-create(holdURN("aws:ec2/vpc:Vpc", "main")); err != nil {
		t.Fatalf("a VPC during an account create: %v", err)
	}
	<-started
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatalf("the first CreateAccount: %v", err)
	}
	// Once it is done, the next one succeeds.
	if err := <-create(holdURN(account, "staging")); err != nil {
		t.Fatalf("a CreateAccount after the first: %v", err)
	}
	if _, ok := srv.Cloud().Lookup(holdURN(account, "staging")); !ok {
		t.Error("the second account was not made")
	}
}
