package compliance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/internal/awsrules"
)

// API groups of the kinds the controls judge.
const (
	gS3      = "s3.aws.upbound.io"
	gRDS     = "rds.aws.upbound.io"
	gKMS     = "kms.aws.upbound.io"
	gIAM     = "iam.aws.upbound.io"
	gEC2     = "ec2.aws.upbound.io"
	gEKS     = "eks.aws.upbound.io"
	gELB     = "elbv2.aws.upbound.io"
	gWAF     = "wafv2.aws.upbound.io"
	gLogs    = "cloudwatchlogs.aws.upbound.io"
	gTrail   = "cloudtrail.aws.upbound.io"
	gConfig  = "configservice.aws.upbound.io"
	gGuard   = "guardduty.aws.upbound.io"
	gEFS     = "efs.aws.upbound.io"
	gSNS     = "sns.aws.upbound.io"
	gSecrets = "secretsmanager.aws.upbound.io"
)

// scope is the render under judgement and the environment it is for.
type scope struct {
	*awsrules.Render
	env      string
	today    time.Time
	policies *PolicyCache
}

func (s *scope) prod() bool { return s.env == "prod" }

// The forProvider accessors the AWS rules use.
var (
	fp       = awsrules.FP
	fpString = awsrules.FPString
	fpBool   = awsrules.FPBool
)

// fpNumber reads a number as JSON and YAML decode it; ok is false when the
// field is absent.
func fpNumber(o *unstructured.Unstructured, path ...any) (float64, bool) {
	n, ok := awsrules.FPInt(o, path...)
	return float64(n), ok
}

func fpStrings(o *unstructured.Unstructured, path ...any) []string {
	l, _ := fp(o, path...).([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// fpPath renders a forProvider path as the report shows it.
func fpPath(path ...any) string {
	var b strings.Builder
	b.WriteString("spec.forProvider")
	for _, p := range path {
		switch k := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", k)
		default:
			fmt.Fprintf(&b, ".%v", k)
		}
	}
	return b.String()
}

// show renders a judged value: absent fields are "<unset>".
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "<unset>"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// at is evidence of the value at path under forProvider.
func at(o *unstructured.Unstructured, ok bool, why string, path ...any) Evidence {
	return Evidence{Resource: awsrules.Key(o), Field: fpPath(path...), Value: show(fp(o, path...)), OK: ok, Why: why}
}

// equals is evidence that the value at path is want.
func equals(o *unstructured.Unstructured, want any, why string, path ...any) Evidence {
	got := fp(o, path...)
	ok := got == want
	if n, isNum := fpNumber(o, path...); isNum {
		if w, wantNum := want.(int); wantNum {
			ok = n == float64(w)
		}
	}
	return at(o, ok, why, path...)
}

// missing is evidence that a resource o needs is not rendered.
func missing(o *unstructured.Unstructured, what, why string) Evidence {
	return Evidence{Resource: awsrules.Key(o), Field: what, Value: "<none rendered>", Why: why}
}

// selects is whether the value at path names a key: a selector, or a
// literal ID or ARN.
func selects(o *unstructured.Unstructured, path string) (string, bool) {
	if sel, ok := fp(o, path+"Selector").(map[string]any); ok {
		ml, _ := sel["matchLabels"].(map[string]any)
		l, _ := ml[awsrules.LabelResource].(string)
		return "selector " + l, l != ""
	}
	if v := fpString(o, path); v != "" {
		return v, true
	}
	return "<unset>", false
}

// keyOf is the KMS key a field at path (kmsKeyId, keyArn …) names: the
// selected Key, or the Key whose alias or ARN the literal value is.
func (s *scope) keyOf(o *unstructured.Unstructured, path string) *unstructured.Unstructured {
	if k := s.Selected(o, path+"Selector"); k != nil {
		return k
	}
	return s.keyNamed(fpString(o, path))
}

// keyNamed is the rendered Key an alias name or key ARN names, or nil.
func (s *scope) keyNamed(v string) *unstructured.Unstructured {
	if v == "" {
		return nil
	}
	for _, a := range s.Of(gKMS, "Alias") {
		if a.GetAnnotations()["crossplane.io/external-name"] == v {
			return s.Selected(a, "targetKeyIdSelector")
		}
	}
	for _, k := range s.Of(gKMS, "Key") {
		if arn, _ := awsrules.Dig(k.Object, "status", "atProvider", "arn").(string); arn != "" && arn == v {
			return k
		}
	}
	return nil
}

// tierOf is the platform tier a resource belongs to.
func tierOf(o *unstructured.Unstructured) string {
	return o.GetLabels()["platform.paynext.io/tier"]
}

// bucketName is the bucket's AWS name.
func bucketName(b *unstructured.Unstructured) string {
	return b.GetAnnotations()["crossplane.io/external-name"]
}

// bucketARN is the bucket's ARN in its region's partition (the platform's
// partition table; an unknown region falls back to aws).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func bucketARN(b *unstructured.Unstructured) string {
	partition := "aws"
	if p, ok := v1alpha1.PartitionOf(fpString(b, "region")); ok {
		partition = p.ID
	}
	return "arn:" + partition + ":s3:::" + bucketName(b)
}

// isReplica is whether the bucket is a replication destination.
func (s *scope) isReplica(b *unstructured.Unstructured) bool {
	arn := bucketARN(b)
	for _, rc := range s.Of(gS3, "BucketReplicationConfiguration") {
		for i := range len(fpList(rc, "rule")) {
			if fpString(rc, "rule", i, "destination", 0, "bucket") == arn {
				return true
			}
		}
	}
	return false
}

func fpList(o *unstructured.Unstructured, path ...any) []any {
	l, _ := fp(o, path...).([]any)
	return l
}

// sorted returns ss sorted, for stable evidence.
func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}
