// kiln-gen-sdk writes a language SDK for Kiln's package schema, with Pulumi's own code generators.
//
// `pulumi package gen-sdk` (CLI v3.274) asks the language's plugin to generate the SDK (its
// GeneratePackage call). The language hosts the Go module proxy serves (sdk/v3 v3.68.0) predate that
// call, and the newer hosts are not served, so this runs the same generators from pkg/v3 directly.
//
// .NET is left out: its generator downloads a logo from GitHub while it runs.
//
//	kiln-gen-sdk SCHEMA.json python|go|nodejs OUT_DIR
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "kiln-gen-sdk"

func main() {
	if len(os.Args) != 4 {
		fail(fmt.Errorf("usage: %s SCHEMA.json python|go|nodejs OUT_DIR", tool))
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		fail(fmt.Errorf("%s: %w", os.Args[1], err))
	}
	// The schema refers to no other package: no loader needs plugins.
	loader := schema.NewPluginLoader(nil)
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		fail(err)
	}
	if diags.HasErrors() {
		fail(diags)
	}
	files, err := generate(os.Args[2], pkg, loader)
	if err != nil {
		fail(err)
	}
	for name, content := range files {
		path := filepath.Join(os.Args[3], name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			fail(err)
		}
	}
}

func generate(language string, pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
	switch language {
	case "python":
		return pythongen.GeneratePackage(tool, pkg, nil, loader)
	case "go":
		return gogen.GeneratePackage(tool, pkg, nil)
	case "nodejs":
		return nodejsgen.GeneratePackage(tool, pkg, nil, nil, false, loader)
	}
	return nil, fmt.Errorf("unknown language %q", language)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
	os.Exit(1)
}
