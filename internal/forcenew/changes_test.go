package forcenew

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestChangesNamesOnlyReplaceOnlyFieldsBothSidesHold(t *testing.T) {
	nodeGroup := schema.GroupVersionKind{Group: "eks.aws.upbound.io", Version: "v1beta1", Kind: "NodeGroup"}
	vpc := schema.GroupVersionKind{Group: "ec2.aws.upbound.io", Version: "v1beta1", Kind: "VPC"}
	obj := func(name string, fp map[string]any) map[string]any {
		o := map[string]any{"spec": map[string]any{"forProvider": fp}}
		if name != "" {
			o["metadata"] = map[string]any{"annotations": map[string]any{"crossplane.io/external-name": name}}
		}
		return o
	}
	cases := map[string]struct {
		gvk               schema.GroupVersionKind
		desired, observed map[string]any
		want              []string
	}{
		"a subnet added to a node group replaces it": {
			gvk:      nodeGroup,
			desired:  obj("ng", map[string]any{"subnetIds": []any{"subnet-a", "subnet-b", "subnet-c"}, "scalingConfig": []any{map[string]any{"desiredSize": 3.0}}}),
			observed: obj("ng", map[string]any{"subnetIds": []any{"subnet-a", "subnet-b"}, "scalingConfig": []any{map[string]any{"desiredSize": int64(2)}}}),
			want:     []string{`spec.forProvider.subnetIds: [subnet-a subnet-b] -> [subnet-a subnet-b subnet-c]`},
		},
		"the same subnets in another order are no change (a set)": {
			gvk:      nodeGroup,
			desired:  obj("ng", map[string]any{"subnetIds": []any{"subnet-b", "subnet-a"}}),
			observed: obj("ng", map[string]any{"subnetIds": []any{"subnet-a", "subnet-b"}}),
		},
		"a new external name is a new AWS resource": {
			gvk:      nodeGroup,
			desired:  obj("ng-new", map[string]any{}),
			observed: obj("ng-old", map[string]any{}),
			want:     []string{`metadata.annotations[crossplane.io/external-name]: "ng-old" -> "ng-new"`},
		},
		"a field only desired sets is not judged": {
			gvk:      nodeGroup,
			desired:  obj("", map[string]any{"amiType": "AL2023_x86_64_STANDARD"}),
			observed: obj("", map[string]any{}),
		},
		"an in-place field (tags) is no replacement; a number compares by value": {
			gvk:      vpc,
			desired:  obj("", map[string]any{"tags": map[string]any{"a": "b"}, "cidrBlock": "10.0.0.0/16"}),
			observed: obj("", map[string]any{"tags": map[string]any{"a": "c"}, "cidrBlock": "10.0.0.0/16"}),
		},
		"a new VPC CIDR replaces the VPC": {
			gvk:      vpc,
			desired:  obj("", map[string]any{"cidrBlock": "10.1.0.0/16"}),
			observed: obj("", map[string]any{"cidrBlock": "10.0.0.0/16"}),
			want:     []string{`spec.forProvider.cidrBlock: "10.0.0.0/16" -> "10.1.0.0/16"`},
		},
		"a kind the table lacks has no replace-only fields": {
			gvk:      schema.GroupVersionKind{Group: "example.org", Version: "v1", Kind: "Thing"},
			desired:  obj("a", map[string]any{}),
			observed: obj("b", map[string]any{}),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, c := range Changes(tc.gvk, tc.desired, tc.observed) {
				got = append(got, c.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Changes(): want exactly the replace-only fields both sides hold with different values (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAnApplicationLoadBalancersSubnetsChangeInPlace: the table marks a load
// balancer's subnets replace-only under customizeDiffLoadBalancerNLB, which
// forces a replacement only for a network load balancer.
func TestAnApplicationLoadBalancersSubnetsChangeInPlace(t *testing.T) {
	lb := schema.GroupVersionKind{Group: "elbv2.aws.upbound.io", Version: "v1beta1", Kind: "LB"}
	for lbType, fires := range map[string]bool{"application": false, "network": true} {
		desired := map[string]any{"spec": map[string]any{"forProvider": map[string]any{"loadBalancerType": lbType, "subnets": []any{"a", "b", "c"}}}}
		observed := map[string]any{"spec": map[string]any{"forProvider": map[string]any{"loadBalancerType": lbType, "subnets": []any{"a", "b"}}}}
		changes := Changes(lb, desired, observed)
		if len(changes) != 1 || !changes[0].Conditional {
			t.Fatalf("%s: want the subnets as one conditional change, got %v", lbType, changes)
		}
		if got := changes[0].Fires(desired); got != fires {
			t.Errorf("%s load balancer: Fires() = %v, want %v", lbType, got, fires)
		}
	}
}
