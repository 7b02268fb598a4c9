package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AccountReadyType gates the first use of a new AWS account: its Create
// (and every Update) assumes the account's deploy role from the management
// account and makes a read call with the session it got, retrying until
// both succeed. CreateAccount "is asynchronous … you may need to wait
// before the account is usable" (CloudFormation AWS::Organizations::Account,
// quoted in pulumi/pulumi-aws-native#1687): the role Organizations creates
// in the account is not assumable at once, although the creation status
// already reads SUCCEEDED. The account's providers assume the role whose
// ARN this resource outputs, so nothing in the account starts before it.
//
// With the session, it then reads from the services the account's stacks
// call first (accountprobe.go): S3 and KMS in the home region, EC2 and KMS
// in every region the account deploys to. A new account's services come up
// minutes after its role does, and answer OptInRequired,
// PendingVerification or NotSignedUp until then; the probe waits those
// out, and fails at once on any other refusal (a deny in an SCP, a missing
// permission), naming the call and the region.
//
// Inputs: accountId, roleArn, region (the home region: STS's endpoint, S3
// and KMS) and regions (where the account's regional stacks deploy; may be
// absent). The outputs are the inputs: the resource holds no credential,
// in state or anywhere.
const AccountReadyType = "infra:aws:AccountReady"

// AccountReadyTimeout bounds the wait for a new account; AccountReadyFirstWait
// is the first pause between attempts, doubled up to a minute. Variables so
// tests shorten them.
var (
	AccountReadyTimeout   = 15 * time.Minute
	AccountReadyFirstWait = 2 * time.Second
)

// accountReadyEndpoint, when set, is where the probe sends its STS calls
// instead of AWS's (tests: an httptest server).
var accountReadyEndpoint string

// accountReadySession is the role session's name: CloudTrail records it in
// the new account.
const accountReadySession = "infra-account-ready"

func accountReadyCreate(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	return inputs.Copy(), nil
}

// accountReady probes the account until it answers or AccountReadyTimeout
// passes. It uses the default credential chain (environment, shared
// config, SSO, instance role), as the Pulumi AWS provider does for the
// management account. The temporary credentials it gets are used for one
// call and dropped: neither they nor the caller's appear in an error or
// the outputs.
func accountReady(ctx context.Context, _ resource.PropertyMap, inputs resource.PropertyMap) (resource.PropertyMap, error) {
	id, role, region := plainString(inputs, "accountId"), plainString(inputs, "roleArn"), plainString(inputs, "region")
	if id == "" || role == "" || region == "" {
		return nil, fmt.Errorf("%s: accountId, roleArn and region are required", AccountReadyType)
	}
	regions, err := plainStrings(inputs, "regions")
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", AccountReadyType, id, err)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("%s %s: the management account's credentials: %w", AccountReadyType, id, err)
	}
	endpoint := func(o *sts.Options) {
		if accountReadyEndpoint != "" {
			o.BaseEndpoint = aws.String(accountReadyEndpoint)
		}
	}
	mgmt := sts.NewFromConfig(cfg, endpoint)
	client := cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	probes := serviceProbes(region, regions)
	done := map[serviceProbe]bool{} // a service that answered is not asked again
	ctx, cancel := context.WithTimeout(ctx, AccountReadyTimeout)
	defer cancel()
	var last error
	for wait := AccountReadyFirstWait; ; wait = min(2*wait, time.Minute) {
		err := probeAccount(ctx, cfg, mgmt, endpoint, id, role, func(creds aws.Credentials) error {
			return checkServices(ctx, client, creds, probes, done)
		})
		if err == nil {
			return inputs.Copy(), nil
		}
		if probeRefused(err) {
			return nil, fmt.Errorf("%s: account %s, role %s: %w", AccountReadyType, id, role, err)
		}
		// an attempt the bound cut short says less than the one before it
		if last == nil || ctx.Err() == nil {
			last = err
		}
		select {
		case <-ctx.Done():
			hint := ""
			if errors.As(last, new(assumeError)) {
				// the landing zone's RCP (stacks/aws/trust.go) lets only
				// the pipeline assume the roles of the accounts it creates
				hint = "; a role still refused after minutes is likely refused to the caller: only the landing zone's pipeline principal (landingZone.aws.pipelineRole, or the principal that ran the landing zone) may assume it"
			}
			return nil, fmt.Errorf("%s: account %s is not usable within %s through role %s: %w%s",
				AccountReadyType, id, AccountReadyTimeout, role, last, hint)
		case <-time.After(wait):
		}
	}
}

// probeAccount assumes role, asks STS who the session is (the answer must
// be account id), and hands the session's credentials to use. The
// credentials live for this one attempt.
func probeAccount(ctx context.Context, cfg aws.Config, mgmt *sts.Client, endpoint func(*sts.Options), id, role string, use func(aws.Credentials) error) error {
	out, err := mgmt.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(role),
		RoleSessionName: aws.String(accountReadySession),
		DurationSeconds: aws.Int32(900), // the least STS allows: a few calls are made with it
	})
	if err != nil {
		return assumeError{fmt.Errorf("sts:AssumeRole: %w", err)}
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil {
		return errors.New("sts:AssumeRole returned no credentials")
	}
	creds := aws.Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: aws.ToString(c.SessionToken)}
	in := cfg.Copy()
	in.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken))
	who, err := sts.NewFromConfig(in, endpoint).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("sts:GetCallerIdentity in the account: %w", err)
	}
	if got := aws.ToString(who.Account); got != id {
		return fmt.Errorf("the role's session is in account %q, not %s", got, id)
	}
	return use(creds)
}

// assumeError is a refused AssumeRole: a role not yet made, or a caller
// the role does not trust.
type assumeError struct{ error }

func (e assumeError) Unwrap() error { return e.error }

// plainStrings reads a list of strings input; absent is empty.
func plainStrings(m resource.PropertyMap, k string) ([]string, error) {
	v, ok := m[resource.PropertyKey(k)]
	if !ok || v.IsNull() {
		return nil, nil
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsArray() {
		return nil, fmt.Errorf("%s is %s, want a list of strings", k, v.TypeString())
	}
	var out []string
	for i, e := range v.ArrayValue() {
		if !e.IsString() || e.StringValue() == "" {
			return nil, fmt.Errorf("%s[%d] is %s, want a region name", k, i, e.TypeString())
		}
		out = append(out, e.StringValue())
	}
	return out, nil
}
