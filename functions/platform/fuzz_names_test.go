package main

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/internal/awsrules"
	"github.com/paynext/platform/internal/fakeaws"
)

// fzPlace moves a platform to region with a DR region the XRD admits for it
// (its partition; the EU for an EU region) and its zones renamed to the new
// region, so the name fuzz spends its time on specs the XRD admits.
type fzPlace struct{ region string }

func (p fzPlace) apply(spec map[string]any) string {
	dr := "us-east-1"
	switch {
	case strings.HasPrefix(p.region, "us-gov-"):
		dr = "us-gov-east-1"
		if p.region == dr {
			dr = "us-gov-west-1"
		}
	case v1alpha1.InEU(p.region):
		dr = "eu-west-1"
		if p.region == dr {
			dr = "eu-central-1"
		}
	case p.region == dr:
		dr = "us-west-2"
	}
	spec["region"], spec["drRegion"] = p.region, dr
	network, _ := spec["network"].(map[string]any)
	if network == nil {
		return "region=" + p.region
	}
	zones, _ := network["availabilityZones"].([]any)
	moved := make([]any, 0, len(zones))
	for _, z := range zones {
		if s, ok := z.(string); ok && s != "" {
			moved = append(moved, p.region+s[len(s)-1:])
		}
	}
	network["availabilityZones"] = moved
	return "region=" + p.region + " drRegion=" + dr
}

// fzNameFields are the mutations that change the AWS names the platform
// renders: every region (with a DR region and zones that fit it), every
// environment, suffixes, cluster names up to the longest the XRD allows
// with the suffix, zone counts, the account and the claim's name.
var fzNameFields = func() []fzField {
	var places []any
	for _, r := range v1alpha1.SupportedRegions() {
		places = append(places, fzPlace{region: r})
	}
	return []fzField{
		{[]string{"region"}, places},
		{[]string{"environment"}, []any{"dev", "staging", "prod"}},
		{[]string{"nameSuffix"}, []any{"a", "dr", "abcde", "z9z9z", "x1", fzRemove{}}},
		// 86 is the longest with staging and a 5-letter suffix (the XRD's
		// rule: clusterName+environment+nameSuffix ≤ 98); 90 without one.
		{[]string{"kubernetes", "clusterName"}, []any{"a", "Z", fzLongest(86), fzLongest(88), fzLongest(90), "a-", "a--b", "Paynext-cluster-0", fzRemove{}}},
		{[]string{"network", "availabilityZones"}, []any{fzZones{letters: "a"}, fzZones{letters: "ab"}, fzZones{letters: "abc"}, fzZones{letters: "abcdef"}, fzZones{letters: "fe"}}},
		{[]string{"accountId"}, []any{"123456789012", "000000000000", fzRemove{}}},
		{[]string{"database", "masterUsername"}, []any{"a", "A" + strings.Repeat("b", 62)}},
		{[]string{"compliance", "standards"}, []any{[]any{"pci-dss"}, []any{"pci-dss", "gdpr", "sox", "hipaa"}, fzRemove{}}},
		{[]string{"dataProtection", "allowDeletion"}, []any{true, fzRemove{}}},
		{[]string{"..", "metadata", "labels", "crossplane.io/claim-name"}, []any{"p", strings.Repeat("c", 63), fzRemove{}}},
		{[]string{"..", "metadata", "name"}, []any{"p", strings.Repeat("x", 63)}},
	}
}()

// fzConverge reconciles xr as converged does, but returns a Fatal result's
// message instead of failing: the name fuzz meets specs only the function
// refuses.
func fzConverge(t *testing.T, fn *Function, xr map[string]any) (map[resource.Name]*resource.DesiredComposed, map[resource.Name]resource.ObservedComposed, string) {
	t.Helper()
	region, _ := spec(xr)["region"].(string)
	account, _ := spec(xr)["accountId"].(string)
	var observed map[resource.Name]resource.ObservedComposed
	for pass := 0; pass < 8; pass++ {
		rsp := run(t, fn, newRequest(t, xr, observed))
		if msg := fatalOf(rsp); msg != "" {
			return nil, nil, msg
		}
		desired := desiredOf(t, rsp)
		next := fakeaws.Observe(desired, region, account)
		if len(next) == len(observed) {
			return desired, next, ""
		}
		observed = next
	}
	t.Fatal("the platform did not converge in 8 reconciles")
	return nil, nil, ""
}

// fzRender is the render the AWS rules judge: the desired resources, each
// annotated with its key, with the status AWS reports.
func fzRender(desired map[resource.Name]*resource.DesiredComposed, observed map[resource.Name]resource.ObservedComposed) *awsrules.Render {
	objs := make([]*unstructured.Unstructured, 0, len(desired))
	for name, dc := range desired {
		u := dc.Resource.Unstructured.DeepCopy()
		if o, ok := observed[name]; ok && o.Resource != nil {
			if st, ok := o.Resource.Object["status"]; ok {
				u.Object["status"] = st
			}
		}
		ann := u.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann[awsrules.AnnotationCompositionResource] = string(name)
		u.SetAnnotations(ann)
		objs = append(objs, u)
	}
	return awsrules.NewRender(objs)
}

// FuzzRenderedAWSNames: for every spec the XRD admits, every AWS name and
// identifier of the converged render satisfies its kind's documented length
// and character rules (internal/awsrules NameRules), in every region, with
// the longest cluster names, suffixes and claim names.
func FuzzRenderedAWSNames(f *testing.F) {
	bases, v := fzSetup(f)
	fn := newTestFunction(f)
	rules := awsrules.NameRules()
	// Seeds: the longest names in the longest regions the brief names.
	// Bytes: base index, then (field of fzNameFields, value) pairs.
	f.Add([]byte{3, 1, 1, 2, 2, 3, 2}) // the longest-names claim (ap-southeast-1) in staging with suffix abcde and an 86-character clusterName
	f.Add([]byte{9, 2, 2, 3, 3})       // us-gov-west-1 prod, suffix abcde, an 88-character clusterName
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &fzBytes{data: data}
		base := bases[b.pick(len(bases))]
		xr, edits := fzMutate(base.xr, fzNameFields, b, 10)
		if len(v.Validate(xr)) > 0 {
			return // the API server refuses it: no names to judge
		}
		desired, observed, msg := fzConverge(t, fn, xr)
		checkResponseProperties(t, true, msg, 0, append([]string{base.name}, edits...))
		if msg != "" {
			return
		}
		r := fzRender(desired, observed)
		for _, rule := range rules {
			for _, viol := range rule.Check(r) {
				t.Errorf("AWS refuses this name (%s, %s): %s; base %s, edits %v", rule.URL, rule.Doc, viol, base.name, edits)
			}
		}
	})
}
