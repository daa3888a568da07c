package tfcommon

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The troubleshooting guide quotes the provider's error summaries in its headings, one per
// heading, in the form
//
//	### "Calico API Server Unavailable"
//
// Every such summary must be, whole, a string literal of the provider's code (the non-test Go
// files under internal/, the test harnesses acctest and testenv left out), so that a summary
// reworded in the code fails this test until the guide follows.
const troubleshootingGuide = "../../templates/guides/troubleshooting.md.tmpl"

// summaryHeading is a heading that quotes a summary: the whole heading text is the quote.
var summaryHeading = regexp.MustCompile(`^#{2,6} "([^"]+)"$`)

// harnesses are the directories under internal/ that hold test support, not the provider.
var harnesses = map[string]bool{"acctest": true, "testenv": true}

func TestTroubleshootingGuideQuotesSummariesOfTheCode(t *testing.T) {
	summaries := guideSummaries(t, troubleshootingGuide)
	if len(summaries) < 10 {
		t.Fatalf("%s quotes %d summaries in headings of the form ### \"Summary\"; the guide's convention changed?",
			troubleshootingGuide, len(summaries))
	}
	literals := codeStringLiterals(t, "..")
	for _, s := range summaries {
		if !literals[s.text] {
			t.Errorf("%s:%d: heading quotes %q, which is no string literal of the provider's code under internal/: "+
				"quote the summary exactly as the code words it", troubleshootingGuide, s.line, s.text)
		}
	}
}

type quotedSummary struct {
	text string
	line int
}

// guideSummaries are the summaries the guide's headings quote. A heading with a quote in any
// other form fails the test, so that none is skipped unseen.
func guideSummaries(t *testing.T, path string) []quotedSummary {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []quotedSummary
	fenced := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t")
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(line, "#") || !strings.Contains(line, `"`) {
			continue
		}
		m := summaryHeading.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s:%d: heading %q quotes something but is not of the form ### \"Summary\"", path, n, line)
			continue
		}
		out = append(out, quotedSummary{text: m[1], line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// codeStringLiterals are the values of every string literal in the non-test Go files under root.
func codeStringLiterals(t *testing.T, root string) map[string]bool {
	t.Helper()
	literals := map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != root && (harnesses[d.Name()] || d.Name() == "testdata"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					literals[s] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return literals
}
