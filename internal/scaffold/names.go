package scaffold

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalid is wrapped by every error that Render and CheckName return for
// an Endpoint or name that cannot become an endpoint file.
var ErrInvalid = errors.New("invalid endpoint")

// A name must be lower_snake_case: it is the last part of the proto package
// and the file's name, and buf's lint rejects anything else there.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// CheckName returns nil when name can name an endpoint, or an error wrapping
// ErrInvalid that says why not.
func CheckName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf(
			"%w: name %q must be lower_snake_case: a-z, 0-9 and single underscores, "+
				"starting with a letter",
			ErrInvalid, name)
	}
	return nil
}

// FilePath returns the endpoint file's path, slash-separated and relative to
// the repository root: proto/dozer/generated/<name>/<name>.proto.
func FilePath(name string) string {
	return "proto/dozer/generated/" + name + "/" + name + ".proto"
}

// Names returns the names Dozer gives an endpoint's typed API: the proto
// package dozer.generated.<name>, the typed service (the PascalCase name with
// its last word in the plural: stocks_meta → StocksMetas, city → Cities,
// bus → Buses) and the record message (the PascalCase name: StocksMeta,
// TripsCache). Names expects a name that CheckName accepts.
//
// Dozer derives both from the Rust Inflector crate; two things differ here.
// Dozer singularizes the record (films → Film) and so follows Inflector's
// Latin rules (stocks_meta → StocksMeum); gantry keeps the name as is, as the
// shipped files do. When a name is already plural, so that the record would
// clash with the service, the record gets a Record suffix (films → service
// Films, record FilmsRecord) where Dozer would write Film. And the plural
// comes from a short list of English rules, not Inflector's tables, so rare
// words can differ (virus → Viruses, Inflector's Viri). Only the package and
// the service appear in RPC paths; the record's name is not on the wire.
func Names(name string) (pkg, service, record string) {
	words := strings.Split(name, "_")
	record = pascal(words)
	words[len(words)-1] = plural(words[len(words)-1])
	service = pascal(words)
	if record == service {
		record += "Record"
	}
	return "dozer.generated." + name, service, record
}

func pascal(words []string) string {
	var b strings.Builder
	for _, w := range words {
		if w == "" {
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
		b.WriteString(w[1:])
	}
	return b.String()
}

var irregularPlurals = map[string]string{
	"child":  "children",
	"man":    "men",
	"mouse":  "mice",
	"person": "people",
	"woman":  "women",
}

// uncountable words are their own plural.
var uncountable = map[string]bool{
	"data": true, "deer": true, "equipment": true, "fish": true,
	"information": true, "metadata": true, "money": true, "news": true,
	"rice": true, "series": true, "sheep": true, "species": true,
}

// plural returns the English plural of a lowercase word. A word that ends in
// a plain s is taken to be plural already (trips, films), as Inflector does.
func plural(w string) string {
	if p, ok := irregularPlurals[w]; ok {
		return p
	}
	switch {
	case uncountable[w]:
		return w
	case strings.HasSuffix(w, "sis"):
		return w[:len(w)-2] + "es"
	case hasAnySuffix(w, "ss", "us", "x", "z", "ch", "sh"):
		return w + "es"
	case strings.HasSuffix(w, "s"):
		return w
	case len(w) > 1 && w[len(w)-1] == 'y' && !isVowel(w[len(w)-2]):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func isVowel(c byte) bool {
	return strings.IndexByte("aeiou", c) >= 0
}
