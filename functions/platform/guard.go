package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/crossplane/function-sdk-go/errors"
	"github.com/crossplane/function-sdk-go/resource"

	"github.com/paynext/platform/apis/platform/v1alpha1"
	"github.com/paynext/platform/functions/platform/internal/platform"
	"github.com/paynext/platform/internal/stateful"
)

// specDigest identifies a spec: the JSON of the typed spec (map keys sorted
// by encoding/json), so fields Crossplane adds to the XR never change it,
// with the zones sorted, since their order changes nothing the platform
// renders.
func specDigest(s *v1alpha1.PlatformSpec) (string, error) {
	normal := *s
	normal.Network.AvailabilityZones = slices.Sorted(slices.Values(s.Network.AvailabilityZones))
	b, err := json.Marshal(&normal)
	if err != nil {
		return "", errors.Wrap(err, "cannot digest the spec")
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:16]), nil
}

// AnnotationRenderedSpec marks a stateful resource with the digest of the
// spec it was last rendered from.
const AnnotationRenderedSpec = stateful.AnnotationRenderedSpec

// StatefulDropError refuses a render that leaves out stateful resources the
// same spec rendered before.
type StatefulDropError struct {
	Dropped []string
	Input   string
}

func (e StatefulDropError) Error() string {
	return fmt.Sprintf("refusing to stop rendering %s: the spec has not changed since they were rendered, so %s; "+
		"nothing was changed, and they render again once it is back (to remove them, change the spec)",
		strings.Join(e.Dropped, ", "), e.Input)
}

// markStateful annotates each desired stateful resource with the digest of
// the spec it is rendered from.
func markStateful(desired map[resource.Name]*resource.DesiredComposed, digest string) {
	for _, d := range desired {
		if !stateful.Kind(platform.GroupVersionKind(d.Resource).GroupKind()) {
			continue
		}
		a := d.Resource.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		a[AnnotationRenderedSpec] = digest
		d.Resource.SetAnnotations(a)
	}
}

// checkNothingStatefulDrops fails when an observed stateful resource that
// was last rendered from this very spec (its rendered-spec annotation) is no
// longer desired: only an input going missing (the account unknown, an
// observed resource gone) can do that. A resource last rendered from an
// earlier spec may go: an edit (a zone removed) dropped it, and its delete
// can take several reconciles (usages hold it until its users let go).
func checkNothingStatefulDrops(digest string, cfg *platform.Config, observed platform.Observed, desired map[resource.Name]*resource.DesiredComposed) error {
	var dropped []string
	for name, oc := range observed {
		if oc.Resource == nil || !stateful.Kind(platform.GroupVersionKind(oc.Resource).GroupKind()) {
			continue
		}
		if oc.Resource.GetAnnotations()[AnnotationRenderedSpec] != digest {
			continue
		}
		if _, ok := desired[name]; !ok {
			dropped = append(dropped, fmt.Sprintf("%s (%s)", name, oc.Resource.GetKind()))
		}
	}
	if len(dropped) == 0 {
		return nil
	}
	slices.Sort(dropped)
	input := "an input they are rendered from is missing: an observed resource they need, or a status field"
	if cfg.AccountID == "" {
		input = "the AWS account is unknown: spec.accountId is unset, status.accountId is empty and the VPC's ARN is not observed"
	}
	return StatefulDropError{Dropped: dropped, Input: input}
}
