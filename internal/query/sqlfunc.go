package query

import (
	"database/sql/driver"
	"sync"

	"modernc.org/sqlite"
)

// The SQL functions behind $contains, $matches_any and $matches_all. Each
// takes the field's text and the words searched for, separated by spaces,
// and returns 1 when the text holds any (or all) of the words as tokens, 0
// when it does not, and NULL when the text is NULL.
const (
	funcWordsAny = "gantry_words_any"
	funcWordsAll = "gantry_words_all"
)

var registerOnce sync.Once

// RegisterSQLFunctions installs the SQLite functions that the statements of
// Select and Count use into the modernc.org/sqlite driver. It must run before
// the database connections are opened, because the driver installs the
// functions only on new connections. It is idempotent and safe for
// concurrent use. Registration only fails when another package registered a
// function of the same name first; that one is then left in place.
func RegisterSQLFunctions() {
	registerOnce.Do(func() {
		_ = sqlite.RegisterDeterministicScalarFunction(funcWordsAny, 2, wordsFunc(false))
		_ = sqlite.RegisterDeterministicScalarFunction(funcWordsAll, 2, wordsFunc(true))
	})
}

// scalarFunc is the signature of a modernc.org/sqlite scalar function.
type scalarFunc = func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error)

func wordsFunc(all bool) scalarFunc {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		var text string
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			text = v
		case []byte:
			text = string(v)
		default:
			return int64(0), nil
		}
		list, _ := args[1].(string)
		if hasWordList(text, list, all) {
			return int64(1), nil
		}
		return int64(0), nil
	}
}

// hasWordList is hasWords for a list given as words separated by spaces.
func hasWordList(s, list string, all bool) bool {
	found := false
	for i := 0; i < len(list); {
		var w string
		w, i = nextWord(list, i)
		if w == "" {
			break
		}
		if hasWord(s, w) != all {
			return !all
		}
		found = true
	}
	return found && all
}
