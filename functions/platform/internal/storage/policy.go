package storage

import (
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// BucketPolicy denies every request without TLS 1.2+, and writes that ask for
// another encryption than the bucket's; the logs and audit buckets also let
// the AWS services that deliver to them write, for this account only.
func BucketPolicy(cfg *platform.Config, b bucket) policy.Document {
	arn := "arn:" + cfg.Partition() + ":s3:::" + b.name(cfg)
	everyone := &policy.Principal{AWS: []string{"*"}}
	both := []string{arn, arn + "/*"}
	statements := []policy.Statement{
		{
			Sid: "DenyWithoutTLS", Effect: policy.Deny, Principal: everyone, Action: []string{"s3:*"}, Resource: both,
			Condition: policy.Conditions{}.With("Bool", "aws:SecureTransport", "false"),
		},
		{
			Sid: "DenyTLSBelow12", Effect: policy.Deny, Principal: everyone, Action: []string{"s3:*"}, Resource: both,
			Condition: policy.Conditions{}.With("NumericLessThan", "s3:TlsVersion", "1.2"),
		},
	}
	sse := "aws:kms"
	if b.purpose == Logs {
		sse = "AES256"
	}
	statements = append(statements, policy.Statement{
		Sid: "DenyOtherEncryption", Effect: policy.Deny, Principal: everyone, Action: []string{"s3:PutObject"}, Resource: []string{arn + "/*"},
		Condition: policy.Conditions{}.With("StringNotEqualsIfExists", "s3:x-amz-server-side-encryption", sse),
	})
	if b.replica {
		return policy.New(statements...)
	}
	ofThisAccount := policy.Conditions{}.With("StringEquals", "aws:SourceAccount", cfg.AccountID)
	switch b.purpose {
	case Logs:
		statements = append(statements, policy.Statement{
			Sid: "S3ServerAccessLogs", Effect: policy.Allow, Principal: policy.ServicePrincipal("logging.s3.amazonaws.com"),
			Action: []string{"s3:PutObject"}, Resource: []string{arn + "/s3-access/*"}, Condition: ofThisAccount,
		})
	case Audit:
		trail := cfg.ARN("cloudtrail", "trail/"+cfg.Prefix())
		statements = append(statements,
			policy.Statement{
				Sid: "AuditDeliveryChecksTheBucket", Effect: policy.Allow,
				Principal: &policy.Principal{Service: []string{"cloudtrail.amazonaws.com", "config.amazonaws.com"}},
				Action:    []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{arn}, Condition: ofThisAccount,
			},
			policy.Statement{
				Sid: "CloudTrailDelivers", Effect: policy.Allow, Principal: policy.ServicePrincipal("cloudtrail.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{arn + "/AWSLogs/" + cfg.AccountID + "/*"},
				Condition: policy.Conditions{}.With("StringEquals", "aws:SourceArn", trail),
			},
			policy.Statement{
				Sid: "ConfigDelivers", Effect: policy.Allow, Principal: policy.ServicePrincipal("config.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{arn + "/AWSLogs/" + cfg.AccountID + "/Config/*"}, Condition: ofThisAccount,
			},
		)
	}
	return policy.New(statements...)
}
