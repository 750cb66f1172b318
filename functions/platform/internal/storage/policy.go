package storage

import (
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/functions/platform/internal/policy"
)

// BucketPolicy denies every request without TLS 1.2+, and writes that ask for
// another encryption than the bucket's; the logs, audit and AWS Config
// buckets also let the AWS services that deliver to them write, for this
// account only.
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
	// Deny an upload only when it asks for another encryption: the header is
	// present (Null false) and differs (StringNotEquals). An upload without
	// the header gets the bucket's default encryption, which is how S3
	// server access logging, ELB access logs and AWS Config deliver; a
	// negated operator, or …IfExists, holds when the key is missing and
	// would deny them all.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html (default encryption applies to uploads that name none)
	statements = append(statements, policy.Statement{
		Sid: "DenyOtherEncryption", Effect: policy.Deny, Principal: everyone, Action: []string{"s3:PutObject"}, Resource: []string{arn + "/*"},
		Condition: policy.Conditions{}.
			With("StringNotEquals", "s3:x-amz-server-side-encryption", sse).
			With("Null", "s3:x-amz-server-side-encryption", "false"),
	})
	if b.replica {
		return policy.New(statements...)
	}
	ofThisAccount := policy.Conditions{}.With("StringEquals", "aws:SourceAccount", cfg.AccountID)
	switch b.purpose {
	case Logs:
		albLogs := arn + "/alb/AWSLogs/" + cfg.AccountID + "/*"
		statements = append(statements,
			policy.Statement{
				Sid: "S3ServerAccessLogs", Effect: policy.Allow, Principal: policy.ServicePrincipal("logging.s3.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{arn + "/s3-access/*"}, Condition: ofThisAccount,
			},
			policy.Statement{
				Sid: "ALBAccessLogs", Effect: policy.Allow, Principal: policy.ServicePrincipal("logdelivery.elasticloadbalancing.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{albLogs},
			},
		)
		// Regions older than August 2022 deliver ALB logs from a regional
		// Elastic Load Balancing account instead of the service principal.
		if elb, ok := elbLogAccounts[cfg.Region]; ok {
			statements = append(statements, policy.Statement{
				Sid: "ALBAccessLogsRegionalAccount", Effect: policy.Allow,
				Principal: &policy.Principal{AWS: []string{"arn:" + cfg.Partition() + ":iam::" + elb + ":root"}},
				Action:    []string{"s3:PutObject"}, Resource: []string{albLogs},
			})
		}
	case Audit:
		trail := cfg.ARN("cloudtrail", "trail/"+cfg.Prefix())
		statements = append(statements,
			policy.Statement{
				Sid: "AuditDeliveryChecksTheBucket", Effect: policy.Allow,
				Principal: &policy.Principal{Service: []string{"cloudtrail.amazonaws.com"}},
				Action:    []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{arn}, Condition: ofThisAccount,
			},
			policy.Statement{
				Sid: "CloudTrailDelivers", Effect: policy.Allow, Principal: policy.ServicePrincipal("cloudtrail.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{arn + "/AWSLogs/" + cfg.AccountID + "/*"},
				Condition: policy.Conditions{}.With("StringEquals", "aws:SourceArn", trail),
			},
		)
	case AWSConfig:
		// AWS Config delivers with the recorder's role; these statements
		// are what it needs when it delivers as the service (a service-
		// linked recorder), for this account only.
		// https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
		statements = append(statements,
			policy.Statement{
				Sid: "ConfigChecksTheBucket", Effect: policy.Allow, Principal: policy.ServicePrincipal("config.amazonaws.com"),
				Action: []string{"s3:GetBucketAcl", "s3:ListBucket"}, Resource: []string{arn}, Condition: ofThisAccount,
			},
			policy.Statement{
				Sid: "ConfigDelivers", Effect: policy.Allow, Principal: policy.ServicePrincipal("config.amazonaws.com"),
				Action: []string{"s3:PutObject"}, Resource: []string{arn + "/AWSLogs/" + cfg.AccountID + "/Config/*"}, Condition: ofThisAccount,
			},
		)
	}
	return policy.New(statements...)
}

// elbLogAccounts are the Elastic Load Balancing accounts that deliver access
// logs in the regions that predate the log-delivery service principal (from
// the Elastic Load Balancing user guide, "Enable access logs").
var elbLogAccounts = map[string]string{
	"us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
	"af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-south-1": "718504428378", "ap-northeast-1": "582318560864",
	"ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
	"ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806", "eu-west-2": "652711504416",
	"eu-west-3": "009996457667", "eu-south-1": "635631232127", "eu-north-1": "897822967062", "me-south-1": "076674570225",
	"sa-east-1": "507241528517", "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
}
