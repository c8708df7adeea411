// kiln-gen-sdk writes a language SDK for Kiln's package schema, with Pulumi's own code generators.
//
// `pulumi package gen-sdk` (CLI v3.274) asks the language's plugin to generate the SDK (its
// GeneratePackage call). The language hosts the Go module proxy serves (sdk/v3 v3.68.0) predate that
// call, and the newer hosts are not served, so this runs the same generators from pkg/v3 directly.
//
// The .NET generator fetches the package logo over HTTP while it runs (the schema's logoUrl, or Pulumi's
// logo on GitHub): here the logo is drawn in-process and served under a URL scheme only this process
// answers, so every SDK is generated offline.
//
//	kiln-gen-sdk SCHEMA.json python|go|nodejs|dotnet OUT_DIR
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"

	dotnetgen "github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	nodejsgen "github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	pythongen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "kiln-gen-sdk"

func main() {
	if len(os.Args) != 4 {
		fail(fmt.Errorf("usage: %s SCHEMA.json python|go|nodejs|dotnet OUT_DIR", tool))
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
	case "dotnet":
		serveLogoOffline(pkg)
		// The project embeds version.txt (the SDK reports its version from it); providers' builds write it.
		version := []byte(pkg.Version.String() + "\n")
		return dotnetgen.GeneratePackage(tool, pkg, map[string][]byte{"version.txt": version}, nil)
	}
	return nil, fmt.Errorf("unknown language %q", language)
}

// logoScheme is answered by logoTransport, registered on the default transport the generator's
// http.Get uses: no request leaves the process.
const logoScheme = "kiln-logo"

func serveLogoOffline(pkg *schema.Package) {
	http.DefaultTransport.(*http.Transport).RegisterProtocol(logoScheme, logoTransport{})
	pkg.LogoURL = logoScheme + ":///logo.png"
}

type logoTransport struct{}

// RoundTrip answers with the NuGet package icon: a 64x64 square in kiln orange.
func (logoTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	icon := image.NewRGBA(image.Rect(0, 0, 64, 64))
	draw.Draw(icon, icon.Bounds(), &image.Uniform{color.RGBA{0xc8, 0x5a, 0x1e, 0xff}}, image.Point{}, draw.Src)
	var body bytes.Buffer
	if err := png.Encode(&body, icon); err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"image/png"}},
		Body:       io.NopCloser(&body),
		Request:    req,
	}, nil
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
	os.Exit(1)
}
