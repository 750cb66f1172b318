// Command observe turns the output of `crossplane render` into the observed
// resources the fake provider would report once every rendered resource
// exists (fakeaws), for `crossplane render --observed-resources`. Repeating
// render → observe until nothing new renders shows the converged platform
// without AWS; hack/validate.sh does that so second-phase resources are
// schema-validated too.
//
//	crossplane render … | observe REGION [ACCOUNT] > observed.yaml
//
// ACCOUNT (default fakeaws.AccountID) is the account the fabricated ARNs
// name: the claim's spec.accountId when it has one.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/paynext/platform/internal/fakeaws"
)

func main() {
	if len(os.Args) != 2 && len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: observe REGION [ACCOUNT] < rendered.yaml > observed.yaml")
		os.Exit(2)
	}
	account := fakeaws.AccountID
	if len(os.Args) == 3 && os.Args[2] != "" {
		account = os.Args[2]
	}
	n, err := observe(os.Stdin, os.Stdout, os.Args[1], account)
	if err != nil {
		fmt.Fprintln(os.Stderr, "observe:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "observe: %d composed resources observed\n", n)
}

func observe(in io.Reader, out io.Writer, region, account string) (int, error) {
	dec := yaml.NewYAMLOrJSONDecoder(bufio.NewReader(in), 4096)
	n := 0
	for {
		obj := map[string]any{}
		if err := dec.Decode(&obj); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
		cd := composed.New()
		cd.SetUnstructuredContent(obj)
		key := cd.GetAnnotations()["crossplane.io/composition-resource-name"]
		if key == "" {
			continue // the XR itself, or results
		}
		o := fakeaws.ObserveOneIn(key, cd, region, account)
		b, err := sigsyaml.Marshal(o.Object)
		if err != nil {
			return n, err
		}
		if _, err := out.Write(append([]byte("---\n"), bytes.TrimSpace(b)...)); err != nil {
			return n, err
		}
		fmt.Fprintln(out)
		n++
	}
}
