package provider

import (
	"context"
	"errors"
	"fmt"
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
// Inputs: accountId, roleArn and region (the STS endpoint's). The outputs
// are the inputs: the resource holds no credential, in state or anywhere.
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
	ctx, cancel := context.WithTimeout(ctx, AccountReadyTimeout)
	defer cancel()
	var last error
	for wait := AccountReadyFirstWait; ; wait = min(2*wait, time.Minute) {
		err := probeAccount(ctx, cfg, mgmt, endpoint, id, role)
		if err == nil {
			return inputs.Copy(), nil
		}
		// an attempt the bound cut short says less than the one before it
		if last == nil || ctx.Err() == nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: account %s is not usable: role %s could not be assumed and used within %s: %w",
				AccountReadyType, id, role, AccountReadyTimeout, last)
		case <-time.After(wait):
		}
	}
}

// probeAccount assumes role and asks STS who the session is: the answer
// must be account id.
func probeAccount(ctx context.Context, cfg aws.Config, mgmt *sts.Client, endpoint func(*sts.Options), id, role string) error {
	out, err := mgmt.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(role),
		RoleSessionName: aws.String(accountReadySession),
		DurationSeconds: aws.Int32(900), // the least STS allows: one call is made with it
	})
	if err != nil {
		return fmt.Errorf("sts:AssumeRole: %w", err)
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil {
		return errors.New("sts:AssumeRole returned no credentials")
	}
	in := cfg.Copy()
	in.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, aws.ToString(c.SessionToken)))
	who, err := sts.NewFromConfig(in, endpoint).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("sts:GetCallerIdentity in the account: %w", err)
	}
	if got := aws.ToString(who.Account); got != id {
		return fmt.Errorf("the role's session is in account %q, not %s", got, id)
	}
	return nil
}
