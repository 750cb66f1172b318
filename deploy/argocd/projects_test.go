package argocd

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type project struct {
	sources                   []string
	namespaces                []string
	clusterKinds, namespKinds []string
}

func loadProjects(t *testing.T) map[string]project {
	t.Helper()
	out := map[string]project{}
	for _, m := range only(t, loadManifests(t, "projects"), "AppProject") {
		p := project{sources: strs(field(m.obj, "spec", "sourceRepos"))}
		for _, d := range field(m.obj, "spec", "destinations").([]any) {
			p.namespaces = append(p.namespaces, str(d.(map[string]any)["namespace"]))
		}
		kinds := func(key string) []string {
			var ks []string
			l, _ := field(m.obj, "spec", key).([]any)
			for _, e := range l {
				e := e.(map[string]any)
				ks = append(ks, str(e["group"])+"/"+str(e["kind"]))
			}
			return ks
		}
		p.clusterKinds, p.namespKinds = kinds("clusterResourceWhitelist"), kinds("namespaceResourceWhitelist")
		out[str(field(m.obj, "metadata", "name"))] = p
	}
	return out
}

// allows reports why the project would refuse a group/kind in namespace ns
// ("" for cluster-scoped), or "" when it allows it.
func (p project) refuses(group, kind, ns string) string {
	gk := group + "/" + kind
	if ns == "" {
		if !slices.Contains(p.clusterKinds, gk) {
			return "cluster-scoped " + gk + " is not in clusterResourceWhitelist"
		}
		return ""
	}
	if !slices.Contains(p.namespaces, ns) {
		return "namespace " + ns + " is not a destination"
	}
	if !slices.Contains(p.namespKinds, gk) {
		return gk + " is not in namespaceResourceWhitelist"
	}
	return ""
}

// crossplaneChartKinds reads the kinds the Crossplane v2.4.0 chart renders
// from its templates in the crossplane module, with their scope.
func crossplaneChartKinds(t *testing.T) map[string]bool {
	t.Helper()
	scope := map[string]string{ // kind -> group; the chart's namespaced kinds are listed as namespaced
		"ClusterRole": "rbac.authorization.k8s.io", "ClusterRoleBinding": "rbac.authorization.k8s.io",
		"Deployment": "apps", "Secret": "", "Service": "", "ServiceAccount": "",
	}
	namespaced := map[string]bool{"Deployment": true, "Secret": true, "Service": true, "ServiceAccount": true}
	files, _ := filepath.Glob(filepath.Join(moduleDir(t, crossplaneModule), "cluster", "charts", "crossplane", "templates", "*.yaml"))
	kinds := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?m)^kind: (\w+)`).FindAllSubmatch(b, -1) {
			k := string(m[1])
			if _, ok := scope[k]; !ok {
				t.Fatalf("the Crossplane chart renders a %s the test does not know the group of; add it", k)
			}
			kinds[scope[k]+"/"+k] = namespaced[k]
		}
	}
	if len(kinds) == 0 {
		t.Fatal("no kinds in the Crossplane chart's templates")
	}
	return kinds
}

// TestProjectsAllowWhatTheAppsDeploy checks, for every Application of the
// bundle (the root, its children and the rendered claims applications), that
// its AppProject allows its source, destination and every object it syncs,
// so no sync fails on a permission the projects forgot.
func TestProjectsAllowWhatTheAppsDeploy(t *testing.T) {
	projects := loadProjects(t)
	apps := append(only(t, loadManifests(t, "."), "Application"), nil...)
	for env, app := range renderClaimsApps(t) {
		apps = append(apps, manifest{file: "claims ApplicationSet (" + env + ")", obj: app})
	}
	for _, app := range apps {
		p, ok := projects[str(field(app.obj, "spec", "project"))]
		if !ok {
			t.Errorf("%s: project %v is not in projects/", app.name(), field(app.obj, "spec", "project"))
			continue
		}
		if repo := str(field(app.obj, "spec", "source", "repoURL")); !slices.Contains(p.sources, repo) {
			t.Errorf("%s: source %s is not in the project's sourceRepos", app.name(), repo)
		}
		destNS := str(field(app.obj, "spec", "destination", "namespace"))
		if !slices.Contains(p.namespaces, destNS) {
			t.Errorf("%s: destination namespace %s is not one of the project's", app.name(), destNS)
		}
		if chart := str(field(app.obj, "spec", "source", "chart")); chart != "" {
			for gk, namespaced := range crossplaneChartKinds(t) {
				group, kind, _ := strings.Cut(gk, "/")
				ns := ""
				if namespaced {
					ns = destNS
				}
				if why := p.refuses(group, kind, ns); why != "" {
					t.Errorf("%s: the chart renders %s, which the project refuses: %s", app.name(), gk, why)
				}
			}
			if slices.Contains(strs(field(app.obj, "spec", "syncPolicy", "syncOptions")), "CreateNamespace=true") {
				if why := p.refuses("", "Namespace", ""); why != "" {
					t.Errorf("%s: CreateNamespace=true, but %s", app.name(), why)
				}
			}
			continue
		}
		path := strings.TrimPrefix(str(field(app.obj, "spec", "source", "path")), "deploy/argocd/")
		objs := loadManifests(t, path)
		if len(objs) == 0 {
			t.Errorf("%s: its path %s holds no manifests", app.name(), path)
		}
		for _, m := range objs {
			if why := p.refuses(m.gvk().Group, m.gvk().Kind, str(field(m.obj, "metadata", "namespace"))); why != "" {
				t.Errorf("%s syncs %s, which its project refuses: %s", app.name(), m.name(), why)
			}
		}
	}
}

// TestClaimsProjectAllowsOnlyClaims: the teams' project admits one kind, our
// claim, in the team namespaces, and nothing cluster-scoped.
func TestClaimsProjectAllowsOnlyClaims(t *testing.T) {
	p := loadProjects(t)["paynext-claims"]
	if diff := cmp.Diff([]string{"platform.paynext.io/PayNextPlatform"}, p.namespKinds); diff != "" {
		t.Errorf("namespaceResourceWhitelist (-want +got):\n%s", diff)
	}
	if len(p.clusterKinds) != 0 {
		t.Errorf("want no cluster-scoped kind, got %v", p.clusterKinds)
	}
	for _, ns := range p.namespaces {
		if ns == "" || strings.ContainsAny(ns, "*!") || ns == "crossplane-system" || ns == "argocd" || ns == "kube-system" {
			t.Errorf("destination namespace %q is not a team namespace", ns)
		}
	}
}
