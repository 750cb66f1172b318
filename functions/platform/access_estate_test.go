package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/crossplane/function-sdk-go/resource/composed"
	efsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/efs/v1beta1"
	iamv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/iam/v1beta1"
	kmsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/kms/v1beta1"
	s3v1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/s3/v1beta1"
	secretsmanagerv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/secretsmanager/v1beta1"
	snsv1beta1 "github.com/upbound/provider-aws/v2/apis/cluster/sns/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/fakeaws"
	"github.com/paynext/platform/internal/iampolicy"
)

// estate is the access-relevant view of one converged render: every policy
// document parsed, and the resources the access paths name, keyed by their
// platform.paynext.io/resource label.
type estate struct {
	file                           string
	partition, account, region, dr string
	objs                           map[string]*composed.Unstructured // observed form, by label
	keys                           map[string]*keyOf
	roles                          map[string]*roleOf
	buckets                        map[string]*bucketOf
	topics                         map[string]*topicOf
	secrets                        map[string]*secretOf
	// policies counts the documents parsed, so a walk that found none fails.
	policies int
	links    []link
}

// link is a resource policy waiting for the resource its selector selects.
type link struct {
	kind, target string
	policy       *iampolicy.Policy
}

type keyOf struct {
	label, arn, region string
	aliases            []string
	policy             *iampolicy.Policy
}

type roleOf struct {
	label, name, arn string
	trust            *iampolicy.Policy
	inline           []iampolicy.Source
	managed          []string
}

type bucketOf struct {
	label, name, arn, region string
	policy                   *iampolicy.Policy
	keyLabel                 string // "" when the bucket uses SSE-S3
	bucketKey                bool   // S3 Bucket Keys are enabled
}

type topicOf struct {
	label, name, arn string
	policy           *iampolicy.Policy
	keyLabel         string
}

type secretOf struct {
	label, arn string
	policy     *iampolicy.Policy
	keyLabel   string
}

// newEstate renders file to convergence and parses what the access model
// needs. A policy that does not parse fails the test: nothing is skipped.
func newEstate(t *testing.T, f *Function, file string) *estate {
	t.Helper()
	xr := asXR(t, readXR(t, file))
	s := spec(xr)
	e := &estate{
		file: file, region: s["region"].(string), dr: s["drRegion"].(string), account: fakeaws.AccountID,
		objs: map[string]*composed.Unstructured{}, keys: map[string]*keyOf{}, roles: map[string]*roleOf{},
		buckets: map[string]*bucketOf{}, topics: map[string]*topicOf{}, secrets: map[string]*secretOf{},
	}
	if a, ok := s["accountId"].(string); ok && a != "" {
		e.account = a
	}
	e.partition = "aws"
	if strings.Contains(e.region, "-gov-") {
		e.partition = "aws-us-gov"
	}
	d := desiredOf(t, run(t, f, converged(t, f, xr)))
	for name, dc := range d {
		label := dc.Resource.GetLabels()[platform.LabelResource]
		if label == "" {
			t.Fatalf("%s: %s has no %s label", file, name, platform.LabelResource)
		}
		if _, dup := e.objs[label]; dup {
			t.Fatalf("%s: two resources carry the label %s", file, label)
		}
		e.objs[label] = fakeaws.ObserveOne(string(name), dc.Resource, e.region)
	}
	for label, o := range e.objs {
		e.parse(t, label, o)
	}
	for _, l := range e.links {
		var ok bool
		switch l.kind {
		case "BucketPolicy":
			var b *bucketOf
			if b, ok = e.buckets[l.target]; ok {
				b.policy = l.policy
			}
		case "TopicPolicy":
			var tp *topicOf
			if tp, ok = e.topics[l.target]; ok {
				tp.policy = l.policy
			}
		case "SecretPolicy":
			var sc *secretOf
			if sc, ok = e.secrets[l.target]; ok {
				sc.policy = l.policy
			}
		}
		if !ok {
			t.Fatalf("%s: a %s selects %q, which is not rendered", file, l.kind, l.target)
		}
	}
	// Link what the selectors link: aliases to keys, encryption to buckets.
	for _, o := range e.objs {
		fp := fpOf(o)
		switch o.GetKind() {
		case "Alias":
			k := e.keys[selected(fp, "targetKeyIdSelector")]
			if k == nil {
				t.Fatalf("%s: alias %s selects no key", file, externalName(o))
			}
			k.aliases = append(k.aliases, externalName(o))
		case "BucketServerSideEncryptionConfiguration":
			b := e.buckets[selected(fp, "bucketSelector")]
			if b == nil {
				t.Fatalf("%s: an encryption configuration selects no bucket", file)
			}
			b.keyLabel = e.keyNamedBy(awsrules.Dig(fp, "rule", 0, "applyServerSideEncryptionByDefault", 0), "kmsMasterKeyId")
			b.bucketKey, _ = awsrules.Dig(fp, "rule", 0, "bucketKeyEnabled").(bool)
		}
	}
	for _, tp := range e.topics {
		tp.keyLabel = e.keyByAlias(t, str(e.objs[tp.label], "kmsMasterKeyId"), e.region)
	}
	return e
}

func (e *estate) parse(t *testing.T, label string, o *composed.Unstructured) {
	t.Helper()
	doc := func(field string, s *string) *iampolicy.Policy {
		if s == nil {
			t.Fatalf("%s: %s %s has no %s", e.file, o.GetKind(), label, field)
		}
		p, err := iampolicy.Parse(*s)
		if err != nil {
			t.Fatalf("%s: %s %s.%s does not parse: %v", e.file, o.GetKind(), label, field, err)
		}
		e.policies++
		return p
	}
	fp := fpOf(o)
	switch o.GetKind() {
	case "Key":
		k := typed[kmsv1beta1.Key](t, o)
		e.keys[label] = &keyOf{label: label, arn: e.arn("kms", regionOf(o, e.region), "key/"+str(o, "id")), region: regionOf(o, e.region), policy: doc("policy", k.Spec.ForProvider.Policy)}
	case "Role":
		r := typed[iamv1beta1.Role](t, o)
		ro := &roleOf{label: label, name: externalName(o), trust: doc("assumeRolePolicy", r.Spec.ForProvider.AssumeRolePolicy)}
		ro.arn = "arn:" + e.partition + ":iam::" + e.account + ":role/" + ro.name
		for _, ip := range r.Spec.ForProvider.InlinePolicy {
			p := doc("inlinePolicy", ip.Policy)
			if err := iampolicy.CheckIdentity(p); err != nil {
				t.Fatalf("%s: role %s inline policy %s: %v", e.file, label, ptr.Deref(ip.Name, ""), err)
			}
			ro.inline = append(ro.inline, iampolicy.Source{Name: ro.name + "/" + ptr.Deref(ip.Name, ""), Kind: iampolicy.Identity, Policy: p})
		}
		for _, m := range r.Spec.ForProvider.ManagedPolicyArns {
			ro.managed = append(ro.managed, ptr.Deref(m, ""))
		}
		e.roles[label] = ro
	case "Bucket":
		name := externalName(o)
		e.buckets[label] = &bucketOf{label: label, name: name, arn: "arn:" + e.partition + ":s3:::" + name, region: regionOf(o, e.region)}
	case "BucketPolicy":
		bp := typed[s3v1beta1.BucketPolicy](t, o)
		p := doc("policy", bp.Spec.ForProvider.Policy)
		e.links = append(e.links, link{"BucketPolicy", selected(fp, "bucketSelector"), p})
	case "Topic":
		name := externalName(o)
		e.topics[label] = &topicOf{label: label, name: name, arn: e.arn("sns", regionOf(o, e.region), name)}
	case "TopicPolicy":
		tp := typed[snsv1beta1.TopicPolicy](t, o)
		p := doc("policy", tp.Spec.ForProvider.Policy)
		e.links = append(e.links, link{"TopicPolicy", selected(fp, "arnSelector"), p})
	case "Secret":
		e.secrets[label] = &secretOf{label: label, arn: e.arn("secretsmanager", regionOf(o, e.region), "secret:"+str(o, "name")+"-AbCdEf"), keyLabel: selected(fp, "kmsKeyIdSelector")}
	case "SecretPolicy":
		sp := typed[secretsmanagerv1beta1.SecretPolicy](t, o)
		p := doc("policy", sp.Spec.ForProvider.Policy)
		e.links = append(e.links, link{"SecretPolicy", selected(fp, "secretArnSelector"), p})
	case "FileSystemPolicy":
		// Parsed so that a malformed one fails; no path of the model uses
		// EFS (the CSI mount path is the node's, via the mount target).
		fs := typed[efsv1beta1.FileSystemPolicy](t, o)
		doc("policy", fs.Spec.ForProvider.Policy)
	}
}

// keyByAlias is the label of the key an alias name (or alias ARN) names in region.
func (e *estate) keyByAlias(t *testing.T, alias, region string) string {
	t.Helper()
	alias = alias[strings.Index(alias, "alias/"):]
	for _, k := range e.keys {
		if k.region == region && slices.Contains(k.aliases, alias) {
			return k.label
		}
	}
	t.Fatalf("%s: no key in %s has the alias %s", e.file, region, alias)
	return ""
}

// keyByARN is the label of the key with this ARN (compared by key ID, since
// the fake provider reports its own account).
func (e *estate) keyByARN(t *testing.T, arn string) string {
	t.Helper()
	for _, k := range e.keys {
		if strings.HasSuffix(arn, ":"+k.arn[strings.LastIndex(k.arn, ":")+1:]) {
			return k.label
		}
	}
	t.Fatalf("%s: no rendered key has the ARN %s", e.file, arn)
	return ""
}

func (e *estate) arn(service, region, resource string) string {
	return "arn:" + e.partition + ":" + service + ":" + region + ":" + e.account + ":" + resource
}

func (e *estate) key(t *testing.T, label string) *keyOf {
	t.Helper()
	k := e.keys[label]
	if k == nil {
		t.Fatalf("%s: no key labelled %s", e.file, label)
	}
	return k
}

func (e *estate) role(t *testing.T, label string) *roleOf {
	t.Helper()
	r := e.roles[label]
	if r == nil {
		t.Fatalf("%s: no role labelled %s", e.file, label)
	}
	return r
}

func typed[T any](t *testing.T, o *composed.Unstructured) *T {
	t.Helper()
	var v T
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &v); err != nil {
		t.Fatalf("%s %s does not decode into its provider type: %v", o.GetKind(), o.GetName(), err)
	}
	return &v
}

func fpOf(o *composed.Unstructured) map[string]any {
	fp, _ := awsrules.Dig(o.Object, "spec", "forProvider").(map[string]any)
	return fp
}

// str is a string field of the observed resource (atProvider carries the
// forProvider fields and the ID the fake provider assigned).
func str(o *composed.Unstructured, field string) string {
	s, _ := awsrules.Dig(o.Object, "status", "atProvider", field).(string)
	return s
}

func externalName(o *composed.Unstructured) string {
	return o.GetAnnotations()["crossplane.io/external-name"]
}

func regionOf(o *composed.Unstructured, def string) string {
	if r, _ := awsrules.Dig(o.Object, "spec", "forProvider", "region").(string); r != "" {
		return r
	}
	return def
}

// selected is the resource label a selector field selects.
func selected(v any, field string) string {
	s, _ := awsrules.Dig(v, field, "matchLabels", platform.LabelResource).(string)
	return s
}

// keyNamedBy is the label of the key a field names: by its selector or, in a
// list (where the platform sets literals), by the key's ARN.
func (e *estate) keyNamedBy(v any, field string) string {
	if l := selected(v, field+"Selector"); l != "" {
		return l
	}
	lit, _ := awsrules.Dig(v, field).(string)
	for l, k := range e.keys {
		if lit != "" && k.arn == lit {
			return l
		}
	}
	return ""
}

// bucketNamedBy is the bucket a field names: by its selector or by the
// bucket's name or ARN.
func (e *estate) bucketNamedBy(v any, field string) *bucketOf {
	if l := selected(v, field+"Selector"); l != "" {
		return e.buckets[l]
	}
	lit, _ := awsrules.Dig(v, field).(string)
	for _, b := range e.buckets {
		if lit != "" && (b.name == lit || b.arn == lit) {
			return b
		}
	}
	return nil
}
