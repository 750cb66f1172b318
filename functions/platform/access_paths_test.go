package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource/composed"

	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/iampolicy"
)

// accessPath is one request AWS must decide as the platform expects. Its name
// is the same in every estate (labels, not names), so the known-failure list
// can name it.
type accessPath struct {
	name    string
	req     iampolicy.Request
	mode    iampolicy.Mode
	sources []iampolicy.Source
}

// pathRule is one row of the access table: who makes which requests, and the
// AWS documentation of the request context that service sends.
type pathRule struct {
	who  string
	docs []string
	// note says what AWS documents a service does not send, or which part
	// of the context is assumed because no page states it.
	note  string
	paths func(t *testing.T, e *estate) []accessPath
}

// Context values the services send on every request to S3 and SNS: they
// call over TLS (1.2 or later).
func tls() iampolicy.Context {
	return iampolicy.Context{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.2"}}
}

func with(c iampolicy.Context, kv ...string) iampolicy.Context {
	out := iampolicy.Context{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = append(out[kv[i]], kv[i+1])
	}
	return out
}

func service(s string) iampolicy.Principal { return iampolicy.Principal{Service: s} }

func (e *estate) as(r *roleOf) iampolicy.Principal {
	return iampolicy.Principal{ARN: r.arn, Account: e.account}
}

func resourcePolicy(name string, p *iampolicy.Policy) []iampolicy.Source {
	if p == nil {
		return nil
	}
	return []iampolicy.Source{{Name: name, Kind: iampolicy.Resource, Policy: p}}
}

// kmsPaths are the requests on a key: the key policy decides, delegating to
// the caller's identity policies where it names the account. KMS adds
// kms:CallerAccount for IAM callers and kms:ResourceAliases for every key.
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases
func (e *estate) kmsPaths(who string, p iampolicy.Principal, k *keyOf, ctx iampolicy.Context, identity []iampolicy.Source, actions ...string) []accessPath {
	var out []accessPath
	for _, a := range actions {
		c := with(ctx)
		c["kms:ResourceAliases"] = k.aliases
		if p.ARN != "" {
			c["kms:CallerAccount"] = []string{p.Account}
		}
		if _, set := c["kms:GrantIsForAWSResource"]; a == "kms:CreateGrant" && c["kms:ViaService"] != nil && !set {
			c["kms:GrantIsForAWSResource"] = []string{"true"}
		}
		out = append(out, accessPath{
			name: who + " " + a + " on " + k.label,
			req:  iampolicy.Request{Principal: p, Action: a, Resource: k.arn, Context: c},
			mode: iampolicy.KeyPolicy, sources: append(resourcePolicy(k.label, k.policy), identity...),
		})
	}
	return out
}

func (e *estate) s3Path(who string, p iampolicy.Principal, action string, b *bucketOf, object string, ctx iampolicy.Context, identity []iampolicy.Source) accessPath {
	res, what := b.arn, b.label
	if object != "" {
		res, what = b.arn+"/"+object, b.label+"/"+objectShape(object)
	}
	return accessPath{
		name: who + " " + action + " on " + what,
		req:  iampolicy.Request{Principal: p, Action: action, Resource: res, Context: ctx},
		mode: iampolicy.SameAccount, sources: append(resourcePolicy(b.label, b.policy), identity...),
	}
}

// objectShape keeps a path's name stable across estates: object keys carry
// account IDs, regions and bucket names, so only their first segment names
// the path.
func objectShape(k string) string {
	first, _, _ := strings.Cut(k, "/")
	return first + "/…"
}

// assumePath is a principal assuming a role: the trust policy is the role's
// resource policy.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy
func (e *estate) assumePath(who string, p iampolicy.Principal, action string, r *roleOf, ctx iampolicy.Context) accessPath {
	return accessPath{
		name: who + " " + action + " " + r.label,
		req:  iampolicy.Request{Principal: p, Action: action, Resource: r.arn, Context: ctx},
		mode: iampolicy.SameAccount, sources: resourcePolicy(r.label+" trust", r.trust),
	}
}

// identity is what the role's identity policies are, as far as the model
// knows them: its inline policies, and the AWS managed policies whose
// documents are transcribed here.
func (e *estate) identity(r *roleOf) []iampolicy.Source {
	out := slices.Clone(r.inline)
	for _, m := range r.managed {
		if strings.HasSuffix(m, ":policy/AdministratorAccess") {
			out = append(out, iampolicy.Source{Name: "AdministratorAccess", Kind: iampolicy.Identity, Policy: administratorAccess})
		}
	}
	return out
}

// assumedManaged stands in for the part of an attached AWS managed policy the
// model has not transcribed: it allows exactly action on resource, and only
// if the role really has the policy attached. Every use is listed in the
// report as an assumption a real account should confirm.
func (e *estate) assumedManaged(t *testing.T, r *roleOf, policy, action, resource string) []iampolicy.Source {
	t.Helper()
	if !slices.ContainsFunc(r.managed, func(m string) bool { return strings.HasSuffix(m, "/"+policy) }) {
		t.Errorf("%s: role %s does not have %s attached, which the access model assumes", e.file, r.label, policy)
		return nil
	}
	p, err := iampolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	return []iampolicy.Source{{Name: "assumed " + policy, Kind: iampolicy.Identity, Policy: p}}
}

// assumedIdentity stands in for an identity policy the platform does not
// render (the provider's role, which the installer creates): it allows
// exactly action on resource. Every use is listed in the report as an
// assumption a real account should confirm.
func assumedIdentity(t *testing.T, name, action, resource string) []iampolicy.Source {
	t.Helper()
	p, err := iampolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	return []iampolicy.Source{{Name: "assumed " + name, Kind: iampolicy.Identity, Policy: p}}
}

// each calls f for every observed resource of kind (and API group prefix).
func (e *estate) each(kind, group string, f func(label string, o *composed.Unstructured)) {
	for _, label := range slices.Sorted(maps.Keys(e.objs)) {
		o := e.objs[label]
		if o.GetKind() == kind && strings.HasPrefix(o.GroupVersionKind().Group, group) {
			f(label, o)
		}
	}
}

// topicByARN is the rendered topic an ARN in a publisher's configuration names.
func (e *estate) topicByARN(t *testing.T, arn string) *topicOf {
	t.Helper()
	for _, tp := range e.topics {
		if tp.arn == arn {
			return tp
		}
	}
	t.Fatalf("%s: %s is not a rendered topic's ARN", e.file, arn)
	return nil
}

// requiredPaths is the access table: every request the platform relies on.
var requiredPaths = []pathRule{{
	who: "CloudWatch Logs encrypting each log group with its CMK",
	docs: []string{
		"https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
		// The encryption context is the log group ARN; logs calls KMS as
		// the regional service principal.
		"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/CloudWatchLogsAPIKeyAccess.html",
	},
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("Group", "cloudwatchlogs", func(label string, o *composed.Unstructured) {
			kl := selected(fpOf(o), "kmsKeyIdSelector")
			if kl == "" {
				t.Errorf("%s: log group %s has no CMK", e.file, label)
				return
			}
			ctx := iampolicy.Context{"kms:EncryptionContext:aws:logs:arn": {e.arn("logs", e.region, "log-group:"+externalName(o))}}
			out = append(out, e.kmsPaths("logs ("+label+")", service("logs."+e.region+".amazonaws.com"), e.key(t, kl), ctx, nil, "kms:GenerateDataKey", "kms:Decrypt")...)
		})
		// Aurora's log exports go to groups RDS names itself; where the
		// platform does not render one, RDS creates it without the CMK.
		// The path asks whether the platform's logs key would admit it.
		e.each("Cluster", "rds", func(_ string, c *composed.Unstructured) {
			exports, _ := fpOf(c)["enabledCloudwatchLogsExports"].([]any)
			for _, x := range exports {
				name := "/aws/rds/cluster/" + externalName(c) + "/" + x.(string)
				rendered := false
				e.each("Group", "cloudwatchlogs", func(_ string, g *composed.Unstructured) { rendered = rendered || externalName(g) == name })
				if rendered {
					continue
				}
				ctx := iampolicy.Context{"kms:EncryptionContext:aws:logs:arn": {e.arn("logs", e.region, "log-group:"+name)}}
				out = append(out, e.kmsPaths("logs (aurora "+x.(string)+" export, group not rendered)", service("logs."+e.region+".amazonaws.com"),
					e.key(t, "kms-key-logs"), ctx, nil, "kms:GenerateDataKey", "kms:Decrypt")...)
			}
		})
		return out
	},
}, {
	who: "CloudTrail delivering to the audit bucket and encrypting with the logs CMK",
	docs: []string{
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
	},
	note: "CloudTrail sends aws:SourceArn (the trail) and aws:SourceAccount (both documented on the key policy page); its GenerateDataKey " +
		"requests carry the encryption context aws:cloudtrail:arn. DescribeKey is not a cryptographic operation and carries no " +
		"encryption context (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-keys).",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("Trail", "cloudtrail", func(label string, o *composed.Unstructured) {
			fp := fpOf(o)
			trail := e.arn("cloudtrail", e.region, "trail/"+externalName(o))
			src := iampolicy.Context{"aws:SourceArn": {trail}, "aws:SourceAccount": {e.account}}
			ct := service("cloudtrail.amazonaws.com")
			b := e.buckets[selected(fp, "s3BucketNameSelector")]
			for k, v := range tls() {
				src[k] = v
			}
			out = append(out,
				e.s3Path("cloudtrail", ct, "s3:GetBucketAcl", b, "", src, nil),
				e.s3Path("cloudtrail", ct, "s3:PutObject", b, "AWSLogs/"+e.account+"/CloudTrail/"+e.region+"/2026/11/29/x.json.gz",
					with(src, "s3:x-amz-acl", "bucket-owner-full-control", "s3:x-amz-server-side-encryption", "aws:kms"), nil))
			k := e.key(t, selected(fp, "kmsKeyIdSelector"))
			kctx := iampolicy.Context{"aws:SourceArn": {trail}, "aws:SourceAccount": {e.account}}
			out = append(out, e.kmsPaths("cloudtrail", ct, k, with(kctx, "kms:EncryptionContext:aws:cloudtrail:arn", trail), nil, "kms:GenerateDataKey")...)
			// Required element 3 of the key policy: DescribeKey, which
			// carries no encryption context. Element 2: "If you use an
			// existing S3 bucket with an S3 Bucket Key, kms:Decrypt
			// permission is required to create or update a trail with
			// SSE-KMS encryption enabled".
			out = append(out, e.kmsPaths("cloudtrail", ct, k, kctx, nil, "kms:DescribeKey")...)
			if b.bucketKey {
				out = append(out, e.kmsPaths("cloudtrail (bucket key)", ct, k, with(kctx, "kms:EncryptionContext:aws:cloudtrail:arn", trail), nil, "kms:Decrypt")...)
			}
			r := e.role(t, selected(fp, "cloudWatchLogsRoleArnSelector"))
			out = append(out, e.assumePath("cloudtrail", ct, "sts:AssumeRole", r, kctx))
			group := strings.TrimSuffix(fp["cloudWatchLogsGroupArn"].(string), ":*")
			out = append(out,
				accessPath{name: "cloudtrail role logs:CreateLogStream on the audit log group", mode: iampolicy.SameAccount, sources: e.identity(r),
					req: iampolicy.Request{Principal: e.as(r), Action: "logs:CreateLogStream", Resource: group}},
				accessPath{name: "cloudtrail role logs:PutLogEvents on the audit log group", mode: iampolicy.SameAccount, sources: e.identity(r),
					req: iampolicy.Request{Principal: e.as(r), Action: "logs:PutLogEvents", Resource: group + ":log-stream:" + e.account + "_CloudTrail_" + e.region}})
		})
		return out
	},
}, {
	who: "AWS Config delivering to its bucket with its IAM role",
	docs: []string{
		// Config assumes the role it is given to write to S3 and publish to SNS.
		"https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html",
		"https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html",
		"https://docs.aws.amazon.com/config/latest/developerguide/sns-topic-policy.html",
	},
	note: "AWS Config does not support encrypted SNS topics (sns-topic-policy.html), so its notifications to an encrypted topic cannot succeed whatever the policies say: " +
		"the delivery channel names no topic, and AWS Config's noncompliance reaches the compliance topic through EventBridge (the EventBridge row). " +
		"Should a delivery channel name a topic again, its sns:Publish path is evaluated here.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("ConfigurationRecorder", "configservice", func(_ string, rec *composed.Unstructured) {
			r := e.role(t, selected(fpOf(rec), "roleArnSelector"))
			out = append(out, e.assumePath("config", service("config.amazonaws.com"), "sts:AssumeRole", r, iampolicy.Context{"aws:SourceAccount": {e.account}}))
			e.each("DeliveryChannel", "configservice", func(_ string, dc *composed.Unstructured) {
				fp := fpOf(dc)
				b := e.buckets[selected(fp, "s3BucketNameSelector")]
				out = append(out,
					e.s3Path("config role", e.as(r), "s3:GetBucketAcl", b, "", tls(), e.identity(r)),
					e.s3Path("config role", e.as(r), "s3:PutObject", b, "AWSLogs/"+e.account+"/Config/"+e.region+"/2026/11/29/x.json.gz",
						with(tls(), "s3:x-amz-acl", "bucket-owner-full-control"), e.identity(r)))
				if b.keyLabel != "" {
					ctx := iampolicy.Context{"kms:ViaService": {"s3." + e.region + ".amazonaws.com"}, "kms:EncryptionContext:aws:s3:arn": {b.arn}}
					out = append(out, e.kmsPaths("config role via s3", e.as(r), e.key(t, b.keyLabel), ctx, e.identity(r), "kms:GenerateDataKey")...)
				}
				if arn, _ := fp["snsTopicArn"].(string); arn != "" {
					tp := e.topicByARN(t, arn)
					out = append(out, accessPath{name: "config role sns:Publish on " + tp.label, mode: iampolicy.SameAccount,
						req:     iampolicy.Request{Principal: e.as(r), Action: "sns:Publish", Resource: tp.arn, Context: tls()},
						sources: append(resourcePolicy(tp.label, tp.policy), e.identity(r)...)})
				}
			})
		})
		return out
	},
}, {
	who: "EventBridge, CloudWatch alarms and Budgets publishing to each encrypted topic",
	docs: []string{
		"https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions",
		"https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html",
		"https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html",
		"https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
	},
	note: "Assumed, not confirmed from a page in this session: that each publisher sends aws:SourceAccount and aws:SourceArn to SNS, " +
		"and that SNS carries aws:SourceAccount into the KMS request it makes for the publisher (the messaging key's AlertPublishers " +
		"statement depends on it). A real account should confirm an alarm, a rule and a budget publishing to each encrypted topic.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		publish := func(who, svc, source, topicARN string) {
			tp := e.topicByARN(t, topicARN)
			ctx := with(tls(), "aws:SourceAccount", e.account, "aws:SourceArn", source)
			out = append(out, accessPath{name: who + " sns:Publish on " + tp.label, mode: iampolicy.SameAccount,
				req: iampolicy.Request{Principal: service(svc), Action: "sns:Publish", Resource: tp.arn, Context: ctx}, sources: resourcePolicy(tp.label, tp.policy)})
			if tp.keyLabel != "" {
				kctx := iampolicy.Context{"aws:SourceAccount": {e.account}, "kms:EncryptionContext:aws:sns:topicArn": {tp.arn}}
				out = append(out, e.kmsPaths(who+" for "+tp.label, service(svc), e.key(t, tp.keyLabel), kctx, nil, "kms:GenerateDataKey", "kms:Decrypt")...)
			}
		}
		e.each("MetricAlarm", "cloudwatch.", func(_ string, o *composed.Unstructured) {
			for _, a := range fpOf(o)["alarmActions"].([]any) {
				publish("cloudwatch", "cloudwatch.amazonaws.com", e.arn("cloudwatch", e.region, "alarm:"+externalName(o)), a.(string))
			}
		})
		e.each("Target", "cloudwatchevents", func(_ string, o *composed.Unstructured) {
			fp := fpOf(o)
			rule := e.objs[selected(fp, "ruleSelector")]
			publish("events", "events.amazonaws.com", e.arn("events", e.region, "rule/"+externalName(rule)), fp["arn"].(string))
		})
		e.each("Budget", "budgets", func(_ string, o *composed.Unstructured) {
			for _, n := range fpOf(o)["notification"].([]any) {
				for _, a := range n.(map[string]any)["subscriberSnsTopicArns"].([]any) {
					publish("budgets", "budgets.amazonaws.com", "arn:"+e.partition+":budgets::"+e.account+":budget/"+externalName(o), a.(string))
				}
			}
		})
		return out
	},
}, {
	who: "ELB and S3 server access logging delivering into the logs bucket",
	docs: []string{
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html#grant-log-delivery-permissions-general",
	},
	note: "S3 log delivery sends aws:SourceArn (the source bucket) and aws:SourceAccount (the bucket policy example of the S3 page). " +
		"Neither service is documented to send an x-amz-server-side-encryption header; the paths are modelled without one. " +
		"The log delivery service principal of ELB is modelled; regions older than August 2022 also accept the regional ELB account, " +
		"a cross-account principal this model does not evaluate.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("LB", "elbv2", func(_ string, o *composed.Unstructured) {
			al := awsrules.Dig(fpOf(o), "accessLogs", 0)
			b := e.bucketNamedBy(al, "bucket")
			prefix, _ := awsrules.Dig(al, "prefix").(string)
			out = append(out, e.s3Path("elb log delivery", service("logdelivery.elasticloadbalancing.amazonaws.com"), "s3:PutObject", b,
				prefix+"/AWSLogs/"+e.account+"/elasticloadbalancing/"+e.region+"/2026/11/29/x.log.gz", tls(), nil))
		})
		e.each("BucketLogging", "s3", func(label string, o *composed.Unstructured) {
			fp := fpOf(o)
			src, dst := e.buckets[selected(fp, "bucketSelector")], e.buckets[selected(fp, "targetBucketSelector")]
			ctx := with(tls(), "aws:SourceArn", src.arn, "aws:SourceAccount", e.account)
			p := e.s3Path("s3 log delivery for "+src.label, service("logging.s3.amazonaws.com"), "s3:PutObject", dst, fp["targetPrefix"].(string)+"2026-11-29-00-00-00-X", ctx, nil)
			out = append(out, p)
		})
		return out
	},
}, {
	who: "S3 replication through the source and replica keys",
	docs: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html",
	},
	note: "With S3 Bucket Keys the KMS encryption context is the bucket ARN (aws:s3:arn). That S3 sends aws:SourceAccount and " +
		"aws:SourceArn (the source bucket) when it assumes the replication role is assumed from the trust-policy example.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("BucketReplicationConfiguration", "s3", func(_ string, o *composed.Unstructured) {
			fp := fpOf(o)
			r := e.role(t, selected(fp, "roleSelector"))
			src := e.buckets[selected(fp, "bucketSelector")]
			s3 := service("s3.amazonaws.com")
			out = append(out, e.assumePath("s3", s3, "sts:AssumeRole", r, iampolicy.Context{"aws:SourceAccount": {e.account}, "aws:SourceArn": {src.arn}}))
			id := e.identity(r)
			out = append(out,
				e.s3Path("replication role", e.as(r), "s3:GetReplicationConfiguration", src, "", tls(), id),
				e.s3Path("replication role", e.as(r), "s3:GetObjectVersionForReplication", src, "k", tls(), id))
			if src.keyLabel != "" {
				ctx := iampolicy.Context{"kms:ViaService": {"s3." + src.region + ".amazonaws.com"}, "kms:EncryptionContext:aws:s3:arn": {src.arn}}
				out = append(out, e.kmsPaths("replication role via s3 ("+src.label+")", e.as(r), e.key(t, src.keyLabel), ctx, id, "kms:Decrypt")...)
			}
			rules, _ := fp["rule"].([]any)
			for i := range rules {
				dest := awsrules.Dig(fp, "rule", i, "destination", 0)
				dst := e.bucketNamedBy(dest, "bucket")
				if dst == nil {
					t.Errorf("%s: a replication rule of %s names no rendered bucket", e.file, src.label)
					continue
				}
				// A replica keeps its source's kind of encryption: SSE-S3
				// sources (the logs bucket) give SSE-S3 replicas.
				// https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html
				sse := "aws:kms"
				if src.keyLabel == "" {
					sse = "AES256"
				}
				out = append(out, e.s3Path("replication role", e.as(r), "s3:ReplicateObject", dst, "k", with(tls(), "s3:x-amz-server-side-encryption", sse), id))
				ctx := iampolicy.Context{"kms:ViaService": {"s3." + dst.region + ".amazonaws.com"}, "kms:EncryptionContext:aws:s3:arn": {dst.arn}}
				out = append(out, e.kmsPaths("replication role via s3 ("+dst.label+")", e.as(r), e.key(t, e.keyNamedBy(awsrules.Dig(dest, "encryptionConfiguration", 0), "replicaKmsKeyId")), ctx, id, "kms:Encrypt", "kms:GenerateDataKey")...)
			}
		})
		return out
	},
}, {
	who: "AWS Backup and RDS making the disaster-recovery copies with the DR backup key",
	docs: []string{
		"https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html",
		"https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-copy-snapshot.html",
	},
	note: "Aurora is not fully managed by AWS Backup: RDS makes the copy, so its KMS calls come via rds.<drRegion>; EFS copies are made by AWS Backup via backup.<drRegion>. The KMS statements of AWSBackupServiceRolePolicyForBackup are not transcribed: the identity side of these calls is assumed to allow (a real account should confirm a copy job of each kind).",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("Plan", "backup", func(_ string, plan *composed.Unstructured) {
			copies := false
			for _, rule := range fpOf(plan)["rule"].([]any) {
				if awsrules.Dig(rule, "copyAction", 0, "destinationVaultArn") != nil {
					copies = true
				}
			}
			if !copies {
				return
			}
			var drKey *keyOf
			e.each("Vault", "backup", func(_ string, v *composed.Unstructured) {
				if regionOf(v, e.region) == e.dr {
					drKey = e.key(t, selected(fpOf(v), "kmsKeyArnSelector"))
				}
			})
			if drKey == nil {
				t.Errorf("%s: the backup plan copies to %s, where no vault is rendered", e.file, e.dr)
				return
			}
			e.each("Selection", "backup", func(_ string, sel *composed.Unstructured) {
				r := e.role(t, selected(fpOf(sel), "iamRoleArnSelector"))
				out = append(out, e.assumePath("backup", service("backup.amazonaws.com"), "sts:AssumeRole", r, iampolicy.Context{"aws:SourceAccount": {e.account}}))
				for _, via := range []string{"backup", "rds"} {
					ctx := iampolicy.Context{"kms:ViaService": {via + "." + e.dr + ".amazonaws.com"}}
					for _, a := range []string{"kms:CreateGrant", "kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"} {
						out = append(out, e.kmsPaths("backup role via "+via+"."+"<drRegion>", e.as(r), drKey, ctx,
							e.assumedManaged(t, r, "AWSBackupServiceRolePolicyForBackup", a, drKey.arn), a)...)
					}
				}
			})
		})
		return out
	},
}, {
	who:  "the Auto Scaling service-linked role launching nodes with the node volumes' CMK",
	docs: []string{"https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html"},
	note: "The service-linked role's own permissions do not include customer managed keys (same page), so the key policy must name it. kms:ViaService ec2.<region> is assumed for its calls; the page states no condition.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("LaunchTemplate", "ec2", func(_ string, lt *composed.Unstructured) {
			kl := e.keyNamedBy(awsrules.Dig(fpOf(lt), "blockDeviceMappings", 0, "ebs", 0), "kmsKeyId")
			if kl == "" {
				return
			}
			slr := iampolicy.Principal{ARN: "arn:" + e.partition + ":iam::" + e.account + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", Account: e.account}
			ctx := iampolicy.Context{"kms:ViaService": {"ec2." + e.region + ".amazonaws.com"}}
			out = append(out, e.kmsPaths("AWSServiceRoleForAutoScaling", slr, e.key(t, kl), ctx, nil,
				"kms:GenerateDataKeyWithoutPlaintext", "kms:Decrypt", "kms:ReEncryptFrom", "kms:DescribeKey", "kms:CreateGrant")...)
		})
		return out
	},
}, {
	who: "EKS envelope-encrypting Kubernetes secrets with its key",
	docs: []string{
		"https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html",
		"https://docs.aws.amazon.com/eks/latest/userguide/cluster-iam-role.html",
	},
	note: "EKS calls KMS with the cluster role; that EKS sends aws:SourceAccount when it assumes the cluster role is assumed (cluster-iam-role.html shows a trust policy without conditions).",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("Cluster", "eks", func(_ string, c *composed.Unstructured) {
			fp := fpOf(c)
			r := e.role(t, selected(fp, "roleArnSelector"))
			out = append(out, e.assumePath("eks", service("eks.amazonaws.com"), "sts:AssumeRole", r, iampolicy.Context{"aws:SourceAccount": {e.account}}))
			arn, _ := awsrules.Dig(fp, "encryptionConfig", 0, "provider", 0, "keyArn").(string)
			if arn == "" {
				t.Errorf("%s: the EKS cluster has no secrets encryption key", e.file)
				return
			}
			out = append(out, e.kmsPaths("eks cluster role", e.as(r), e.key(t, e.keyByARN(t, arn)), nil, e.identity(r),
				"kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant")...)
		})
		return out
	},
}, {
	who:  "the provider creating the EKS cluster with secrets encryption",
	docs: []string{"https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html"},
	note: "The page: the principal that calls CreateCluster needs kms:CreateGrant and kms:DescribeKey on the key, and kms:GrantIsForAWSResource " +
		"is not supported for that call. Assumed, not confirmed from a page: that EKS creates the grant with the caller's credentials, so " +
		"kms:ViaService is eks.<region> (EKS is in the kms:ViaService table of conditions-kms.html). The provider's role is the installer's; " +
		"it is assumed to allow both actions.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("Cluster", "eks", func(_ string, c *composed.Unstructured) {
			arn, _ := awsrules.Dig(fpOf(c), "encryptionConfig", 0, "provider", 0, "keyArn").(string)
			if arn == "" {
				return // the envelope-encryption row reports it
			}
			k := e.key(t, e.keyByARN(t, arn))
			provider := iampolicy.Principal{ARN: "arn:" + e.partition + ":iam::" + e.account + ":role/crossplane-provider-aws", Account: e.account}
			ctx := iampolicy.Context{"kms:ViaService": {"eks." + e.region + ".amazonaws.com"}, "kms:GrantIsForAWSResource": {"false"}}
			out = append(out, e.kmsPaths("provider via eks", provider, k, ctx, assumedIdentity(t, "provider role", "kms:CreateGrant", k.arn), "kms:CreateGrant")...)
			out = append(out, e.kmsPaths("provider", provider, k, nil, assumedIdentity(t, "provider role", "kms:DescribeKey", k.arn), "kms:DescribeKey")...)
		})
		return out
	},
}, {
	who: "RDS Proxy reading the RDS-managed master secret",
	docs: []string{
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-iam-setup.html",
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-authz",
	},
	note: "Secrets Manager decrypts with kms:ViaService secretsmanager.<region> and the encryption context SecretARN; that RDS sends aws:SourceAccount when it assumes the proxy role is assumed.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("Proxy", "rds", func(_ string, px *composed.Unstructured) {
			fp := fpOf(px)
			r := e.role(t, selected(fp, "roleArnSelector"))
			out = append(out, e.assumePath("rds", service("rds.amazonaws.com"), "sts:AssumeRole", r, iampolicy.Context{"aws:SourceAccount": {e.account}}))
			fake, _ := awsrules.Dig(fp, "auth", 0, "secretArn").(string)
			// The fake provider reports its own account; the secret lives in
			// the platform's.
			secret := e.arn("secretsmanager", e.region, fake[strings.Index(fake, "secret:"):])
			out = append(out, accessPath{name: "rds proxy role secretsmanager:GetSecretValue on the master secret", mode: iampolicy.SameAccount, sources: e.identity(r),
				req: iampolicy.Request{Principal: e.as(r), Action: "secretsmanager:GetSecretValue", Resource: secret}})
			var kl string
			e.each("Cluster", "rds", func(_ string, c *composed.Unstructured) { kl = selected(fpOf(c), "masterUserSecretKmsKeyIdSelector") })
			ctx := iampolicy.Context{"kms:ViaService": {"secretsmanager." + e.region + ".amazonaws.com"}, "kms:EncryptionContext:SecretARN": {secret}}
			out = append(out, e.kmsPaths("rds proxy role via secretsmanager", e.as(r), e.key(t, kl), ctx, e.identity(r), "kms:Decrypt")...)
		})
		return out
	},
}, {
	who:  "each IRSA role assumed from its service account",
	docs: []string{"https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html"},
	note: "STS puts the token's sub and aud claims in the context as <issuer>:sub and <issuer>:aud.",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("OpenIDConnectProvider", "iam", func(_ string, op *composed.Unstructured) {
			issuer := strings.TrimPrefix(fpOf(op)["url"].(string), "https://")
			fed := iampolicy.Principal{Federated: "arn:" + e.partition + ":iam::" + e.account + ":oidc-provider/" + issuer}
			for _, label := range slices.Sorted(maps.Keys(e.roles)) {
				r := e.roles[label]
				if !slices.ContainsFunc(r.trust.Statements, func(s iampolicy.Statement) bool { return s.Principal != nil && len(s.Principal.Federated) > 0 }) {
					continue
				}
				sa, ok := serviceAccounts[label]
				if !ok {
					t.Errorf("%s: role %s trusts the cluster's OIDC provider but the access table names no service account for it", e.file, label)
					continue
				}
				ctx := iampolicy.Context{issuer + ":sub": {"system:serviceaccount:" + sa}, issuer + ":aud": {"sts.amazonaws.com"}}
				out = append(out, e.assumePath("service account "+sa, fed, "sts:AssumeRoleWithWebIdentity", r, ctx))
			}
		})
		return out
	},
}, {
	who:  "VPC Flow Logs writing to their log group",
	docs: []string{"https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html"},
	note: "Flow Logs sends aws:SourceAccount and aws:SourceArn (the flow log) when it assumes the role (the page's confused-deputy trust policy).",
	paths: func(t *testing.T, e *estate) []accessPath {
		var out []accessPath
		e.each("FlowLog", "ec2", func(_ string, fl *composed.Unstructured) {
			fp := fpOf(fl)
			r := e.role(t, selected(fp, "iamRoleArnSelector"))
			ctx := iampolicy.Context{"aws:SourceAccount": {e.account}, "aws:SourceArn": {e.arn("ec2", e.region, "vpc-flow-log/"+str(fl, "id"))}}
			out = append(out, e.assumePath("vpc-flow-logs", service("vpc-flow-logs.amazonaws.com"), "sts:AssumeRole", r, ctx))
			group := e.arn("logs", e.region, "log-group:"+externalName(e.objs[selected(fp, "logDestinationSelector")]))
			out = append(out, accessPath{name: "flow log role logs:PutLogEvents on its log group", mode: iampolicy.SameAccount, sources: e.identity(r),
				req: iampolicy.Request{Principal: e.as(r), Action: "logs:PutLogEvents", Resource: group + ":log-stream:eni-0123456789abcdef0-all"}})
		})
		return out
	},
}}

// serviceAccounts is the Kubernetes service account each IRSA role is for.
var serviceAccounts = map[string]string{
	// https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html (the add-on's controller service account)
	"iam-role-ebs-csi-driver": "kube-system:ebs-csi-controller-sa",
	// https://docs.aws.amazon.com/eks/latest/userguide/lbc-helm.html
	"iam-role-aws-load-balancer-controller": "kube-system:aws-load-balancer-controller",
}

// administratorAccess is the AWS managed policy's document.
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
var administratorAccess = func() *iampolicy.Policy {
	p, err := iampolicy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	if err != nil {
		panic("AdministratorAccess does not parse: " + err.Error())
	}
	return p
}()
